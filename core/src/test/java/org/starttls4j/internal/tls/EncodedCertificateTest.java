package org.starttls4j.internal.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.PublicKey;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.starttls4j.testing.CertificateVariants;
import org.starttls4j.testing.CertificateVariants.Leaf;
import org.starttls4j.testing.DelegatingCertificate;
import org.starttls4j.testing.TestPki.KeyType;

/**
 * Certificates that decode on demand (Netty's OpenSSL sessions hand out such) are judged from their
 * encoding where it says enough: the strength rule and the host name check give the same verdicts
 * as through the JDK's getters, on every kind of certificate the tests can make, and a strong,
 * well-named certificate is judged without its getters.
 */
class EncodedCertificateTest {

    private static final List<StrengthFloor> FLOORS = List.of(StrengthFloor.DEFAULT, new StrengthFloor(2048, 384, false),
            new StrengthFloor(3072, 521, true), new StrengthFloor(1024, 256, true));

    private static final List<Leaf> LEAVES = leaves();

    private static List<Leaf> leaves() {
        List<Leaf> leaves = new ArrayList<>();
        for (String key : List.of("RSA-1024", "RSA-2048", "EC-256", "EC-384", "DSA-1024", "DSA-2048", "Ed25519")) {
            leaves.add(Leaf.rsa("mail.example.test").withKey(key));
        }
        for (String signature : List.of("SHA1withRSA", "SHA256withRSA", "SHA384withRSA", "SHA512withRSA", "MD5withRSA")) {
            leaves.add(Leaf.rsa("mail.example.test").signedWith(signature));
        }
        leaves.add(new Leaf(KeyType.EC_P256, "EC-256", "SHA256withECDSA", "mail.example.test", List.of("mail.example.test"),
                List.of(), List.of(), 0));
        leaves.add(new Leaf(KeyType.EC_P256, "EC-256", "SHA1withECDSA", "mail.example.test", List.of("mail.example.test"),
                List.of(), List.of(), 0));
        leaves.add(Leaf.rsa("*.example.test", "mx.other.test"));
        leaves.add(Leaf.rsa().withCommonName("mail.example.test"));
        leaves.add(Leaf.rsa("mail.example.test").withIpAddresses("192.0.2.1", "2001:db8::1"));
        leaves.add(Leaf.rsa().withCommonName("mail.example.test").withIpAddresses("192.0.2.1"));
        leaves.add(Leaf.rsa("MAIL.Example.TEST", "xn--bcher-kva.example.test"));
        leaves.add(Leaf.rsa("mail.example.test").withPurposes().withKeyUsage(0)); // no extension but the names
        return leaves;
    }

    /** A certificate of no JDK class, as Netty's are: the encoding is read. */
    private static X509Certificate onDemand(X509Certificate certificate) {
        return new DelegatingCertificate(certificate);
    }

    private static List<List<X509Certificate>> chains() {
        List<List<X509Certificate>> chains = new ArrayList<>();
        for (Leaf leaf : LEAVES) {
            chains.add(leaf.issue().chain());
        }
        for (String signature : List.of("SHA1withRSA", "SHA256withRSA")) {
            chains.add(CertificateVariants.underIntermediate(signature, "mail.example.test").chain());
        }
        chains.add(List.of(CertificateVariants.selfSigned("SHA1withRSA")));
        chains.add(List.of(CertificateVariants.selfSigned("SHA256withRSA")));
        return chains;
    }

    @Test
    void theStrengthRuleGivesTheSameVerdictsFromTheEncoding() {
        for (List<X509Certificate> chain : chains()) {
            List<X509Certificate> lazy = chain.stream().map(EncodedCertificateTest::onDemand).toList();
            for (StrengthFloor floor : FLOORS) {
                Optional<CertificateStrengths.Weakness> expected = CertificateStrengths.weakness(chain, floor, c -> false);
                assertThat(CertificateStrengths.weakness(lazy, floor, c -> false)).as("%s under %s", chain.get(0), floor)
                        .isEqualTo(expected);
                if (chain.size() > 1) { // the intermediate as the anchor: its signature is not judged
                    X509Certificate anchor = chain.get(1);
                    assertThat(CertificateStrengths.weakness(lazy, floor, c -> c.equals(anchor)))
                            .isEqualTo(CertificateStrengths.weakness(chain, floor, c -> c.equals(anchor)));
                }
            }
        }
    }

    @Test
    void aWeakKeyOrDigestFailsFromTheEncodingAsThroughTheGetters() {
        X509Certificate weakKey = onDemand(Leaf.rsa("mail.example.test").withKey("RSA-1024").issue().leaf());
        X509Certificate weakDigest = onDemand(Leaf.rsa("mail.example.test").signedWith("SHA1withRSA").issue().leaf());

        assertThat(CertificateStrengths.weakness(List.of(weakKey), StrengthFloor.DEFAULT, c -> false))
                .map(CertificateStrengths.Weakness::problem).contains(Problem.WEAK_KEY);
        assertThat(CertificateStrengths.weakness(List.of(weakDigest), StrengthFloor.DEFAULT, c -> false))
                .map(CertificateStrengths.Weakness::problem).contains(Problem.WEAK_SIGNATURE);
        assertThat(CertificateStrengths.weakness(List.of(onDemand(Leaf.rsa("m.test").withKey("EC-256").issue().leaf())),
                new StrengthFloor(2048, 384, false), c -> false)).map(CertificateStrengths.Weakness::problem).contains(Problem.WEAK_KEY);
    }

