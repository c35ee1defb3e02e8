package org.starttls4j.internal.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Socket;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.junit.jupiter.api.Test;
import org.starttls4j.testing.CertificateVariants;
import org.starttls4j.testing.CertificateVariants.Leaf;
import org.starttls4j.testing.DelegatingCertificate;
import org.starttls4j.testing.TestPki;
import org.starttls4j.testing.TestPki.KeyType;

/**
 * The client's judge of a server chain, called directly: what each kind of rejection is
 * classified as, whichever of the trust manager's entry points the engine uses, and the purpose
 * a leaf's key usages allow for each key exchange.
 */
class ClassifyingTrustManagerTest {

    private static final X509Certificate ROOT = TestPki.ca(KeyType.RSA_2048);

    private static ClassifyingTrustManager trusting(X509Certificate anchor, String serverName) {
        return new ClassifyingTrustManager(TlsContexts.trusting(List.of(anchor)), serverName, StrengthFloor.DEFAULT);
    }

    private static X509Certificate[] chain(Leaf leaf) {
        return leaf.issue().chain().toArray(X509Certificate[]::new);
    }

    private static Problem rejection(ThrowingCheck check) {
        try {
            check.run();
        } catch (RejectedCertificateException e) {
            return e.problem();
        } catch (CertificateException e) {
            throw new AssertionError("a rejection without a classified problem", e);
        }
        throw new AssertionError("the chain was accepted");
    }

    private interface ThrowingCheck {
        void run() throws CertificateException;
    }

    @Test
    void everyEntryPointForServerChainsValidatesThenJudges() {
        ClassifyingTrustManager judge = trusting(ROOT, "mail.example.test");
        X509Certificate[] good = chain(Leaf.rsa("mail.example.test"));
        X509Certificate[] selfSigned = TestPki.selfSigned(KeyType.RSA_2048, "mail.example.test").chain()
                .toArray(X509Certificate[]::new);
        X509Certificate[] otherName = chain(Leaf.rsa("other.example.test"));

        assertThatCode(() -> judge.checkServerTrusted(good, "ECDHE_RSA")).doesNotThrowAnyException();
        assertThatCode(() -> judge.checkServerTrusted(good, "ECDHE_RSA", (Socket) null)).doesNotThrowAnyException();
        assertThat(rejection(() -> judge.checkServerTrusted(selfSigned, "ECDHE_RSA"))).isEqualTo(Problem.NOT_TRUSTED);
        assertThat(rejection(() -> judge.checkServerTrusted(selfSigned, "ECDHE_RSA", (Socket) null))).isEqualTo(Problem.NOT_TRUSTED);
        assertThat(rejection(() -> judge.checkServerTrusted(otherName, "ECDHE_RSA"))).isEqualTo(Problem.HOST_MISMATCH);
        assertThat(rejection(() -> judge.checkServerTrusted(otherName, "ECDHE_RSA", (Socket) null)))
                .isEqualTo(Problem.HOST_MISMATCH);
        assertThatThrownBy(() -> judge.checkServerTrusted(selfSigned, "ECDHE_RSA", (SSLEngine) null))
                .isInstanceOfSatisfying(RejectedCertificateException.class, e -> assertThat(e.subject())
                        .hasValueSatisfying(s -> assertThat(s).contains("CN=mail.example.test")));
    }

    @Test
    void theAnchorsOwnSignatureIsNotJudgedNorAnythingAboveIt() throws Exception {
        // an intermediate signed with SHA-1, trusted itself: its signature proves nothing to anyone
        List<X509Certificate> sent = CertificateVariants.underIntermediate("SHA1withRSA", "mail.example.test").chain();
        X509Certificate intermediate = sent.get(1);

        assertThatCode(() -> trusting(intermediate, "mail.example.test")
                .checkServerTrusted(sent.toArray(X509Certificate[]::new), "ECDHE_RSA", (SSLEngine) null))
                .doesNotThrowAnyException();
        assertThat(rejection(() -> trusting(ROOT, "mail.example.test")
                .checkServerTrusted(sent.toArray(X509Certificate[]::new), "ECDHE_RSA", (SSLEngine) null)))
                .as("the same intermediate below the root").isEqualTo(Problem.WEAK_SIGNATURE);
    }

