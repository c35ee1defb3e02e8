package org.starttls4j.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Security;
import java.security.cert.CertPathBuilderException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.TlsFatalAlert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.starttls4j.testing.EnginePair.Result;
import org.starttls4j.testing.EnginePair.Side;
import org.starttls4j.testing.TestPki.KeyType;
import org.starttls4j.testing.TestPki.LeafSpec;

/**
 * Checks the test-support helpers themselves: that the generated PKI is accepted and rejected
 * for the right reasons by real TLS stacks (SunJSSE and BouncyCastle JSSE), and that
 * {@link LegacyTls} really is a TLS 1.1 server. Negative cases assert the specific cause, so a
 * handshake failing for some unrelated reason does not count as a pass.
 */
class TestPkiTest {

    private static final String HOST = "mail.example.test";
    private static final String OTHER_HOST = "other.example.test";

    // ------------------------------------------------------------------ JDK client against JDK server

    @ParameterizedTest
    @EnumSource(KeyType.class)
    void validLeafPassesPkixAndHostnameVerification(KeyType type) throws Exception {
        Identity identity = TestPki.server(type, HOST, "alt.example.test");
        SSLEngine client = jdkClient(type, HOST);

        Result result = EnginePair.handshake(client, jdkServer(identity));

        assertThat(result.protocol()).isEqualTo("TLSv1.3");
        assertThat(client.getSession().getPeerCertificates()).containsExactly(identity.leaf());
    }

    @ParameterizedTest
    @EnumSource(KeyType.class)
    void everyDnsNameOfTheLeafIsAccepted(KeyType type) throws Exception {
        Identity identity = TestPki.server(type, HOST, "alt.example.test");

        assertThat(EnginePair.handshake(jdkClient(type, "alt.example.test"), jdkServer(identity)).protocol())
                .isEqualTo("TLSv1.3");
    }

    @ParameterizedTest
    @EnumSource(KeyType.class)
    void wrongHostNameIsRejectedByTheClient(KeyType type) {
        EnginePair pair = new EnginePair(jdkClient(type, OTHER_HOST), jdkServer(TestPki.server(type, HOST)));

        SSLHandshakeException e = catchThrowableOfType(SSLHandshakeException.class, pair::handshake);

        assertThat(e).isNotNull();
        assertThat(pair.failedSide()).contains(Side.CLIENT);
        assertThat(causeOfType(e, CertificateException.class)).hasMessageContaining(OTHER_HOST);
    }

    @ParameterizedTest
    @EnumSource(KeyType.class)
    void ipSubjectAltNameMatchesAnIpPeer(KeyType type) throws Exception {
        Identity withIp = TestPki.issue(LeafSpec.valid(type, HOST).withIpAddresses("127.0.0.1"));

        assertThat(EnginePair.handshake(jdkClient(type, "127.0.0.1"), jdkServer(withIp)).protocol())
                .isEqualTo("TLSv1.3");

        // Control: without the IP SAN the same peer address is rejected.
        EnginePair withoutIp = new EnginePair(jdkClient(type, "127.0.0.1"), jdkServer(TestPki.server(type, HOST)));
        SSLHandshakeException e = catchThrowableOfType(SSLHandshakeException.class, withoutIp::handshake);
        assertThat(causeOfType(e, CertificateException.class)).hasMessageContaining("127.0.0.1");
    }

    @ParameterizedTest
    @EnumSource(KeyType.class)
    void expiredLeafIsRejected(KeyType type) {
        Identity expired = TestPki.expiredServer(type, HOST);
        assertThat(expired.leaf().getNotAfter()).isBefore(new Date());
        EnginePair pair = new EnginePair(jdkClient(type, HOST), jdkServer(expired));

        SSLHandshakeException e = catchThrowableOfType(SSLHandshakeException.class, pair::handshake);

        assertThat(pair.failedSide()).contains(Side.CLIENT);
        assertThat(causeOfType(e, CertificateExpiredException.class)).isNotNull();
    }

