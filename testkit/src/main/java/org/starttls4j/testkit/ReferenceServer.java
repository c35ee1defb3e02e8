package org.starttls4j.testkit;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import org.starttls4j.ServerConfig;
import org.starttls4j.Timeouts;
import org.starttls4j.testkit.internal.Conversation;
import org.starttls4j.testkit.internal.NettyTransport;
import org.starttls4j.testkit.internal.NioTransport;
import org.starttls4j.testkit.internal.Sessions;
import org.starttls4j.testkit.internal.Transport;

/**
 * A mail server for tests: SMTP, IMAP, POP3 (and LMTP, ManageSieve, NNTP) on a free port of
 * 127.0.0.1, with STARTTLS (required or opportunistic), implicit TLS or none, presenting a
 * certificate from its own {@link ThrowawayPki}. The STARTTLS part is the library's own server
 * negotiation, through the NIO adapter (or the Netty one); after it, the server answers enough of
 * the protocol for common clients to finish a session, accepts any credentials (inside TLS, or
 * wherever the mode allows login), and records everything in {@link #recording()}.
 *
 * <pre>{@code
 * try (ReferenceServer smtp = ReferenceServer.builder(MailProtocol.SMTP).start()) {
 *     send(smtp.host(), smtp.port(), smtp.clientContext());
 *     assertThat(smtp.recording()).onlyNegotiationBeforeTls().deliveredOneMessageTo("x@y").insideTls();
 * }
 * }</pre>
 *
 * <p>In JUnit 5, {@link MailServerExtension} starts and stops one for you. {@code starttls4j serve}
 * is this server with a log ({@link Builder#log}) and no recording ({@link Builder#record}).
 */
public final class ReferenceServer implements AutoCloseable {

    private final MailProtocol protocol;
    private final TlsMode mode;
    private final CertificateKind certificate;
    private final ThrowawayPki pki;
    private final String serverName;
    private final Recording recording;
    private final Transport transport;

    private ReferenceServer(Builder b) throws IOException {
        this.protocol = b.protocol;
        this.mode = b.mode;
        this.certificate = b.certificate;
        if (mode == TlsMode.IMPLICIT_TLS && !protocol.hasImplicitTls()) {
            throw new IllegalArgumentException(protocol + " has no implicit-TLS port");
        }
        this.pki = b.context != null ? null : b.pki != null ? b.pki : ThrowawayPki.forServer(b.serverName);
        this.serverName = b.context != null ? b.serverName : pki.serverName();
        this.recording = new Recording(protocol);
        ServerConfig config = ServerConfig.builder()
                .policy(mode.policy())
                .hostname(serverName)
                .sslContext(b.context != null ? b.context : pki.serverContext(certificate))
                // without TLS there is nothing to withhold login for: a server that refused every login would test nothing
                .capabilitiesBeforeTls(Conversation.capabilities(protocol, mode == TlsMode.PLAINTEXT))
                .capabilitiesAfterTls(Conversation.capabilities(protocol, true))
                .timeouts(b.timeouts != null ? b.timeouts : Timeouts.of(b.negotiationTimeout))
                .allowAuthBeforeTls(mode == TlsMode.PLAINTEXT)
                .build();
        Sessions sessions = new Sessions(protocol, config, recording, b.record, b.log);
        this.transport = b.adapter == ServerAdapter.NETTY ? new NettyTransport(sessions, b.bind, b.idleTimeout)
                : new NioTransport(sessions, b.bind, b.idleTimeout);
    }

    /**
     * A builder for a server of {@code protocol}: by default STARTTLS required, a valid certificate
     * for {@code localhost}, on a free port of 127.0.0.1.
     *
     * @param protocol the protocol
     * @return the builder
     */
    public static Builder builder(MailProtocol protocol) {
        return new Builder(protocol);
    }

    /**
     * The protocol served.
     *
     * @return the protocol
     */
    public MailProtocol protocol() {
        return protocol;
    }

    /**
     * How TLS is offered.
     *
     * @return the mode
     */
    public TlsMode mode() {
        return mode;
    }

    /**
     * Which certificate the server presents.
     *
     * @return the kind ({@link CertificateKind#VALID} when a context of the caller's was given)
     */
    public CertificateKind certificate() {
        return certificate;
    }

    /**
     * The address to connect to.
     *
     * @return the listening address, {@code 127.0.0.1} by default
     */
    public String host() {
        return transport.localAddress().getAddress().getHostAddress();
    }

    /**
     * The port it listens on, chosen free at start unless {@link Builder#bind} said otherwise.
     *
     * @return the port
     */
    public int port() {
        return transport.localAddress().getPort();
    }

    /**
     * Where it listens.
     *
     * @return the address with the actual port
     */
    public InetSocketAddress address() {
        return transport.localAddress();
    }

    /**
     * The name in the certificate (when {@link CertificateKind#VALID}), and in greetings; connect
     * to it as {@code localhost} or {@code 127.0.0.1}, both verify.
     *
     * @return the server name
     */
    public String serverName() {
        return serverName;
    }

    /**
     * The PKI, for trust material in other forms ({@link ThrowawayPki#caPem()},
     * {@link ThrowawayPki#writeTrustStore}, {@link ThrowawayPki#trustJvmWide()}).
     *
     * @return the server's PKI
     * @throws IllegalStateException when the server presents a context of the caller's ({@link Builder#tlsContext})
     */
    public ThrowawayPki pki() {
        if (pki == null) {
            throw new IllegalStateException("this server presents a TLS context of the caller's, not a throw-away PKI");
        }
        return pki;
    }

