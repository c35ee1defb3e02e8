package org.starttls4j.nio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.Objects;
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
public final class PlaintextChannel extends AbstractNegotiatedChannel<PlaintextSession> implements NegotiatedChannel {

    private final NioOptions options; // for a resumed negotiation: the same pool, clock, executor, timeouts
    private ByteBuffer unread; // guarded by readLock; null when empty

    PlaintextChannel(Endpoint io, PlaintextSession session, NegotiationReport report, NioOptions options) {
        super(io, session, report);
        this.options = options;
        ByteBuffer bytes = session.unread();
        this.unread = bytes.hasRemaining() ? bytes : null;
    }

    /**
     * Why this connection is not encrypted, in words.
     *
     * @return the reason, as the session gives it
     */
    public String why() {
        return session.why();
    }

    @Override
    public PlaintextChannel configureBlocking(boolean block) {
        io.blocking(block);
        return this;
    }

    @Override
    int readLocked(ByteBuffer dst, long deadline) throws IOException {
        if (!dst.hasRemaining()) {
            return 0;
        }
        if (unread != null) {
            return takeUnread(dst);
        }
        while (true) {
            int n = io.socket.read(dst);
            if (n != 0 || !io.awaitReadable(deadline)) {
                return n;
            }
        }
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
    boolean bufferedLocked() {
        return unread != null;
    }

    @Override
    int writeLocked(ByteBuffer src, long deadline) throws IOException {
        int total = 0;
        while (src.hasRemaining()) {
            int n = io.socket.write(src);
            total += n;
            if (n == 0 && !io.awaitWritable(deadline)) {
                break;
            }
        }
        return total;
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
     * TLS) without closing the socket, which the returned channel owns. The negotiation and the
     * channel it returns keep the settings of the server that handed this channel over (its buffer
     * pool, clock, task executor and close timeout).
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
        return new NioClient(options).negotiate(io.socket, resuming, bytes);
    }

    /**
     * {@link #startTls}, for a selector loop: hands the connection back and returns the started
     * negotiation, to register with the loop's selector (first cancel this channel's key there, if
     * it has one). Its {@link NonBlockingNegotiation#channel()} is in non-blocking mode. It keeps the
     * server's buffer pool, clock and close timeout, and runs delegated tasks inline (an executor
     * would need the wakeup of the caller's loop).
     *
     * @param resuming    the negotiation to resume with
     * @param fromCommand the command line, CRLF included, and every byte read after it
     * @return the negotiation, already fed those bytes
     * @throws IOException if this channel was closed or handed back already
     * @throws IllegalStateException on a client's channel
     */
    public NonBlockingNegotiation startTlsNonBlocking(Negotiation resuming, ByteBuffer fromCommand) throws IOException {
        ByteBuffer bytes = handBack(resuming, fromCommand);
        // The caller's loop drives it: its own executor and wakeup, if any, are its to set.
        return NonBlockingNegotiation.builder(io.socket, resuming).options(options.withTaskExecutor(null), () -> { })
                .alreadyRead(bytes).start();
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
            closed.set(true); // close() now leaves the socket to the negotiation
            io.closeWaiters(); // this view's own selectors: the negotiation waits on its own
            // What the negotiation left unread comes after what the application read from it.
            ByteBuffer rest = unread == null ? ByteBuffer.allocate(0) : unread;
            unread = null;
            return ByteBuffer.allocate(fromCommand.remaining() + rest.remaining()).put(fromCommand).put(rest).flip();
        } finally {
            writeLock.unlock();
            readLock.unlock();
        }
    }

    /** Closes the socket; after a hand-back, {@link #close()} does not get here (the negotiation owns the socket). */
    @Override
    void closeOnce() throws IOException {
        io.close();
    }

    @Override
    public String toString() {
        return describe(why());
    }
}
