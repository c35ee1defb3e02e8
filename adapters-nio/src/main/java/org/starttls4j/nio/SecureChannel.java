package org.starttls4j.nio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import org.starttls4j.Failure;
import org.starttls4j.SecureSession;
import org.starttls4j.TlsFacts;
import org.starttls4j.TlsResult;

/**
 * A mail connection inside TLS, after its negotiation: reads decrypt into the caller's buffers,
 * writes encrypt from them. See {@link NegotiatedChannel} for blocking and non-blocking use.
 *
 * <p><b>Buffers.</b> The channel holds at most two network buffers, taken from its
 * {@link BufferPool} when it has bytes to keep (a record half read; encrypted bytes the socket
 * did not take) and given back as soon as they are empty, so an idle channel holds none and the
 * steady state allocates none. Give reads a buffer of at least
 * {@link SecureSession#minApplicationBufferSize()} bytes: a smaller one still works, but then the
 * core decrypts each record aside first.
 *
 * <p><b>End of stream.</b> A read returns -1 once the peer's {@code close_notify} has arrived (or
 * the stream ended right after it); a stream that ends without it throws
 * {@link TlsTruncationException}, because the data may have been cut off. A session the peer
 * breaks (a bad record, a fatal alert) throws {@link TlsFailureException}.
 *
 * <p><b>Closing.</b> {@link #shutdownOutput()} sends {@code close_notify} and half-closes the
 * socket; reading goes on until the peer closes its side. {@link #close()} sends
 * {@code close_notify} (unless already sent), waits for the peer's for at most the
 * {@linkplain #setCloseTimeout close timeout} (default one second; zero does not wait), then closes
 * the socket and gives every buffer back, on every path.
 */
public final class SecureChannel extends AbstractNegotiatedChannel<SecureSession> implements NegotiatedChannel {

    private static final int RECORD_HEADER = 5;

    private final BufferPool pool;
    private final Object engineLock = new Object();
    /** Shared: a buffer of no capacity has no state for a reader or a writer to change. */
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
    /**
     * The peer's application data {@link #close()} reads and drops while it waits for the peer's
     * {@code close_notify}: past it the socket is closed at once (with a reset, as data is left unread).
     */
    static final int MAX_DISCARDED_AT_CLOSE = 64 * 1024;

    private volatile Duration closeTimeout;
    private volatile Failure broken;
    /** What {@link #close()} read and dropped while it waited for the peer's close_notify; for tests. */
    volatile long droppedAtClose;

    // Guarded by readLock.
    private ByteBuffer netIn; // read mode: received, not yet decrypted; null when empty
    private boolean inboundDone;
    private boolean truncated;

    // Guarded by writeLock.
    private ByteBuffer netOut; // read mode: encrypted, not yet written; null when empty
    private boolean outboundDone;

    SecureChannel(Endpoint io, SecureSession session, NegotiationReport report, BufferPool pool, Duration closeTimeout) {
        super(io, session, report);
        this.pool = pool;
        this.closeTimeout = closeTimeout;
    }

    /**
     * The negotiated TLS version, cipher suite and certificates.
     *
     * @return the session's TLS facts
     */
    public TlsFacts tls() {
        return session.tls();
    }

    @Override
    public SecureChannel configureBlocking(boolean block) {
        io.blocking(block);
        return this;
    }

