package org.starttls4j.probe;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.function.Consumer;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import org.starttls4j.Timeouts;
import org.starttls4j.TlsPolicy;
import org.starttls4j.testkit.ReferenceServer;
import org.starttls4j.testkit.ServerAdapter;
import org.starttls4j.testkit.TlsMode;

/**
 * The reference servers of {@code starttls4j serve} and of the demo: the test kit's
 * {@link ReferenceServer} with the command line's certificate, a log, and nothing recorded (it may
 * run for days).
 */
final class ReferenceServers {

    /** How long a connection handed over may stay silent. */
    private static final Duration IDLE = Duration.ofMinutes(5);

    private ReferenceServers() {
    }

    /**
     * Starts listening.
     *
     * @param protocol the protocol
     * @param policy   {@code REQUIRED}, {@code OPPORTUNISTIC} or {@code IMPLICIT}
     * @param bind     where to listen (port 0 for any free port)
     * @param identity the key and certificate
     * @param adapter  which adapter moves the bytes
     * @param log      where log lines go (called from several threads)
     * @return the running server
     * @throws IOException when the address cannot be bound
     */
    static ReferenceServer start(Protocol protocol, TlsPolicy policy, InetSocketAddress bind, ServerIdentity identity,
                                 Adapter adapter, Consumer<String> log) throws IOException {
        TlsMode mode = switch (policy) {
            case REQUIRED -> TlsMode.STARTTLS_REQUIRED;
            case OPPORTUNISTIC -> TlsMode.STARTTLS_OPPORTUNISTIC;
            case IMPLICIT -> TlsMode.IMPLICIT_TLS;
            default -> TlsMode.PLAINTEXT;
        };
        return ReferenceServer.builder(protocol.kit())
                .tls(mode)
                .tlsContext(identity.serverContext())
                .serverName(commonName(identity))
                // The server waits as Timeouts.DEFAULT (30 s for a silent client, 60 s per step), five minutes in all;
                // Limits.DEFAULT (20 commands before TLS, 1000-byte lines, 64 KiB) and the capacity answer.
                .timeouts(new Timeouts(Duration.ofSeconds(60), Duration.ofMinutes(5))
                        .withServerWaits(Timeouts.DEFAULT.firstCommand(), Timeouts.DEFAULT.nextCommand()))
                .idleTimeout(IDLE)
                .bind(bind)
                .adapter(ServerAdapter.valueOf(adapter.name()))
                .record(false)
                .log(log)
                .start();
    }

    /** The certificate's common name, the host name in greetings; {@code localhost} when it has none. */
    static String commonName(ServerIdentity identity) {
        try {
            for (Rdn rdn : new LdapName(identity.leaf().getSubjectX500Principal().getName()).getRdns()) {
                String value = rdn.getValue().toString();
                if (rdn.getType().equalsIgnoreCase("CN") && value.matches("[A-Za-z0-9.:-]+")) {
                    return value;
                }
            }
        } catch (InvalidNameException e) {
            // fall through to the default
        }
        return "localhost";
    }
}
