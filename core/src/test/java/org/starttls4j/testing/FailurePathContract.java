package org.starttls4j.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.starttls4j.ClientConfig;
import org.starttls4j.DelegatedTasks;
import org.starttls4j.Failure;
import org.starttls4j.Failure.Reason;
import org.starttls4j.NegotiationConfig;
import org.starttls4j.ServerConfig;
import org.starttls4j.Timeouts;
import org.starttls4j.TlsPolicy;

/**
 * The failure paths, the same for every adapter: an adapter's SMTP client and server, each facing
 * a peer on 127.0.0.1 scripted byte by byte (a plain {@link Socket}, and an {@link SSLSocket}
 * layered on it where the script goes into TLS), end every way a negotiation can go wrong with the
 * same {@link Failure.Reason} (the README's "Failure reasons" table), and with their side of the
 * connection closed. The peer closes (before the greeting, mid-line, right after the go-ahead,
 * mid-handshake, inside TLS), stays silent until a deadline passes, answers the go-ahead with
 * garbage instead of a hello or with plaintext; or this side gives up while it waits at each of
 * those points, or its executor refuses the handshake's delegated tasks. The interop contracts
 * ({@code testing.interop}) cover the paths that succeed.
 *
 * <p>Each adapter's test extends this once and says how it runs one negotiation
 * ({@link #start}); it adds its own check that nothing is left held (Netty's leak detector).
 * Nothing here sleeps: the peer's script reads what the adapter wrote, so the adapter is known
 * to wait where the scenario says when it gives up or falls silent.
 */
public abstract class FailurePathContract {

    /** The name the server's certificate is for and the client checks. */
    protected static final String HOST = "mail.example.test";
    /** A step's timeout in the deadline scenarios: short, as the peer stays silent. */
    private static final Duration SHORT = Duration.ofMillis(400);
    /** Every other wait: long enough for a loaded machine, and each a bound on a broken test. */
    private static final Duration LONG = Duration.ofSeconds(20);
    private static final TestPki.KeyType KEY = TestPki.KeyType.EC_P256;
    /** A failure's message is for people: whatever the peer sent, a few lines at most. */
    private static final int MAX_MESSAGE = 1024;

    /** One negotiation the adapter under test runs. */
    protected interface Attempt {

        /**
         * Completes, once the negotiation has ended, with its failure, or with null when it did not
         * fail; completes exceptionally when the adapter ended it without a {@link Failure}.
         *
         * @return the failure
         */
        CompletableFuture<Failure> failure();

        /**
         * Completes once the adapter's side of the connection is closed; exceptionally when the
         * adapter is known to have left it open.
         *
         * @return the close
         */
        CompletableFuture<Void> closed();

        /** This side gives up, the way the adapter's user ends a negotiation (close, abort); from any thread. */
        void giveUp();
    }

    /**
     * Runs a negotiation of the SMTP dialog on {@code socket} with {@code config}: a client's when
     * it is a {@link ClientConfig}, a server's when a {@link ServerConfig}.
     *
     * @param socket a connected socket, in blocking mode: the adapter's from now on
     * @param config the configuration
     * @return the running negotiation
     * @throws IOException when the adapter cannot take the socket
     */
    protected abstract Attempt start(SocketChannel socket, NegotiationConfig config) throws IOException;

    /**
     * {@link #start}, with the configuration handing the engine's delegated tasks to the caller
     * ({@link DelegatedTasks#HAND_TO_CALLER}) and the adapter giving them to {@code tasks}.
     *
     * @param socket a connected socket, in blocking mode: the adapter's from now on
     * @param config the configuration, which hands the tasks over
     * @param tasks  where the adapter runs them
     * @return the running negotiation
     * @throws IOException when the adapter cannot take the socket
     */
    protected abstract Attempt start(SocketChannel socket, NegotiationConfig config, Executor tasks) throws IOException;

    // ------------------------------------------------------------------ the scenarios

    /** The adapter's role in a scenario. */
    enum Role { CLIENT, SERVER }

    /** What the peer does, from the connection on. */
    @FunctionalInterface
    interface Script {
        void run(Peer peer) throws Exception;
    }

