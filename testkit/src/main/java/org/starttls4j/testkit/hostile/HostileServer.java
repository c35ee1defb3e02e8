package org.starttls4j.testkit.hostile;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import org.starttls4j.testkit.Layer;
import org.starttls4j.testkit.MailProtocol;
import org.starttls4j.testkit.ReceivedCommand;
import org.starttls4j.testkit.Recording;
import org.starttls4j.testkit.ThrowawayPki;

/**
 * A mail server that plays one {@link HostileScenario} on every connection, on a free port of
 * 127.0.0.1, with its own {@link ThrowawayPki}. Point the client under test at it (trusting
 * {@link #clientContext()}, checking the name {@code localhost} or {@code 127.0.0.1}), let it do
 * what it does, then ask for the {@link #run()}.
 *
 * <pre>{@code
 * try (HostileServer server = HostileServer.start(MailProtocol.SMTP, HostileScenario.STARTTLS_STRIPPED)) {
 *     catchThrowable(() -> myClient.send(server.host(), server.port(), server.clientContext()));
 *     assertThat(server.run()).clientStayedSafe();
 * }
 * }</pre>
 */
public final class HostileServer implements AutoCloseable {

    private static final Duration RUN_WAIT = Duration.ofSeconds(30);

    private final MailProtocol protocol;
    private final List<HostileScenario> scenarios;
    private final HostileScenario scenario;
    private final boolean implicit;
    private final ThrowawayPki pki;
    private final Consumer<HostileRun> onConnectionJudged;
    private final Recording recording;
    private final ServerSocket listener;
    private final ExecutorService threads;
    private final List<Future<?>> connections = new CopyOnWriteArrayList<>();
    private final List<Finding> findings = new CopyOnWriteArrayList<>();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();

