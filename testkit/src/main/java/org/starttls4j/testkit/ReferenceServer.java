package org.starttls4j.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;
import org.starttls4j.Capabilities;
import org.starttls4j.Capability;
import org.starttls4j.Negotiation;
import org.starttls4j.PlaintextSession;
import org.starttls4j.ServerConfig;
import org.starttls4j.Timeouts;
import org.starttls4j.imap.Imap;
import org.starttls4j.nio.NegotiatedChannel;
import org.starttls4j.nio.NioServer;
import org.starttls4j.pop3.Pop3;
import org.starttls4j.smtp.Smtp;
import org.starttls4j.testkit.internal.Conversation;
import org.starttls4j.testkit.internal.ConversationLoop;
import org.starttls4j.testkit.internal.LineReader;
import org.starttls4j.testkit.internal.NegotiationLines;

/**
 * A mail server for tests: SMTP, IMAP or POP3 on a free port of 127.0.0.1, with STARTTLS (required
 * or opportunistic), implicit TLS or none, presenting a certificate from its own
 * {@link ThrowawayPki}. The STARTTLS part is the library's own server negotiation (through the NIO
 * adapter); after it, the server answers enough of the protocol for common clients to finish a
 * session, accepts any credentials, and records everything in {@link #recording()}.
 *
 * <pre>{@code
 * try (ReferenceServer smtp = ReferenceServer.builder(MailProtocol.SMTP).start()) {
 *     send(smtp.host(), smtp.port(), smtp.clientContext());
 *     assertThat(smtp.recording()).onlyNegotiationBeforeTls().deliveredOneMessageTo("x@y").insideTls();
 * }
 * }</pre>
 *
 * <p>In JUnit 5, {@link MailServerExtension} starts and stops one for you.
 */
public final class ReferenceServer implements AutoCloseable {

    private static final Duration IDLE = Duration.ofMinutes(2);

    private final MailProtocol protocol;
    private final TlsMode mode;
    private final CertificateKind certificate;
    private final ThrowawayPki pki;
    private final Recording recording;
    private final NioServer server;
    private final ExecutorService workers;
    private final Set<NegotiatedChannel> open = ConcurrentHashMap.newKeySet();