    /**
     * One way to fail: the adapter's role, what the peer does, whether this side then gives up,
     * whether the deadlines are short, the reason both adapters must report, and what its message
     * must say (null: anything), where the README promises it tells cases apart (a TLS truncation),
     * and whether the peer must hear TLS end (an alert, {@code close_notify}) before the connection
     * does: when this side gives up once its TLS has begun.
     */
    record Scenario(String name, Role role, Script script, boolean giveUp, boolean shortDeadlines, Reason expected, String told,
                    boolean tlsEndsFirst) {

        Scenario(String name, Role role, Script script, boolean giveUp, boolean shortDeadlines, Reason expected) {
            this(name, role, script, giveUp, shortDeadlines, expected, null, false);
        }

        Scenario(String name, Role role, Script script, boolean giveUp, boolean shortDeadlines, Reason expected, String told) {
            this(name, role, script, giveUp, shortDeadlines, expected, told, false);
        }

        @Override
        public String toString() {
            return role + ": " + name;
        }
    }

    /**
     * The scenarios. A server's negotiation ends with the handshake (it hands the session over
     * then, {@code Secured}), so "inside TLS before the dialog ends" is a client's only: what a
     * client does once the handshake is done is the application's to see.
     */
    static Stream<Scenario> scenarios() {
        return Stream.of(
                // The peer closes.
                new Scenario("the server closes before its greeting", Role.CLIENT, Peer::close, false, false, Reason.PEER_CLOSED),
                new Scenario("the server closes mid-reply", Role.CLIENT, p -> {
                    p.greet();
                    p.line();
                    p.send("250-" + HOST + "\r\n250-PIPEL");
                    p.close();
                }, false, false, Reason.PEER_CLOSED),
                new Scenario("the server closes right after the go-ahead", Role.CLIENT, p -> {
                    p.greetUntilGoAhead();
                    p.close();
                }, false, false, Reason.PEER_CLOSED, "without close_notify"),
                new Scenario("the server closes mid-handshake", Role.CLIENT, p -> {
                    p.greetUntilGoAhead();
                    p.readSome();
                    p.close();
                }, false, false, Reason.PEER_CLOSED, "without close_notify"),
                new Scenario("the server closes inside TLS before the EHLO reply", Role.CLIENT, p -> {
                    p.greetUntilGoAhead();
                    p.tlsAsServer().close();
                }, false, false, Reason.PEER_CLOSED, "closed TLS"),
                new Scenario("the server ends TLS before the EHLO reply and keeps the connection", Role.CLIENT, p -> {
                    p.greetUntilGoAhead();
                    p.tlsAsServer().endTls();
                }, false, false, Reason.PEER_CLOSED, "closed TLS"),
                new Scenario("the server drops the connection inside TLS before the EHLO reply", Role.CLIENT, p -> {
                    p.greetUntilGoAhead();
                    p.tlsAsServer();
                    p.close(); // the connection under TLS: no close_notify, a truncation
                }, false, false, Reason.PEER_CLOSED, "without close_notify"),
                new Scenario("the client closes before it says anything", Role.SERVER, Peer::close, false, false, Reason.PEER_CLOSED),
                new Scenario("the client closes mid-command", Role.SERVER, p -> {
                    p.reply();
                    p.send("EHLO client.exa");
                    p.close();
                }, false, false, Reason.PEER_CLOSED),
                new Scenario("the client closes right after the go-ahead", Role.SERVER, p -> {
                    p.askUntilGoAhead();
                    p.close();
                }, false, false, Reason.PEER_CLOSED, "without close_notify"),
                new Scenario("the client closes mid-handshake", Role.SERVER, p -> {
                    p.askUntilGoAhead();
                    p.send(Arrays.copyOf(clientHello(), 40)); // part of a ClientHello, then gone
                    p.close();
                }, false, false, Reason.PEER_CLOSED, "without close_notify"),

                // The deadline passes.
                new Scenario("the server stays silent: no greeting", Role.CLIENT, Peer::silent, false, true, Reason.TIMEOUT),
                new Scenario("the server stays silent: no STARTTLS reply", Role.CLIENT, p -> {
                    p.greetUntilStartTls();
                    p.silent();
                }, false, true, Reason.TIMEOUT),
                new Scenario("the server stays silent: no handshake", Role.CLIENT, p -> {
                    p.greetUntilGoAhead();
                    p.silent();
                }, false, true, Reason.TIMEOUT),
                new Scenario("the server stays silent: no EHLO reply inside TLS", Role.CLIENT, p -> {
                    p.greetUntilGoAhead();
                    Peer inside = p.tlsAsServer();
                    inside.line();
                    inside.silent();
                }, false, true, Reason.TIMEOUT),
                new Scenario("the client stays silent: no first command", Role.SERVER, Peer::silent, false, true, Reason.TIMEOUT),
                new Scenario("the client stays silent: no STARTTLS", Role.SERVER, p -> {
                    p.reply();
                    p.send("EHLO client.example.test\r\n");
                    p.reply();
                    p.silent();
                }, false, true, Reason.TIMEOUT),
                new Scenario("the client stays silent: no handshake", Role.SERVER, p -> {
                    p.askUntilGoAhead();
                    p.silent();
                }, false, true, Reason.TIMEOUT),

                // This side gives up while it waits.
                new Scenario("gives up waiting for the greeting", Role.CLIENT, p -> { }, true, false, Reason.LOCAL_ABORT),
                new Scenario("gives up waiting for the STARTTLS reply", Role.CLIENT, Peer::greetUntilStartTls, true, false, Reason.LOCAL_ABORT),
                new Scenario("gives up waiting for the handshake", Role.CLIENT, p -> {
                    p.greetUntilGoAhead();
                    p.readSome();
                }, true, false, Reason.LOCAL_ABORT, null, true),
                new Scenario("gives up waiting for the EHLO reply inside TLS", Role.CLIENT, p -> {
                    p.greetUntilGoAhead();
                    p.tlsAsServer().line();
                }, true, false, Reason.LOCAL_ABORT, null, true),
                new Scenario("gives up waiting for the first command", Role.SERVER, Peer::reply, true, false, Reason.LOCAL_ABORT),
                new Scenario("gives up waiting for STARTTLS", Role.SERVER, p -> {
                    p.reply();
                    p.send("EHLO client.example.test\r\n");
                    p.reply();
                }, true, false, Reason.LOCAL_ABORT),
                new Scenario("gives up waiting for the handshake", Role.SERVER, Peer::askUntilGoAhead, true, false, Reason.LOCAL_ABORT),

                // Garbage instead of a hello, and plaintext after the go-ahead.
                new Scenario("the server answers the ClientHello with garbage", Role.CLIENT, p -> {
                    p.greetUntilGoAhead();
                    p.readSome();
                    p.send("this is not a ServerHello\r\n".repeat(600));
                }, false, false, Reason.TLS_HANDSHAKE_FAILED),
                new Scenario("the client sends garbage instead of a ClientHello", Role.SERVER, p -> {
                    p.askUntilGoAhead();
                    p.send("this is not a ClientHello\r\n".repeat(600)); // 16 KiB: what a message quotes of it is bounded
                }, false, false, Reason.TLS_HANDSHAKE_FAILED),
                new Scenario("the server sends plaintext after its go-ahead", Role.CLIENT, p -> {
                    p.greetUntilStartTls();
                    p.send("220 2.0.0 Ready to start TLS\r\n250 injected\r\n");
                }, false, false, Reason.PLAINTEXT_INJECTION),
                new Scenario("the client sends plaintext after STARTTLS", Role.SERVER, p -> {
                    p.reply();
                    p.send("EHLO client.example.test\r\n");
                    p.reply();
                    p.send("STARTTLS\r\nMAIL FROM:<injected@example.test>\r\n");
                }, false, false, Reason.PLAINTEXT_INJECTION));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void endsWithTheReasonTheReadmeGivesAndCloses(Scenario scenario) throws Exception {
        Timeouts timeouts = scenario.shortDeadlines() ? new Timeouts(SHORT, LONG) : Timeouts.of(LONG);
        try (Connection connection = Connection.open(scenario.role())) {
            Attempt attempt = start(connection.adapterSide, config(scenario.role(), timeouts));
            Peer peer = new Peer(connection.peerSide);
            scenario.script().run(peer);
            if (scenario.giveUp()) {
                attempt.giveUp();
            }

            Failure failure = attempt.failure().get(LONG.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(failure).as("the negotiation failed").isNotNull();
            assertThat(failure.reason()).as("%s", failure).isEqualTo(scenario.expected());
            assertThat(failure.message().length()).as("what the failure holds of the peer's bytes is bounded: %s", failure)
                    .isLessThan(MAX_MESSAGE);
            if (scenario.told() != null) {
                assertThat(failure.message()).contains(scenario.told());
            }
            attempt.closed().get(LONG.toMillis(), TimeUnit.MILLISECONDS);
            if (!connection.peerSide.isClosed()) {
                // The peer, still there, sees the end: the adapter closed, not merely stopped.
                String lastWords = peer.untilClosed();
                if (scenario.tlsEndsFirst()) {
                    assertThat(lastWords).as("TLS's own end (an alert) before the connection's").isNotEmpty();
                }
            }
        }
    }

    /**
     * An executor that refuses the handshake's delegated tasks is this side's doing: the README
     * gives {@code LOCAL_ABORT}. The deadline is short enough that a negotiation left waiting for
     * tasks that never run ends in {@code TIMEOUT} and says so.
     */
    @ParameterizedTest
    @EnumSource(Role.class)
    void anExecutorThatRefusesTheHandshakesTasksIsALocalAbort(Role role) throws Exception {
        Executor refusing = task -> {
            throw new RejectedExecutionException("refused, as a shut-down executor does");
        };
        try (Connection connection = Connection.open(role)) {
            Attempt attempt = start(connection.adapterSide, config(role, new Timeouts(Duration.ofSeconds(5), LONG), DelegatedTasks.HAND_TO_CALLER),
                    refusing);
            Peer peer = new Peer(connection.peerSide);
            try {
                if (role == Role.CLIENT) {
                    peer.greetUntilGoAhead();
                    peer.tlsAsServer();
                } else {
                    peer.askUntilGoAhead();
                    peer.tlsAsClient();
                }
            } catch (IOException handshakeEnded) {
                // the adapter ended the handshake: what it reports is the point
            }

            Failure failure = attempt.failure().get(LONG.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(failure).as("the negotiation failed").isNotNull();
            assertThat(failure.reason()).as("%s", failure).isEqualTo(Reason.LOCAL_ABORT);
            attempt.closed().get(LONG.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    // ------------------------------------------------------------------ configuration and sockets

    private static NegotiationConfig config(Role role, Timeouts timeouts) {
        return config(role, timeouts, DelegatedTasks.RUN_INLINE);
    }

    private static NegotiationConfig config(Role role, Timeouts timeouts, DelegatedTasks tasks) {
        if (role == Role.CLIENT) {
            return ClientConfig.builder(HOST).policy(TlsPolicy.REQUIRED).trustAnchors(List.of(TestPki.ca(KEY)))
                    .timeouts(timeouts).delegatedTasks(tasks).build();
        }
        return ServerConfig.builder().policy(TlsPolicy.REQUIRED).hostname(HOST)
                .sslContext(TestPki.server(KEY, HOST).serverContext()).timeouts(timeouts).delegatedTasks(tasks).build();
    }

    /** The first bytes a TLS client sends: a real ClientHello. */
    private static byte[] clientHello() throws IOException {
        SSLEngine engine = TestPki.clientContextTrusting(TestPki.ca(KEY)).createSSLEngine(HOST, 25);
        engine.setUseClientMode(true);
        ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        engine.wrap(ByteBuffer.allocate(0), out);
        return Arrays.copyOf(out.array(), out.position());
    }

    /** A loopback connection: the adapter's end as a {@link SocketChannel}, the peer's as a {@link Socket}. */
    private static final class Connection implements AutoCloseable {
        final SocketChannel adapterSide;
        final Socket peerSide;

        private Connection(SocketChannel adapterSide, Socket peerSide) {
            this.adapterSide = adapterSide;
            this.peerSide = peerSide;
        }

        static Connection open(Role adapterRole) throws IOException {
            InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
            if (adapterRole == Role.CLIENT) {
                try (ServerSocket listener = new ServerSocket()) {
                    listener.bind(loopback);
                    SocketChannel adapter = SocketChannel.open(listener.getLocalSocketAddress());
                    return new Connection(adapter, listener.accept());
                }
            }
            try (ServerSocketChannel listener = ServerSocketChannel.open()) {
                listener.bind(loopback);
                Socket peer = new Socket();
                peer.connect(listener.getLocalAddress());
                return new Connection(listener.accept(), peer);
            }
        }

        @Override
        public void close() throws IOException {
            peerSide.close();
            adapterSide.close(); // normally closed already by the adapter; a failed test leaves nothing open
        }
    }

    /**
     * The peer: says exactly what the script tells it, over the plain socket or, once
     * {@link #tlsAsServer()} or {@link #tlsAsClient()} shook hands, inside TLS. Every read is
     * bounded, so a broken scenario fails rather than hangs.
     */
    static final class Peer {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;

        Peer(Socket socket) throws IOException {
            this.socket = socket;
            socket.setSoTimeout((int) LONG.toMillis());
            this.in = socket.getInputStream();
            this.out = socket.getOutputStream();
        }

        void send(String text) throws IOException {
            send(text.getBytes(StandardCharsets.ISO_8859_1));
        }

        void send(byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
        }

        /** One line without its CRLF; fails at the end of the stream. */
        String line() throws IOException {
            StringBuilder s = new StringBuilder();
            for (int b; (b = in.read()) >= 0; ) {
                s.append((char) b);
                if (s.length() >= 2 && s.charAt(s.length() - 2) == '\r' && s.charAt(s.length() - 1) == '\n') {
                    return s.substring(0, s.length() - 2);
                }
            }
            throw new IOException("the stream ended after " + s);
        }

        /** An SMTP reply, all its lines; returns the last. */
        String reply() throws IOException {
            String l;
            do {
                l = line();
            } while (l.length() > 3 && l.charAt(3) == '-');
            return l;
        }

        /** Reads some bytes, e.g. the start of a ClientHello: the adapter is in the handshake. */
        void readSome() throws IOException {
            if (in.read(new byte[1024]) < 0) {
                throw new IOException("the stream ended");
            }
        }

        /** Says nothing, and waits for the adapter to end the connection. */
        void silent() throws IOException {
            untilClosed();
        }

        /** Reads until the adapter closes (a reset counts as the end); what arrived. */
        String untilClosed() throws IOException {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            byte[] chunk = new byte[4096];
            try {
                for (int n; (n = in.read(chunk)) >= 0; ) {
                    all.write(chunk, 0, n);
                }
            } catch (SocketException reset) {
                // the adapter closed with our bytes unread: a reset is how that ends
            }
            return all.toString(StandardCharsets.ISO_8859_1);
        }

        void close() throws IOException {
            socket.close();
        }

        /** Ends TLS with close_notify and keeps the connection; then waits for the adapter to end it. */
        void endTls() throws IOException {
            socket.shutdownOutput();
            untilClosed();
        }

        // ---- as the server, facing the adapter's client ----

        void greet() throws IOException {
            send("220 " + HOST + " ESMTP\r\n");
        }

        /** Greets and answers EHLO with STARTTLS; returns having read the client's STARTTLS. */
        void greetUntilStartTls() throws IOException {
            greet();
            assertThat(line()).startsWith("EHLO ");
            send("250-" + HOST + "\r\n250 STARTTLS\r\n");
            assertThat(line()).isEqualTo("STARTTLS");
        }

        void greetUntilGoAhead() throws IOException {
            greetUntilStartTls();
            send("220 2.0.0 Ready to start TLS\r\n");
        }

        /** Shakes hands as the server; the peer inside TLS. */
        Peer tlsAsServer() throws IOException {
            SSLSocket tls = (SSLSocket) TestPki.server(KEY, HOST).serverContext().getSocketFactory()
                    .createSocket(socket, null, socket.getPort(), true);
            tls.setUseClientMode(false);
            tls.startHandshake();
            return new Peer(tls);
        }

        // ---- as the client, facing the adapter's server ----

        /** Reads the greeting, says EHLO and STARTTLS, and reads the go-ahead. */
        void askUntilGoAhead() throws IOException {
            assertThat(reply()).startsWith("220 ");
            send("EHLO client.example.test\r\n");
            assertThat(reply()).startsWith("250 ");
            send("STARTTLS\r\n");
            assertThat(reply()).startsWith("220 ");
        }

        /** Shakes hands as the client; the peer inside TLS. */
        Peer tlsAsClient() throws IOException {
            SSLSocket tls = (SSLSocket) TestPki.clientContextTrusting(TestPki.ca(KEY)).getSocketFactory()
                    .createSocket(socket, HOST, socket.getPort(), true);
            tls.setUseClientMode(true);
            tls.startHandshake();
            return new Peer(tls);
        }
    }
}
