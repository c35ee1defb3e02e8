package org.starttls4j;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.ClosedChannelException;
import java.util.Objects;

/**
 * The TLS pump for code that uses the core without an adapter: a blocking {@link ByteChannel} of
 * application bytes over a {@link SecureSession} and the caller's own network channel (the
 * socket the negotiation ran on). Reads decrypt, writes encrypt and send everything, close sends
 * {@code close_notify} and closes the network channel.
 *
 * <pre>{@code
 * if (t.outcome().get() instanceof Outcome.Secured s) {
 *     SecureByteChannel tls = new SecureByteChannel(s.session(), socketChannel);
 *     tls.write(US_ASCII.encode("NOOP\r\n"));
 *     Received<SmtpReply> reply = SmtpReplyParser.create(Limits.DEFAULT).read(tls, ByteBuffer.allocate(4096));
 * }
 * }</pre>
 *
 * <p>The network channel must be in blocking mode (with a non-blocking one, use the NIO adapter's
 * {@code NonBlockingNegotiation} and {@code SecureChannel}). Holds three buffers of the session's
 * minimum sizes (about 50 KB), allocated once. One reader and one writer thread at most, and not
 * at the same time: the session underneath is not thread-safe.
 */
public final class SecureByteChannel implements ByteChannel {

    private final SecureSession session;
    private final ByteChannel network;
    private final ByteBuffer netIn;  // read mode: received, not yet decrypted
    private final ByteBuffer netOut; // write mode while encrypting, then written out whole
    private final ByteBuffer appIn;  // read mode: decrypted, not yet handed out
    private boolean closed;

    private static final ByteBuffer NOTHING = ByteBuffer.allocate(0).asReadOnlyBuffer();

    /**
     * A channel over {@code session}, moving its records through {@code network}.
     *
     * @param session the session the negotiation handed over
     * @param network the connection it ran on, in blocking mode
     */
    public SecureByteChannel(SecureSession session, ByteChannel network) {
        this.session = Objects.requireNonNull(session, "session");
        this.network = Objects.requireNonNull(network, "network");
        this.netIn = ByteBuffer.allocate(session.minNetworkBufferSize()).flip();
        this.netOut = ByteBuffer.allocate(session.minNetworkBufferSize());
        this.appIn = ByteBuffer.allocate(session.minApplicationBufferSize()).flip();
    }

    /**
     * The session underneath: its {@link SecureSession#tls() facts} and
     * {@link SecureSession#capabilities() capabilities}.
     *
     * @return the session
     */
    public SecureSession session() {
        return session;
    }

    /**
     * Reads decrypted bytes, blocking until at least one is there.
     *
     * @param dst where they go
     * @return bytes read, or -1 once the peer closed TLS cleanly ({@code close_notify})
     * @throws FailureException when the peer broke TLS
     * @throws EOFException     when the connection ended without {@code close_notify} (a truncation)
     * @throws IOException      when the network channel fails
     */
    @Override
    public int read(ByteBuffer dst) throws IOException {
        ensureOpen();
        while (true) {
            if (appIn.hasRemaining()) {
                return transfer(appIn, dst);
            }
            appIn.clear();
            TlsResult r = session.decrypt(netIn, appIn);
            appIn.flip();
            if (r.wantsToWrite()) {
                flushEngineOutput();
            }
            if (appIn.hasRemaining()) {
                continue;
            }
            switch (r.status()) {
                case OK:
                    break;
                case NEEDS_INPUT:
                    netIn.compact();
                    int n = network.read(netIn);
                    netIn.flip();
                    if (n < 0) {
                        if (session.onEndOfStream() == SecureSession.Termination.CLEAN) {
                            return -1;
                        }
                        throw new EOFException("the connection ended without TLS close_notify: the data may be cut short");
                    }
                    if (n == 0) {
                        return 0;
                    }
                    break;
                case CLOSED:
                    return -1;
                case FAILED:
                    throw failed();
                default: // NEEDS_OUTPUT_SPACE into an empty buffer of the session's own minimum size
                    throw new IOException("the TLS engine wants a larger application buffer than it announced");
            }
        }
    }

    /**
     * Encrypts and sends all of {@code src}.
     *
     * @param src application bytes; its position advances to its limit
     * @return bytes written
     * @throws FailureException        when TLS broke
     * @throws ClosedChannelException  when this side already closed TLS
     * @throws IOException             when the network channel fails
     */
    @Override
    public int write(ByteBuffer src) throws IOException {
        ensureOpen();
        int total = 0;
        do {
            netOut.clear();
            TlsResult r = session.encrypt(src, netOut);
            netOut.flip();
            writeFully(netOut);
            total += r.consumed();
            if (r.status() == TlsResult.Status.FAILED) {
                throw failed();
            }
            if (r.status() == TlsResult.Status.CLOSED) {
                throw new ClosedChannelException();
            }
            if (r.status() == TlsResult.Status.NEEDS_OUTPUT_SPACE && r.consumed() == 0 && r.produced() == 0) {
                throw new IOException("the TLS engine wants a larger network buffer than it announced");
            }
        } while (src.hasRemaining());
        return total;
    }

    @Override
    public boolean isOpen() {
        return !closed && network.isOpen();
    }

    /**
     * Sends {@code close_notify} (unless TLS already failed) and closes the network channel.
     *
     * @throws IOException when sending or closing fails; the network channel is closed anyway
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try (network) {
            if (session.failure().isEmpty() && !session.isOutboundDone()) {
                TlsResult r;
                do {
                    netOut.clear();
                    r = session.close(netOut);
                    netOut.flip();
                    writeFully(netOut);
                } while (r.status() == TlsResult.Status.NEEDS_OUTPUT_SPACE);
            }
        }
    }

    private void flushEngineOutput() throws IOException {
        netOut.clear();
        TlsResult r = session.encrypt(NOTHING, netOut);
        netOut.flip();
        writeFully(netOut);
        if (r.status() == TlsResult.Status.FAILED) {
            throw failed();
        }
    }

    private void writeFully(ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) {
            network.write(bytes);
        }
    }

    private FailureException failed() {
        return new FailureException(session.failure().orElse(
                Failure.of(Failure.Reason.TLS_HANDSHAKE_FAILED, "TLS failed without saying why")));
    }

    private void ensureOpen() throws ClosedChannelException {
        if (closed) {
            throw new ClosedChannelException();
        }
    }

    private static int transfer(ByteBuffer from, ByteBuffer to) {
        int n = Math.min(from.remaining(), to.remaining());
        to.put(to.position(), from, from.position(), n);
        to.position(to.position() + n);
        from.position(from.position() + n);
        return n;
    }
}
