package org.starttls4j.internal.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.starttls4j.testing.CertificateVariants.Leaf;
import org.starttls4j.testing.DelegatingCertificate;

/**
 * The host name check on certificates read from their encoding (as Netty's OpenSSL sessions hand
 * them out) at the edges of what {@link EncodedCertificate} reads: names with a hyphen or a star
 * where a host name has none, characters outside letters, digits and hyphens, more names than its
 * first array holds, and addresses beside names. Each verdict is the one the JDK's getters give;
 * and a reference that is an address or no host name matches no DNS identifier either way. An
 * encoding the JDK refuses reads as unknown: nothing is judged strong that the JDK would not read.
 */
class EncodedCertificateEdgesTest {

    private static final List<String> ODD_NAMES = List.of("a-.example.test", "-a.example.test", "a.b-", "a-b.example.test",
            "*.example.test", "x*.example.test", "*x.example.test", "a*b.example.test", "*.*.example.test", "*", "*.",
            "a_b.example.test", "A.EXAMPLE.TEST", "0.example.test", "z9.example.test", "a..example.test",
            "a.example.test.", "192.0.2.1", "mail.example.test");

    @Test
    void everyOddNameGetsTheGettersVerdictWhenReadFromTheEncoding() {
        for (String name : ODD_NAMES) {
            X509Certificate certificate = issued(name);
            if (certificate == null) {
                continue; // a name the CA's library refuses to encode
            }
            assertSameVerdicts(certificate, List.of(name));
        }
    }

