package org.starttls4j.tls;

import java.nio.ByteBuffer;
import java.util.Optional;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import org.starttls4j.Capabilities;
import org.starttls4j.Failure;
import org.starttls4j.Role;
import org.starttls4j.SecureSession;
import org.starttls4j.TlsFacts;
import org.starttls4j.TlsResult;

/**
 * The hot path: {@link SecureSession} over an {@link SSLEngine}, reading and writing the caller's
 * buffers directly.
 *
 * <p>It holds two buffers only while they have content, and drops them as soon as they are empty,
 * so an idle session costs little more than its engine: {@code spill}, for decrypted bytes that
 * did not fit the caller's buffer (and the bytes decrypted during the negotiation), and
 * {@code carry}, for TLS records that arrived during the negotiation but belong to the
 * application. Delegated tasks after the handshake (a TLS 1.2 renegotiation, if the engine allows
 * one) run inline.
 */
final class EngineSession implements SecureSession {

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
    private static final int RECORD_HEADER = 5;

    private final SSLEngine engine;
    private final Role role;
    private final Capabilities capabilities;
    private final TlsFacts facts;
    private ByteBuffer spill; // read mode; null when empty
    private ByteBuffer carry; // read mode; null when empty
    private boolean wantsToWrite;
    private Failure failure;

    EngineSession(SSLEngine engine, Role role, Capabilities capabilities, TlsFacts facts,
                  ByteBuffer leftoverPlain, ByteBuffer leftoverNet) {
        this.engine = engine;
        this.role = role;
        this.capabilities = capabilities;
        this.facts = facts;
        this.spill = leftoverPlain;
        this.carry = leftoverNet;
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
        return facts;
    }

    @Override
    public Optional<Failure> failure() {
        return Optional.ofNullable(failure);
    }

