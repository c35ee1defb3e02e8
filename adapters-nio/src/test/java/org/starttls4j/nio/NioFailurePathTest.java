package org.starttls4j.nio;

import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CompletableFuture;
import org.starttls4j.ClientConfig;
import org.starttls4j.Failure;
import org.starttls4j.Negotiation;
import org.starttls4j.NegotiationConfig;
import org.starttls4j.ServerConfig;
import org.starttls4j.smtp.Smtp;
import org.starttls4j.testing.FailurePathContract;

/**
 * The failure paths through a {@link NonBlockingNegotiation} (what {@link NioClient} and
 * {@link NioServer} run), driven by a selector loop of its own thread; giving up is
 * {@link NonBlockingNegotiation#abort()}, on that thread.
 */
class NioFailurePathTest extends FailurePathContract {

    @Override
    protected Attempt start(SocketChannel socket, NegotiationConfig config) throws IOException {
        Negotiation negotiation = config instanceof ClientConfig client ? Smtp.client(client) : Smtp.server((ServerConfig) config);
        Loop loop = new Loop(socket, negotiation);
        Thread thread = new Thread(loop::run, "nio-failure-path");
        thread.setDaemon(true);
        thread.start();
        return loop;
    }

    /** One negotiation on a selector of its own, as {@link NioClient} drives it. */
    private static final class Loop implements Attempt {
        private final SocketChannel socket;
        private final Negotiation unstarted;
        private final Selector selector;
        private final CompletableFuture<Failure> failure = new CompletableFuture<>();
        private final CompletableFuture<Void> closed = new CompletableFuture<>();
        private volatile boolean giveUp;

        Loop(SocketChannel socket, Negotiation unstarted) throws IOException {
            this.socket = socket;
            this.unstarted = unstarted;
            this.selector = Selector.open();
        }

        void run() {
            try (selector) {
                NonBlockingNegotiation n = NonBlockingNegotiation.builder(socket, unstarted).start();
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
