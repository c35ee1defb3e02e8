package org.starttls4j.nio;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/**
 * The socket under a negotiated channel. The socket itself is always in non-blocking mode, so
 * that the application can register it with a {@link Selector} and every wait has a bound;
 * "blocking" is a mode of the wrapper, which then waits on a private selector (one per direction,
 * opened on first use, so that one thread may read while another writes).
 */
final class Endpoint {

    /** Deadline value meaning "wait as long as it takes". */
    static final long FOREVER = Long.MAX_VALUE;

    final SocketChannel socket;
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

    Duration timeout() {
        return Duration.ofNanos(timeoutNanos);
    }

    /** The deadline (System.nanoTime) for one blocking call starting now. */
    long callDeadline() {
        long t = timeoutNanos;
        return t == 0 ? FOREVER : System.nanoTime() + t;
    }

    static long deadlineIn(Duration d) {
        return System.nanoTime() + d.toNanos();
    }

    /** Waits until the socket may be readable; false when the deadline passed first. Caller holds the read lock. */
    boolean awaitReadable(long deadline) throws IOException {
        Selector waiter;
        synchronized (this) {
            if (readWaiter == null) {
                readWaiter = open(SelectionKey.OP_READ);
            }
            waiter = readWaiter;
        }
        return await(waiter, deadline);
    }

    /** Waits until the socket may be writable; false when the deadline passed first. Caller holds the write lock. */
    boolean awaitWritable(long deadline) throws IOException {
        Selector waiter;
        synchronized (this) {
            if (writeWaiter == null) {
                writeWaiter = open(SelectionKey.OP_WRITE);
            }
            waiter = writeWaiter;
        }
        return await(waiter, deadline);
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

    private synchronized Selector open(int ops) throws IOException {
        if (closed) {
            throw new AsynchronousCloseException();
        }
        Selector selector = Selector.open();
        try {
            socket.register(selector, ops);
        } catch (IOException | RuntimeException e) {
            selector.close();
            throw e;
        }
        return selector;
    }

    private boolean await(Selector selector, long deadline) throws IOException {
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
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return false;
                    }
                    millis = Math.max(1, (left + 999_999) / 1_000_000);
                }
                int ready = selector.select(millis);
                selector.selectedKeys().clear();
                if (ready > 0) {
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
