package org.starttls4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.junit.jupiter.api.Test;
import org.starttls4j.testing.CertificateVariants;
import org.starttls4j.testing.CertificateVariants.Leaf;
import org.starttls4j.testing.Identity;
import org.starttls4j.testing.TestPki;
import org.starttls4j.testing.TestPki.KeyType;

/**
 * Each way a server certificate can be wrong gets its own {@link CertificateProblem}, read from
 * the JDK's exception types and certificate-path reasons or from the certificate itself, never
 * from message text; and the strength floor holds for chains ending in the caller's anchors.
 */
class CertificateProblemsTest {

    static final String HOST = TlsPairTest.HOST;

    static ClientConfig.Builder trustingRsa(String name) {
        return ClientConfig.builder(name).trustAnchors(List.of(TestPki.ca(KeyType.RSA_2048)));
    }

    static Outcome against(ClientConfig client, Identity server) {
        return ClientConfigValueTest.against(client, server);
    }

    static Failure failure(Outcome outcome) {
        assertThat(outcome).isInstanceOf(Outcome.Failed.class);
        return ((Outcome.Failed) outcome).failure();
    }

    @Test
    void aSha1SignedLeafBelowTheCallersAnchorIsAWeakSignature() {
        Identity sha1 = Leaf.rsa(HOST).signedWith("SHA1withRSA").issue();

        Failure failure = failure(against(trustingRsa(HOST).build(), sha1));

        assertThat(failure.reason()).isEqualTo(Failure.Reason.CERTIFICATE_REJECTED);
        assertThat(failure.certificateProblem()).contains(CertificateProblem.WEAK_SIGNATURE);
        assertThat(failure.message()).contains("SHA1withRSA");
        assertThat(failure.tlsRptResultType()).isEqualTo("validation-failure");
        assertThat(against(trustingRsa(HOST).certificateStrength(CertificateStrength.LEGACY).build(), sha1))
                .as("lowered for a legacy peer").isInstanceOf(Outcome.Secured.class);
    }

    @Test
    void anRsa1024LeafIsAWeakKey() {
        Identity rsa1024 = Leaf.rsa(HOST).withKey("RSA-1024").issue();

        Failure failure = failure(against(trustingRsa(HOST).build(), rsa1024));

        assertThat(failure.certificateProblem()).contains(CertificateProblem.WEAK_KEY);
        assertThat(failure.message()).contains("RSA 1024-bit");
        assertThat(against(trustingRsa(HOST).certificateStrength(new CertificateStrength(1024, 256, false)).build(), rsa1024))
                .isInstanceOf(Outcome.Secured.class);
    }

    @Test
    void anMd5SignedLeafIsAWeakSignatureEvenForLegacyPeers() {
        Identity md5 = Leaf.rsa(HOST).signedWith("MD5withRSA").issue();

        assertThat(failure(against(trustingRsa(HOST).build(), md5)).certificateProblem()).contains(CertificateProblem.WEAK_SIGNATURE);
        assertThat(failure(against(trustingRsa(HOST).certificateStrength(CertificateStrength.LEGACY).build(), md5))
                .certificateProblem()).contains(CertificateProblem.WEAK_SIGNATURE);
    }

    @Test
    void strongCertificatesPass() {
        assertThat(against(trustingRsa(HOST).build(), Leaf.rsa(HOST).issue())).isInstanceOf(Outcome.Secured.class);
        assertThat(against(trustingRsa(HOST).build(), Leaf.rsa(HOST).withKey("EC-384").withKeyUsage(KeyUsage.digitalSignature).issue()))
                .isInstanceOf(Outcome.Secured.class);
    }

    @Test
    void aClientAuthOnlyCertificateIsTheWrongPurpose() {
        Identity clientOnly = Leaf.rsa(HOST).withPurposes(KeyPurposeId.id_kp_clientAuth).issue();

        Failure failure = failure(against(trustingRsa(HOST).build(), clientOnly));

        assertThat(failure.certificateProblem()).contains(CertificateProblem.WRONG_PURPOSE);
        assertThat(failure.tlsRptResultType()).isEqualTo("validation-failure");
    }

