package org.starttls4j.internal.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.starttls4j.testing.CertificateVariants.Leaf;
import org.starttls4j.testing.DelegatingCertificate;

/**
 * {@link EncodedCertificate} against the JDK's own decoder, byte for byte: whatever a peer's
 * certificate looks like after any few bytes of a real one are changed, each thing the encoding is
 * read to say (key family and size, a strong signature, the dNSNames) is either "unknown" or what
 * the JDK's {@code CertificateFactory} reads from the same bytes. A reader that disagreed with the
 * JDK anywhere would let a weak key, a weak digest or a wrong name pass the checks unseen: the
 * trust manager judged the JDK's reading, the checks would judge ours.
 */
class EncodedCertificateDifferentialProperties {

    private static final Set<String> STRONG_NAMES = Set.of("SHA224withRSA", "SHA256withRSA", "SHA384withRSA",
            "SHA512withRSA", "SHA224withECDSA", "SHA256withECDSA", "SHA384withECDSA", "SHA512withECDSA", "Ed25519",
            "Ed448", "EdDSA");

    private static final List<byte[]> ORIGINALS = originals();

    private static List<byte[]> originals() {
        List<byte[]> all = new ArrayList<>();
        for (Leaf leaf : List.of(Leaf.rsa("mail.example.test", "*.example.test").withIpAddresses("192.0.2.1"),
                Leaf.rsa("mail.example.test").withKey("EC-384").signedWith("SHA1withRSA"),
                Leaf.rsa("a.test").withKey("RSA-1024"), Leaf.rsa("b.test").withKey("Ed25519"),
                Leaf.rsa().withCommonName("mail.example.test"))) {
            try {
                all.add(leaf.issue().leaf().getEncoded());
            } catch (java.security.cert.CertificateEncodingException e) {
                throw new AssertionError(e);
            }
        }
        return all;
    }

    /** One change to a byte of the encoding: where, and the new value. */
    record Change(int at, byte value) {
    }

    @Property(tries = 2_000)
    void whatTheEncodingSaysIsUnknownOrTheJdksReading(@ForAll @IntRange(min = 0, max = 4) int original,
                                                       @ForAll @Size(min = 1, max = 3) List<@From("changes") Change> changes) {
        byte[] der = ORIGINALS.get(original).clone();
        for (Change change : changes) {
            der[Math.floorMod(change.at(), der.length)] = change.value();
        }
        X509Certificate jdk = jdkReading(der);
        EncodedCertificate ours = EncodedCertificate.of(withEncoding(ORIGINALS.get(original), der));
        Statistics.label("read").collect(jdk == null ? "refused by the JDK"
                : ours.keyFamily() != null && ours.dnsNames() != null ? "key and names read" : "partly unknown");
        if (jdk == null) {
            return; // no trust manager of the JDK accepts what its decoder refuses: nothing to agree on
        }
        if (ours.keyFamily() != null) {
            assertThat(ours.keyBits()).as("key size").isEqualTo(bits(jdk.getPublicKey(), ours.keyFamily()));
        }
        if (ours.strongSignature()) {
            assertThat(jdk.getSigAlgName()).as("signature").isIn(STRONG_NAMES);
        }
        String[] names = ours.dnsNames();
        if (names != null) {
            assertThat(names).as("dNSNames").containsExactlyElementsOf(jdkDnsNames(jdk));
        }
        // Not vacuous: most changed encodings are still read, and read the JDK's way.
        Statistics.label("read").coverage(coverage -> coverage.check("key and names read").percentage(p -> p > 15));
    }

    /**
     * The host name check over names of any shape a CA can put in a certificate: read from the
     * encoding or through the getters, the same verdict for every reference name.
     */
    @Property(tries = 300)
    void theHostNameCheckGivesTheGettersVerdictForAnyNames(@ForAll @Size(min = 0, max = 3) List<@From("names") String> names,
                                                          @ForAll("names") String other, @ForAll boolean listed) {
        X509Certificate certificate;
        try {
            certificate = Leaf.rsa(names.toArray(String[]::new)).withCommonName("cn.example.test").issue().leaf();
        } catch (RuntimeException notIssuable) {
            return; // a name the CA's library refuses to encode
        }
        X509Certificate onDemand = new DelegatingCertificate(certificate);
        for (String reference : List.of(listed && !names.isEmpty() ? names.get(0) : other, "cn.example.test",
                "mail.example.test", other.toUpperCase(java.util.Locale.ROOT))) {
            assertThat(HostNames.matches(onDemand, reference)).as("%s against %s", reference, names)
                    .isEqualTo(HostNames.matches(certificate, reference));
        }
    }

    @Provide
    Arbitrary<String> names() {
        Arbitrary<String> label = Arbitraries.strings().withChars("abzAZ09-_*.").ofMinLength(0).ofMaxLength(6);
        return label.list().ofMinSize(1).ofMaxSize(4).map(labels -> String.join(".", labels))
                .filter(name -> !name.isEmpty());
    }

    @Provide
    Arbitrary<Change> changes() {
        return Combinators.combine(Arbitraries.integers().between(0, 4_000), Arbitraries.bytes()).as(Change::new);
    }

    private static int bits(PublicKey key, EncodedCertificate.KeyFamily family) {
        return switch (family) {
            case RSA -> ((RSAPublicKey) key).getModulus().bitLength();
            case EC -> ((ECPublicKey) key).getParams().getCurve().getField().getFieldSize();
            case FIXED -> {
                assertThat(key.getAlgorithm()).isIn("Ed25519", "Ed448", "EdDSA");
                yield 0;
            }
        };
    }

    /** The dNSNames the JDK's getter reads; shared with {@link EncodedCertificateEdgesTest}. */
    static List<String> jdkDnsNames(X509Certificate certificate) {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> alternatives = certificate.getSubjectAlternativeNames();
            if (alternatives != null) {
                for (List<?> entry : alternatives) {
                    if (Integer.valueOf(2).equals(entry.get(0))) {
                        names.add((String) entry.get(1));
                    }
                }
            }
        } catch (java.security.cert.CertificateParsingException e) {
            throw new AssertionError("the JDK refuses the names that were read: " + e.getMessage());
        }
        return names;
    }

    private static X509Certificate jdkReading(byte[] der) {
        try {
            X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der));
            certificate.getPublicKey();
            return certificate;
        } catch (CertificateException | RuntimeException e) {
            return null;
        }
    }

    private static X509Certificate withEncoding(byte[] original, byte[] der) {
        X509Certificate base = jdkReading(original);
        return new DelegatingCertificate(base) {
            @Override
            public byte[] getEncoded() {
                return der.clone();
            }
        };
    }
}
