package org.starttls4j.nio;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Waits for sockets on behalf of the threads of blocking channels: one selector and one daemon
 * thread for the whole JVM (the way the JDK waits for virtual threads), so that a thread blocked in
 * a channel's read or write costs no file descriptor beyond its socket. A selector per channel
 * cost two (an epoll descriptor and its eventfd) for as long as the channel lived: a thousand
 * sessions blocked in reads held two thousand descriptors for nothing.
 *
 * <p>A waiting thread says what it waits for in its socket's key and parks; the waiter's thread
 * selects, takes the ready operations out of the key's interest (epoll is level-triggered) and
 * unparks the threads waiting for them. The waiting thread keeps its own deadline, and its
 * endpoint's close or an interrupt unparks it.
 */
final class SocketWaiter {

    private static final class Holder {
        static final SocketWaiter INSTANCE = start();
    }

    private final Selector selector;
    private final Thread thread;

    private SocketWaiter(Selector selector) {
        this.selector = selector;
        this.thread = new Thread(this::run, "starttls4j-nio-waiter");
        thread.setDaemon(true);
    }

    /** The JVM's waiter, started on first use. */
    static SocketWaiter shared() {
        return Holder.INSTANCE;
    }

    private static SocketWaiter start() {
        try {
            SocketWaiter waiter = new SocketWaiter(Selector.open());
            waiter.thread.start();
            return waiter;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the selector blocking channels wait on", e);
        }
    }

    /**
     * The threads waiting on one socket, one per direction (the channel's locks allow no more),
     * and the operations found ready since each started to wait. Attached to the socket's key, so
     * that every endpoint over the socket (a plaintext channel handed back at STARTTLS, then the
     * secured one) shares it.
     */
    static final class Waits {
        private final AtomicInteger ready = new AtomicInteger();
        private volatile Thread reader;
        private volatile Thread writer;
        final SelectionKey key;

        private Waits(SelectionKey key) {
            this.key = key;
        }

        private void signal(int ops) {
            ready.getAndUpdate(r -> r | ops); // before reading who waits: a thread that starts to wait later sees it
            if ((ops & SelectionKey.OP_READ) != 0) {
                LockSupport.unpark(reader);
            }
            if ((ops & SelectionKey.OP_WRITE) != 0) {
                LockSupport.unpark(writer);
            }
        }

        /** Wakes whoever waits, to look at their endpoint's state (closed). */
        void wakeAll() {
            LockSupport.unpark(reader);
            LockSupport.unpark(writer);
        }
    }

    /**
     * The waits of {@code socket}, registering it with this waiter's selector on first use. Callers
     * hold their endpoint's lock; two endpoints over one socket never ask at once (the first is
     * done with the socket before the second exists).
     */
    Waits waitsFor(SocketChannel socket) throws IOException {
        SelectionKey key = socket.keyFor(selector);
        if (key != null && key.isValid()) {
            return (Waits) key.attachment();
        }
        if (!socket.isOpen()) {
            throw new ClosedChannelException();
        }
        key = socket.register(selector, 0);
        Waits waits = new Waits(key);
        key.attach(waits);
        return waits;
    }

    /**
     * Parks the calling thread until the socket may be ready for {@code op}, {@code deadlineNanos}
     * passes (as {@code ticker} tells), or {@code stop} says why not to wait any longer.
     *
     * @return true when the socket may be ready; false when the deadline passed first
     * @throws IOException what {@code stop} throws (closed, interrupted)
     */
    boolean await(Waits waits, int op, long deadlineNanos, Endpoint.Ticker ticker, StopCheck stop) throws IOException {
        Thread self = Thread.currentThread();
        waits.ready.getAndUpdate(r -> r & ~op);
        if (op == SelectionKey.OP_READ) {
            waits.reader = self;
        } else {
            waits.writer = self;
        }
        try {
            try {
                waits.key.interestOpsOr(op);
            } catch (CancelledKeyException e) {
                stop.check(); // the socket was closed: say so
                throw new ClosedChannelException();
            }
            selector.wakeup(); // the new interest counts from the next select
            while (true) {
                if ((waits.ready.get() & op) != 0) {
                    return true;
                }
                stop.check();
                if (!thread.isAlive()) {
                    throw new IOException("the thread that waits for sockets has died");
                }
                if (deadlineNanos == Endpoint.FOREVER) {
                    LockSupport.park(this);
                } else {
                    long left = deadlineNanos - ticker.nanoTime();
                    if (left <= 0) {
                        return false;
                    }
                    LockSupport.parkNanos(this, left);
                }
            }
        } finally {
            if (op == SelectionKey.OP_READ) {
                waits.reader = null;
            } else {
                waits.writer = null;
            }
        }
    }

    /** What ends a wait early: the endpoint closed, the thread interrupted. */
    @FunctionalInterface
    interface StopCheck {
        void check() throws IOException;
    }

    /** Wakes the selector so that it deregisters a closed socket's key, releasing its descriptor at once. */
    void wakeup() {
        selector.wakeup();
    }

    /**
     * How often the selector looks at its keys while it holds any, whatever happens: a socket closed
     * other than through its endpoint (a failed resumed negotiation, an application closing
     * {@code socketChannel()} itself) keeps its descriptor until the selector deregisters it.
     */
    private static final long SWEEP_MILLIS = 1_000;

    private void run() {
        while (true) {
            try {
                selector.select(SocketWaiter::dispatch, selector.keys().isEmpty() ? 0 : SWEEP_MILLIS);
            } catch (IOException | RuntimeException e) {
                // A failed select leaves the keys as they were: select again, without spinning.
                // Waiting threads keep their own deadlines either way.
                LockSupport.parkNanos(1_000_000);
            }
        }
    }

    private static void dispatch(SelectionKey key) {
        Waits waits = (Waits) key.attachment();
        int ready;
        try {
            ready = key.readyOps();
            key.interestOpsAnd(~ready); // until a thread waits for it again
        } catch (CancelledKeyException closed) {
            waits.wakeAll();
            return;
        }
        waits.signal(ready);
    }
}
