package org.starttls4j.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.starttls4j.nio.NegotiatedChannel;

/**
 * The NIO server's application in benchmark 3 done the way the {@code SslHandler} pipeline's server
 * does it: on one event loop, without a thread per session. Each channel {@code NioServer} hands
 * over is registered here, non-blocking; the loop answers the EHLO inside TLS with the core's reply,
 * then reads until the client's {@code close_notify} and closes. {@code
 * -Dstarttls4j.bench.nioApp=loop} selects it (the default is a blocking worker per session, as the
 * adapter's Javadoc shows).
 */
final class NioAnswerLoop implements AutoCloseable {

    private final Selector selector;
    private final Queue<NegotiatedChannel> handedIn = new ConcurrentLinkedQueue<>();
    private final byte[] ehloAfterTls;
    private final Runnable onFailure;
    private final Thread thread;
    private volatile boolean running = true;

    /** One session's state: what it read, and whether it has answered. */
    private static final class Answer {
        final NegotiatedChannel channel;
        final ByteBuffer in = ByteBuffer.allocate(512);
        ByteBuffer reply;
        SelectionKey key;

        Answer(NegotiatedChannel channel) {
            this.channel = channel;
        }
    }

    /**
     * Starts the loop's thread.
     *
     * @param ehloAfterTls the EHLO reply inside TLS
     * @param onFailure    told when a session ends before its EHLO or fails
     * @throws IOException if no selector can be opened
     */
    NioAnswerLoop(byte[] ehloAfterTls, Runnable onFailure) throws IOException {
        this.selector = Selector.open();
        this.ehloAfterTls = ehloAfterTls;
        this.onFailure = onFailure;
        this.thread = new Thread(this::run, "bench-nio-app-loop");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Takes a session over; called on a {@code NioServer} loop's thread.
     *
     * @param channel the negotiated channel, non-blocking
     */
    void accept(NegotiatedChannel channel) {
        handedIn.add(channel);
        selector.wakeup();
    }

    private void run() {
        try {
            while (running) {
                for (NegotiatedChannel c; (c = handedIn.poll()) != null; ) {
                    Answer a = new Answer(c);
                    try {
                        a.key = c.socketChannel().register(selector, SelectionKey.OP_READ, a);
                    } catch (IOException e) {
                        fail(a);
                        continue;
                    }
                    step(a); // the EHLO may have come with the client's Finished, already read
                }
                selector.select();
                for (SelectionKey key : selector.selectedKeys()) {
                    step((Answer) key.attachment());
                }
                selector.selectedKeys().clear();
            }
        } catch (IOException e) {
            onFailure.run();
        } finally {
            try {
                selector.close();
            } catch (IOException ignored) {
                // nothing more to release
            }
        }
    }

    /** Reads what there is, answers once, flushes, and closes at the client's close_notify. */
    private void step(Answer a) {
        try {
            if (a.key.interestOps() == SelectionKey.OP_WRITE) {
                if (a.reply.hasRemaining()) {
                    a.channel.write(a.reply);
                }
                if (a.reply.hasRemaining() || !a.channel.flush()) {
                    a.key.interestOps(SelectionKey.OP_WRITE);
                    return;
                }
                a.key.interestOps(SelectionKey.OP_READ);
            }
            while (true) {
                int n = a.channel.read(a.in);
                if (n < 0) {
                    if (a.reply == null) {
                        onFailure.run();
                    }
                    a.channel.close();
                    return;
                }
                if (n == 0) {
                    return;
                }
                if (a.reply == null && endsWithCrlf(a.in)) {
                    a.reply = ByteBuffer.wrap(ehloAfterTls);
                    a.channel.write(a.reply);
                    if (a.reply.hasRemaining() || !a.channel.flush()) {
                        a.key.interestOps(SelectionKey.OP_WRITE);
                        return;
                    }
                }
                if (a.reply != null) {
                    a.in.clear(); // the client closes first: whatever else it sends is read away
                }
            }
        } catch (IOException | RuntimeException e) {
            fail(a);
        }
    }

    private void fail(Answer a) {
        onFailure.run();
        try {
            a.channel.close();
        } catch (IOException ignored) {
            // closed either way
        }
    }

    private static boolean endsWithCrlf(ByteBuffer b) {
        int p = b.position();
        return p >= 2 && b.get(p - 2) == '\r' && b.get(p - 1) == '\n';
    }

    @Override
    public void close() {
        running = false;
        selector.wakeup();
    }
}