    /**
     * How long {@link #close()} waits for the socket to take our {@code close_notify} and for the
     * peer's; zero sends what the socket takes at once and does not wait. Data the peer sends
     * meanwhile is dropped, 64 KiB at most: a peer that keeps sending is then reset.
     *
     * @param timeout the bound
     */
    public void setCloseTimeout(Duration timeout) {
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must not be negative: " + timeout);
        }
        this.closeTimeout = timeout;
    }

    // ---- reading ----

    @Override
    boolean bufferedLocked() {
        if (session.hasBufferedPlaintext()) {
            return true;
        }
        ByteBuffer in = netIn;
        if (in == null || in.remaining() < RECORD_HEADER) {
            return false;
        }
        int p = in.position();
        int length = ((in.get(p + 3) & 0xff) << 8) | (in.get(p + 4) & 0xff);
        return in.remaining() >= RECORD_HEADER + length;
    }

    @Override
    int readLocked(ByteBuffer dst, long deadline) throws IOException {
        if (broken != null) {
            throw new TlsFailureException(broken);
        }
        if (truncated) {
            throw truncation();
        }
        if (inboundDone) {
            return -1;
        }
        if (!dst.hasRemaining()) {
            return 0;
        }
        while (true) {
            if (netIn != null || session.hasBufferedPlaintext()) {
                TlsResult r = decrypt(dst);
                releaseEmptyNetIn();
                if (r.status() == TlsResult.Status.FAILED) {
                    throw breakDown();
                }
                if (r.wantsToWrite()) {
                    answerEngine();
                }
                if (r.status() == TlsResult.Status.CLOSED) {
                    inboundDone = true;
                    return r.produced() > 0 ? r.produced() : -1;
                }
                if (r.produced() > 0) {
                    return r.produced();
                }
                if (r.status() == TlsResult.Status.NEEDS_OUTPUT_SPACE) {
                    return 0; // cannot happen with the slice fallback; never spin
                }
                if (r.status() == TlsResult.Status.OK && r.consumed() > 0) {
                    continue; // a record without application data (a session ticket): go on
                }
            }
            int n = fill();
            if (n > 0) {
                continue;
            }
            if (n < 0) {
                return endOfStream();
            }
            if (!io.awaitReadable(deadline)) {
                return 0;
            }
        }
    }

    private TlsResult decrypt(ByteBuffer dst) {
        ByteBuffer source = netIn != null ? netIn : EMPTY;
        synchronized (engineLock) {
            TlsResult r = session.decrypt(source, dst);
            if (r.status() == TlsResult.Status.NEEDS_OUTPUT_SPACE && r.produced() == 0 && dst.position() > 0) {
                // The rest of the caller's buffer is too small for a record: let the session
                // decrypt aside and hand the record out in pieces.
                ByteBuffer view = dst.slice();
                TlsResult again = session.decrypt(source, view);
                dst.position(dst.position() + view.position());
                r = new TlsResult(again.status(), r.consumed() + again.consumed(), again.produced(), again.wantsToWrite());
            }
            return r;
        }
    }

    /** Reads from the socket into {@code netIn}; returns what the socket returned. */
    private int fill() throws IOException {
        ByteBuffer buffer = netIn;
        if (buffer == null) {
            buffer = pool.acquire(session.minNetworkBufferSize());
        } else {
            if (buffer.position() > 0) {
                buffer.compact();
            } else {
                // Nothing read yet: append after it. Compacting would move a record that trickles in
                // a byte at a time once per byte (16 KiB moved 16,384 times for one record).
                buffer.position(buffer.limit()).limit(buffer.capacity());
            }
            if (!buffer.hasRemaining()) {
                ByteBuffer bigger = pool.acquire(Math.max(buffer.capacity() * 2, session.minNetworkBufferSize()));
                buffer.flip();
                bigger.put(buffer);
                pool.release(buffer);
                buffer = bigger;
            }
        }
        netIn = buffer;
        try {
            return io.socket.read(buffer);
        } finally {
            buffer.flip();
            releaseEmptyNetIn();
        }
    }

    private int endOfStream() throws IOException {
        SecureSession.Termination how;
        synchronized (engineLock) {
            how = session.onEndOfStream();
        }
        if (how == SecureSession.Termination.CLEAN) {
            inboundDone = true;
            return -1;
        }
        truncated = true;
        throw truncation();
    }

    private static TlsTruncationException truncation() {
        return new TlsTruncationException("the peer ended the stream without close_notify; data may be missing");
    }

    private void releaseEmptyNetIn() {
        if (netIn != null && !netIn.hasRemaining()) {
            pool.release(netIn);
            netIn = null;
        }
    }

    /** The engine owes the peer bytes (a KeyUpdate answer, a close_notify reply): send them if no writer is busy. */
    private void answerEngine() {
        if (!writeLock.tryLock()) {
            return; // the writer's next encrypt sends them first
        }
        try {
            if (netOut == null && !outboundDone && broken == null && !closed.get()) {
                TlsResult r = produce(EMPTY);
                if (r.status() == TlsResult.Status.CLOSED || session.isOutboundDone()) {
                    outboundDone = true;
                }
                flushLocked(Endpoint.NO_WAIT);
            }
        } catch (IOException e) {
            // the next read or write meets the socket's failure itself
        } finally {
            writeLock.unlock();
        }
    }

    // ---- writing ----

    @Override
    public boolean hasPendingOutput() {
        if (!writeLock.tryLock()) {
            return true; // a writer is busy: there is something on its way
        }
        try {
            return netOut != null;
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public boolean flush() throws IOException {
        writeLock.lock();
        try {
            ensureOpen();
            return flushLocked(io.callDeadline());
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    int writeLocked(ByteBuffer src, long deadline) throws IOException {
        if (broken != null) {
            throw new TlsFailureException(broken);
        }
        if (outboundDone) {
            throw new ClosedChannelException();
        }
        if (!flushLocked(deadline)) {
            return 0;
        }
        int consumed = 0;
        while (src.hasRemaining()) {
            TlsResult r = produce(src);
            consumed += r.consumed();
            if (r.status() == TlsResult.Status.FAILED) {
                throw breakDown();
            }
            if (r.status() == TlsResult.Status.CLOSED) {
                outboundDone = true;
                if (consumed > 0) {
                    break;
                }
                throw new ClosedChannelException();
            }
            if (!flushLocked(deadline) || (r.consumed() == 0 && r.produced() == 0)) {
                break;
            }
        }
        return consumed;
    }

    /** Encrypts from {@code src} into a pooled buffer that becomes {@code netOut}; needs {@code netOut == null}. */
    private TlsResult produce(ByteBuffer src) {
        ByteBuffer out = pool.acquire(session.minNetworkBufferSize());
        TlsResult r;
        synchronized (engineLock) {
            r = session.encrypt(src, out);
            if (r.status() == TlsResult.Status.NEEDS_OUTPUT_SPACE) {
                pool.release(out);
                out = pool.acquire(Math.max(out.capacity(), session.minNetworkBufferSize()) * 2);
                r = session.encrypt(src, out);
            }
        }
        keep(out);
        return r;
    }

    private void keep(ByteBuffer out) {
        out.flip();
        if (out.hasRemaining()) {
            netOut = out;
        } else {
            pool.release(out);
        }
    }

    /** Writes {@code netOut}; false if bytes remain and waiting is not allowed. */
    private boolean flushLocked(long deadline) throws IOException {
        while (netOut != null) {
            io.socket.write(netOut);
            if (!netOut.hasRemaining()) {
                pool.release(netOut);
                netOut = null;
                return true;
            }
            if (!io.awaitWritable(deadline)) {
                return false;
            }
        }
        return true;
    }

    /** Marks the session broken, sends the alert the engine has ready, and returns the exception to throw. */
    private TlsFailureException breakDown() {
        Failure failure = session.failure().orElseGet(() -> Failure.of(Failure.Reason.TLS_SESSION_BROKEN, "the TLS session broke"));
        broken = failure;
        if (writeLock.tryLock()) {
            try {
                if (netOut == null && !outboundDone) {
                    closeNotify();
                    flushLocked(Endpoint.NO_WAIT);
                }
            } catch (IOException ignored) {
                // the alert is a courtesy; the session is broken either way
            } finally {
                writeLock.unlock();
            }
        }
        return new TlsFailureException(failure);
    }

    private void closeNotify() {
        ByteBuffer out = pool.acquire(session.minNetworkBufferSize());
        synchronized (engineLock) {
            session.close(out);
        }
        outboundDone = true;
        keep(out);
    }

    // ---- closing ----

    @Override
    public void shutdownOutput() throws IOException {
        writeLock.lock();
        try {
            ensureOpen();
            if (!outboundDone) {
                long deadline = io.deadlineIn(closeTimeout);
                flushLocked(deadline);
                closeNotify();
                flushLocked(deadline);
            }
            io.socket.shutdownOutput();
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Sends {@code close_notify} (unless already sent), waits for the peer's within the close
     * timeout, closes the socket and gives every buffer back, on every path.
     */
    @Override
    void closeOnce() throws IOException {
        long deadline = io.deadlineIn(closeTimeout);
        try {
            if (writeLock.tryLock()) { // a writer stuck on a full socket keeps it: then no close_notify
                try {
                    if (broken == null && !outboundDone) {
                        flushLocked(deadline);
                        closeNotify();
                    }
                    flushLocked(deadline);
                } catch (IOException timedOutOrReset) {
                    // close anyway
                } finally {
                    writeLock.unlock();
                }
            }
            if (readLock.tryLock()) {
                try {
                    awaitCloseNotify(deadline);
                } catch (IOException timedOutOrTruncated) {
                    // close anyway
                } finally {
                    readLock.unlock();
                }
            }
        } finally {
            try {
                io.close();
            } finally {
                // Threads blocked in a read or write wake up now that the socket is closed, and
                // give their locks back: only then can the buffers go back to the pool.
                readLock.lock();
                try {
                    pool.release(netIn);
                    netIn = null;
                } finally {
                    readLock.unlock();
                }
                writeLock.lock();
                try {
                    pool.release(netOut);
                    netOut = null;
                } finally {
                    writeLock.unlock();
                }
            }
        }
    }

    private void awaitCloseNotify(long deadline) throws IOException {
        if (inboundDone || truncated || broken != null || closeTimeout.isZero()) {
            return;
        }
        ByteBuffer sink = pool.acquire(session.minApplicationBufferSize());
        try {
            long discarded = 0;
            while (readLocked(sink, deadline) >= 0) {
                discarded += sink.position();
                droppedAtClose = discarded;
                sink.clear();
                // A read checks the deadline only when it has to wait: a peer that keeps sending would
                // keep close() reading. Stop at the deadline or at what one close is worth discarding.
                if (discarded > MAX_DISCARDED_AT_CLOSE || io.nanoTime() - deadline >= 0) {
                    return;
                }
            }
        } finally {
            pool.release(sink);
        }
    }

    @Override
    public String toString() {
        return describe(session.tls().protocol() + ", " + session.tls().cipherSuite());
    }
}
