package org.starttls4j;

import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.Optional;

/**
 * The session of a negotiation whose transport owns TLS ({@link Negotiation#withTransportTls()}):
 * the facts and what the negotiation learned, and no engine. The record layer is the
 * transport's, so every record-layer method throws {@link IllegalStateException}.
 */
final class TransportSession implements SecureSession {

    private final Role role;
    private final Capabilities capabilities;
    private final TlsFacts tls;
    private final ByteBuffer unread;

    TransportSession(Role role, Capabilities capabilities, TlsFacts tls, ByteBuffer unread) {
        this.role = Objects.requireNonNull(role, "role");
        this.capabilities = Objects.requireNonNull(capabilities, "capabilities");
        this.tls = Objects.requireNonNull(tls, "tls");
        this.unread = ByteBuffer.allocate(unread.remaining()).put(unread.duplicate()).flip().asReadOnlyBuffer();
    }

    @Override
    public Role role() {
        return role;
    }

    @Override
    public Capabilities capabilities() {
        return capabilities;
    }

    @Override
    public TlsFacts tls() {
        return tls;
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

    @Override
    public String toString() {
        return "TransportSession[" + role + ", " + tls + ", " + capabilities + "]";
    }
}