    private HostileServer(Builder b) throws IOException {
        for (HostileScenario s : b.scenarios) {
            if (!s.appliesTo(b.protocol)) {
                throw new IllegalArgumentException(s + " does not apply to " + b.protocol);
            }
        }
        this.protocol = b.protocol;
        this.scenarios = b.scenarios;
        this.scenario = b.scenarios.get(0);
        this.implicit = b.implicit;
        this.pki = b.pki != null ? b.pki : ThrowawayPki.forServer("localhost");
        this.onConnectionJudged = b.onConnectionJudged;
        this.recording = new Recording(protocol);
        this.listener = new ServerSocket();
        listener.bind(b.bind, 50);
        this.threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "starttls4j-hostile-" + protocol.lowerName());
            t.setDaemon(true);
            return t;
        });
        threads.execute(this::accept);
    }

    /**
     * Starts a hostile server with a new PKI for {@code localhost}.
     *
     * @param protocol SMTP, IMAP or POP3
     * @param scenario what it does to clients
     * @return the running server
     * @throws IOException              when no loopback port can be bound
     * @throws IllegalArgumentException when the scenario does not apply to the protocol
     */
    public static HostileServer start(MailProtocol protocol, HostileScenario scenario) throws IOException {
        return builder(protocol, scenario).start();
    }

    /**
     * Starts a hostile server with a given PKI (to share one CA between servers).
     *
     * @param protocol SMTP, IMAP or POP3
     * @param scenario what it does to clients
     * @param pki      its certificates
     * @return the running server
     * @throws IOException              when no loopback port can be bound
     * @throws IllegalArgumentException when the scenario does not apply to the protocol
     */
    public static HostileServer start(MailProtocol protocol, HostileScenario scenario, ThrowawayPki pki) throws IOException {
        return builder(protocol, scenario).pki(pki).start();
    }

    /**
     * A builder: the server plays {@code scenarios} in turn, one per connection (the first
     * connection gets the first scenario, and so on, round and round).
     *
     * @param protocol  SMTP, IMAP or POP3
     * @param scenarios at least one scenario
     * @return the builder
     */
    public static Builder builder(MailProtocol protocol, HostileScenario... scenarios) {
        return new Builder(protocol, List.of(scenarios));
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket socket = listener.accept();
                open.add(socket);
                int number = recording.connectionOpened();
                HostileScenario played = scenarios.get((number - 1) % scenarios.size());
                List<Finding> own = new CopyOnWriteArrayList<>();
                HostileConnection connection = new HostileConnection(protocol, played, implicit, pki, socket, recording, number, own::add);
                connections.add(threads.submit(() -> {
                    try {
                        connection.play();
                    } finally {
                        open.remove(socket);
                        findings.addAll(own);
                        if (onConnectionJudged != null) {
                            Recording alone = recording.connection(number);
                            List<Finding> all = new ArrayList<>(own);
                            all.addAll(judge(protocol, played, alone));
                            onConnectionJudged.accept(new HostileRun(protocol, played, all, alone));
                        }
                    }
                }));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    /**
     * The address to connect to.
     *
     * @return {@code 127.0.0.1}
     */
    public String host() {
        return listener.getInetAddress().getHostAddress();
    }

    /**
     * The port.
     *
     * @return the port, chosen free at start
     */
    public int port() {
        return listener.getLocalPort();
    }

    /**
     * The protocol.
     *
     * @return SMTP, IMAP or POP3
     */
    public MailProtocol protocol() {
        return protocol;
    }

    /**
     * The scenario (the first, when the server plays several in turn).
     *
     * @return what the server does
     */
    public HostileScenario scenario() {
        return scenario;
    }

    /**
     * The server's PKI: the client trusts its CA ({@link ThrowawayPki#ca()}).
     *
     * @return the PKI
     */
    public ThrowawayPki pki() {
        return pki;
    }

    /**
     * A fresh client context trusting only the server's CA, as a careful client would be configured.
     *
     * @return the context
     */
    public SSLContext clientContext() {
        return pki.clientContext();
    }

    /**
     * The verdict so far: waits (up to 30 seconds) for every connection accepted until now to end,
     * then judges what the client did.
     *
     * @return the run
     */
    public HostileRun run() {
        return run(RUN_WAIT);
    }

    /**
     * The verdict so far, waiting at most {@code wait} for the connections to end (connections
     * still open then are closed by the server, and noted).
     *
     * @param wait how long to wait for the client to finish
     * @return the run
     * @throws IllegalStateException when the server plays several scenarios in turn
     */
    public HostileRun run(Duration wait) {
        if (scenarios.size() > 1) {
            throw new IllegalStateException("the server plays " + scenarios.size() + " scenarios in turn: judge each connection"
                    + " with Builder.onConnectionJudged");
        }
        long deadline = System.nanoTime() + wait.toNanos();
        for (Future<?> f : connections) {
            try {
                f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                recording.note(0, "a connection was still open after " + wait.toSeconds() + " s: the server closed it");
                closeConnections();
            } catch (ExecutionException e) {
                recording.note(0, "a connection failed: " + e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        List<Finding> all = new ArrayList<>(findings);
        all.addAll(judge(protocol, scenario, recording));
        return new HostileRun(protocol, scenario, all, recording);
    }

    /** The findings that read off the recording alone: what travelled in plaintext, what was used inside TLS. */
    static List<Finding> judge(MailProtocol protocol, HostileScenario scenario, Recording recording) {
        List<Finding> out = new ArrayList<>();
        ReceivedCommand credentials = null;
        ReceivedCommand mail = null;
        ReceivedCommand beyond = null;
        for (ReceivedCommand c : recording.commands(Layer.PLAINTEXT)) {
            String verb = c.verb(protocol);
            boolean login = Set.of("AUTH", "LOGIN", "AUTHENTICATE", "USER", "PASS", "APOP").contains(verb);
            if (login && credentials == null) {
                credentials = c;
            }
            if (protocol == MailProtocol.SMTP && Set.of("MAIL", "RCPT", "DATA").contains(verb) && mail == null) {
                mail = c;
            }
            if (!protocol.isNegotiation(c.line()) && beyond == null) {
                beyond = c;
            }
        }
        if (credentials != null) {
            String decoded = recording.credentials().stream().filter(l -> l.layer() == Layer.PLAINTEXT).findFirst()
                    .map(l -> " (user " + l.user() + ", password " + l.password() + ")").orElse("");
            out.add(new Finding(ClientFinding.CREDENTIALS_IN_PLAINTEXT, credentials + decoded));
        }
        if (mail != null) {
            out.add(new Finding(ClientFinding.MAIL_IN_PLAINTEXT, mail.toString()));
        }
        if (beyond != null) {
            out.add(new Finding(ClientFinding.CONTINUED_WITHOUT_TLS, beyond.toString()));
        }
        if (scenario == HostileScenario.CAPABILITY_INJECTION) {
            String word = protocol == MailProtocol.IMAP ? "AUTHENTICATE" : "AUTH";
            recording.commands(Layer.TLS).stream()
                    .filter(c -> c.verb(protocol).equals(word) && c.line().trim().split(" +").length > (protocol == MailProtocol.IMAP ? 2 : 1))
                    .findFirst()
                    .ifPresent(c -> out.add(new Finding(ClientFinding.USED_CAPABILITY_FROM_BEFORE_TLS, c
                            + " although the server announced no SASL mechanism inside TLS, only before it")));
        }
        return out;
    }

    private void closeConnections() {
        for (Socket s : open) {
            try {
                s.close();
            } catch (IOException e) {
                // closing is all that is left
            }
        }
    }

    /** Stops listening and closes every connection. */
    @Override
    public void close() {
        try {
            listener.close();
        } catch (IOException e) {
            // nothing more to release
        }
        closeConnections();
        threads.shutdownNow();
    }

    @Override
    public String toString() {
        return protocol + " hostile server (" + scenario + ") on " + host() + ":" + port();
    }

    /** Configures a {@link HostileServer}. */
    public static final class Builder {
        private final MailProtocol protocol;
        private final List<HostileScenario> scenarios;
        private boolean implicit;
        private ThrowawayPki pki;
        private InetSocketAddress bind = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        private Consumer<HostileRun> onConnectionJudged;

        private Builder(MailProtocol protocol, List<HostileScenario> scenarios) {
            this.protocol = Objects.requireNonNull(protocol, "protocol");
            if (scenarios.isEmpty()) {
                throw new IllegalArgumentException("at least one scenario");
            }
            this.scenarios = List.copyOf(scenarios);
        }

        /**
         * Plays the scenarios on an implicit-TLS port (RFC 8314): TLS from the first byte, then the
         * greeting inside it; only scenarios that {@link HostileScenario#appliesToImplicitTls() apply} are allowed.
         *
         * @return this builder
         * @throws IllegalArgumentException when a scenario does not apply to implicit TLS
         */
        public Builder implicitTls() {
            for (HostileScenario s : scenarios) {
                if (!s.appliesToImplicitTls()) {
                    throw new IllegalArgumentException(s + " has nothing to attack on an implicit-TLS port");
                }
            }
            this.implicit = true;
            return this;
        }

        /**
         * The certificates to use instead of a new PKI for {@code localhost}.
         *
         * @param value the PKI
         * @return this builder
         */
        public Builder pki(ThrowawayPki value) {
            this.pki = Objects.requireNonNull(value, "pki");
            return this;
        }

        /**
         * Where to listen.
         *
         * @param value the address; default a free port of the loopback address
         * @return this builder
         */
        public Builder bind(InetSocketAddress value) {
            this.bind = Objects.requireNonNull(value, "bind");
            return this;
        }

        /**
         * Told the verdict of each connection as it ends (on the connection's thread), e.g. to print it.
         *
         * @param value what to tell
         * @return this builder
         */
        public Builder onConnectionJudged(Consumer<HostileRun> value) {
            this.onConnectionJudged = Objects.requireNonNull(value, "onConnectionJudged");
            return this;
        }

        /**
         * Starts the server.
         *
         * @return the running server
         * @throws IOException              when the address cannot be bound
         * @throws IllegalArgumentException when a scenario does not apply to the protocol
         */
        public HostileServer start() throws IOException {
            return new HostileServer(this);
        }
    }
}
