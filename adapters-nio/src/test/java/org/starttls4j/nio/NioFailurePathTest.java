package org.starttls4j.nio;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.starttls4j.ClientConfig;
import org.starttls4j.EngineFactory;
import org.starttls4j.Failure;
import org.starttls4j.Negotiation;
import org.starttls4j.NegotiationConfig;
import org.starttls4j.ServerConfig;
import org.starttls4j.TlsPolicy;
import org.starttls4j.smtp.Smtp;
import org.starttls4j.testing.CountingEngines;
import org.starttls4j.testing.FailurePathContract;
import org.starttls4j.testing.TestPki;

/**
 * The failure paths through a {@link NonBlockingNegotiation} (what {@link NioClient} and
 * {@link NioServer} run), driven by a selector loop of its own thread; giving up is
 * {@link NonBlockingNegotiation#abort()}, on that thread. Nothing is left held: the socket is
 * closed and every buffer of the negotiation's own pool is back in it.
 */
class NioFailurePathTest extends FailurePathContract {

    @Override
    protected Attempt start(SocketChannel socket, NegotiationConfig config) throws IOException {
        return start(socket, config, null);
    }

    @Override
    protected Attempt start(SocketChannel socket, NegotiationConfig config, Executor tasks) throws IOException {
        Negotiation negotiation = config instanceof ClientConfig client ? Smtp.client(client) : Smtp.server((ServerConfig) config);
        Loop loop = new Loop(socket, negotiation, tasks);
        Thread thread = new Thread(loop::run, "nio-failure-path");
        thread.setDaemon(true);
        thread.start();
        return loop;
    }

    /**
     * Giving up mid-handshake hands the engine back to its factory, as every failure the core
     * sees does: a reference-counted engine (Netty's {@code OPENSSL_REFCNT}) would otherwise keep
     * its native memory. (Netty's {@code SslHandler} releases its own when the channel closes.)
     */
    @Test
    void givingUpMidHandshakeHandsTheEngineBack() throws Exception {
        AtomicInteger made = new AtomicInteger();
        AtomicInteger released = new AtomicInteger();
        SSLContext trusting = TestPki.clientContextTrusting(TestPki.ca(Fixtures.KEY));
        EngineFactory counting = CountingEngines.counting(trusting::createSSLEngine, made, released);
        ClientConfig config = ClientConfig.builder(Fixtures.HOST).policy(TlsPolicy.REQUIRED).engineFactory(counting).build();
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             SocketChannel socket = SocketChannel.open(listener.getLocalSocketAddress());
             RawPeer server = new RawPeer(listener.accept())) {
            Attempt attempt = start(socket, config);
            server.send("220 " + Fixtures.HOST + " ESMTP\r\n");
            assertThat(server.line()).startsWith("EHLO ");
            server.send("250-" + Fixtures.HOST + "\r\n250 STARTTLS\r\n");
            assertThat(server.line()).isEqualTo("STARTTLS");
            server.send("220 2.0.0 go ahead\r\n");
            assertThat(server.readSome(Duration.ofSeconds(20))).as("the ClientHello").isPositive();

            attempt.giveUp();

            assertThat(attempt.failure().get(20, TimeUnit.SECONDS).reason()).isEqualTo(Failure.Reason.LOCAL_ABORT);
            assertThat(made.get()).as("the configuration's probe and the connection's engine").isEqualTo(2);
            assertThat(released.get()).as("each handed back").isEqualTo(made.get());
        }
    }

    /** One negotiation on a selector of its own, as {@link NioClient} drives it. */
    private static final class Loop implements Attempt {
        private final SocketChannel socket;
        private final Negotiation unstarted;
        private final Selector selector;
        private final CompletableFuture<Failure> failure = new CompletableFuture<>();
        private final CompletableFuture<Void> closed = new CompletableFuture<>();
        private volatile boolean giveUp;

        private final Executor tasks; // null: inline
        private final BufferPool buffers = BufferPool.create(BufferPool.DEFAULT_BUFFER_SIZE, 4, false); // its own, to count

        Loop(SocketChannel socket, Negotiation unstarted, Executor tasks) throws IOException {
            this.socket = socket;
            this.unstarted = unstarted;
            this.tasks = tasks;
            this.selector = Selector.open();
        }

        void run() {
            try (selector) {
                NonBlockingNegotiation.Builder builder = NonBlockingNegotiation.builder(socket, unstarted).bufferPool(buffers);
                if (tasks != null) {
                    builder.taskExecutor(tasks, selector::wakeup);
                }
                NonBlockingNegotiation n = builder.start();
                if (!n.isFinished()) {
                    SelectionKey key = n.register(selector);
                    while (!n.isFinished()) {
                        selector.select(n.millisUntilDeadline());
                        selector.selectedKeys().clear();
                        if (giveUp) {
                            n.abort(); // on the loop's thread: the negotiation is not thread-safe
                        }
                        if (!n.isFinished()) {
                            n.handle(key);
                        }
                    }
                }
                ended(n);
            } catch (IOException | RuntimeException e) {
                failure.completeExceptionally(e);
                closed.completeExceptionally(e);
            }
        }

        private void ended(NonBlockingNegotiation n) {
            try {
                n.channel().close();
                failure.complete(null);
            } catch (NegotiationException e) {
                failure.complete(e.failure());
            } catch (IOException e) {
                failure.completeExceptionally(new AssertionError("ended without a Failure: " + e + "; failure() = " + n.failure(), e));
            }
            if (socket.isOpen()) {
                closed.completeExceptionally(new AssertionError("the negotiation ended and left its socket open"));
            } else if (buffers.inUse() != 0) {
                closed.completeExceptionally(new AssertionError("the negotiation ended holding " + buffers.inUse() + " pooled buffers"));
            } else {
                closed.complete(null);
            }
        }

        @Override
        public CompletableFuture<Failure> failure() {
            return failure;
        }

        @Override
        public CompletableFuture<Void> closed() {
            return closed;
        }

        @Override
        public void giveUp() {
            giveUp = true;
            selector.wakeup();
        }
    }
}