    @Test
    void theHostNameCheckGivesTheSameVerdictsFromTheEncoding() {
        List<String> references = List.of("mail.example.test", "MAIL.example.test.", "mx.example.test", "a.mx.example.test",
                "example.test", "mx.other.test", "other.test", "bücher.example.test", "192.0.2.1", "2001:db8::1", "192.0.2.2");
        for (Leaf leaf : LEAVES) {
            X509Certificate certificate = leaf.issue().leaf();
            for (String reference : references) {
                assertThat(HostNames.matches(onDemand(certificate), reference)).as("%s for %s", leaf, reference)
                        .isEqualTo(HostNames.matches(certificate, reference));
            }
        }
    }

    @Test
    void aStrongWellNamedCertificateIsJudgedWithoutItsGetters() {
        for (String key : List.of("RSA-2048", "EC-256", "EC-384", "Ed25519")) {
            X509Certificate certificate = withoutGetters(Leaf.rsa("*.example.test").withKey(key).issue().leaf());

            assertThat(CertificateStrengths.weakness(List.of(certificate), StrengthFloor.DEFAULT, c -> false)).as(key).isEmpty();
            assertThat(HostNames.matches(certificate, "mail.example.test")).isTrue();
            assertThat(HostNames.matches(certificate, "example.test")).isFalse();
        }
    }

    @Test
    void whatTheEncodingSaysIsReadExactly() {
        EncodedCertificate rsa = EncodedCertificate.of(onDemand(Leaf.rsa("mail.example.test", "*.example.test")
                .withIpAddresses("192.0.2.1").issue().leaf()));
        assertThat(rsa.keyFamily()).isEqualTo(EncodedCertificate.KeyFamily.RSA);
        assertThat(rsa.keyBits()).isEqualTo(2048);
        assertThat(rsa.strongSignature()).isTrue();
        assertThat(rsa.dnsNames()).containsExactly("mail.example.test", "*.example.test");

        EncodedCertificate ec = EncodedCertificate.of(onDemand(Leaf.rsa("m.test").withKey("EC-384").signedWith("SHA1withRSA")
                .issue().leaf()));
        assertThat(ec.keyFamily()).isEqualTo(EncodedCertificate.KeyFamily.EC);
        assertThat(ec.keyBits()).isEqualTo(384);
        assertThat(ec.strongSignature()).as("SHA-1 is for the getters to judge").isFalse();

        EncodedCertificate dsa = EncodedCertificate.of(onDemand(Leaf.rsa("m.test").withKey("DSA-2048").issue().leaf()));
        assertThat(dsa.keyFamily()).as("not read: the getters judge DSA").isNull();
        assertThat(dsa.keyBits()).isEqualTo(EncodedCertificate.UNKNOWN_KEY);

        EncodedCertificate garbage = EncodedCertificate.of(new DelegatingCertificate(rsaLeaf()) {
            @Override
            public byte[] getEncoded() {
                return new byte[] {0x30, (byte) 0x84, 0, 0, 0, 1, 0};
            }
        });
        assertThat(garbage.keyFamily()).isNull();
        assertThat(garbage.strongSignature()).isFalse();
        assertThat(garbage.dnsNames()).isNull();
        assertThat(EncodedCertificate.decodesOnDemand(rsaLeaf())).as("the JDK's own").isFalse();
    }

    @Test
    void everyTruncationOfAnEncodingReadsAsUnknownNeverThrows() throws Exception {
        byte[] der = rsaLeaf().getEncoded();
        for (int n = 0; n < der.length; n++) {
            byte[] cut = java.util.Arrays.copyOf(der, n);
            EncodedCertificate read = EncodedCertificate.of(new DelegatingCertificate(rsaLeaf()) {
                @Override
                public byte[] getEncoded() {
                    return cut;
                }
            });
            assertThat(read.keyFamily()).as("cut at %d", n).isNull();
            assertThat(read.dnsNames()).isNull();
        }
    }

    private static X509Certificate rsaLeaf() {
        return Leaf.rsa("mail.example.test").issue().leaf();
    }

    /** A certificate whose decoded getters fail the test if called. */
    private static X509Certificate withoutGetters(X509Certificate certificate) {
        Function<String, AssertionError> called = name -> new AssertionError(name + " was called: the encoding said enough");
        return new DelegatingCertificate(certificate) {
            @Override
            public PublicKey getPublicKey() {
                throw called.apply("getPublicKey");
            }

            @Override
            public String getSigAlgName() {
                throw called.apply("getSigAlgName");
            }

            @Override
            public Collection<List<?>> getSubjectAlternativeNames() throws CertificateParsingException {
                throw called.apply("getSubjectAlternativeNames");
            }
        };
    }
}
