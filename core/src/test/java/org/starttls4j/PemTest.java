package org.starttls4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x9.X962Parameters;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PKCS8Generator;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMEncryptorBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.starttls4j.smtp.Smtp;
import org.starttls4j.testing.Identity;
import org.starttls4j.testing.Loopback;
import org.starttls4j.testing.TestPki;
import org.starttls4j.testing.TestPki.KeyType;

/**
 * PEM reading with the JDK alone, against files BouncyCastle wrote in each form OpenSSL uses
 * (keys made by the openssl command itself: {@code OpenSslPemInteropTest}).
 */
class PemTest {

    private static final String HOST = "mail.example.test";

    @TempDir
    Path dir;

    /** The three key forms: PKCS#8, and the traditional RSA / EC forms (PKCS#1, SEC 1). */
    enum Form {
        PKCS8, TRADITIONAL
    }

    private static String pem(Object object) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static String keyPem(PrivateKey key, Form form) {
        try {
            return form == Form.PKCS8 ? pem(new JcaPKCS8Generator(key, null)) : pem(key);
        } catch (org.bouncycastle.util.io.pem.PemGenerationException e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest
    @EnumSource(KeyType.class)
    void bothKeyFormsOfBothKeyTypesReadBackAsTheSameKey(KeyType type) {
        Identity id = TestPki.server(type, HOST);

        for (Form form : Form.values()) {
            String text = keyPem(id.key(), form);
            assertThat(text).contains(form == Form.PKCS8 ? "BEGIN PRIVATE KEY"
                    : type == KeyType.RSA_2048 ? "BEGIN RSA PRIVATE KEY" : "BEGIN EC PRIVATE KEY");

            PrivateKey read = Pem.privateKey(text);

            assertThat(read.getAlgorithm()).isEqualTo(id.key().getAlgorithm());
            assertThat(read.getEncoded()).as(form + " " + type).isEqualTo(id.key().getEncoded());
        }
    }

    @Test
    void aChainReadsInFileOrderAndTextAroundTheBlocksIsIgnored() {
        Identity id = TestPki.server(KeyType.EC_P256, HOST);
        String text = "Bag Attributes\n    friendlyName: server\n" + pem(id.chain().get(0))
                + "subject=CN=ca\n" + pem(TestPki.ca(KeyType.EC_P256));

        assertThat(Pem.certificates(text)).containsExactly(id.chain().get(0), TestPki.ca(KeyType.EC_P256));
    }

    @ParameterizedTest
    @EnumSource(KeyType.class)
    void aServerConfigFromPemFilesSecuresANegotiation(KeyType type) throws IOException {
        Identity id = TestPki.server(type, HOST);
        Path chain = Files.writeString(dir.resolve("chain.pem"), pem(id.chain().get(0)));
        Path key = Files.writeString(dir.resolve("key.pem"), keyPem(id.key(), Form.TRADITIONAL));
        Path ca = Files.writeString(dir.resolve("ca.pem"), pem(TestPki.ca(type)));

        ServerConfig server = ServerConfig.builder().hostname(HOST).certificateChain(chain, key).build();
        ClientConfig client = ClientConfig.builder(HOST).trustAnchors(Pem.certificates(ca)).build();
        Loopback.Result r = Loopback.run(Smtp.client(client), Smtp.server(server), Instant.now(),
                line -> line.startsWith("EHLO") ? "250 " + HOST + "\r\n" : null);

        assertThat(r.clientOutcome()).isInstanceOf(Outcome.Secured.class);
        assertThat(r.clientSession().tls().peerCertificate()).contains(id.chain().get(0));
    }

    @Test
    void aKeyOfAnotherCertificateIsRefusedWithWhatToDo() throws Exception {
        Identity id = TestPki.server(KeyType.EC_P256, HOST);
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256, new SecureRandom());
        Path chain = Files.writeString(dir.resolve("chain.pem"), pem(id.chain().get(0)));
        Path key = Files.writeString(dir.resolve("other.pem"), keyPem(generator.generateKeyPair().getPrivate(), Form.PKCS8));

        assertThatThrownBy(() -> ServerConfig.builder().certificateChain(chain, key))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not belong to the first certificate").hasMessageContaining("other.pem");
    }

    @Test
    void encryptedKeysAreRefusedWithTheCommandThatDecryptsThem() throws Exception {
        PrivateKey key = TestPki.server(KeyType.RSA_2048, HOST).key();
        char[] password = "secret".toCharArray();
        BouncyCastleProvider bc = new BouncyCastleProvider();
        String pkcs8 = pem(new JcaPKCS8Generator(key, new JceOpenSSLPKCS8EncryptorBuilder(PKCS8Generator.AES_256_CBC)
                .setProvider(bc).setPassword(password).build()));
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(key, new JcePEMEncryptorBuilder("AES-128-CBC").setProvider(bc).build(password));
        }

        assertThatThrownBy(() -> Pem.privateKey(pkcs8)).hasMessageContaining("encrypted").hasMessageContaining("openssl pkcs8");
        assertThatThrownBy(() -> Pem.privateKey(out.toString())).hasMessageContaining("encrypted").hasMessageContaining("openssl pkey");
    }

