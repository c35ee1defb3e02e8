package org.starttls4j;

import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.Optional;

/**
 * The session of a negotiation whose transport owns TLS ({@link Negotiation#withTransportTls()}):
 * the facts and what the negotiation learned, and no engine. The record layer is the
 * transport's, so every record-layer method throws {@link IllegalStateException}.
 *
 * @param role         which end we are
 * @param capabilities what the negotiation learned (client) or announces (server) inside TLS
 * @param tls          what the transport's handshake settled
 * @param unread       plaintext the transport fed past the negotiation's last line
 */
record TransportSession(Role role, Capabilities capabilities, TlsFacts tls, ByteBuffer unread) implements SecureSession {

    /** Keeps a read-only copy of the unread bytes. */
    TransportSession {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(capabilities, "capabilities");
        Objects.requireNonNull(tls, "tls");
        unread = ByteBuffer.allocate(unread.remaining()).put(unread.duplicate()).flip().asReadOnlyBuffer();
    }

    @Override
    public boolean ownsRecordLayer() {
        return false;
    }

    @Override
    public ByteBuffer unread() {
        return unread.duplicate();
    }

    @Override
    public boolean hasBufferedPlaintext() {
        return unread.hasRemaining();
    }

    @Override
    public Optional<Failure> failure() {
        return Optional.empty();
    }

    @Override
    public TlsResult encrypt(ByteBuffer source, ByteBuffer destination) {
        throw transportOwned("encrypt");
    }

    @Override
    public TlsResult decrypt(ByteBuffer source, ByteBuffer destination) {
        throw transportOwned("decrypt");
    }

    @Override
    public TlsResult close(ByteBuffer destination) {
        throw transportOwned("close");
    }

    @Override
    public Termination onEndOfStream() {
        throw transportOwned("onEndOfStream");
    }

    @Override
    public boolean isInboundDone() {
        throw transportOwned("isInboundDone");
    }

    @Override
    public boolean isOutboundDone() {
        throw transportOwned("isOutboundDone");
    }

    @Override
    public int minNetworkBufferSize() {
        throw transportOwned("minNetworkBufferSize");
    }

    @Override
    public int minApplicationBufferSize() {
        throw transportOwned("minApplicationBufferSize");
    }

    @Override
    public int maxRecordPlaintext() {
        throw transportOwned("maxRecordPlaintext");
    }

    private static IllegalStateException transportOwned(String call) {
        return new IllegalStateException(call + "(): the transport owns this session's TLS (Negotiation.withTransportTls()); "
                + "use the transport's TLS for the application's bytes");
    }
}
