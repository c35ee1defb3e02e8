package org.starttls4j.nio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.starttls4j.Failure;
import org.starttls4j.Timeouts;
import org.starttls4j.TlsPolicy;
import org.starttls4j.smtp.Smtp;

/**
 * Peers that stall, flood, hang up mid-handshake or send garbage: each ends its own session with a
 * typed failure within its deadline, its socket closed, while a well-behaved session beside it
 * goes through untouched. On the server (hostile clients) and on the client (hostile servers).
 */
class HostileInputTest {

    /**
     * The negotiation's per-step timeout: generous against a loaded CI machine (the first
     * handshake of a cold JVM is slow, and its time counts against the step), short enough to
     * keep the stall tests quick.
     */
    private static final Duration STEP = Duration.ofSeconds(4);
    /** Scheduling noise allowed on top of a deadline. */
    private static final Duration SLACK = Duration.ofSeconds(10);

    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        threads.shutdownNow();
    }

    // ---- hostile clients against the server ----

    @Test
    void hostileClientsEachFailAloneWhileAGoodClientIsServed() throws Exception {
        var config = Fixtures.server(TlsPolicy.REQUIRED).timeouts(new Timeouts(STEP, Duration.ofSeconds(30))).build();
        long fdsBefore;
        try (ServerHarness server = new ServerHarness(config)) {
            fdsBefore = Fixtures.openFileDescriptors(); // with the server's own listener and selectors open
            Map<Integer, Failure.Reason> expected = new HashMap<>();
            Map<Integer, Future<Duration>> ends = new HashMap<>();

            RawPeer staller = greeted(server);
            expected.put(staller.localPort(), Failure.Reason.TIMEOUT);
            long stallStart = System.nanoTime();
            ends.put(staller.localPort(), threads.submit(() -> {
                assertThat(staller.untilClosed()).startsWith("421 ");
                return Duration.ofNanos(System.nanoTime() - stallStart);
            }));

            RawPeer longLine = greeted(server);
            expected.put(longLine.localPort(), Failure.Reason.COMMAND_TOO_LONG);
            ends.put(longLine.localPort(), hostile(longLine, "A".repeat(200_000).getBytes()));

            RawPeer manyLines = greeted(server);
            expected.put(manyLines.localPort(), Failure.Reason.TOO_MANY_COMMANDS);
            ends.put(manyLines.localPort(), hostile(manyLines, "NOOP\r\n".repeat(20_000).getBytes()));

            RawPeer garbage = greeted(server);
            expected.put(garbage.localPort(), Failure.Reason.MALFORMED_COMMAND);
            ends.put(garbage.localPort(), hostile(garbage, new byte[] {'E', 'H', 0, 1, 2, '\r', '\n'}));

            RawPeer hangsUp = handshaking(server);
            expected.put(hangsUp.localPort(), Failure.Reason.PEER_CLOSED);
            byte[] hello = RawPeer.clientHello();
            hangsUp.send(Arrays.copyOf(hello, 40)); // part of a ClientHello, then gone
            hangsUp.close();

            RawPeer badHandshake = handshaking(server);
            expected.put(badHandshake.localPort(), Failure.Reason.TLS_HANDSHAKE_FAILED);
            byte[] noise = new byte[600];
            new Random(7).nextBytes(noise);
            noise[0] = 0x16; // looks like a handshake record, is not one
            noise[1] = 0x03;
            noise[2] = 0x03;
            ends.put(badHandshake.localPort(), hostile(badHandshake, noise));

            // Beside them, while the staller is still connected: a good client, start to finish.
            NioClient client = NioClient.create();
            long goodStart = System.nanoTime();
            try (NegotiatedChannel good = client.connect(server.address(), Fixtures.client(TlsPolicy.REQUIRED).build(), Smtp::client)) {
                assertThat(good.isEncrypted()).isTrue();
                Fixtures.send(good, "MAIL FROM:<good@example.test>\r\n");
                assertThat(Fixtures.readReply(good)).startsWith("250 ");
                Fixtures.send(good, "QUIT\r\n");
                assertThat(Fixtures.readReply(good)).startsWith("221 ");
            }
            assertThat(Duration.ofNanos(System.nanoTime() - goodStart)).as("the good session did not wait for the staller")
                    .isLessThan(STEP.plus(SLACK));

            Map<Integer, Failure.Reason> seen = new HashMap<>();
            for (int i = 0; i < expected.size(); i++) {
                ServerHarness.Failed f = server.nextFailure();
                seen.put(f.port(), f.report().failure().orElseThrow().reason());
                assertThat(f.report().encrypted()).isFalse();
            }
            assertThat(seen).isEqualTo(expected);
            for (Map.Entry<Integer, Future<Duration>> end : ends.entrySet()) {
                assertThat(end.getValue().get(30, TimeUnit.SECONDS)).as("port %d ended within its deadline", end.getKey())
                        .isLessThan(STEP.plus(SLACK));
            }
            assertThat(ends.get(staller.localPort()).get()).as("the staller waited its step out").isGreaterThanOrEqualTo(STEP.minusMillis(50));

            SmtpResponder.Served served = server.nextServed();
            assertThat(served.lines()).containsExactly("EHLO localhost", "MAIL FROM:<good@example.test>", "QUIT");
            assertThat(server.server.stats()).isEqualTo(new NioServer.Stats(expected.size() + 1, 0, 1, 0, expected.size(), 0));
            for (RawPeer p : new RawPeer[] {staller, longLine, manyLines, garbage, badHandshake}) {
                p.close();
            }
            assertThat(server.server.stats().negotiating()).isZero();
            assertThat(server.pool.inUse()).isZero();
        }
        assertThat(Fixtures.openFileDescriptors()).as("every socket closed; before: %d", fdsBefore).isLessThan(fdsBefore);
    }

    @Test
    void everyServerSideBufferComesBackAfterHostileSessions() throws Exception {
        var config = Fixtures.server(TlsPolicy.REQUIRED).build(); // long timeouts: the hang-up must be what ends it
        ServerHarness server = new ServerHarness(config);
        try {
            RawPeer tls = handshaking(server);
            tls.send(RawPeer.clientHello());
            assertThat(tls.readSome(Duration.ofSeconds(20))).as("the ServerHello").isPositive();
            tls.close(); // mid-handshake, after the server has answered
            assertThat(server.nextFailure().report().failure().orElseThrow().reason()).isEqualTo(Failure.Reason.PEER_CLOSED);
            assertThat(server.server.stats().negotiating()).isZero();
            assertThat(server.pool.inUse()).isZero();
        } finally {
            server.close();
        }
    }

    private static RawPeer greeted(ServerHarness server) throws IOException {
        RawPeer p = new RawPeer(new Socket(server.address().getAddress(), server.address().getPort()));
        assertThat(p.line()).startsWith("220 ");
        return p;
    }

    /** Greeted, EHLO answered, STARTTLS accepted: the next bytes belong to the TLS handshake. */
    private static RawPeer handshaking(ServerHarness server) throws IOException {
        RawPeer p = greeted(server);
        p.send("EHLO hostile.example.test\r\n");
        assertThat(p.reply()).startsWith("250 ");
        p.send("STARTTLS\r\n");
        assertThat(p.reply()).startsWith("220 ");
        return p;
    }

    /** Sends {@code bytes} and measures how long until the server hangs up. */
    private Future<Duration> hostile(RawPeer p, byte[] bytes) {
        long start = System.nanoTime();
        CompletableFuture<Duration> end = new CompletableFuture<>();
        threads.execute(() -> {
            try {
                p.send(bytes);
                p.untilClosed();
                end.complete(Duration.ofNanos(System.nanoTime() - start));
            } catch (Throwable t) {
                end.completeExceptionally(t);
            }
        });
        return end;
    }

    // ---- hostile servers against the client ----

    /** What a scripted server does with the one connection it accepts. */
    @FunctionalInterface
    private interface Script {
        void play(RawPeer client) throws Exception;
    }

    private Failure clientFailsAgainst(Script script) throws Exception {
        BufferPool pool = BufferPool.create(BufferPool.DEFAULT_BUFFER_SIZE, 4, false);
        try (ServerSocket listener = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Future<?> server = threads.submit(() -> {
                try (RawPeer client = new RawPeer(listener.accept())) {
                    script.play(client);
                    client.untilClosed(); // stay until the client hangs up
                }
                return null;
            });
            SocketChannel socket = SocketChannel.open(listener.getLocalSocketAddress());
            var config = Fixtures.client(TlsPolicy.REQUIRED).timeouts(new Timeouts(STEP, Duration.ofSeconds(30))).build();
            long start = System.nanoTime();
            NegotiationException e = catchThrowableOfType(NegotiationException.class,
                    () -> NioClient.builder().bufferPool(pool).build().negotiate(socket, Smtp.client(config)));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(STEP.plus(SLACK));
            assertThat(e).as("a typed failure").isNotNull();
            assertThat(socket.isOpen()).as("the client's socket is closed").isFalse();
            server.get(30, TimeUnit.SECONDS);
            assertThat(pool.inUse()).isZero();
            return e.failure();
        }
    }

    @Test
    void aSilentServerTimesOut() throws Exception {
        long start = System.nanoTime();
        assertThat(clientFailsAgainst(client -> { }).reason()).isEqualTo(Failure.Reason.TIMEOUT);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(STEP.minusMillis(50));
    }

    @Test
    void aGarbageGreetingIsMalformed() throws Exception {
        assertThat(clientFailsAgainst(client -> client.send(new byte[] {'2', '2', 0, 7, '\r', '\n'})).reason())
                .isEqualTo(Failure.Reason.MALFORMED_REPLY);
    }

    @Test
    void aFloodOfOneLineIsTooLong() throws Exception {
        assertThat(clientFailsAgainst(client -> client.send(("220-" + "x".repeat(100_000)).getBytes())).reason())
                .isEqualTo(Failure.Reason.LINE_TOO_LONG);
    }

    @Test
    void aServerThatHangsUpMidHandshakeIsPeerClosed() throws Exception {
        assertThat(clientFailsAgainst(client -> {
            startTlsDialog(client);
            assertThat(client.readSome(Duration.ofSeconds(20))).as("the ClientHello").isPositive();
            client.close();
        }).reason()).isEqualTo(Failure.Reason.PEER_CLOSED);
    }

    @Test
    void garbageInsteadOfAServerHelloFailsTheHandshake() throws Exception {
        assertThat(clientFailsAgainst(client -> {
            startTlsDialog(client);
            byte[] noise = new byte[400];
            new Random(9).nextBytes(noise);
            noise[0] = 0x16;
            noise[1] = 0x03;
            noise[2] = 0x03;
            client.send(noise);
        }).reason()).isEqualTo(Failure.Reason.TLS_HANDSHAKE_FAILED);
    }

    @Test
    void plaintextAfterTheGoAheadIsInjection() throws Exception {
        assertThat(clientFailsAgainst(client -> {
            client.send("220 mx.example.test ESMTP\r\n");
            assertThat(client.line()).startsWith("EHLO ");
            client.send("250-mx.example.test\r\n250 STARTTLS\r\n");
            assertThat(client.line()).isEqualTo("STARTTLS");
            client.send("220 go ahead\r\n250 injected\r\n");
        }).reason()).isEqualTo(Failure.Reason.PLAINTEXT_INJECTION);
    }

    @Test
    void aRefusedStartTlsEndsWithQuit() throws Exception {
        String[] after = new String[1];
        assertThat(clientFailsAgainst(client -> {
            client.send("220 mx.example.test ESMTP\r\n");
            assertThat(client.line()).startsWith("EHLO ");
            client.send("250-mx.example.test\r\n250 STARTTLS\r\n");
            assertThat(client.line()).isEqualTo("STARTTLS");
            client.send("454 4.7.0 TLS not available\r\n");
            after[0] = client.line();
        }).reason()).isEqualTo(Failure.Reason.STARTTLS_REFUSED);
        assertThat(after[0]).isEqualTo("QUIT");
    }

    private static void startTlsDialog(RawPeer client) throws IOException {
        client.send("220 mx.example.test ESMTP\r\n");
        assertThat(client.line()).startsWith("EHLO ");
        client.send("250-mx.example.test\r\n250 STARTTLS\r\n");
        assertThat(client.line()).isEqualTo("STARTTLS");
        client.send("220 2.0.0 Ready to start TLS\r\n");
    }
}