    @Test
    void aKeyUsageThatForbidsSigningIsTheWrongPurpose() {
        Identity encipherOnly = Leaf.rsa(HOST).withKeyUsage(KeyUsage.keyEncipherment).issue();

        assertThat(failure(against(trustingRsa(HOST).build(), encipherOnly)).certificateProblem())
                .contains(CertificateProblem.WRONG_PURPOSE);
    }

    @Test
    void aNameOutsideTheIssuersNameConstraintsIsAViolation() {
        Identity outside = CertificateVariants.underNameConstrainedCa("example.test", "mail.other.test");
        Identity inside = CertificateVariants.underNameConstrainedCa("example.test", HOST);

        Failure failure = failure(against(trustingRsa("mail.other.test").build(), outside));

        assertThat(failure.certificateProblem()).contains(CertificateProblem.NAME_CONSTRAINT_VIOLATION);
        assertThat(failure.tlsRptResultType()).isEqualTo("certificate-not-trusted");
        assertThat(against(trustingRsa(HOST).build(), inside)).isInstanceOf(Outcome.Secured.class);
    }

    @Test
    void wildcardsFollowRfc7817EndToEnd() {
        assertThat(against(trustingRsa("mx.example.test").build(), Leaf.rsa("*.example.test").issue()))
                .isInstanceOf(Outcome.Secured.class);
        assertThat(failure(against(trustingRsa("mail.test").build(), Leaf.rsa("*.test").issue())).certificateProblem())
                .contains(CertificateProblem.HOST_MISMATCH);
        assertThat(failure(against(trustingRsa("mail.x.test").build(), Leaf.rsa("mail.*.test").issue())).certificateProblem())
                .contains(CertificateProblem.HOST_MISMATCH);
        assertThat(failure(against(trustingRsa("mx.mail.test").build(), Leaf.rsa("m*.mail.test").issue())).certificateProblem())
                .contains(CertificateProblem.HOST_MISMATCH);
        assertThat(against(trustingRsa("bücher.example.test").build(), Leaf.rsa("xn--bcher-kva.example.test").issue()))
                .isInstanceOf(Outcome.Secured.class);
    }

    @Test
    void ipAddressesMatchOnlyIpEntries() {
        assertThat(against(trustingRsa("127.0.0.1").build(), Leaf.rsa(HOST).withIpAddresses("127.0.0.1").issue()))
                .isInstanceOf(Outcome.Secured.class);
        assertThat(failure(against(trustingRsa("127.0.0.1").build(), Leaf.rsa("127.0.0.1").issue())).certificateProblem())
                .contains(CertificateProblem.HOST_MISMATCH);
    }

    @Test
    void theChainIsJudgedBeforeTheName() {
        Identity weakAndWrong = Leaf.rsa("other.example.test").withKey("RSA-1024").issue();

        assertThat(failure(against(trustingRsa(HOST).build(), weakAndWrong)).certificateProblem()).contains(CertificateProblem.WEAK_KEY);
    }

    @Test
    void anotherProvidersRejectionsAreClassifiedByTypeToo() {
        javax.net.ssl.SSLContext bc = org.starttls4j.testing.BcJsse.clientContextTrusting(TestPki.ca(KeyType.RSA_2048));
        ClientConfig client = ClientConfig.builder(HOST).engineFactory(bc::createSSLEngine).build();

        Failure expired = failure(against(client, TestPki.expiredServer(KeyType.RSA_2048, HOST)));
        assertThat(expired.certificateProblem()).as(expired.toString()).contains(CertificateProblem.EXPIRED);
        assertThat(failure(against(client, TestPki.selfSigned(KeyType.RSA_2048, HOST))).certificateProblem())
                .contains(CertificateProblem.NOT_TRUSTED);
        assertThat(failure(against(client, Leaf.rsa(HOST).signedWith("SHA1withRSA").issue())).certificateProblem())
                .as("the floor, after the handshake").contains(CertificateProblem.WEAK_SIGNATURE);
        assertThat(failure(against(ClientConfig.builder("mail.test").engineFactory(bc::createSSLEngine).build(),
                Leaf.rsa("*.test").issue())).certificateProblem()).contains(CertificateProblem.HOST_MISMATCH);
    }
}