    @Test
    void theJdksAlgorithmConstraintIsToldApartAsAWeakKeyOrAWeakDigest() {
        ClassifyingTrustManager judge = trusting(ROOT, "mail.example.test");

        assertThat(rejection(() -> judge.checkServerTrusted(chain(Leaf.rsa("mail.example.test").withKey("RSA-768")), "ECDHE_RSA")))
                .isEqualTo(Problem.WEAK_KEY);
        assertThat(rejection(() -> judge.checkServerTrusted(chain(Leaf.rsa("mail.example.test").signedWith("MD5withRSA")),
                "ECDHE_RSA"))).isEqualTo(Problem.WEAK_SIGNATURE);
    }

    @Test
    void anUnknownIssuerIsNotTrustedEvenWhenTheLeafAlsoHasTheWrongPurpose() {
        X509Certificate[] clientOnly = chain(Leaf.rsa("mail.example.test").withPurposes(KeyPurposeId.id_kp_clientAuth));

        assertThat(rejection(() -> trusting(TestPki.ca(KeyType.EC_P256), "mail.example.test")
                .checkServerTrusted(clientOnly, "ECDHE_RSA"))).isEqualTo(Problem.NOT_TRUSTED);
        assertThat(rejection(() -> trusting(ROOT, "mail.example.test").checkServerTrusted(clientOnly, "ECDHE_RSA")))
                .as("under the right issuer, the purpose is what is wrong").isEqualTo(Problem.WRONG_PURPOSE);
        assertThat(ClassifyingTrustManager.problemOf(new CertificateException(new CertPathBuilderException("no path"))))
                .isEqualTo(Problem.NOT_TRUSTED);
    }

    @Test
    void aRejectionAlreadyClassifiedKeepsItsProblem() {
        RejectedCertificateException inner = new RejectedCertificateException(Problem.HOST_MISMATCH, "CN=x", "not named", null);

        assertThat(ClassifyingTrustManager.problemOf(inner)).isEqualTo(Problem.HOST_MISMATCH);
        assertThat(ClassifyingTrustManager.problemOf(new CertificateException("wrapped", inner))).isEqualTo(Problem.HOST_MISMATCH);
    }

    @Test
    void aRejectedEmptyChainIsNotTrustedNotAnIndexError() {
        X509ExtendedTrustManager refusing = new RefusingTrustManager();
        ClassifyingTrustManager judge = new ClassifyingTrustManager(refusing, "mail.example.test", StrengthFloor.DEFAULT);

        assertThat(rejection(() -> judge.checkServerTrusted(new X509Certificate[0], "ECDHE_RSA", (SSLEngine) null)))
                .isEqualTo(Problem.NOT_TRUSTED);
    }

    @Test
    void anExtendedKeyUsageMustAllowServerAuthentication() {
        assertThat(ClassifyingTrustManager.wrongPurpose(leaf(Leaf.rsa("m.test")), "ECDHE_RSA")).isFalse();
        assertThat(ClassifyingTrustManager.wrongPurpose(leaf(Leaf.rsa("m.test").withPurposes()), "ECDHE_RSA"))
                .as("no extended key usage at all").isFalse();
        assertThat(ClassifyingTrustManager.wrongPurpose(leaf(Leaf.rsa("m.test").withPurposes(KeyPurposeId.anyExtendedKeyUsage)),
                "ECDHE_RSA")).isFalse();
        assertThat(ClassifyingTrustManager.wrongPurpose(leaf(Leaf.rsa("m.test").withPurposes(KeyPurposeId.id_kp_clientAuth,
                KeyPurposeId.id_kp_serverAuth)), "ECDHE_RSA")).isFalse();
        assertThat(ClassifyingTrustManager.wrongPurpose(leaf(Leaf.rsa("m.test").withPurposes(KeyPurposeId.id_kp_clientAuth)),
                "ECDHE_RSA")).isTrue();
        assertThat(ClassifyingTrustManager.wrongPurpose(leaf(Leaf.rsa("m.test").withPurposes(KeyPurposeId.id_kp_emailProtection)),
                "ECDHE_RSA")).isTrue();
    }

