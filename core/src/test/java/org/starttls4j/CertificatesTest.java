package org.starttls4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.X509ExtendedTrustManager;
import org.junit.jupiter.api.Test;
import org.starttls4j.testing.CertificateVariants;
import org.starttls4j.testing.Identity;
import org.starttls4j.testing.TestPki;
import org.starttls4j.testing.TestPki.KeyType;

/** The public face of the TLS inside says what the negotiation would say. */
class CertificatesTest {

    @Test
    void hostNamesAreMatchedAsTheNegotiationMatchesThem() {
        Identity server = TestPki.server(KeyType.EC_P256, "mail.example.test", "*.mx.example.test");

        assertThat(Certificates.matchesHost(server.leaf(), "mail.example.test")).isTrue();
        assertThat(Certificates.matchesHost(server.leaf(), "a.mx.example.test")).isTrue();
        assertThat(Certificates.matchesHost(server.leaf(), "a.b.mx.example.test")).as("one label per wildcard").isFalse();
        assertThat(Certificates.matchesHost(server.leaf(), "other.example.test")).isFalse();
    }

    @Test
    void ipLiteralsAreToldFromNames() {
        assertThat(Certificates.isIpLiteral("192.0.2.1")).isTrue();
        assertThat(Certificates.isIpLiteral("[2001:db8::1]")).isTrue();
        assertThat(Certificates.isIpLiteral("192.0.2.01")).as("leading zero").isFalse();
        assertThat(Certificates.isIpLiteral("mail.example.test")).isFalse();
    }

    @Test
    void aStrongChainHasNoWeaknessAndAWeakKeyIsNamed() {
        Identity strong = TestPki.server(KeyType.RSA_2048, "mail.example.test");
        Identity weak = CertificateVariants.Leaf.rsa("mail.example.test").withKey("RSA-1024").issue();

        assertThat(Certificates.weakness(strong.chain(), CertificateStrength.DEFAULT)).isEmpty();
        assertThat(Certificates.weakness(weak.chain(), CertificateStrength.DEFAULT))
                .map(Certificates.Weakness::problem).contains(CertificateProblem.WEAK_KEY);
        assertThat(Certificates.weakness(weak.chain(), CertificateStrength.LEGACY)).isEmpty();
        assertThat(Certificates.describeKey(strong.leaf().getPublicKey())).isEqualTo("RSA 2048-bit");
    }

    @Test
    void aClientContextAndATrustManagerAreBuilt() throws Exception {
        X509ExtendedTrustManager trust = Certificates.trusting(List.of(TestPki.ca(KeyType.EC_P256)));
        Identity server = TestPki.server(KeyType.EC_P256, "mail.example.test");

        trust.checkServerTrusted(server.chain().toArray(new java.security.cert.X509Certificate[0]), "ECDHE_ECDSA");
        SSLContext context = Certificates.clientContext(Optional.of(trust), CertificateCheck.standard());
        assertThat(context.getProtocol()).isEqualTo("TLS");
        Identity stranger = TestPki.selfSigned(KeyType.EC_P256, "mail.example.test");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> trust.checkServerTrusted(
                stranger.chain().toArray(new java.security.cert.X509Certificate[0]), "ECDHE_ECDSA"))
                .isInstanceOf(java.security.cert.CertificateException.class);
    }
}