    @ParameterizedTest
    @EnumSource(KeyType.class)
    void notYetValidLeafIsRejected(KeyType type) {
        Identity early = TestPki.notYetValidServer(type, HOST);
        assertThat(early.leaf().getNotBefore()).isAfter(new Date());
        EnginePair pair = new EnginePair(jdkClient(type, HOST), jdkServer(early));

        SSLHandshakeException e = catchThrowableOfType(SSLHandshakeException.class, pair::handshake);

        assertThat(pair.failedSide()).contains(Side.CLIENT);
        assertThat(causeOfType(e, CertificateNotYetValidException.class)).isNotNull();
    }

    @ParameterizedTest
    @EnumSource(KeyType.class)
    void selfSignedLeafIsRejectedByAClientTrustingOnlyTheCa(KeyType type) throws Exception {
        Identity selfSigned = TestPki.selfSigned(type, HOST);
        EnginePair pair = new EnginePair(jdkClient(type, HOST), jdkServer(selfSigned));

        SSLHandshakeException e = catchThrowableOfType(SSLHandshakeException.class, pair::handshake);

        assertThat(pair.failedSide()).contains(Side.CLIENT);
        assertThat(causeOfType(e, CertPathBuilderException.class)).isNotNull();

        // Control: the certificate itself is fine; trusting it directly works.
        SSLEngine trustingIt = client(TestPki.clientContextTrusting(selfSigned.leaf()), HOST);
        assertThat(EnginePair.handshake(trustingIt, jdkServer(selfSigned)).protocol()).isEqualTo("TLSv1.3");
    }

    @ParameterizedTest
    @EnumSource(KeyType.class)
    void tls12AndTls13AreBothSelectable(KeyType type) throws Exception {
        Identity identity = TestPki.server(type, HOST);

        Result tls12 = EnginePair.handshake(jdkClient(type, HOST, "TLSv1.2"), jdkServer(identity));
        Result tls13 = EnginePair.handshake(jdkClient(type, HOST, "TLSv1.3"), jdkServer(identity));

        assertThat(tls12.protocol()).isEqualTo("TLSv1.2");
        // TLS 1.2 suites name the authentication, so this also proves which key was used.
        assertThat(tls12.cipherSuite()).contains(type == KeyType.RSA_2048 ? "_ECDHE_RSA_" : "_ECDHE_ECDSA_");
        assertThat(tls13.protocol()).isEqualTo("TLSv1.3");
        assertThat(tls13.cipherSuite()).startsWith("TLS_AES_").doesNotContain("ECDHE");
    }

    // ------------------------------------------------------------------ certificate contents

