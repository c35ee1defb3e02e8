package org.starttls4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.junit.jupiter.api.Test;
import org.starttls4j.testing.Identity;
import org.starttls4j.testing.TestPki;
import org.starttls4j.testing.TestPki.KeyType;

/**
 * A server that asks for a client certificate finds it in its session's facts; one that does not
 * ask reads no peer chain at all (the JDK would only throw or copy an empty one).
 */
class ClientCertificateFactsTest {

    private static final String HOST = TlsPairTest.HOST;
    private static final Identity CLIENT = TestPki.server(KeyType.EC_P256, "client.example.test");

    @Test
    void aServerThatNeedsAClientCertificateSeesItInItsFacts() {
        SecureSession server = negotiate(engine -> engine.setNeedClientAuth(true));

        assertThat(server.tls().peerCertificates()).containsExactly(CLIENT.leaf());
    }

    @Test
    void aServerThatWantsAClientCertificateSeesItInItsFacts() {
        SecureSession server = negotiate(engine -> engine.setWantClientAuth(true));

        assertThat(server.tls().peerCertificates()).containsExactly(CLIENT.leaf());
    }

    @Test
    void aServerThatAsksForNoClientCertificateHasNoPeerChain() {
        SecureSession server = negotiate(engine -> { });

        assertThat(server.tls().peerCertificates()).isEmpty();
    }

    /** An SMTP negotiation in memory whose client holds {@link #CLIENT}; the server's session. */
    private static SecureSession negotiate(Consumer<SSLEngine> askForClientCertificate) {
        SSLContext serverContext = context(TestPki.server(KeyType.EC_P256, HOST), new AcceptsAnyClient());
        SSLContext clientContext = context(CLIENT, TestPki.trustManagers(TestPki.ca(KeyType.EC_P256))[0]);
        ServerConfig server = ServerConfig.builder().hostname(HOST).engineFactory((host, port) -> {
            SSLEngine engine = serverContext.createSSLEngine();
            askForClientCertificate.accept(engine);
            return engine;
        }).build();
        ClientConfig client = ClientConfig.builder(HOST).sslContext(clientContext).build();

        return TlsPairTest.run(client, server).serverSession();
    }

    private static SSLContext context(Identity identity, TrustManager trust) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(identity.keyManagers(), new TrustManager[] {trust}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The test CA's leaves are for servers (their key usage says so): a server here takes any client chain. */
    private static final class AcceptsAnyClient extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
            throw new UnsupportedOperationException("a server's trust manager");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            throw new UnsupportedOperationException("a server's trust manager");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
            throw new UnsupportedOperationException("a server's trust manager");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