    /**
     * A fresh client context trusting only this server's CA.
     *
     * @return {@code pki().clientContext()}
     * @throws IllegalStateException as {@link #pki()}
     */
    public SSLContext clientContext() {
        return pki().clientContext();
    }

    /**
     * What the server received. A command after the hand-over is recorded before it is answered,
     * so a client that has read its answer finds it here; the lines of the negotiation itself
     * (EHLO, STARTTLS, a refused command before TLS) are recorded when the negotiation ends.
     *
     * @return the live recording (cleared by {@link MailServerExtension} before each test; empty
     *         when {@link Builder#record} is off, but for the connection count)
     */
    public Recording recording() {
        return recording;
    }

    /** Stops listening and closes every connection. */
    @Override
    public void close() {
        transport.close();
    }

    @Override
    public String toString() {
        return protocol + " reference server on " + host() + ":" + port() + " (" + mode + ", " + certificate + " certificate)";
    }

    /** Configures a {@link ReferenceServer}. */
    public static final class Builder {
        private final MailProtocol protocol;
        private TlsMode mode = TlsMode.STARTTLS_REQUIRED;
        private CertificateKind certificate = CertificateKind.VALID;
        private String serverName = "localhost";
        private ThrowawayPki pki;
        private SSLContext context;
        private Duration negotiationTimeout = Duration.ofSeconds(30);
        private Timeouts timeouts;
        private Duration idleTimeout = Duration.ofMinutes(2);
        private InetSocketAddress bind = new InetSocketAddress("127.0.0.1", 0);
        private ServerAdapter adapter = ServerAdapter.NIO;
        private boolean record = true;
        private Consumer<String> log;

        private Builder(MailProtocol protocol) {
            this.protocol = Objects.requireNonNull(protocol, "protocol");
        }

        /**
         * How to offer TLS.
         *
         * @param value the mode; default {@link TlsMode#STARTTLS_REQUIRED}
         * @return this builder
         */
        public Builder tls(TlsMode value) {
            this.mode = Objects.requireNonNull(value, "mode");
            return this;
        }

        /**
         * Which certificate to present.
         *
         * @param value the kind; default {@link CertificateKind#VALID}
         * @return this builder
         */
        public Builder certificate(CertificateKind value) {
            this.certificate = Objects.requireNonNull(value, "certificate");
            return this;
        }

        /**
         * The name the certificate is for (ignored when {@link #pki} is given), and the name in greetings.
         *
         * @param value the DNS name; default {@code localhost}
         * @return this builder
         */
        public Builder serverName(String value) {
            this.serverName = Objects.requireNonNull(value, "serverName");
            return this;
        }

        /**
         * A PKI to use instead of a new one, e.g. to share one CA between several servers.
         *
         * @param value the PKI
         * @return this builder
         */
        public Builder pki(ThrowawayPki value) {
            this.pki = Objects.requireNonNull(value, "pki");
            return this;
        }

        /**
         * A server context of the caller's (a certificate and key from files, say) instead of a
         * throw-away PKI; {@link #serverName} then only names the server in greetings.
         *
         * @param value the context whose key managers present the certificate
         * @return this builder
         */
        public Builder tlsContext(SSLContext value) {
            this.context = Objects.requireNonNull(value, "context");
            return this;
        }

        /**
         * How long the negotiation waits for each client step (and in all) before closing the connection.
         *
         * @param value the timeout; default 30 s
         * @return this builder
         */
        public Builder negotiationTimeout(Duration value) {
            this.negotiationTimeout = Objects.requireNonNull(value, "negotiationTimeout");
            return this;
        }

        /**
         * The negotiation's timeouts in full, instead of {@link #negotiationTimeout}.
         *
         * @param value the timeouts
         * @return this builder
         */
        public Builder timeouts(Timeouts value) {
            this.timeouts = Objects.requireNonNull(value, "timeouts");
            return this;
        }

        /**
         * How long a connection handed over may stay silent before the server closes it.
         *
         * @param value the limit; default 2 minutes
         * @return this builder
         */
        public Builder idleTimeout(Duration value) {
            this.idleTimeout = Objects.requireNonNull(value, "idleTimeout");
            return this;
        }

        /**
         * Where to listen.
         *
         * @param value the address; default 127.0.0.1 on a free port
         * @return this builder
         */
        public Builder bind(InetSocketAddress value) {
            this.bind = Objects.requireNonNull(value, "bind");
            return this;
        }

        /**
         * Which adapter moves the bytes.
         *
         * @param value the adapter; default {@link ServerAdapter#NIO}
         * @return this builder
         */
        public Builder adapter(ServerAdapter value) {
            this.adapter = Objects.requireNonNull(value, "adapter");
            return this;
        }

        /**
         * Whether to record commands, credentials and messages. A server that runs for long (the
         * command line's {@code serve}) turns it off: it then holds nothing per connection once the
         * connection ends, and SMTP messages are counted, not kept.
         *
         * @param value whether to record; default true
         * @return this builder
         */
        public Builder record(boolean value) {
            this.record = value;
            return this;
        }

        /**
         * Where to write a log line for each command, with its time, client and layer; credentials
         * and message text are masked.
         *
         * @param value where lines go (called from several threads)
         * @return this builder
         */
        public Builder log(Consumer<String> value) {
            this.log = Objects.requireNonNull(value, "log");
            return this;
        }

        /**
         * Starts the server.
         *
         * @return the running server
         * @throws IOException              when the address cannot be bound
         * @throws IllegalArgumentException when the protocol has no implicit TLS and {@link TlsMode#IMPLICIT_TLS} was asked
         */
        public ReferenceServer start() throws IOException {
            return new ReferenceServer(this);
        }
    }
}