    @ParameterizedTest
    @EnumSource(KeyType.class)
    void caAndLeafHaveTheExpectedExtensions(KeyType type) throws Exception {
        X509Certificate ca = TestPki.ca(type);
        X509Certificate leaf = TestPki.server(type, HOST, "alt.example.test").leaf();

        assertThat(ca.getBasicConstraints()).isGreaterThanOrEqualTo(0);
        assertThat(ca.getKeyUsage()[5]).as("keyCertSign").isTrue();
        ca.verify(ca.getPublicKey());

        assertThat(leaf.getBasicConstraints()).isEqualTo(-1);
        assertThat(leaf.getKeyUsage()[0]).as("digitalSignature").isTrue();
        assertThat(leaf.getKeyUsage()[2]).as("keyEncipherment").isEqualTo(type == KeyType.RSA_2048);
        assertThat(leaf.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1"); // serverAuth
        assertThat(leaf.getSubjectAlternativeNames())
                .containsExactlyInAnyOrder(List.of(2, HOST), List.of(2, "alt.example.test"));
        assertThat(leaf.getIssuerX500Principal()).isEqualTo(ca.getSubjectX500Principal());
        leaf.verify(ca.getPublicKey());
        assertThat(leaf.getPublicKey().getAlgorithm()).isEqualTo(type == KeyType.RSA_2048 ? "RSA" : "EC");
    }

    @Test
    void fingerprintIsTheSha256OfTheLeafsDerEncoding() throws Exception {
        Identity identity = TestPki.server(KeyType.EC_P256, HOST);

        byte[] digest = MessageDigest.getInstance("SHA-256").digest(identity.leaf().getEncoded());
        StringBuilder expected = new StringBuilder();
        for (byte b : digest) {
            expected.append(String.format("%02x", b & 0xff));
        }

        assertThat(identity.sha256Fingerprint()).isEqualTo(expected.toString()).matches("[0-9a-f]{64}");
        assertThat(TestPki.server(KeyType.EC_P256, OTHER_HOST).sha256Fingerprint())
                .isNotEqualTo(identity.sha256Fingerprint());
    }

    @Test
    void identitiesAreCachedAndImmutable() {
        Identity first = TestPki.server(KeyType.RSA_2048, HOST);

        assertThat(TestPki.server(KeyType.RSA_2048, HOST)).isSameAs(first);
        assertThatThrownBy(() -> first.chain().add(TestPki.ca(KeyType.RSA_2048)))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThat(first.toString()).contains(HOST).doesNotContain("private");
    }

    @ParameterizedTest
    @EnumSource(KeyType.class)
    void pemOutputParsesBackToTheSameObjects(KeyType type, @TempDir Path dir) throws Exception {
        Identity identity = TestPki.server(type, HOST);

        Identity.PemFiles files = identity.writePem(dir);
        Path caFile = TestPki.writeCaPem(type, dir);

        CertificateFactory x509 = CertificateFactory.getInstance("X.509");
        List<Certificate> chain = List.copyOf(
                x509.generateCertificates(new ByteArrayInputStream(Files.readAllBytes(files.certificateChain()))));
        assertThat(chain).containsExactlyElementsOf(identity.chain());
        assertThat(x509.generateCertificate(new ByteArrayInputStream(Files.readAllBytes(caFile))))
                .isEqualTo(TestPki.ca(type));

        String keyPem = Files.readString(files.privateKey());
        assertThat(keyPem).isEqualTo(identity.privateKeyPem()).startsWith("-----BEGIN PRIVATE KEY-----\n");
        String base64 = keyPem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        PrivateKey parsed = KeyFactory.getInstance(identity.key().getAlgorithm())
                .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
        assertThat(parsed).isEqualTo(identity.key());
        assertThat(keyPem.lines()).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(64));
        assertThat(Files.getPosixFilePermissions(files.privateKey()))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    }

    // ------------------------------------------------------------------ BouncyCastle JSSE

    @ParameterizedTest
    @EnumSource(KeyType.class)
    void bcJsseClientAndServerHandshakeWithEachOther(KeyType type) throws Exception {
        SSLEngine client = client(BcJsse.clientContextTrusting(TestPki.ca(type)), HOST);
        SSLEngine server = server(BcJsse.serverContext(TestPki.server(type, HOST)));
        assertThat(client.getClass().getName()).startsWith("org.bouncycastle.jsse.");
        assertThat(server.getClass().getName()).startsWith("org.bouncycastle.jsse.");

        assertThat(EnginePair.handshake(client, server).protocol()).isEqualTo("TLSv1.3");
        // Passed to getInstance only, never installed for the whole JVM.
        assertThat(Security.getProvider(BcJsse.provider().getName())).isNull();
    }

    @ParameterizedTest
    @EnumSource(KeyType.class)
    void bcJsseInteroperatesWithTheJdk(KeyType type) throws Exception {
        Identity identity = TestPki.server(type, HOST);

        Result bcClient = EnginePair.handshake(
                client(BcJsse.clientContextTrusting(TestPki.ca(type)), HOST), jdkServer(identity));
        Result bcServer = EnginePair.handshake(jdkClient(type, HOST), server(BcJsse.serverContext(identity)));
        Result bcServer12 = EnginePair.handshake(jdkClient(type, HOST, "TLSv1.2"), server(BcJsse.serverContext(identity)));

        assertThat(bcClient.protocol()).isEqualTo("TLSv1.3");
        assertThat(bcServer.protocol()).isEqualTo("TLSv1.3");
        assertThat(bcServer12.protocol()).isEqualTo("TLSv1.2");
    }

