package org.starttls4j.nio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.starttls4j.ClientConfig;
import org.starttls4j.DelegatedTasks;
import org.starttls4j.Failure;
import org.starttls4j.Timeouts;
import org.starttls4j.TlsPolicy;
import org.starttls4j.smtp.Smtp;

/**
 * The selector-driven negotiation. The first test is the example event loop: one thread, one
 * selector, many client connections taken from connect through STARTTLS to the application's
 * QUIT and a clean TLS close.
 */
class NonBlockingNegotiationTest {

    /** One connection of the example loop: negotiating first, then speaking SMTP through its channel. */
    private static final class Conn {
        final NonBlockingNegotiation negotiation;
        NegotiatedChannel channel;
        final ByteBuffer out = Fixtures.ascii("QUIT\r\n");
        final ByteBuffer in = ByteBuffer.allocate(512);
        final StringBuilder received = new StringBuilder();
        boolean quitAnswered;
        boolean closed;
        IOException error;

        Conn(NonBlockingNegotiation negotiation) {
            this.negotiation = negotiation;
        }
    }

    @Test
    void oneSelectorDrivesManyNegotiationsFromConnectToACleanClose() throws Exception {
        int count = 40;
        BufferPool pool = BufferPool.create(BufferPool.DEFAULT_BUFFER_SIZE, 64, false);
        ExecutorService taskPool = Executors.newFixedThreadPool(2);
        Set<Thread> taskThreads = ConcurrentHashMap.newKeySet();
        ClientConfig inline = Fixtures.client(TlsPolicy.REQUIRED).build();
        ClientConfig handing = Fixtures.client(TlsPolicy.REQUIRED).delegatedTasks(DelegatedTasks.HAND_TO_CALLER).build();
        List<Conn> conns = new ArrayList<>();
        try (ServerHarness server = new ServerHarness(Fixtures.server(TlsPolicy.REQUIRED).build());
             Selector selector = Selector.open()) {
            for (int i = 0; i < count; i++) {
                SocketChannel socket = SocketChannel.open();
                socket.configureBlocking(false);
                socket.connect(server.address()); // usually still pending: OP_CONNECT first
                NonBlockingNegotiation n = NonBlockingNegotiation.builder(socket, Smtp.client(i % 2 == 0 ? inline : handing))
                        .bufferPool(pool)
                        .taskExecutor(task -> taskPool.execute(() -> {
                            taskThreads.add(Thread.currentThread());
                            task.run();
                        }), selector::wakeup)
                        .start();
                Conn c = new Conn(n);
                conns.add(c);
                socket.register(selector, n.interestOps(), c);
            }

            // ---- the event loop ----
            int closed = 0;
            while (closed < count) {
                selector.select(earliestDeadlineMillis(conns));
                for (SelectionKey key : selector.selectedKeys()) {
                    Conn c = (Conn) key.attachment();
                    if (c.channel == null) {
                        c.negotiation.handle(key);  // readiness in, interest out
                        afterNegotiation(c, key);
                    } else {
                        converse(c, key);
                    }
                }
                selector.selectedKeys().clear();
                for (Conn c : conns) {               // deadlines and finished delegated tasks
                    if (c.channel == null && !c.negotiation.isFinished()) {
                        SelectionKey key = c.negotiation.socketChannel().keyFor(selector);
                        c.negotiation.onTick();
                        c.negotiation.updateInterest(key);
                        afterNegotiation(c, key);
                    }
                }
                closed = (int) conns.stream().filter(c -> c.closed).count();
            }

            for (Conn c : conns) {
                assertThat(c.error).isNull();
                assertThat(c.channel).isInstanceOf(SecureChannel.class);
                assertThat(c.channel.report().capabilities().has("AUTH")).isTrue();
                assertThat(c.quitAnswered).isTrue();
                assertThat(c.received.toString()).startsWith("221 ");
                assertThat(c.channel.isOpen()).isFalse();
                assertThat(c.negotiation.socketChannel().isOpen()).isFalse();
            }
            assertThat(taskThreads).as("delegated tasks ran on the executor").isNotEmpty()
                    .doesNotContain(Thread.currentThread());
            for (int i = 0; i < count; i++) {
                SmtpResponder.Served served = server.nextServed();
                assertThat(served.lines()).containsExactly("EHLO localhost", "QUIT");
                assertThat(served.error()).isNull();
            }
            assertThat(server.server.stats().secured()).isEqualTo(count);
        } finally {
            taskPool.shutdownNow();
        }
        assertThat(pool.inUse()).isZero();
    }

    /** Once negotiated, the same key carries the application's conversation. */
    private static void afterNegotiation(Conn c, SelectionKey key) {
        if (c.channel != null || !c.negotiation.isFinished()) {
            return;
        }
        try {
            c.channel = c.negotiation.channel();
            key.interestOps(SelectionKey.OP_WRITE);
        } catch (IOException e) {
            c.error = e;
            c.closed = true;
        }
    }

    private static void converse(Conn c, SelectionKey key) {
        NegotiatedChannel ch = c.channel;
        try {
            if (c.out.hasRemaining() || ch.hasPendingOutput()) {
                ch.write(c.out);
                if (c.out.hasRemaining() || !ch.flush()) {
                    key.interestOps(SelectionKey.OP_WRITE);
                    return;
                }
            }
            while (true) { // read until the socket is dry: bytes the channel already holds come first
                c.in.clear();
                int n = ch.read(c.in);
                if (n < 0) {
                    ch.close(); // the server's close_notify is in: nothing to wait for
                    c.closed = true;
                    key.cancel();
                    return;
                }
                if (n == 0) {
                    break;
                }
                c.received.append(new String(c.in.array(), 0, n, StandardCharsets.ISO_8859_1));
                if (!c.quitAnswered && c.received.indexOf("\r\n") >= 0) {
                    c.quitAnswered = true;
                    ch.shutdownOutput(); // our close_notify; keep reading until the server's
                }
            }
            key.interestOps(SelectionKey.OP_READ);
        } catch (IOException e) {
            c.error = e;
            c.closed = true;
            key.cancel();
            try {
                ch.close();
            } catch (IOException ignored) {
                // counted as an error already
            }
        }
    }

