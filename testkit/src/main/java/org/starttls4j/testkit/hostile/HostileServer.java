package org.starttls4j.testkit.hostile;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
    private final HostileScenario scenario;
    private final ThrowawayPki pki;
    private final Recording recording;
    private final ServerSocket listener;
    private final ExecutorService threads;
    private final List<Future<?>> connections = new CopyOnWriteArrayList<>();
    private final List<Finding> findings = new CopyOnWriteArrayList<>();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();

    private HostileServer(MailProtocol protocol, HostileScenario scenario, ThrowawayPki pki) throws IOException {
        if (!scenario.appliesTo(protocol)) {
            throw new IllegalArgumentException(scenario + " does not apply to " + protocol);
        }
        this.protocol = protocol;
        this.scenario = scenario;
        this.pki = pki;
        this.recording = new Recording(protocol);
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "starttls4j-hostile-" + scenario.name().toLowerCase(Locale.ROOT));
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
        return start(protocol, scenario, ThrowawayPki.forServer("localhost"));
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
        return new HostileServer(Objects.requireNonNull(protocol, "protocol"), Objects.requireNonNull(scenario, "scenario"),
                Objects.requireNonNull(pki, "pki"));
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket socket = listener.accept();
                open.add(socket);
                int number = recording.connectionOpened();
                HostileConnection connection = new HostileConnection(protocol, scenario, pki, socket, recording, number, findings::add);
                connections.add(threads.submit(() -> {
                    try {
                        connection.play();
                    } finally {
                        open.remove(socket);
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
     * The scenario.
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
     */
    public HostileRun run(Duration wait) {
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
}