    private ReferenceServer(Builder b) throws IOException {
        this.protocol = b.protocol;
        this.mode = b.mode;
        this.certificate = b.certificate;
        this.pki = b.pki != null ? b.pki : ThrowawayPki.forServer(b.serverName);
        this.recording = new Recording(protocol);
        ServerConfig config = ServerConfig.builder()
                .policy(mode.policy())
                .hostname(pki.serverName())
                .sslContext(pki.serverContext(certificate))
                .capabilitiesBeforeTls(capabilities(protocol))
                .capabilitiesAfterTls(capabilities(protocol))
                .timeouts(Timeouts.of(b.negotiationTimeout))
                // a server without TLS that refused every login would test nothing
                .allowAuthBeforeTls(mode == TlsMode.PLAINTEXT)
                .build();
        this.workers = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "starttls4j-testkit-" + protocol.lowerName());
            t.setDaemon(true);
            return t;
        });
        this.server = NioServer.builder(() -> negotiation(config))
                .bind(new InetSocketAddress("127.0.0.1", 0))
                .onSession(channel -> {
                    int number = recording.connectionOpened();
                    String unread = channel.session() instanceof PlaintextSession plain
                            ? StandardCharsets.ISO_8859_1.decode(plain.unread()).toString() : "";
                    NegotiationLines.record(protocol, recording, number, channel.report().events(), unread);
                    open.add(channel);
                    workers.execute(() -> serve(number, channel));
                })
                .onFailure((peer, report) -> NegotiationLines.record(protocol, recording, recording.connectionOpened(), report.events()))
                .start();
    }

    /**
     * A builder for a server of {@code protocol}: by default STARTTLS required, a valid certificate
     * for {@code localhost}.
     *
     * @param protocol SMTP, IMAP or POP3
     * @return the builder
     */
    public static Builder builder(MailProtocol protocol) {
        return new Builder(protocol);
    }

    private Negotiation negotiation(ServerConfig config) {
        return switch (protocol) {
            case SMTP -> Smtp.server(config);
            case IMAP -> Imap.server(config);
            case POP3 -> Pop3.server(config);
        };
    }

    private static Capabilities capabilities(MailProtocol protocol) {
        List<Capability> list = new ArrayList<>();
        switch (protocol) {
            case SMTP -> {
                list.add(new Capability("8BITMIME", List.of()));
                list.add(new Capability("ENHANCEDSTATUSCODES", List.of()));
                list.add(new Capability("AUTH", List.of("PLAIN", "LOGIN")));
            }
            case IMAP -> {
                list.add(new Capability("IMAP4rev1", List.of()));
                list.add(new Capability("AUTH=PLAIN", List.of()));
            }
            case POP3 -> {
                list.add(new Capability("USER", List.of()));
                list.add(new Capability("UIDL", List.of()));
                list.add(new Capability("SASL", List.of("PLAIN")));
            }
        }
        return new Capabilities(list);
    }

    private void serve(int number, NegotiatedChannel channel) {
        Layer layer = channel.isEncrypted() ? Layer.TLS : Layer.PLAINTEXT;
        try (channel) {
            channel.configureBlocking(true);
            channel.setTimeout(IDLE);
            InputStream in = Channels.newInputStream(channel);
            OutputStream out = Channels.newOutputStream(channel);
            Conversation conversation = Conversation.open(protocol, recording, number, layer,
                    new Conversation.Profile(pki.serverName(), true));
            ConversationLoop.run(new LineReader(in, ConversationLoop.MAX_LINE), out, conversation);
        } catch (IOException e) {
            recording.note(number, "connection ended: " + e.getMessage());
        } finally {
            open.remove(channel);
        }
    }

    /**
     * The protocol served.
     *
     * @return SMTP, IMAP or POP3
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
     * @return the kind
     */
    public CertificateKind certificate() {
        return certificate;
    }

    /**
     * The address to connect to.
     *
     * @return {@code 127.0.0.1}
     */
    public String host() {
        return server.localAddress().getAddress().getHostAddress();
    }

    /**
     * The port it listens on, chosen free at start.
     *
     * @return the port
     */
    public int port() {
        return server.localAddress().getPort();
    }

    /**
     * The name in the certificate (when {@link CertificateKind#VALID}); connect to it as
     * {@code localhost} or {@code 127.0.0.1}, both verify.
     *
     * @return the server name of the PKI
     */
    public String serverName() {
        return pki.serverName();
    }

    /**
     * The PKI, for trust material in other forms ({@link ThrowawayPki#caPem()},
     * {@link ThrowawayPki#writeTrustStore}, {@link ThrowawayPki#trustJvmWide()}).
     *
     * @return the server's PKI
     */
    public ThrowawayPki pki() {
        return pki;
    }

    /**
     * A fresh client context trusting only this server's CA.
     *
     * @return {@code pki().clientContext()}
     */
    public SSLContext clientContext() {
        return pki.clientContext();
    }

    /**
     * What the server received. A command after the hand-over is recorded before it is answered,
     * so a client that has read its answer finds it here; the lines of the negotiation itself
     * (EHLO, STARTTLS, a refused command before TLS) are recorded when the negotiation ends.
     *
     * @return the live recording (cleared by {@link MailServerExtension} before each test)
     */
    public Recording recording() {
        return recording;
    }

    /** Stops listening and closes every connection. */
    @Override
    public void close() {
        server.close();
        for (NegotiatedChannel channel : open) {
            try {
                channel.close();
            } catch (IOException e) {
                // closing is all that is left
            }
        }
        workers.shutdownNow();
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
        private Duration negotiationTimeout = Duration.ofSeconds(30);

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
         * The name the certificate is for (ignored when {@link #pki} is given).
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
         * Starts the server.
         *
         * @return the running server
         * @throws IOException when no loopback port can be bound
         */
        public ReferenceServer start() throws IOException {
            return new ReferenceServer(this);
        }
    }
}
