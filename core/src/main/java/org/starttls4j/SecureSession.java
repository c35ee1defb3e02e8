package org.starttls4j;

import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * A connection handed over inside TLS: a sans-I/O pipe that turns application bytes into network
 * bytes and back, plus what the negotiation learned.
 *
 * <p>The pipe reads from and writes into buffers the caller owns; in the steady state it
 * allocates nothing of its own and holds no buffer while idle. A {@code SecureSession} owns a
 * mutable {@link javax.net.ssl.SSLEngine}: use it from one thread at a time.
 *
 * <p>Bytes that arrived during the negotiation after its last line (on a server, typically the
 * client's first command inside TLS) come out of the first {@link #decrypt} calls, before anything
 * from the caller's buffer; {@link #hasBufferedPlaintext()} says when some are waiting, so a
 * selector loop never waits for the socket while the session already holds data.
 */
public non-sealed interface SecureSession extends Session {

    /**
     * The negotiated protocol, cipher suite and certificates.
     *
     * @return the negotiated protocol, cipher suite and certificates
     */
    TlsFacts tls();

    /**
     * Encrypts as much of {@code source} as fits into {@code destination}. Also emits any TLS
     * output the engine owes first (for example a KeyUpdate answer).
     *
     * <p>A source that fits one record ({@link #maxRecordPlaintext()} bytes) goes out as one
     * record. A larger one is cut into the fewest records that hold it, of nearly equal size (each
     * but the last is the even share of what is left, less at most 15 bytes so that it fills whole
     * AES blocks), never into full records and a small tail: 16,384 bytes under the JDK's TLS 1.3
     * go out as 8,191 + 8,193, not 16,367 + 17. When {@code destination} has
     * room for only some of those records, the call stops there (status OK, {@code source}
     * positioned after what was consumed); the next call cuts what is left the same way.
     *
     * @param source      application bytes; its position advances past what was consumed
     * @param destination network bytes; should have at least {@link #minNetworkBufferSize()} free
     * @return what happened
     */
    TlsResult encrypt(ByteBuffer source, ByteBuffer destination);

    /**
     * Decrypts as many whole TLS records of {@code source} as fit into {@code destination}. An
     * incomplete record stays in {@code source} (status {@link TlsResult.Status#NEEDS_INPUT}):
     * compact it and read more.
     *
     * @param source      network bytes; its position advances past what was consumed
     * @param destination application bytes
     * @return what happened; {@link TlsResult#wantsToWrite()} asks for an {@link #encrypt} call
     */
    TlsResult decrypt(ByteBuffer source, ByteBuffer destination);

    /**
     * Starts or continues a clean close: writes our {@code close_notify} into {@code destination}.
     * Call again while it returns {@link TlsResult.Status#NEEDS_OUTPUT_SPACE}.
     *
     * @param destination network bytes
     * @return what happened; {@link TlsResult.Status#CLOSED} once our close_notify is out
     */
    TlsResult close(ByteBuffer destination);

    /**
     * Tells the session that the peer's end of the stream was reached.
     *
     * @return {@link Termination#CLEAN} if the peer sent {@code close_notify} first,
     *         {@link Termination#TRUNCATED} if it did not (data may have been cut off)
     */
    Termination onEndOfStream();

    /**
     * Why the session broke, once a call returned {@link TlsResult.Status#FAILED}.
     *
     * @return why the session broke, once a call returned {@link TlsResult.Status#FAILED}
     */
    Optional<Failure> failure();

    /**
     * Whether decrypted bytes are waiting to be returned by {@link #decrypt}.
     *
     * @return whether decrypted bytes are waiting to be returned by {@link #decrypt}
     */
    boolean hasBufferedPlaintext();

    /**
     * Whether the peer's {@code close_notify} has been received.
     *
     * @return whether the peer's {@code close_notify} has been received
     */
    boolean isInboundDone();

    /**
     * Whether our {@code close_notify} has been produced.
     *
     * @return whether our {@code close_notify} has been produced
     */
    boolean isOutboundDone();

    /**
     * The smallest network buffer that always holds one TLS record.
     *
     * @return the smallest network buffer that always holds one TLS record
     */
    int minNetworkBufferSize();

    /**
     * The smallest application buffer that always holds one record's plaintext.
     *
     * @return the smallest application buffer that always holds one record's plaintext
     */
    int minApplicationBufferSize();

    /**
     * The most application bytes one TLS record of this session carries. Writing in chunks of this
     * size (or handing {@link #encrypt} a multiple of it) fills every record; any other size is cut
     * into nearly even records (see {@link #encrypt}).
     *
     * <p>At most 16,384 (2^14, TLS's limit). Under TLS 1.3 with the JDK's own engine it is 16,367:
     * that engine keeps each whole encrypted record within 2^14 bytes, so the 16-byte
     * authentication tag and the content type byte come off the plaintext. The value is known before
     * the first write; if the engine then cuts a record shorter than expected (for example because
     * the peer asked for a smaller {@code record_size_limit}, RFC 8449), it drops to what the engine
     * did.
     *
     * @return bytes of application data per full record, at least 1
     */
    int maxRecordPlaintext();

    /**
     * Whether this session's records are the core's to encrypt and decrypt. False for a session
     * whose transport owns TLS ({@link Negotiation#withTransportTls()}): it reports the facts and
     * capabilities, and its record-layer methods ({@link #encrypt}, {@link #decrypt},
     * {@link #close}, {@link #onEndOfStream} and the buffer sizes) throw
     * {@link IllegalStateException}; the application's bytes go through the transport's TLS.
     *
     * @return true when the session owns an engine
     */
    default boolean ownsRecordLayer() {
        return true;
    }

    /**
     * Application bytes the transport had decrypted and fed to the negotiation past its last line,
     * for a session whose transport owns TLS: read them before anything the transport delivers
     * next. Empty for a session that owns its engine: its early bytes come out of {@link #decrypt}.
     *
     * @return a fresh read-only view of those bytes
     */
    default ByteBuffer unread() {
        return ByteBuffer.allocate(0).asReadOnlyBuffer();
    }

    @Override
    default boolean isEncrypted() {
        return true;
    }

    /** How the peer's side of a TLS connection ended. */
    enum Termination {
        /** The peer sent {@code close_notify} before closing. */
        CLEAN,
        /** The stream ended without {@code close_notify}: a truncation attack or a crash. */
        TRUNCATED
    }
}
