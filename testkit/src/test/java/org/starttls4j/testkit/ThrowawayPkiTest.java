package org.starttls4j.testkit;

import java.security.KeyFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each certificate kind is what it says to a client that trusts the CA, in every form the trust is handed over. */
class ThrowawayPkiTest {

    private final ThrowawayPki pki = ThrowawayPki.forServer("mail.example.test");

    private X509TrustManager trust() {
        return (X509TrustManager) pki.trustManagers()[0];
    }

    private X509Certificate[] chain(CertificateKind kind) {
        return pki.chain(kind).toArray(new X509Certificate[0]);
    }

    @Test
    void theValidCertificateChainsToTheCaAndNamesTheServerAndLoopback() throws Exception {
        trust().checkServerTrusted(chain(CertificateKind.VALID), "ECDHE_ECDSA");

        assertThat(pki.certificate(CertificateKind.VALID).getSubjectAlternativeNames()).extracting(n -> (Object) n.get(1))
                .containsExactly("mail.example.test", "127.0.0.1", "0:0:0:0:0:0:0:1");
    }

    @Test
    void eachBadKindIsRefusedForItsOwnReason() throws Exception {
        assertThatThrownBy(() -> trust().checkServerTrusted(chain(CertificateKind.EXPIRED), "ECDHE_ECDSA"))
                .isInstanceOf(CertificateException.class).hasRootCauseInstanceOf(CertificateExpiredException.class);
        assertThatThrownBy(() -> trust().checkServerTrusted(chain(CertificateKind.SELF_SIGNED), "ECDHE_ECDSA"))
                .isInstanceOf(CertificateException.class);
        trust().checkServerTrusted(chain(CertificateKind.WRONG_NAME), "ECDHE_ECDSA"); // trusted, but for another name:
        assertThat(pki.certificate(CertificateKind.WRONG_NAME).getSubjectAlternativeNames()).extracting(n -> (Object) n.get(1))
                .containsExactly(ThrowawayPki.WRONG_NAME);
        assertThat(pki.chain(CertificateKind.SELF_SIGNED)).hasSize(1);
    }

    @Test
    void trustTravelsAsPemAndAsAPkcs12File(@TempDir Path dir) throws Exception {
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        X509Certificate fromPem = (X509Certificate) factory.generateCertificate(
                new ByteArrayInputStream(pki.caPem().getBytes(StandardCharsets.US_ASCII)));
        assertThat(fromPem).isEqualTo(pki.ca());
        assertThat(Files.readString(pki.writeCaPem(dir.resolve("ca.pem")))).isEqualTo(pki.caPem());
        assertThat(pki.chainPem(CertificateKind.VALID).split("BEGIN CERTIFICATE", -1)).hasSize(3); // leaf and CA
        assertThat(pki.serverKeyPem()).startsWith("-----BEGIN PRIVATE KEY-----");

        Path store = pki.writeTrustStore(dir.resolve("trust.p12"), "pw".toCharArray());
        KeyStore loaded = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            loaded.load(in, "pw".toCharArray());
        }
        assertThat(List.of(loaded.getCertificate(loaded.aliases().nextElement()))).containsExactly(pki.ca());
    }

    @Test
    void theServerKeyCarriesItsPublicKeyForGnuTls() throws Exception {
        byte[] der = Base64.getMimeDecoder().decode(pki.serverKeyPem().replaceAll("-----[A-Z ]+-----", ""));
        java.security.PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
        assertThat(key.getEncoded()).as("the JDK reads it as the same key").isNotEmpty();
        org.bouncycastle.asn1.sec.ECPrivateKey inner = org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(
                PrivateKeyInfo.getInstance(der).parsePrivateKey());
        byte[] leafPoint = SubjectPublicKeyInfo.getInstance(pki.certificate(CertificateKind.VALID).getPublicKey().getEncoded())
                .getPublicKeyData().getBytes();
        // RFC 5915's optional publicKey, which GnuTLS 3.7 requires: the leaf's own point
        assertThat(inner.getPublicKey()).isNotNull();
        assertThat(inner.getPublicKey().getBytes()).isEqualTo(leafPoint);
        assertThat(((java.security.interfaces.ECPrivateKey) key).getS()).isEqualTo(inner.getKey());
    }

    @Test
    void jvmWideTrustIsInPlaceUntilClosed() throws Exception {
        SSLContext before = SSLContext.getDefault();
        String property = System.getProperty("javax.net.ssl.trustStore");
        Path file;
        try (JvmWideTrust installed = pki.trustJvmWide()) {
            file = installed.trustStore();
            assertThat(SSLContext.getDefault()).isNotSameAs(before);
            assertThat(System.getProperty("javax.net.ssl.trustStore")).isEqualTo(file.toString());
            assertThat(file).exists();
        }
        assertThat(SSLContext.getDefault()).isSameAs(before);
        assertThat(System.getProperty("javax.net.ssl.trustStore")).isEqualTo(property);
        assertThat(file).doesNotExist();
    }
}
