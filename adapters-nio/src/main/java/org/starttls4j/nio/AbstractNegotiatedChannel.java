package org.starttls4j.nio;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.ScatteringByteChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.starttls4j.Session;

/**
 * The shell both negotiated channels share: the socket, the session and the report, a lock per
 * direction, the blocking mode and the open flag, and the {@link NegotiatedChannel} contract
 * around them (argument checks, locking, scatter and gather, close once). A subclass says only how
 * bytes cross, as they are or through TLS: {@link #readLocked}, {@link #writeLocked},
 * {@link #bufferedLocked} and {@link #closeOnce}.
 *
 * <p>Not the public face: {@link SecureChannel} and {@link PlaintextChannel} are; this class is
 * how they are built.
 *
 * @param <S> the kind of session the channel carries
 */
abstract class AbstractNegotiatedChannel<S extends Session> implements ByteChannel, GatheringByteChannel,
        ScatteringByteChannel {

    final Endpoint io;
    final S session;
    final ReentrantLock readLock = new ReentrantLock();
    final ReentrantLock writeLock = new ReentrantLock();
    final AtomicBoolean closed = new AtomicBoolean();
    private final NegotiationReport report;

    AbstractNegotiatedChannel(Endpoint io, S session, NegotiationReport report) {
        this.io = io;
        this.session = session;
        this.report = report;
    }

    // ---- what the subclass says ----

    /**
     * Reads into {@code dst}: at least one byte, or 0 (nothing ready and {@code deadline} is
     * {@link Endpoint#NO_WAIT}, or {@code dst} is full), or -1 at the end. Caller holds the read
     * lock and has checked that the channel is open.
     */
    abstract int readLocked(ByteBuffer dst, long deadline) throws IOException;

    /** Whether a read would return bytes without touching the socket. Caller holds the read lock. */
    abstract boolean bufferedLocked();

    /**
     * Writes from {@code src}: all of it unless {@code deadline} is {@link Endpoint#NO_WAIT} and the
     * socket stopped taking bytes. Caller holds the write lock and has checked that the channel is open.
     */
    abstract int writeLocked(ByteBuffer src, long deadline) throws IOException;

    /** Ends the connection; called once, by the first {@link #close()}. */
    abstract void closeOnce() throws IOException;

    // ---- the shell ----

    /**
     * What the negotiation did: events, TLS facts, capabilities, and why not encrypted when not.
     *
     * @return the report
     */
    public final NegotiationReport report() {
        return report;
    }

    /**
     * The core's session.
     *
     * @return the session
     */
    public final S session() {
        return session;
    }

    /**
     * Whether the connection is encrypted.
     *
     * @return true inside TLS
     */
    public final boolean isEncrypted() {
        return session.isEncrypted();
    }

    /**
     * The socket, for registering with a selector and for socket options. Never read or write it
     * directly: that would bypass TLS and the bytes this channel holds.
     *
     * @return the socket
     */
    public final SocketChannel socketChannel() {
        return io.socket;
    }

    /**
     * The peer's address.
     *
     * @return the address, or null if the socket is not connected
     */
    public final SocketAddress remoteAddress() {
        try {
            return io.socket.getRemoteAddress();
        } catch (IOException closedAlready) {
            return null;
        }
    }

    /**
     * Whether reads and writes wait.
     *
     * @return true in blocking mode
     */
    public final boolean isBlocking() {
        return io.isBlocking();
    }

    /**
     * The longest a blocking read or write waits for the socket; zero (the default) waits as long
     * as it takes.
     *
     * @param timeout the bound, zero for none
     */
    public final void setTimeout(Duration timeout) {
        io.timeout(timeout);
    }

    @Override
    public final int read(ByteBuffer dst) throws IOException {
        Objects.requireNonNull(dst, "dst");
        readLock.lock();
        try {
            ensureOpen();
            return readLocked(dst, io.callDeadline());
        } finally {
            readLock.unlock();
        }
    }

    /** Waits (in blocking mode) only for the first bytes; fills the next buffers from what is already here. */
    @Override
    public final long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, dsts.length);
        readLock.lock();
        try {
            ensureOpen();
            long total = 0;
            for (int i = offset; i < offset + length; i++) {
                ByteBuffer dst = dsts[i];
                if (!dst.hasRemaining()) {
                    continue;
                }
                if (total > 0 && !bufferedLocked()) {
                    break; // more would mean waiting for the socket
                }
                int n = readLocked(dst, total == 0 ? io.callDeadline() : Endpoint.NO_WAIT);
                if (n < 0) {
                    return total == 0 ? -1 : total;
                }
                total += n;
                if (dst.hasRemaining()) {
                    break;
                }
            }
            return total;
        } finally {
            readLock.unlock();
        }
    }

    @Override
    public final long read(ByteBuffer[] dsts) throws IOException {
        return read(dsts, 0, dsts.length);
    }

    /**
     * Whether a read would return bytes without touching the socket. A selector loop must read
     * until this is false before it waits for {@code OP_READ} again.
     *
     * @return true when bytes are waiting here
     */
    public final boolean hasBufferedInput() {
        if (closed.get() || !readLock.tryLock()) {
            return false; // another thread is reading and will see them
        }
        try {
            return bufferedLocked();
        } finally {
            readLock.unlock();
        }
    }

    @Override
    public final int write(ByteBuffer src) throws IOException {
        Objects.requireNonNull(src, "src");
        writeLock.lock();
        try {
            ensureOpen();
            return writeLocked(src, io.callDeadline());
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public final long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, srcs.length);
        writeLock.lock();
        try {
            ensureOpen();
            long deadline = io.callDeadline();
            long total = 0;
            for (int i = offset; i < offset + length; i++) {
                ByteBuffer src = srcs[i];
                if (!src.hasRemaining()) {
                    continue;
                }
                total += writeLocked(src, deadline);
                if (src.hasRemaining()) {
                    break;
                }
            }
            return total;
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public final long write(ByteBuffer[] srcs) throws IOException {
        return write(srcs, 0, srcs.length);
    }

    @Override
    public final boolean isOpen() {
        return !closed.get();
    }

    @Override
    public final void close() throws IOException {
        if (closed.compareAndSet(false, true)) {
            closeOnce();
        }
    }

    final void ensureOpen() throws ClosedChannelException {
        if (closed.get()) {
            throw new ClosedChannelException();
        }
    }

    /** For {@code toString}: the peer, then what the subclass adds, then whether closed. */
    final String describe(String what) {
        return getClass().getSimpleName() + "[" + remoteAddress() + ", " + what + (closed.get() ? ", closed" : "") + "]";
    }
}