    @ParameterizedTest
    @EnumSource(KeyType.class)
    void bcJsseClientChecksTrustAndHostName(KeyType type) {
        SSLContext bc = BcJsse.clientContextTrusting(TestPki.ca(type));
        EnginePair untrusted = new EnginePair(client(bc, HOST), jdkServer(TestPki.selfSigned(type, HOST)));
        EnginePair wrongName = new EnginePair(client(bc, OTHER_HOST), jdkServer(TestPki.server(type, HOST)));

        // BCJSSE's engine reports handshake failures as plain SSLException, not SSLHandshakeException.
        SSLException untrustedFailure = catchThrowableOfType(SSLException.class, untrusted::handshake);
        SSLException wrongNameFailure = catchThrowableOfType(SSLException.class, wrongName::handshake);

        assertThat(untrusted.failedSide()).contains(Side.CLIENT);
        assertThat(causeOfType(untrustedFailure, CertPathBuilderException.class)).isNotNull();
        assertThat(wrongName.failedSide()).contains(Side.CLIENT);
        assertThat(causeOfType(wrongNameFailure, CertificateException.class)).hasMessageContaining(OTHER_HOST);
    }

    // ------------------------------------------------------------------ TLS 1.1 cap

    @ParameterizedTest
    @EnumSource(KeyType.class)
    void jdkClientWithTls12FloorRefusesTheTls11Server(KeyType type) {
        SSLEngine server = LegacyTls.serverEngineCappedAtTls11(TestPki.server(type, HOST));
        EnginePair pair = new EnginePair(jdkClient(type, HOST, "TLSv1.3", "TLSv1.2"), server);

        // "The server selected protocol version TLS11 is not accepted by client preferences [...]"
        assertThatThrownBy(pair::handshake).isInstanceOf(SSLHandshakeException.class)
                .hasMessageContaining("TLS11");

        // The server got as far as choosing TLS 1.1; it was the client that said no.
        assertThat(pair.failedSide()).contains(Side.CLIENT);
        assertThat(serverHelloVersion(pair.bytesSentBy(Side.SERVER))).isEqualTo(0x0302);
        assertThat(server.getHandshakeSession().getProtocol()).isEqualTo("TLSv1.1");
    }

    @ParameterizedTest
    @EnumSource(KeyType.class)
    void bcJsseClientWithTls12FloorRefusesTheTls11Server(KeyType type) {
        SSLEngine server = LegacyTls.serverEngineCappedAtTls11(TestPki.server(type, HOST));
        EnginePair pair = new EnginePair(client(BcJsse.clientContextTrusting(TestPki.ca(type)), HOST), server);

        SSLException e = catchThrowableOfType(SSLException.class, pair::handshake);

        assertThat(pair.failedSide()).contains(Side.CLIENT);
        assertThat(causeOfType(e, TlsFatalAlert.class).getAlertDescription()).isEqualTo(AlertDescription.protocol_version);
        assertThat(serverHelloVersion(pair.bytesSentBy(Side.SERVER))).isEqualTo(0x0302);
    }

    @ParameterizedTest
    @EnumSource(KeyType.class)
    void clientAllowingTls11NegotiatesExactlyTls11(KeyType type) throws Exception {
        SSLEngine client = LegacyTls.clientEngineAllowingTls11(TestPki.ca(type));
        SSLEngine server = LegacyTls.serverEngineCappedAtTls11(TestPki.server(type, HOST));
        EnginePair pair = new EnginePair(client, server);

        Result result = pair.handshake();

        assertThat(result.protocol()).isEqualTo("TLSv1.1");
        assertThat(server.getSession().getProtocol()).isEqualTo("TLSv1.1");
        assertThat(result.cipherSuite()).contains(type == KeyType.RSA_2048 ? "_ECDHE_RSA_" : "_ECDHE_ECDSA_");
        // The client offered TLS 1.2, so the cap is the server's doing.
        assertThat(clientHelloVersion(pair.bytesSentBy(Side.CLIENT))).isEqualTo(0x0303);
        assertThat(serverHelloVersion(pair.bytesSentBy(Side.SERVER))).isEqualTo(0x0302);
        assertThat(exchange(client, server, "EHLO client.example.test\r\n"))
                .isEqualTo("EHLO client.example.test\r\n");
        assertThat(exchange(server, client, "250 OK\r\n")).isEqualTo("250 OK\r\n");
    }

