package org.starttls4j.testing.interop;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.starttls4j.ClientConfig;
import org.starttls4j.ServerConfig;
import org.starttls4j.Timeouts;
import org.starttls4j.TlsPolicy;
import org.starttls4j.testing.Identity;
import org.starttls4j.testing.TestPki;

/**
 * The one certificate every interop server presents, and the matching trust for every client.
 * The certificate names {@value #SERVER_NAME} and the IP address 127.0.0.1, so a client may verify
 * either the name (curl {@code --resolve}, OpenSSL {@code -verify_hostname}, starttls4j's
 * {@link ClientConfig}) or the address it dialled (Jakarta Mail's {@code checkserveridentity}).
 */
public final class InteropPki {

    /** The server name in the certificate, in SNI, and in the greetings. */
    public static final String SERVER_NAME = "mail.example.test";

    /** The key type: EC keys are quick to make and to handshake with. */
    public static final TestPki.KeyType KEY_TYPE = TestPki.KeyType.EC_P256;

    /** Negotiation deadlines: far above what loopback needs, far below the suite's budget. */
    public static final Timeouts TIMEOUTS = Timeouts.of(Duration.ofSeconds(20));

    private InteropPki() {
    }

    /** The server identity (cached by {@link TestPki}). */
    public static Identity serverIdentity() {
        return TestPki.issue(TestPki.LeafSpec.valid(KEY_TYPE, SERVER_NAME).withIpAddresses("127.0.0.1"));
    }

    /** The CA that issued {@link #serverIdentity()}: what clients trust. */
    public static X509Certificate ca() {
        return TestPki.ca(KEY_TYPE);
    }

    /** Writes the CA as PEM into {@code dir}, for {@code --cacert} and {@code -CAfile}. */
    public static Path writeCaPem(Path dir) {
        return TestPki.writeCaPem(KEY_TYPE, dir);
    }

    /** A JDK client context that trusts only the test CA (for Jakarta Mail's socket factory). */
    public static SSLContext clientContext() {
        return TestPki.clientContextTrusting(ca());
    }

    /**
     * A starttls4j client configuration for {@value #SERVER_NAME} that trusts the test CA, with the
     * interop deadlines. Hostname verification stays on.
     *
     * @param policy the policy
     * @return a builder to adjust further
     */
    public static ClientConfig.Builder client(TlsPolicy policy) {
        return ClientConfig.builder(SERVER_NAME).policy(policy).trustAnchors(List.of(ca())).timeouts(TIMEOUTS)
                .clientName("client.example.test");
    }

    /**
     * A starttls4j server configuration presenting {@link #serverIdentity()}, announcing the
     * protocol's test capabilities, with the interop deadlines.
     *
     * @param protocol the protocol
     * @param policy   the policy
     * @return a builder to adjust further
     */
    public static ServerConfig.Builder server(MailProtocol protocol, TlsPolicy policy) {
        return ServerConfig.builder().policy(policy).hostname(SERVER_NAME).sslContext(serverIdentity().serverContext())
                .capabilitiesBeforeTls(protocol.capabilitiesBeforeTls()).capabilitiesAfterTls(protocol.capabilitiesAfterTls())
                .timeouts(TIMEOUTS);
    }
}
