package org.starttls4j.nio;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * The socket under a negotiated channel. The socket itself is always in non-blocking mode, so
 * that the application can register it with a {@link Selector} and every wait has a bound;
 * "blocking" is a mode of the wrapper, which then waits on a private selector (one per direction,
 * opened on first use, so that one thread may read while another writes).
 */
final class Endpoint {

    /** Deadline value meaning "wait as long as it takes". */
    static final long FOREVER = Long.MAX_VALUE;
    /** Deadline value meaning "do not wait": the call returns what the socket gives at once. */
    static final long NO_WAIT = Long.MIN_VALUE;

    /**
     * For {@link Selector#select(Consumer, long)} on a selector with one key: the key's ready set is
     * all a waiter needs, so nothing is added to (and then cleared from) a selected-key set.
     */
    static final Consumer<SelectionKey> READY = key -> { };

    /** Where deadlines are read from: {@link System#nanoTime()}, or a test's own. */
    @FunctionalInterface
    interface Ticker {
        /** The real one. */
        Ticker SYSTEM = System::nanoTime;

        /** Nanoseconds from an arbitrary origin, as {@link System#nanoTime()}. */
        long nanoTime();
    }

    final SocketChannel socket;
    private volatile Ticker ticker = Ticker.SYSTEM;
    private volatile boolean blocking;
    private volatile long timeoutNanos; // 0: none
    private volatile boolean closed;
    private Selector readWaiter;  // set under this, used under the channel's read lock
    private Selector writeWaiter; // set under this, used under the channel's write lock

    /** Wraps a socket already in non-blocking mode. */
    Endpoint(SocketChannel socket, boolean blocking) {
        if (socket.isBlocking()) {
            throw new IllegalArgumentException("the socket must be in non-blocking mode");
        }
        this.socket = socket;
        this.blocking = blocking;
    }

    boolean isBlocking() {
        return blocking;
    }

    void blocking(boolean value) {
        blocking = value;
    }

    void timeout(Duration timeout) {
        if (timeout != null && timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must not be negative: " + timeout);
        }
        timeoutNanos = timeout == null ? 0 : timeout.toNanos();
    }

    /** For tests: the time deadlines are computed from and checked against. */
    void ticker(Ticker value) {
        ticker = value;
    }

    long nanoTime() {
        return ticker.nanoTime();
    }

    /**
     * The deadline (in {@link #nanoTime()}) for one application call starting now: {@link #NO_WAIT}
     * in non-blocking mode, else the timeout from now ({@link #FOREVER} without one).
     */
    long callDeadline() {
        if (!blocking) {
            return NO_WAIT;
        }
        long t = timeoutNanos;
        return t == 0 ? FOREVER : nanoTime() + t;
    }

    long deadlineIn(Duration d) {
        return nanoTime() + d.toNanos();
    }

    /**
     * Waits until the socket may be readable. Caller holds the read lock.
     *
     * @return true when it may be; false at once for {@link #NO_WAIT}
     * @throws SocketTimeoutException when the deadline passed first
     */
    boolean awaitReadable(long deadline) throws IOException {
        return deadline != NO_WAIT && await(SelectionKey.OP_READ, deadline, "no data from the peer");
    }

    /**
     * Waits until the socket may be writable. Caller holds the write lock.
     *
     * @return true when it may be; false at once for {@link #NO_WAIT}
     * @throws SocketTimeoutException when the deadline passed first
     */
    boolean awaitWritable(long deadline) throws IOException {
        return deadline != NO_WAIT && await(SelectionKey.OP_WRITE, deadline, "the peer took no data");
    }

    boolean isClosed() {
        return closed;
    }

    /** Closes the socket and the waiters; a thread blocked in a wait wakes with an {@link AsynchronousCloseException}. */
    void close() throws IOException {
        synchronized (this) {
            closed = true;
            closeQuietly(readWaiter);
            closeQuietly(writeWaiter);
        }
        socket.close();
    }

    /**
     * Closes the waiters and leaves the socket open, for a channel that hands its socket on (a
     * server's plaintext channel at STARTTLS): they would otherwise stay open, two file descriptors
     * each, with nothing left to close them. Callers hold both of the channel's locks, so no thread
     * waits on them; a later wait would open new ones.
     */
    synchronized void closeWaiters() {
        closeQuietly(readWaiter);
        closeQuietly(writeWaiter);
        readWaiter = null;
        writeWaiter = null;
    }

    /**
     * Takes {@code selector}, private to the caller and with the socket registered on it or not, as
     * the read waiter, so that a blocking client's negotiation selector serves its channel's reads
     * (and its close's wait for {@code close_notify}) rather than a second one being opened. From
     * then on the endpoint owns it and closes it with itself.
     *
     * @return false when it was not taken (closed, a waiter already there, or the socket can no
     *         longer register): the caller keeps it and closes it
     */
    synchronized boolean adoptReadWaiter(Selector selector) {
        if (closed || readWaiter != null) {
            return false;
        }
        try {
            SelectionKey key = socket.keyFor(selector);
            if (key == null) {
                socket.register(selector, SelectionKey.OP_READ);
            } else {
                key.interestOps(SelectionKey.OP_READ);
            }
        } catch (IOException | RuntimeException e) {
            return false; // closed or cancelled meanwhile: a later wait opens a waiter of its own
        }
        readWaiter = selector;
        return true;
    }

    /** The private selector for one direction, opened on first use. */
    private synchronized Selector waiter(int ops) throws IOException {
        if (closed) {
            throw new AsynchronousCloseException();
        }
        Selector existing = ops == SelectionKey.OP_READ ? readWaiter : writeWaiter;
        if (existing != null) {
            return existing;
        }
        Selector selector = Selector.open();
        try {
            socket.register(selector, ops);
        } catch (IOException | RuntimeException e) {
            selector.close();
            throw e;
        }
        if (ops == SelectionKey.OP_READ) {
            readWaiter = selector;
        } else {
            writeWaiter = selector;
        }
        return selector;
    }

    private boolean await(int ops, long deadline, String what) throws IOException {
        Selector selector = waiter(ops);
        try {
            while (true) {
                if (closed) {
                    throw new AsynchronousCloseException();
                }
                if (Thread.currentThread().isInterrupted()) {
                    throw new InterruptedIOException("interrupted while waiting for the socket");
                }
                long millis = 0;
                if (deadline != FOREVER) {
                    long left = deadline - nanoTime();
                    if (left <= 0) {
                        throw new SocketTimeoutException(what + " within the timeout");
                    }
                    millis = Math.max(1, (left + 999_999) / 1_000_000);
                }
                if (selector.select(READY, millis) > 0) {
                    return true;
                }
            }
        } catch (ClosedSelectorException e) {
            throw new AsynchronousCloseException();
        }
    }

    private static void closeQuietly(Selector selector) {
        if (selector != null) {
            try {
                selector.close();
            } catch (IOException ignored) {
                // nothing to release beyond what close already released
            }
        }
    }
}