    @Test
    void clientAllowingTls11StillValidatesTheServerCertificate() {
        SSLEngine client = LegacyTls.clientEngineAllowingTls11(TestPki.ca(KeyType.RSA_2048));
        SSLEngine server = LegacyTls.serverEngineCappedAtTls11(TestPki.selfSigned(KeyType.RSA_2048, HOST));
        EnginePair pair = new EnginePair(client, server);

        SSLHandshakeException e = catchThrowableOfType(SSLHandshakeException.class, pair::handshake);

        assertThat(pair.failedSide()).contains(Side.CLIENT);
        assertThat(causeOfType(e, CertPathBuilderException.class)).isNotNull();
    }

    // ------------------------------------------------------------------ EnginePair itself

    @Test
    void enginePairRejectsTwoServersAndStopsAtTheStepLimit() {
        Identity identity = TestPki.server(KeyType.EC_P256, HOST);

        assertThatThrownBy(() -> new EnginePair(jdkServer(identity), jdkServer(identity)))
                .isInstanceOf(IllegalArgumentException.class);

        EnginePair pair = new EnginePair(jdkClient(KeyType.EC_P256, HOST), jdkServer(identity));
        assertThatThrownBy(() -> pair.handshake(1))
                .isInstanceOf(SSLException.class)
                .hasMessageContaining("not finished after 1 steps");
    }

    // ------------------------------------------------------------------ helpers

    /** A JDK client trusting the test CA of {@code type}, verifying {@code host} like HTTPS does. */
    private static SSLEngine jdkClient(KeyType type, String host, String... protocols) {
        return client(TestPki.clientContextTrusting(TestPki.ca(type)), host, protocols);
    }

    private static SSLEngine jdkServer(Identity identity) {
        return server(identity.serverContext());
    }

    /**
     * A client engine for {@code host}. The peer host is both the SNI name and what endpoint
     * identification checks the certificate against; the port is only a session-cache key.
     */
    private static SSLEngine client(SSLContext context, String host, String... protocols) {
        SSLEngine engine = context.createSSLEngine(host, 25);
        engine.setUseClientMode(true);
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        if (protocols.length > 0) {
            parameters.setProtocols(protocols);
        }
        engine.setSSLParameters(parameters);
        return engine;
    }

    private static SSLEngine server(SSLContext context) {
        SSLEngine engine = context.createSSLEngine();
        engine.setUseClientMode(false);
        return engine;
    }

    /** The first cause in {@code e}'s chain (including itself) of the given type; fails if none. */
    private static <T extends Throwable> T causeOfType(Throwable e, Class<T> type) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable t = e; t != null && !chain.contains(t); t = t.getCause()) {
            chain.add(t);
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        throw new AssertionError("no " + type.getName() + " in cause chain " + chain, e);
    }

    /** legacy_version of the ServerHello that must open the server's first record. */
    private static int serverHelloVersion(byte[] sent) {
        return helloVersion(sent, 2);
    }

    private static int clientHelloVersion(byte[] sent) {
        return helloVersion(sent, 1);
    }

    /**
     * Reads the version field of the hello message at the start of {@code sent}: a handshake
     * record (type 22) whose first message has type {@code helloType}; layout per RFC 5246 6.2
     * and 7.4: 5-byte record header, 4-byte handshake header, then the 2-byte version.
     */
    private static int helloVersion(byte[] sent, int helloType) {
        assertThat(sent.length).as("bytes sent").isGreaterThan(10);
        assertThat(sent[0]).as("record type").isEqualTo((byte) 22);
        assertThat(sent[5]).as("handshake type").isEqualTo((byte) helloType);
        return (sent[9] & 0xff) << 8 | (sent[10] & 0xff);
    }

    /** Sends {@code text} from one connected engine to the other and returns what arrived. */
    private static String exchange(SSLEngine from, SSLEngine to, String text) throws Exception {
        ByteBuffer network = ByteBuffer.allocate(from.getSession().getPacketBufferSize());
        from.wrap(ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII)), network);
        network.flip();
        ByteBuffer received = ByteBuffer.allocate(to.getSession().getApplicationBufferSize());
        to.unwrap(network, received);
        received.flip();
        return StandardCharsets.US_ASCII.decode(received).toString();
    }
}
