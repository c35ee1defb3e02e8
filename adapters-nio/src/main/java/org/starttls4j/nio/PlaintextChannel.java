package org.starttls4j.nio;

import java.io.IOException;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.starttls4j.Negotiation;
import org.starttls4j.PlaintextSession;
import org.starttls4j.Role;

/**
 * A mail connection handed over <em>unencrypted</em>, as {@link org.starttls4j.TlsPolicy#OPPORTUNISTIC}
 * or {@link org.starttls4j.TlsPolicy#PLAINTEXT_ONLY} allow: everything it carries can be read and
 * changed on the way. {@link #why()} and {@link #report()} say why TLS was not used.
 *
 * <p>On a server, the bytes the negotiation received but did not act on (the client's first
 * command it does not own, say {@code MAIL FROM}) come out of the first reads, before anything
 * from the socket; {@link #hasBufferedInput()} says when some are waiting. See
 * {@link NegotiatedChannel} for blocking and non-blocking use.
 */
public final class PlaintextChannel implements NegotiatedChannel {

    private final Endpoint io;
    private final PlaintextSession session;
    private final NegotiationReport report;
    private final ReentrantLock readLock = new ReentrantLock();
    private final ReentrantLock writeLock = new ReentrantLock();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean handedBack; // the socket belongs to a resumed negotiation now
    private ByteBuffer unread; // guarded by readLock; null when empty

    PlaintextChannel(Endpoint io, PlaintextSession session, NegotiationReport report) {
        this.io = io;
        this.session = session;
        this.report = report;
        ByteBuffer bytes = session.unread();
        this.unread = bytes.hasRemaining() ? bytes : null;
    }

    @Override
    public NegotiationReport report() {
        return report;
    }

    @Override
    public PlaintextSession session() {
        return session;
    }

    /** Why this connection is not encrypted, in words. */
    public String why() {
        return session.why();
    }

    @Override
    public boolean isEncrypted() {
        return false;
    }

    @Override
    public SocketChannel socketChannel() {
        return io.socket;
    }

    @Override
    public SocketAddress remoteAddress() {
        try {
            return io.socket.getRemoteAddress();
        } catch (IOException closed) {
            return null;
        }
    }

    @Override
    public PlaintextChannel configureBlocking(boolean block) {
        io.blocking(block);
        return this;
    }

    @Override
    public boolean isBlocking() {
        return io.isBlocking();
    }