    @Test
    void filesWithoutWhatWasAskedSayWhichBlockIsMissing() throws IOException {
        Path certOnly = Files.writeString(dir.resolve("cert.pem"), pem(TestPki.ca(KeyType.EC_P256)));

        assertThatThrownBy(() -> Pem.privateKey(certOnly)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cert.pem").hasMessageContaining("BEGIN PRIVATE KEY");
        assertThatThrownBy(() -> Pem.certificates("nothing here")).hasMessageContaining("no -----BEGIN CERTIFICATE-----");
        assertThatThrownBy(() -> Pem.certificates("-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----\n"))
                .hasMessageContaining("not Base64");
        assertThatThrownBy(() -> Pem.certificates("-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n"))
                .hasMessageContaining("empty PEM block");
        assertThatThrownBy(() -> Pem.privateKey("-----BEGIN PRIVATE KEY-----\nAAEC\n-----END PRIVATE KEY-----\n"))
                .hasMessageContaining("not PKCS#8");
        assertThatThrownBy(() -> Pem.certificates(dir.resolve("absent.pem"))).isInstanceOf(UncheckedIOException.class);
    }

    @Test
    void anEcKeyNamingItsCurveAsOpenSslWritesItReadsBack() throws IOException {
        java.security.interfaces.ECPrivateKey key = (java.security.interfaces.ECPrivateKey) TestPki.server(KeyType.EC_P256, HOST).key();
        byte[] sec1 = new ECPrivateKey(256, key.getS(), new X962Parameters(SECObjectIdentifiers.secp256r1)).getEncoded();
        String text = "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n"
                + pem(new org.bouncycastle.util.io.pem.PemObject("EC PRIVATE KEY", sec1));

        assertThat(((java.security.interfaces.ECPrivateKey) Pem.privateKey(text)).getS()).isEqualTo(key.getS());
    }

    @Test
    void anEcKeyWithoutItsCurveCannotBeGuessed() {
        // RFC 5915 ECPrivateKey with version 1 and a 1-byte private key, no [0] parameters.
        String noCurve = "-----BEGIN EC PRIVATE KEY-----\n" + java.util.Base64.getEncoder().encodeToString(
                new byte[] {0x30, 0x06, 0x02, 0x01, 0x01, 0x04, 0x01, 0x05}) + "\n-----END EC PRIVATE KEY-----\n";

        assertThatThrownBy(() -> Pem.privateKey(noCurve)).hasMessageContaining("names no curve")
                .hasMessageContaining("openssl pkcs8 -topk8");
    }

    @Test
    void derLengthsOfEveryFormRoundTrip() {
        for (int n : List.of(0, 1, 127, 128, 255, 256, 65535, 65536)) {
            byte[] element = Der.tlv(Der.OCTET_STRING, new byte[n]);

            Der.Element read = Der.readWhole(element);

            assertThat(read.content()).hasSize(n);
            assertThat(read.encoded()).isEqualTo(element);
        }
        assertThatThrownBy(() -> Der.readWhole(new byte[] {0x04, 0x05, 0x00})).hasMessageContaining("longer than");
    }
}
