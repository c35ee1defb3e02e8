package org.starttls4j.nio;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * The socket under a negotiated channel. The socket itself is always in non-blocking mode, so
 * that the application can register it with a {@link Selector} and every wait has a bound;
 * "blocking" is a mode of the wrapper, whose waits go to the JVM's {@link SocketWaiter}: no
 * selector, and no file descriptor, of the channel's own.
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
    private volatile boolean blocking;
    private volatile long timeoutNanos; // 0: none
    private volatile boolean closed;
    private volatile Ticker ticker = Ticker.SYSTEM;
    private SocketWaiter.Waits waits; // under this: the socket's waits, registered at the first wait

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

    /** Closes the socket; a thread blocked in a wait wakes with an {@link AsynchronousCloseException}. */
    void close() throws IOException {
        SocketWaiter.Waits w;
        synchronized (this) {
            closed = true;
            w = waits;
        }
        try {
            socket.close();
        } finally {
            if (w != null) {
                w.wakeAll();
                SocketWaiter.shared().wakeup(); // deregisters the socket, which releases its descriptor
            }
        }
    }

    private synchronized SocketWaiter.Waits waits() throws IOException {
        if (closed) {
            throw new AsynchronousCloseException();
        }
        if (waits == null) {
            waits = SocketWaiter.shared().waitsFor(socket);
        }
        return waits;
    }

    private boolean await(int ops, long deadline, String what) throws IOException {
        if (deadline != FOREVER && deadline - nanoTime() <= 0) {
            throw new SocketTimeoutException(what + " within the timeout");
        }
        boolean ready = SocketWaiter.shared().await(waits(), ops, deadline, ticker, this::checkStop);
        if (!ready) {
            throw new SocketTimeoutException(what + " within the timeout");
        }
        return true;
    }

    private void checkStop() throws IOException {
        if (closed || !socket.isOpen()) {
            throw new AsynchronousCloseException();
        }
        if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedIOException("interrupted while waiting for the socket");
        }
    }
}