    @Override
    public TlsResult encrypt(ByteBuffer source, ByteBuffer destination) {
        int consumed = 0;
        int produced = 0;
        try {
            do {
                SSLEngineResult r = engine.wrap(source, destination);
                consumed += r.bytesConsumed();
                produced += r.bytesProduced();
                if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                    return result(produced == 0 ? TlsResult.Status.NEEDS_OUTPUT_SPACE : TlsResult.Status.OK, consumed, produced);
                }
                if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                    return result(TlsResult.Status.CLOSED, consumed, produced);
                }
                runTasks(r);
                if (r.bytesConsumed() == 0 && r.bytesProduced() == 0) {
                    break;
                }
            } while (source.hasRemaining() || engine.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_WRAP);
            return result(TlsResult.Status.OK, consumed, produced);
        } catch (SSLException | RuntimeException e) {
            return broken(e, consumed, produced);
        }
    }

    @Override
    public TlsResult decrypt(ByteBuffer source, ByteBuffer destination) {
        int produced = drainSpill(destination);
        if (spill != null) {
            return result(TlsResult.Status.OK, 0, produced);
        }
        int consumed = 0;
        try {
            while (carry != null) {
                consumed += topUpCarry(source);
                if (!wholeRecordIn(carry)) {
                    return result(TlsResult.Status.NEEDS_INPUT, consumed, produced);
                }
                SSLEngineResult r = unwrap(carry, destination);
                produced += r.bytesProduced() + drainSpill(destination);
                if (!carry.hasRemaining()) {
                    carry = null;
                }
                if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                    return result(TlsResult.Status.CLOSED, consumed, produced);
                }
                if (spill != null || r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                    return result(TlsResult.Status.OK, consumed, produced);
                }
            }
            while (source.hasRemaining()) {
                SSLEngineResult r = unwrap(source, destination);
                consumed += r.bytesConsumed();
                produced += r.bytesProduced() + drainSpill(destination);
                switch (r.getStatus()) {
                    case BUFFER_UNDERFLOW:
                        return result(TlsResult.Status.NEEDS_INPUT, consumed, produced);
                    case BUFFER_OVERFLOW:
                        return result(produced == 0 ? TlsResult.Status.NEEDS_OUTPUT_SPACE : TlsResult.Status.OK, consumed, produced);
                    case CLOSED:
                        return result(TlsResult.Status.CLOSED, consumed, produced);
                    default:
                        if (spill != null) {
                            return result(TlsResult.Status.OK, consumed, produced);
                        }
                        if (r.bytesConsumed() == 0) {
                            return result(TlsResult.Status.NEEDS_INPUT, consumed, produced);
                        }
                }
            }
            return result(produced == 0 ? TlsResult.Status.NEEDS_INPUT : TlsResult.Status.OK, consumed, produced);
        } catch (SSLException | RuntimeException e) {
            return broken(e, consumed, produced);
        }
    }

    @Override
    public TlsResult close(ByteBuffer destination) {
        engine.closeOutbound();
        int produced = 0;
        try {
            while (!engine.isOutboundDone()) {
                SSLEngineResult r = engine.wrap(EMPTY, destination);
                produced += r.bytesProduced();
                if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                    return result(TlsResult.Status.NEEDS_OUTPUT_SPACE, 0, produced);
                }
                if (r.bytesProduced() == 0) {
                    break;
                }
            }
        } catch (SSLException | RuntimeException e) {
            return broken(e, 0, produced);
        }
        return result(TlsResult.Status.CLOSED, 0, produced);
    }

    @Override
    public Termination onEndOfStream() {
        boolean clean = engine.isInboundDone();
        try {
            engine.closeInbound();
        } catch (SSLException truncated) {
            // the JDK's way of saying what `clean` already says
        }
        return clean ? Termination.CLEAN : Termination.TRUNCATED;
    }

    @Override
    public boolean hasBufferedPlaintext() {
        return spill != null;
    }

    @Override
    public boolean isInboundDone() {
        return engine.isInboundDone();
    }

    @Override
    public boolean isOutboundDone() {
        return engine.isOutboundDone();
    }

    @Override
    public int minNetworkBufferSize() {
        return engine.getSession().getPacketBufferSize();
    }

    @Override
    public int minApplicationBufferSize() {
        return engine.getSession().getApplicationBufferSize();
    }

    @Override
    public String toString() {
        return "SecureSession[" + role + ", " + facts.protocol() + ", " + facts.cipherSuite() + "]";
    }

    /** Unwraps one step; when the caller's buffer cannot hold a record, into {@code spill} instead. */
    private SSLEngineResult unwrap(ByteBuffer source, ByteBuffer destination) throws SSLException {
        SSLEngineResult r = engine.unwrap(source, destination);
        if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW && destination.position() == 0) {
            // The caller's buffer is empty yet too small for one record: decrypt aside and hand out in pieces.
            ByteBuffer overflow = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
            r = engine.unwrap(source, overflow);
            overflow.flip();
            spill = overflow.hasRemaining() ? overflow : null;
            return new SSLEngineResult(r.getStatus(), r.getHandshakeStatus(), r.bytesConsumed(), 0);
        }
        runTasks(r);
        return r;
    }

    private int drainSpill(ByteBuffer destination) {
        if (spill == null) {
            return 0;
        }
        int n = Math.min(spill.remaining(), destination.remaining());
        ByteBuffer slice = spill.duplicate();
        slice.limit(slice.position() + n);
        destination.put(slice);
        spill.position(spill.position() + n);
        if (!spill.hasRemaining()) {
            spill = null;
        }
        return n;
    }

    /** Moves just enough of {@code source} into {@code carry} to complete carry's first record. */
    private int topUpCarry(ByteBuffer source) {
        int missing = carry.remaining() < RECORD_HEADER ? RECORD_HEADER - carry.remaining()
                : RECORD_HEADER + recordLength(carry) - carry.remaining();
        if (missing <= 0 || !source.hasRemaining()) {
            return 0;
        }
        int n = Math.min(missing, source.remaining());
        ByteBuffer bigger = ByteBuffer.allocate(carry.remaining() + n).put(carry);
        ByteBuffer slice = source.duplicate();
        slice.limit(slice.position() + n);
        bigger.put(slice).flip();
        source.position(source.position() + n);
        carry = bigger;
        return n + (carry.remaining() >= RECORD_HEADER && !wholeRecordIn(carry) ? topUpCarry(source) : 0);
    }

    private static boolean wholeRecordIn(ByteBuffer buffer) {
        return buffer.remaining() >= RECORD_HEADER && buffer.remaining() >= RECORD_HEADER + recordLength(buffer);
    }

    private static int recordLength(ByteBuffer buffer) {
        int p = buffer.position();
        return ((buffer.get(p + 3) & 0xff) << 8) | (buffer.get(p + 4) & 0xff);
    }

    private void runTasks(SSLEngineResult r) {
        if (r.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_TASK) {
            for (Runnable task = engine.getDelegatedTask(); task != null; task = engine.getDelegatedTask()) {
                task.run();
            }
        }
    }

    private TlsResult result(TlsResult.Status status, int consumed, int produced) {
        wantsToWrite = engine.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_WRAP;
        return new TlsResult(status, consumed, produced, wantsToWrite);
    }

    private TlsResult broken(Exception e, int consumed, int produced) {
        SSLException cause = e instanceof SSLException ? (SSLException) e : new SSLException(e);
        failure = HandshakeFailures.classify(cause);
        engine.closeOutbound();
        return new TlsResult(TlsResult.Status.FAILED, consumed, produced, true);
    }
}