    @Test
    void anExtendedKeyUsageThatCannotBeReadIsTheWrongPurpose() {
        X509Certificate unreadable = new DelegatingCertificate(leaf(Leaf.rsa("m.test"))) {
            @Override
            public List<String> getExtendedKeyUsage() throws CertificateParsingException {
                throw new CertificateParsingException("garbled extension");
            }
        };

        assertThat(ClassifyingTrustManager.wrongPurpose(unreadable, "ECDHE_RSA")).isTrue();
    }

    @Test
    void theKeyUsageMustAllowWhatTheKeyExchangeNeeds() {
        X509Certificate noKeyUsage = leaf(Leaf.rsa("m.test").withKeyUsage(0));
        X509Certificate signing = leaf(Leaf.rsa("m.test").withKeyUsage(KeyUsage.digitalSignature));
        X509Certificate encrypting = leaf(Leaf.rsa("m.test").withKeyUsage(KeyUsage.keyEncipherment));
        X509Certificate agreeing = leaf(Leaf.rsa("m.test").withKeyUsage(KeyUsage.keyAgreement));

        assertThat(ClassifyingTrustManager.wrongPurpose(noKeyUsage, "ECDHE_RSA")).as("no key usage limits nothing").isFalse();
        assertThat(ClassifyingTrustManager.wrongPurpose(noKeyUsage, "RSA")).isFalse();

        assertThat(ClassifyingTrustManager.wrongPurpose(signing, "ECDHE_RSA")).isFalse();
        assertThat(ClassifyingTrustManager.wrongPurpose(signing, "UNKNOWN")).as("TLS 1.3 signs").isFalse();
        assertThat(ClassifyingTrustManager.wrongPurpose(signing, null)).isFalse();
        assertThat(ClassifyingTrustManager.wrongPurpose(signing, "RSA")).isTrue();
        assertThat(ClassifyingTrustManager.wrongPurpose(signing, "ECDH_RSA")).isTrue();

        assertThat(ClassifyingTrustManager.wrongPurpose(encrypting, "RSA")).as("RSA key transport encrypts").isFalse();
        assertThat(ClassifyingTrustManager.wrongPurpose(encrypting, "ECDHE_RSA")).isTrue();
        assertThat(ClassifyingTrustManager.wrongPurpose(encrypting, null)).isTrue();

        assertThat(ClassifyingTrustManager.wrongPurpose(agreeing, "ECDH_RSA")).as("static ECDH agrees").isFalse();
        assertThat(ClassifyingTrustManager.wrongPurpose(agreeing, "DH_RSA")).isFalse();
        assertThat(ClassifyingTrustManager.wrongPurpose(agreeing, "ECDHE_RSA")).isTrue();
        assertThat(ClassifyingTrustManager.wrongPurpose(agreeing, "RSA")).isTrue();
    }

    @Test
    void aKeyUsageTooShortToCarryTheNeededBitIsTheWrongPurpose() {
        X509Certificate real = leaf(Leaf.rsa("m.test").withKeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
        X509Certificate shortUsage = new DelegatingCertificate(real) {
            @Override
            public boolean[] getKeyUsage() {
                return new boolean[] {true, true}; // a provider that does not pad the bits to nine
            }
        };

        assertThat(ClassifyingTrustManager.wrongPurpose(shortUsage, "ECDHE_RSA")).isFalse();
        assertThat(ClassifyingTrustManager.wrongPurpose(shortUsage, "RSA")).as("bit 2 is not there").isTrue();
        assertThat(ClassifyingTrustManager.wrongPurpose(shortUsage, "ECDH_RSA")).isTrue();
    }

    private static X509Certificate leaf(Leaf leaf) {
        return leaf.issue().leaf();
    }

    /** A delegate that refuses every chain, even an empty one, as a checked exception. */
    private static final class RefusingTrustManager extends X509ExtendedTrustManager {
        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            throw new CertificateException("no certificate at all");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            throw new CertificateException("no certificate at all");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("no certificate at all");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            throw new CertificateException("no certificate at all");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            throw new CertificateException("no certificate at all");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("no certificate at all");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
