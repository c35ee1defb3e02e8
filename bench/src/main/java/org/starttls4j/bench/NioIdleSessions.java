package org.starttls4j.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.starttls4j.nio.NegotiatedChannel;
import org.starttls4j.nio.NioServer;

/**
 * The application behind {@link NioServer} in the scale run: one selector thread that takes every
 * session handed over, answers the client's EHLO inside TLS with the core's reply, and then keeps
 * the connection open and idle until the client closes it. A session keeps a 512-byte line buffer
 * only until its EHLO is answered; idle, it holds its channel and its selection key.
 */
final class NioIdleSessions implements AutoCloseable {

    private final byte[] ehloAfterTls;
    private final Selector selector;
    private final Queue<NegotiatedChannel> added = new ConcurrentLinkedQueue<>();
    private final ByteBuffer discard = ByteBuffer.allocate(32 * 1024);
    private final AtomicInteger held = new AtomicInteger();
    private final AtomicLong answered = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final Thread thread;
    private volatile boolean open = true;

    /** One session: the line it reads until answered, the reply it still has to write. */
    private static final class Session {
        final NegotiatedChannel channel;
        ByteBuffer line = ByteBuffer.allocate(512);
        ByteBuffer reply;

        Session(NegotiatedChannel channel) {
            this.channel = channel;
        }
    }

    /**
     * Starts the selector thread.
     *
     * @param ehloAfterTls the EHLO reply inside TLS
     * @throws IOException if no selector can be opened
     */
    NioIdleSessions(byte[] ehloAfterTls) throws IOException {
        this.ehloAfterTls = ehloAfterTls;
        this.selector = Selector.open();
        this.thread = new Thread(this::run, "scale-nio-sessions");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Takes a session handed over by the server; does not block (the server's loops call it, concurrently).
     *
     * @param channel the session
     */
    void add(NegotiatedChannel channel) {
        held.incrementAndGet();
        added.add(channel);
        selector.wakeup();
    }

    /** Sessions open now (EHLO answered or not). */
    int held() {
        return held.get();
    }

    /** EHLOs answered inside TLS since the start. */
    long answered() {
        return answered.get();
    }

    /** Sessions that ended with an error rather than the client's close. */
    long failures() {
        return failures.get();
    }

    private void run() {
        try {
            while (open) {
                selector.select();
                NegotiatedChannel c;
                while ((c = added.poll()) != null) {
                    Session s = new Session(c);
                    try {
                        c.socketChannel().register(selector, SelectionKey.OP_READ, s);
                        serve(s, c.socketChannel().keyFor(selector));
                    } catch (IOException e) {
                        end(s, null, true);
                    }
                }
                for (SelectionKey key : selector.selectedKeys()) {
                    serve((Session) key.attachment(), key);
                }
                selector.selectedKeys().clear();
            }
        } catch (IOException | ClosedSelectorException e) {
            if (open) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Reads what there is (bytes the channel holds first), answers a whole EHLO line, writes what waits. */
    private void serve(Session s, SelectionKey key) {
        try {
            if (s.reply != null && !flush(s, key)) {
                return;
            }
            while (true) {
                ByteBuffer into = s.line != null ? s.line : discard;
                if (!into.hasRemaining()) {
                    throw new IOException("EHLO line too long");
                }
                int n = s.channel.read(into);
                if (n < 0) {
                    end(s, key, false);
                    return;
                }
                discard.clear();
                if (s.line != null && endsWithCrlf(s.line)) {
                    s.line = null; // idle from now on: no buffer of its own
                    s.reply = ByteBuffer.wrap(ehloAfterTls);
                    answered.incrementAndGet();
                    if (!flush(s, key)) {
                        return;
                    }
                }
                if (n == 0 && !s.channel.hasBufferedInput()) {
                    return;
                }
            }
        } catch (IOException e) {
            end(s, key, true);
        }
    }

    /** Writes the reply; true when nothing waits any more. */
    private static boolean flush(Session s, SelectionKey key) throws IOException {
        while (s.reply.hasRemaining() && s.channel.write(s.reply) > 0) {
            // keep writing
        }
        boolean done = !s.reply.hasRemaining() && s.channel.flush();
        key.interestOps(done ? SelectionKey.OP_READ : SelectionKey.OP_READ | SelectionKey.OP_WRITE);
        if (done) {
            s.reply = null;
        }
        return done;
    }

    private void end(Session s, SelectionKey key, boolean failed) {
        if (key != null) {
            key.cancel();
        }
        try {
            s.channel.close();
        } catch (IOException e) {
            failed = true;
        }
        if (failed) {
            failures.incrementAndGet();
        }
        held.decrementAndGet();
    }

    private static boolean endsWithCrlf(ByteBuffer b) {
        int p = b.position();
        return p >= 2 && b.get(p - 2) == '\r' && b.get(p - 1) == '\n';
    }

    @Override
    public void close() throws IOException {
        open = false;
        selector.close();
    }
}