    @Test
    void moreNamesThanTheReadersFirstArrayHoldsAreAllRead() {
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            many.add("mx" + i + ".example.test");
        }
        X509Certificate certificate = Leaf.rsa(many.toArray(String[]::new)).issue().leaf();
        assertThat(EncodedCertificate.of(new DelegatingCertificate(certificate)).dnsNames()).containsExactlyElementsOf(many);
        assertSameVerdicts(certificate, many);
    }

    @Test
    void namesBesideAddressesAreReadAndTheAddressesAreNotNames() {
        X509Certificate certificate = Leaf.rsa("mail.example.test", "mx.example.test")
                .withIpAddresses("192.0.2.1", "2001:db8::1").issue().leaf();
        assertThat(EncodedCertificate.of(new DelegatingCertificate(certificate)).dnsNames())
                .containsExactly("mail.example.test", "mx.example.test");
        assertSameVerdicts(certificate, List.of("mail.example.test", "mx.example.test", "192.0.2.1", "2001:db8::1"));
    }

    @Test
    void anIpLiteralMatchesNoDnsNameOrCommonNameSpellingIt() {
        // RFC 6125 §1.7.2: an address is compared with iPAddress entries only
        X509Certificate named = Leaf.rsa("192.0.2.1").issue().leaf();
        X509Certificate commonNamed = Leaf.rsa().withCommonName("192.0.2.1").issue().leaf();
        for (X509Certificate certificate : List.of(named, commonNamed)) {
            assertThat(HostNames.matches(certificate, "192.0.2.1")).isFalse();
            assertThat(HostNames.matches(new DelegatingCertificate(certificate), "192.0.2.1")).isFalse();
        }
        assertThat(HostNames.dnsIdMatches("192.0.2.1", "192.0.2.1")).isFalse();
        assertThat(HostNames.dnsIdMatches("1.2.3.4", "1.2.3.4.")).isFalse();
    }

    @Test
    void aReferenceWithALabelOver63CharactersIsNoHostNameAndMatchesNothing() {
        String label64 = "a".repeat(64);
        String label63 = "a".repeat(63);
        assertThat(HostNames.dnsIdMatches(label64 + ".example.test", label64 + ".example.test")).isFalse();
        assertThat(HostNames.dnsIdMatches("*.example.test", label64 + ".example.test")).isFalse();
        assertThat(HostNames.dnsIdMatches("mail." + label64, "mail." + label64)).isFalse();
        assertThat(HostNames.dnsIdMatches(label63 + ".example.test", label63 + ".example.test")).isTrue();
        assertThat(HostNames.dnsIdMatches("*.example.test", label63 + ".example.test")).isTrue();
        X509Certificate certificate = issued(label64 + ".example.test");
        if (certificate != null) {
            assertThat(HostNames.matches(certificate, label64 + ".example.test")).isFalse();
            assertThat(HostNames.matches(new DelegatingCertificate(certificate), label64 + ".example.test")).isFalse();
        }
    }

    @Test
    void aNameWithEmptyLabelsIsNoReference() {
        X509Certificate certificate = issued("mail.example.test");
        for (String reference : List.of(".mail.example.test", "mail..example.test", "..", ".")) {
            assertThat(HostNames.matches(certificate, reference)).as(reference).isFalse();
            assertThat(HostNames.matches(new DelegatingCertificate(certificate), reference)).as(reference).isFalse();
        }
    }

    @Test
    void aCertificateWhoseTwoSignatureAlgorithmsDifferReadsAsUnknownAsTheJdkRefusesIt() throws Exception {
        byte[] der = Leaf.rsa("mail.example.test").signedWith("SHA256withRSA").issue().leaf().getEncoded();
        byte[] sha256WithRsa = HexFormat.of().parseHex("06092a864886f70d01010b");
        int inner = indexOf(der, sha256WithRsa, 0);
        assertThat(inner).isPositive();
        assertThat(indexOf(der, sha256WithRsa, inner + 1)).as("the outer signature algorithm").isPositive();
        byte[] mismatched = der.clone();
        mismatched[inner + sha256WithRsa.length - 1] = 0x0c; // sha384WithRSAEncryption inside, sha256 outside
        assertThatThrownBy(() -> CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(mismatched))).isInstanceOf(CertificateException.class);
        EncodedCertificate unchanged = EncodedCertificate.of(withEncoding(der));
        assertThat(unchanged.keyFamily()).isEqualTo(EncodedCertificate.KeyFamily.RSA);
        assertThat(unchanged.strongSignature()).isTrue();
        assertThat(unchanged.dnsNames()).containsExactly("mail.example.test");

        EncodedCertificate read = EncodedCertificate.of(withEncoding(mismatched));
        assertThat(read.keyFamily()).isNull();
        assertThat(read.strongSignature()).isFalse();
        assertThat(read.dnsNames()).isNull();
    }

    private static X509Certificate withEncoding(byte[] der) {
        return new DelegatingCertificate(Leaf.rsa("other.example.test").issue().leaf()) {
            @Override
            public byte[] getEncoded() {
                return der.clone();
            }
        };
    }

    private static int indexOf(byte[] haystack, byte[] needle, int from) {
        for (int i = from; i + needle.length <= haystack.length; i++) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        return -1;
    }

    private static X509Certificate issued(String name) {
        try {
            return Leaf.rsa(name).withCommonName("cn.example.test").issue().leaf();
        } catch (RuntimeException notIssuable) {
            return null;
        }
    }

    /** The encoding's names are unknown or the JDK's, and every reference gets the getters' verdict. */
    private static void assertSameVerdicts(X509Certificate certificate, List<String> names) {
        X509Certificate onDemand = new DelegatingCertificate(certificate);
        String[] read = EncodedCertificate.of(onDemand).dnsNames();
        if (read != null) {
            assertThat(read).as("names of %s", names).containsExactlyElementsOf(EncodedCertificateDifferentialProperties.jdkDnsNames(certificate));
        }
        List<String> references = new ArrayList<>(List.of("mail.example.test", "cn.example.test", "x.example.test",
                "a.example.test", "example.test"));
        for (String name : names) {
            references.add(name);
            references.add(name.toUpperCase(Locale.ROOT));
            references.add(name.replace("*", "w"));
        }
        for (String reference : references) {
            assertThat(HostNames.matches(onDemand, reference)).as("%s against %s", reference, names)
                    .isEqualTo(HostNames.matches(certificate, reference));
        }
    }
}