    private static long earliestDeadlineMillis(List<Conn> conns) {
        long earliest = 1000;
        for (Conn c : conns) {
            if (c.channel == null && !c.negotiation.isFinished()) {
                earliest = Math.min(earliest, c.negotiation.millisUntilDeadline());
            }
        }
        return earliest;
    }

    @Test
    void deadlinesComeFromTheInjectedClock() throws Exception {
        ManualClock clock = new ManualClock(Instant.parse("2030-01-01T00:00:00Z"));
        BufferPool pool = BufferPool.create(BufferPool.DEFAULT_BUFFER_SIZE, 4, false);
        try (ServerSocketChannel silent = ServerSocketChannel.open().bind(Fixtures.anyLoopbackPort())) {
            SocketChannel socket = SocketChannel.open(silent.getLocalAddress());
            try (SocketChannel peer = silent.accept()) { // accepts and never says a word
                ClientConfig config = Fixtures.client(TlsPolicy.REQUIRED).timeouts(Timeouts.of(Duration.ofSeconds(30))).build();
                NonBlockingNegotiation n = NonBlockingNegotiation.builder(socket, Smtp.client(config))
                        .clock(clock).bufferPool(pool).start();
                assertThat(n.deadline()).contains(clock.instant().plusSeconds(30));
                assertThat(n.interestOps()).isEqualTo(SelectionKey.OP_READ);
                assertThat(n.millisUntilDeadline()).isEqualTo(30_001);
                assertThatThrownBy(n::channel).isInstanceOf(IllegalStateException.class);

                clock.advance(Duration.ofSeconds(29));
                n.onTick();
                assertThat(n.isFinished()).isFalse();

                clock.advance(Duration.ofSeconds(1));
                n.onTick();
                assertThat(n.isFinished()).isTrue();
                assertThat(n.interestOps()).isZero();
                assertThat(n.deadline()).isEmpty();
                NegotiationException e = catchThrowableOfType(NegotiationException.class, n::channel);
                assertThat(e.failure().reason()).isEqualTo(Failure.Reason.TIMEOUT);
                assertThat(n.failure()).contains(e.failure());
                assertThat(socket.isOpen()).isFalse();
                assertThat(peer.read(ByteBuffer.allocate(10))).as("the peer sees the close").isEqualTo(-1);
            }
        }
        assertThat(pool.inUse()).isZero();
    }

    @Test
    void aResetByThePeerIsAPeerClosedFailure() throws Exception {
        try (ServerSocketChannel listener = ServerSocketChannel.open().bind(Fixtures.anyLoopbackPort());
             Selector selector = Selector.open()) {
            SocketChannel socket = SocketChannel.open(listener.getLocalAddress());
            NonBlockingNegotiation n = NonBlockingNegotiation.builder(socket, Smtp.client(Fixtures.client(TlsPolicy.REQUIRED).build())).start();
            SelectionKey key = n.register(selector);
            assertThat(key.attachment()).isSameAs(n);
            try (SocketChannel peer = listener.accept()) {
                peer.write(Fixtures.ascii("220 almost a gree"));
            }
            while (!n.isFinished()) {
                selector.select(n.millisUntilDeadline());
                selector.selectedKeys().clear();
                n.handle(key);
            }
            NegotiationException e = catchThrowableOfType(NegotiationException.class, n::channel);
            assertThat(e.failure().reason()).isEqualTo(Failure.Reason.PEER_CLOSED);
            assertThat(key.isValid()).isFalse();
            assertThat(socket.isOpen()).isFalse();
        }
    }

    @Test
    void aRefusedConnectEndsWithTheConnectsOwnFailureWhetherStartOrTheSelectorSeesIt() throws Exception {
        java.net.SocketAddress nobody;
        try (ServerSocketChannel closedAgain = ServerSocketChannel.open().bind(Fixtures.anyLoopbackPort())) {
            nobody = closedAgain.getLocalAddress(); // a loopback port with no listener once this closes
        }
        BufferPool pool = BufferPool.create(BufferPool.DEFAULT_BUFFER_SIZE, 4, false);
        try (Selector selector = Selector.open()) {
            SocketChannel socket = SocketChannel.open();
            socket.configureBlocking(false);
            boolean connected = socket.connect(nobody);
            assertThat(connected).isFalse();
            // start() tries the pending connect once at once; the refusal must become the
            // negotiation's result either way, never an exception out of start()
            NonBlockingNegotiation n = NonBlockingNegotiation.builder(socket, Smtp.client(Fixtures.client(TlsPolicy.REQUIRED).build()))
                    .bufferPool(pool).start();
            if (!n.isFinished()) {
                SelectionKey key = n.register(selector);
                while (!n.isFinished()) {
                    selector.select(n.millisUntilDeadline());
                    selector.selectedKeys().clear();
                    n.handle(key);
                }
            }
            assertThatThrownBy(n::channel).isInstanceOf(java.net.ConnectException.class);
            assertThat(n.interestOps()).isZero();
            assertThat(socket.isOpen()).isFalse();
        }
        assertThat(pool.inUse()).isZero();
    }

    /** A clock that moves only when told. */
    private static final class ManualClock extends Clock {
        private volatile Instant now;

        ManualClock(Instant start) {
            this.now = start;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    static {
        assert Optional.empty().isEmpty();
    }
}
