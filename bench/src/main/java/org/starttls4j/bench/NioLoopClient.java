package org.starttls4j.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.starttls4j.ClientConfig;
import org.starttls4j.nio.NegotiatedChannel;
import org.starttls4j.nio.NegotiationReport;
import org.starttls4j.nio.NonBlockingNegotiation;
import org.starttls4j.smtp.Smtp;

/**
 * The NIO client in benchmark 3 made the way the pipeline's client is: one selector thread drives
 * every connection ({@link NonBlockingNegotiation}), and each caller waits for its own, where
 * {@code NioClient} blocks a thread per connection. Once secured a connection is closed at once,
 * without waiting for the server's {@code close_notify} (a loop must not wait), as {@code SslHandler}
 * closes. {@code -Dstarttls4j.bench.nioClient=loop} selects it.
 */
final class NioLoopClient implements AutoCloseable {

    private final InetSocketAddress address;
    private final ClientConfig config;
    private final Selector selector;
    private final Queue<Connection> requested = new ConcurrentLinkedQueue<>();
    private final List<Connection> live = new ArrayList<>(); // the loop's thread only
    private final Consumer<SelectionKey> onReady = key -> ((Connection) key.attachment()).negotiation.handle(key);
    private final Thread thread;
    private volatile boolean open = true;

    /** One connection: its negotiation, its key, and the caller waiting for it. */
    private static final class Connection {
        final CompletableFuture<NegotiationReport> done = new CompletableFuture<>();
        NonBlockingNegotiation negotiation;
        SelectionKey key;
    }

    /**
     * Starts the loop's thread.
     *
     * @param address the server
     * @param config  the client configuration
     * @throws IOException if no selector can be opened
     */
    NioLoopClient(InetSocketAddress address, ClientConfig config) throws IOException {
        this.address = address;
        this.config = config;
        this.selector = Selector.open();
        this.thread = new Thread(this::run, "bench-nio-client-loop");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * One connection negotiated to the end and closed; called by any thread, which waits.
     *
     * @param timeoutSeconds how long to wait
     * @return the connection's report
     * @throws Exception if it failed, was not encrypted or took too long
     */
    NegotiationReport negotiate(long timeoutSeconds) throws Exception {
        Connection c = new Connection();
        requested.add(c);
        selector.wakeup();
        return c.done.get(timeoutSeconds, TimeUnit.SECONDS);
    }

    private void run() {
        try {
            while (open) {
                for (Connection c; (c = requested.poll()) != null; ) {
                    start(c);
                }
                selector.select(onReady, 1000); // the bench sets no deadline that could come sooner
                tickAll();
            }
        } catch (IOException | RuntimeException e) {
            for (Connection c : live) {
                c.done.completeExceptionally(e);
            }
        }
    }

    private void start(Connection c) {
        try {
            SocketChannel socket = SocketChannel.open();
            socket.configureBlocking(false);
            socket.connect(address);
            c.negotiation = NonBlockingNegotiation.builder(socket, Smtp.client(config)).closeTimeout(Duration.ZERO).start();
            if (!c.negotiation.isFinished()) {
                c.key = c.negotiation.register(selector);
                c.key.attach(c);
            }
            live.add(c);
        } catch (IOException | RuntimeException e) {
            c.done.completeExceptionally(e);
        }
    }

    /** Deadlines, and the connections that finished: each is checked, closed and handed back. */
    private void tickAll() {
        for (int i = 0; i < live.size(); ) {
            Connection c = live.get(i);
            c.negotiation.onTick();
            c.negotiation.updateInterest(c.key);
            if (!c.negotiation.isFinished()) {
                i++;
                continue;
            }
            Connection last = live.remove(live.size() - 1);
            if (last != c) {
                live.set(i, last);
            }
            try {
                NegotiatedChannel channel = c.negotiation.channel();
                if (c.key != null) {
                    c.key.cancel();
                }
                channel.close();
                if (!channel.isEncrypted()) {
                    throw new IllegalStateException("not encrypted");
                }
                c.done.complete(channel.report());
            } catch (IOException | RuntimeException e) {
                c.done.completeExceptionally(e);
            }
        }
    }

    @Override
    public void close() {
        open = false;
        selector.wakeup();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
            selector.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException ignored) {
            // nothing more to release
        }
    }
}