    @Override
    public void setTimeout(Duration timeout) {
        io.timeout(timeout);
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        Objects.requireNonNull(dst, "dst");
        readLock.lock();
        try {
            ensureOpen();
            if (!dst.hasRemaining()) {
                return 0;
            }
            if (unread != null) {
                return takeUnread(dst);
            }
            long deadline = io.callDeadline();
            while (true) {
                int n = io.socket.read(dst);
                if (n != 0 || !io.isBlocking()) {
                    return n;
                }
                if (!io.awaitReadable(deadline)) {
                    throw new SocketTimeoutException("no data from the peer within " + io.timeout());
                }
            }
        } finally {
            readLock.unlock();
        }
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, dsts.length);
        readLock.lock();
        try {
            ensureOpen();
            long total = 0;
            int i = offset;
            while (unread != null && i < offset + length) {
                if (dsts[i].hasRemaining()) {
                    total += takeUnread(dsts[i]);
                }
                if (!dsts[i].hasRemaining()) {
                    i++;
                }
            }
            if (i == offset + length || (total > 0 && !io.isBlocking())) {
                return total;
            }
            long n = io.socket.read(dsts, i, offset + length - i);
            if (n == 0 && total == 0 && io.isBlocking()) {
                long deadline = io.callDeadline();
                while (n == 0) {
                    if (!io.awaitReadable(deadline)) {
                        throw new SocketTimeoutException("no data from the peer within " + io.timeout());
                    }
                    n = io.socket.read(dsts, i, offset + length - i);
                }
            }
            return n < 0 ? (total == 0 ? -1 : total) : total + n;
        } finally {
            readLock.unlock();
        }
    }

    @Override
    public long read(ByteBuffer[] dsts) throws IOException {
        return read(dsts, 0, dsts.length);
    }

    private int takeUnread(ByteBuffer dst) {
        int n = Math.min(dst.remaining(), unread.remaining());
        ByteBuffer slice = unread.duplicate();
        slice.limit(slice.position() + n);
        dst.put(slice);
        unread.position(unread.position() + n);
        if (!unread.hasRemaining()) {
            unread = null;
        }
        return n;
    }

    @Override
    public boolean hasBufferedInput() {
        if (closed.get() || !readLock.tryLock()) {
            return false;
        }
        try {
            return unread != null;
        } finally {
            readLock.unlock();
        }
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        Objects.requireNonNull(src, "src");
        writeLock.lock();
        try {
            ensureOpen();
            long deadline = io.callDeadline();
            int total = 0;
            while (src.hasRemaining()) {
                int n = io.socket.write(src);
                total += n;
                if (n == 0) {
                    if (!io.isBlocking()) {
                        break;
                    }
                    if (!io.awaitWritable(deadline)) {
                        throw new SocketTimeoutException("the peer took no data within " + io.timeout());
                    }
                }
            }
            return total;
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, srcs.length);
        writeLock.lock();
        try {
            ensureOpen();
            long deadline = io.callDeadline();
            long total = 0;
            while (true) {
                long n = io.socket.write(srcs, offset, length);
                total += n;
                boolean left = false;
                for (int i = offset; i < offset + length; i++) {
                    left |= srcs[i].hasRemaining();
                }
                if (!left || (n == 0 && !io.isBlocking())) {
                    return total;
                }
                if (n == 0 && !io.awaitWritable(deadline)) {
                    throw new SocketTimeoutException("the peer took no data within " + io.timeout());
                }
            }
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public long write(ByteBuffer[] srcs) throws IOException {
        return write(srcs, 0, srcs.length);
    }

    /** Always false: writes go straight to the socket. */
    @Override
    public boolean hasPendingOutput() {
        return false;
    }

    /** Nothing waits here: always true. */
    @Override
    public boolean flush() throws IOException {
        ensureOpen();
        return true;
    }

    @Override
    public void shutdownOutput() throws IOException {
        ensureOpen();
        io.socket.shutdownOutput();
    }

    /**
     * Hands the connection back for TLS when the client sent {@code STARTTLS} (SMTP, IMAP) or
     * {@code STLS} (POP3) after the hand-over, and negotiates it; blocks until it is done. The
     * application read that command itself, with its own line reader: it passes the command line
     * and every byte its reader already holds after it. Those later bytes were sent before the
     * client could have seen the go-ahead, so they fail the negotiation with
     * {@link org.starttls4j.Failure.Reason#PLAINTEXT_INJECTION}: never answered, never delivered.
     * From this call on this channel is closed to the application (reads and writes throw
     * {@link ClosedChannelException}, so nothing it writes meanwhile goes out, let alone inside
     * TLS) without closing the socket, which the returned channel owns.
     *
     * <pre>{@code
     * // an SMTP server under OPPORTUNISTIC; NioServer handed over `plain` (a PlaintextChannel)
     * LineReader lines = new LineReader(plain);                 // the application's own reader
     * for (String line = lines.next(); line != null; line = lines.next()) {
     *     if (line.equalsIgnoreCase("STARTTLS")) {
     *         ByteBuffer fromCommand = lines.commandAndRest(); // "STARTTLS
" + whatever it read past it
     *         NegotiatedChannel secure = plain.startTls(Smtp.serverResuming(config), fromCommand);
     *         serveInsideTls(secure);                          // or a NegotiationException
     *         return;
     *     }
     *     answer(line);
     * }
     * }</pre>
     *
     * @param resuming    the negotiation to resume with: {@code Smtp.serverResuming(config)},
     *                    {@code Imap.serverResuming(config)} or {@code Pop3.serverResuming(config)}
     * @param fromCommand the command line, CRLF included, and every byte read after it
     * @return the negotiated channel, in blocking mode
     * @throws NegotiationException if the negotiation failed (the socket is closed)
     * @throws IOException          if this channel was closed or handed back already
     * @throws IllegalStateException on a client's channel
     */
    public NegotiatedChannel startTls(Negotiation resuming, ByteBuffer fromCommand) throws IOException {
        ByteBuffer bytes = handBack(resuming, fromCommand);
        return NioClient.create().negotiate(io.socket, resuming, bytes);
    }

    /**
     * {@link #startTls}, for a selector loop: hands the connection back and returns the started
     * negotiation, to register with the loop's selector (first cancel this channel's key there, if
     * it has one). Its {@link NonBlockingNegotiation#channel()} is in non-blocking mode.
     *
     * @param resuming    the negotiation to resume with
     * @param fromCommand the command line, CRLF included, and every byte read after it
     * @return the negotiation, already fed those bytes
     * @throws IOException if this channel was closed or handed back already
     * @throws IllegalStateException on a client's channel
     */
    public NonBlockingNegotiation startTlsNonBlocking(Negotiation resuming, ByteBuffer fromCommand) throws IOException {
        ByteBuffer bytes = handBack(resuming, fromCommand);
        return NonBlockingNegotiation.builder(io.socket, resuming).alreadyRead(bytes).start();
    }

    /** Closes this channel to the application, keeping the socket; returns the bytes to feed first. */
    private ByteBuffer handBack(Negotiation resuming, ByteBuffer fromCommand) throws IOException {
        Objects.requireNonNull(resuming, "resuming");
        Objects.requireNonNull(fromCommand, "fromCommand");
        if (session.role() != Role.SERVER) {
            throw new IllegalStateException("only a server hands a connection back for STARTTLS");
        }
        readLock.lock();
        writeLock.lock();
        try {
            ensureOpen();
            handedBack = true;
            closed.set(true);
            // What the negotiation left unread comes after what the application read from it.
            ByteBuffer rest = unread == null ? ByteBuffer.allocate(0) : unread;
            unread = null;
            return ByteBuffer.allocate(fromCommand.remaining() + rest.remaining()).put(fromCommand).put(rest).flip();
        } finally {
            writeLock.unlock();
            readLock.unlock();
        }
    }

    @Override
    public boolean isOpen() {
        return !closed.get();
    }

    /** Closes the socket, unless the connection was handed back (then the negotiation owns it). */
    @Override
    public void close() throws IOException {
        if (closed.compareAndSet(false, true) && !handedBack) {
            io.close();
        }
    }

    private void ensureOpen() throws ClosedChannelException {
        if (closed.get()) {
            throw new ClosedChannelException();
        }
    }

    @Override
    public String toString() {
        return "PlaintextChannel[" + remoteAddress() + ", " + why() + (closed.get() ? ", closed" : "") + "]";
    }
}
