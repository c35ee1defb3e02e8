package org.starttls4j;

import java.nio.ByteBuffer;
import java.util.Optional;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import org.starttls4j.internal.tls.EmptyRecords;
import org.starttls4j.internal.tls.PostHandshake;
import org.starttls4j.internal.tls.TlsFailure;

/**
 * The hot path: {@link SecureSession} over an {@link SSLEngine}, reading and writing the caller's
 * buffers directly.
 *
 * <p>It holds two buffers only while they have content, and drops them as soon as they are empty,
 * so an idle session costs little more than its engine: {@code spill}, for decrypted bytes that
 * did not fit the caller's buffer (and the bytes decrypted during the negotiation), and
 * {@code carry}, for TLS records that arrived during the negotiation but belong to the
 * application. Delegated tasks after the handshake run inline; a TLS 1.2 renegotiation never gets
 * that far: {@link PostHandshake} decides what the engine may do after its handshake, and the
 * session fails with {@link Failure.Reason#RENEGOTIATION_REFUSED} before the engine works on a
 * refused request.
 * More than {@value EmptyRecords#MAX_IN_A_ROW} records in a row without application data (empty
 * records, warning alerts) break the session ({@link Failure.Reason#TLS_SESSION_BROKEN}), as
 * BoringSSL's do: a reader would otherwise wait for data while the peer keeps the engine busy.
 *
 * <p><b>Even records.</b> An engine fills each record to its limit and puts what is left in the
 * next, so a write just over the limit costs a whole second record (a cipher call, a tag, a
 * header) for a few bytes: the JDK's 16,384-byte TLS 1.3 write goes out as 16,367 + 17 bytes.
 * {@link #encrypt} therefore hands the engine the source in nearly even slices, {@code n} bytes
 * as {@code k = ceil(n / limit)} records, by moving the source's limit for each {@code wrap} (no
 * copy, no allocation); each slice but the last fills whole AES blocks (see {@link #nextSlice}).
 *
 * <p><b>No allocation per call in a steady stream.</b> {@link #encryptRecords} and
 * {@link #decryptRecords} do the work and leave the byte counts in fields; {@link #encrypt} and
 * {@link #decrypt} then hand out the previous {@link TlsResult} of the same direction when the new
 * one would equal it (results are values), so a stream of equal writes allocates nothing, whatever
 * the JIT decides to inline. Without that, whether escape analysis removed the result varied from
 * one JVM to the next.
 */
final class EngineSession implements SecureSession {

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
    private static final int RECORD_HEADER = 5;
    /** TLS's limit on a record's plaintext (RFC 8446 section 5.1, RFC 5246 section 6.2.1). */
    private static final int TLS_MAX_PLAINTEXT = 1 << 14;
    /**
     * What the JDK's engine keeps free in a TLS 1.3 record: it holds the whole encrypted record
     * within 2^14 bytes, so the 16-byte AEAD tag (every TLS 1.3 suite has one) and the inner content
     * type byte come off the plaintext.
     */
    private static final int JDK_TLS13_RESERVE = 16 + 1;
    private static final int AES_BLOCK = 16;

    private final SSLEngine engine;
    private final Role role;
    private final Capabilities capabilities;
    private final TlsFacts facts;
    private ByteBuffer spill; // read mode; null when empty
    private ByteBuffer carry; // read mode, a buffer of our own (topUpCarry fills it past its limit); null when empty
    private boolean wantsToWrite;
    private Failure failure;
    /** The most plaintext handed to one {@code wrap}; see {@link #maxRecordPlaintext()}. */
    private int recordLimit;
    /** Bytes a record's cipher input has beyond its plaintext: TLS 1.3's inner content type. */
    private final int cipherInputExtra;
    /** Byte counts of the last call, for the {@link TlsResult} its public wrapper builds. */
    private int lastConsumed;
    private int lastProduced;
    private TlsResult lastEncrypt;
    private TlsResult lastDecrypt;
    /** Where the last engine call left the handshake (see {@link #runTasks}). */
    private SSLEngineResult.HandshakeStatus status;
    /** Counts the engine's returns to handshaking against the application bytes received (see {@link #watch}). */
    private final PostHandshake postHandshake = PostHandshake.inSession();
    /** Counts the records in a row that bring no application data (see {@link #unwrap}). */
    private final EmptyRecords emptyRecords = new EmptyRecords();
    /** Takes the engine back once the session ends (see {@link #release}). */
    private final EngineFactory maker;
    /** The engine went back to its factory (see {@link #release}). */
    private boolean released;
    /**
     * The peer's close_notify was read: known to the engine until it is released, and kept here
     * because a released engine may be freed and then claims to be done whatever it read.
     */
    private boolean closeNotifyReceived;

    EngineSession(SSLEngine engine, Role role, Capabilities capabilities, TlsFacts facts,
                  ByteBuffer leftoverPlain, ByteBuffer leftoverNet, EngineFactory maker) {
        this.engine = engine;
        this.maker = maker;
        this.role = role;
        this.capabilities = capabilities;
        this.facts = facts;
        this.spill = leftoverPlain;
        this.carry = leftoverNet;
        this.recordLimit = expectedRecordLimit(engine, facts.protocol());
        this.cipherInputExtra = TlsVersion.TLS_1_3.jsseName().equals(facts.protocol()) ? 1 : 0;
        this.status = engine.getHandshakeStatus();
    }

    /**
     * What one record will carry, before the engine has shown it: TLS's 2^14 bytes, less the JDK's
     * reserve under TLS 1.3, and never more than the session's application buffer. Other engines
     * (BouncyCastle's, for one) fill TLS 1.3 records to 2^14. {@link #learnRecordLimit} corrects
     * the estimate downwards if an engine cuts records shorter.
     */
    private static int expectedRecordLimit(SSLEngine engine, String protocol) {
        int limit = TLS_MAX_PLAINTEXT;
        if (protocol.equals("TLSv1.3") && engine.getClass().getName().startsWith("sun.security.ssl.")) {
            limit -= JDK_TLS13_RESERVE;
        }
        return Math.min(limit, engine.getSession().getApplicationBufferSize());
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
        lastEncrypt = result(failure != null ? stillFailed() : encryptRecords(source, destination), lastEncrypt);
        return lastEncrypt;
    }

    @Override
    public TlsResult decrypt(ByteBuffer source, ByteBuffer destination) {
        lastDecrypt = result(failure != null ? stillFailed() : decryptRecords(source, destination), lastDecrypt);
        return lastDecrypt;
    }

    /**
     * A broken session stays broken: after a bad record, a fatal alert or a refused renegotiation
     * the engine is not asked again, so nothing more is decrypted or encrypted on a stream that can
     * no longer be trusted (a JDK engine whose outbound side we closed still unwraps records, and
     * a refused renegotiation leaves the engine in the peer's handshake). Only {@link #close} is
     * left, for the alert.
     */
    private TlsResult.Status stillFailed() {
        spill = null;
        carry = null;
        lastConsumed = 0;
        lastProduced = 0; // wantsToWrite stays as the failure (or the close after it) left it
        return TlsResult.Status.FAILED;
    }

    /** The result of the call just made: {@code previous} again if it says the same. */
    private TlsResult result(TlsResult.Status status, TlsResult previous) {
        if (previous != null && previous.status() == status && previous.consumed() == lastConsumed
                && previous.produced() == lastProduced && previous.wantsToWrite() == wantsToWrite) {
            return previous;
        }
        return new TlsResult(status, lastConsumed, lastProduced, wantsToWrite);
    }

    private TlsResult.Status encryptRecords(ByteBuffer source, ByteBuffer destination) {
        int consumed = 0;
        int produced = 0;
        int end = source.limit();
        try {
            do {
                // The engine sees only this record's slice: the source's limit moves to the slice's
                // end for the wrap and is put back after it, whatever the wrap does.
                int slice = nextSlice(source.remaining());
                SSLEngineResult r;
                source.limit(source.position() + slice);
                try {
                    r = engine.wrap(source, destination);
                } finally {
                    source.limit(end);
                }
                status = r.getHandshakeStatus();
                consumed += r.bytesConsumed();
                produced += r.bytesProduced();
                if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                    return finish(produced == 0 ? TlsResult.Status.NEEDS_OUTPUT_SPACE : TlsResult.Status.OK, consumed, produced);
                }
                if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                    return finish(TlsResult.Status.CLOSED, consumed, produced);
                }
                learnRecordLimit(r, slice, destination);
                runTasks(r);
                if (r.bytesConsumed() == 0 && r.bytesProduced() == 0) {
                    break;
                }
            } while (source.hasRemaining() || status == SSLEngineResult.HandshakeStatus.NEED_WRAP);
            return finish(TlsResult.Status.OK, consumed, produced);
        } catch (SSLException | RuntimeException e) {
            return broken(e, consumed, produced);
        }
    }

    /**
     * How many of the {@code remaining} source bytes the next record carries: all of them if they
     * fit one record, else a share of the fewest records that hold them. The share is the even one,
     * {@code ceil(n / k)}, taken down by up to 15 bytes so that the record's cipher input (its
     * plaintext, plus TLS 1.3's content type byte) fills whole 16-byte AES blocks, as long as the
     * rest still fits the records left. Called again for each record, the shares stay nearly even,
     * and only the last record may end in a partial block: 16,384 bytes under the
     * JDK's TLS 1.3 go out as 8,191 + 8,193. A partial block is the slow path of AES-GCM (the
     * JDK's takes it in Java code and allocates for it), so an even cut with two partial blocks
     * would cost more than the engine's own 16,367 + 17, which has one.
     */
    private int nextSlice(int remaining) {
        if (remaining <= recordLimit) {
            return remaining;
        }
        int records = 1 + (remaining - 1) / recordLimit; // ceil(remaining / recordLimit), without overflow
        int share = 1 + (remaining - 1) / records;
        int aligned = share - (share + cipherInputExtra) % AES_BLOCK;
        boolean restFits = remaining - aligned <= (long) (records - 1) * recordLimit;
        return aligned > 0 && restFits ? aligned : share;
    }

    /**
     * Lowers the record limit when the engine cut a slice short although the destination had room
     * for the rest: its records are smaller than expected (an engine we know nothing about, or a
     * peer's {@code record_size_limit}, RFC 8449). A cut the destination's space could explain
     * teaches nothing. (TLS 1.0's 1/n-1 record splitting would fool this, but no session below
     * TLS 1.2 gets here: the negotiation fails it with TLS_VERSION_TOO_OLD first.)
     */
    private void learnRecordLimit(SSLEngineResult r, int slice, ByteBuffer destination) {
        int taken = r.bytesConsumed();
        if (r.getStatus() == SSLEngineResult.Status.OK && taken > 0 && taken < slice) {
            int overhead = r.bytesProduced() - taken;
            if (destination.remaining() >= (slice - taken) + overhead) {
                recordLimit = taken;
            }
        }
    }

    private TlsResult.Status decryptRecords(ByteBuffer source, ByteBuffer destination) {
        int produced = drainSpill(destination);
        if (spill != null) {
            return finish(TlsResult.Status.OK, 0, produced);
        }
        int consumed = 0;
        try {
            while (carry != null) {
                consumed += topUpCarry(source);
                if (!wholeRecordIn(carry)) {
                    return finish(TlsResult.Status.NEEDS_INPUT, consumed, produced);
                }
                SSLEngineResult r = unwrap(carry, destination);
                produced += r.bytesProduced() + drainSpill(destination);
                if (!carry.hasRemaining()) {
                    carry = null;
                }
                if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                    return finish(TlsResult.Status.CLOSED, consumed, produced);
                }
                if (spill != null || r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                    return finish(TlsResult.Status.OK, consumed, produced);
                }
            }
            while (source.hasRemaining()) {
                SSLEngineResult r = unwrap(source, destination);
                consumed += r.bytesConsumed();
                produced += r.bytesProduced() + drainSpill(destination);
                switch (r.getStatus()) {
                    case BUFFER_UNDERFLOW:
                        return finish(TlsResult.Status.NEEDS_INPUT, consumed, produced);
                    case BUFFER_OVERFLOW:
                        return finish(produced == 0 ? TlsResult.Status.NEEDS_OUTPUT_SPACE : TlsResult.Status.OK, consumed, produced);
                    case CLOSED:
                        return finish(TlsResult.Status.CLOSED, consumed, produced);
                    default:
                        if (spill != null) {
                            return finish(TlsResult.Status.OK, consumed, produced);
                        }
                        if (r.bytesConsumed() == 0) {
                            return finish(TlsResult.Status.NEEDS_INPUT, consumed, produced);
                        }
                }
            }
            return finish(produced == 0 ? TlsResult.Status.NEEDS_INPUT : TlsResult.Status.OK, consumed, produced);
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
                status = r.getHandshakeStatus();
                produced += r.bytesProduced();
                if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                    return lastResult(finish(TlsResult.Status.NEEDS_OUTPUT_SPACE, 0, produced));
                }
                if (r.bytesProduced() == 0) {
                    break;
                }
            }
        } catch (SSLException | RuntimeException e) {
            return lastResult(broken(e, 0, produced));
        }
        TlsResult closed = lastResult(finish(TlsResult.Status.CLOSED, 0, produced));
        release();
        return closed;
    }

    @Override
    public Termination onEndOfStream() {
        if (released) {
            return closeNotifyReceived ? Termination.CLEAN : Termination.TRUNCATED;
        }
        boolean clean = engine.isInboundDone();
        try {
            engine.closeInbound();
        } catch (SSLException truncated) {
            // the JDK's way of saying what `clean` already says
        }
        release();
        return clean ? Termination.CLEAN : Termination.TRUNCATED;
    }

    /**
     * Hands the engine back to its factory, once: the session's end is our close_notify sent or the
     * peer's end of stream, whichever comes first. A released engine may be freed (Netty's
     * {@code OPENSSL_REFCNT} kind then reports itself done in both directions, and its wrap and
     * unwrap return CLOSED without reading anything), so whether the peer's close_notify came is
     * remembered: at the release, and by {@link #unwrap} afterwards (an engine the release did not
     * free, the JDK's, still reads the peer's close_notify after ours).
     */
    private void release() {
        if (!released) {
            closeNotifyReceived |= engine.isInboundDone();
            released = true;
            maker.release(engine);
        }
    }

    @Override
    public boolean hasBufferedPlaintext() {
        return spill != null && failure == null;
    }

    @Override
    public boolean isInboundDone() {
        return released ? closeNotifyReceived : engine.isInboundDone();
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
        int size = engine.getSession().getApplicationBufferSize();
        if (engine.getClass().getName().startsWith("sun.security.ssl.")) {
            return size;
        }
        // Netty's OpenSSL/BoringSSL engine reports 16,384 but refuses (BUFFER_OVERFLOW) to unwrap a
        // record into less room than the record's encrypted body (16,401 bytes for a full TLS 1.3
        // record), and only then raises what it reports. A whole record's body always fits this.
        return Math.max(size, engine.getSession().getPacketBufferSize() - RECORD_HEADER);
    }

    @Override
    public int maxRecordPlaintext() {
        return recordLimit;
    }

    @Override
    public String toString() {
        return "SecureSession[" + role + ", " + facts.protocol() + ", " + facts.cipherSuite() + "]";
    }

    /** Unwraps one step; when the caller's buffer cannot hold a record, into {@code spill} instead. */
    private SSLEngineResult unwrap(ByteBuffer source, ByteBuffer destination) throws SSLException {
        SSLEngineResult r = engine.unwrap(source, destination);
        if (r.getStatus() == SSLEngineResult.Status.CLOSED && r.bytesConsumed() > 0) {
            closeNotifyReceived = true;
        }
        if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW && destination.position() == 0) {
            // The caller's buffer is empty yet too small for one record: decrypt aside and hand out in pieces.
            ByteBuffer overflow = ByteBuffer.allocate(minApplicationBufferSize());
            r = engine.unwrap(source, overflow);
            watch(r);
            status = r.getHandshakeStatus();
            received(r);
            overflow.flip();
            spill = overflow.hasRemaining() ? overflow : null;
            return new SSLEngineResult(r.getStatus(), r.getHandshakeStatus(), r.bytesConsumed(), 0);
        }
        runTasks(r);
        received(r);
        return r;
    }

    /** Counts what an unwrap gave: application bytes earn post-handshake episodes, records without any are bounded. */
    private void received(SSLEngineResult r) throws SSLException {
        postHandshake.received(r.bytesProduced());
        SSLException empty = emptyRecords.after(r);
        if (empty != null) {
            throw empty;
        }
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

    /**
     * Moves just enough of {@code source} into {@code carry} to complete carry's first record. Once
     * the record's header is in, carry is made big enough for the whole record at once, so a record
     * that arrives a byte at a time costs one copy of each byte, not one copy of the record so far
     * per byte (a record is at most 2^16 + 5 bytes by its length field).
     */
    private int topUpCarry(ByteBuffer source) {
        int missing = carry.remaining() < RECORD_HEADER ? RECORD_HEADER - carry.remaining()
                : RECORD_HEADER + recordLength(carry) - carry.remaining();
        if (missing <= 0 || !source.hasRemaining()) {
            return 0;
        }
        int n = Math.min(missing, source.remaining());
        if (carry.capacity() - carry.limit() < n) {
            ByteBuffer bigger = ByteBuffer.allocate(carry.remaining() + missing).put(carry);
            carry = bigger.flip();
        }
        int end = carry.limit();
        carry.limit(end + n);
        carry.put(end, source, source.position(), n);
        source.position(source.position() + n);
        return n + (carry.remaining() >= RECORD_HEADER && !wholeRecordIn(carry) ? topUpCarry(source) : 0);
    }

    private static boolean wholeRecordIn(ByteBuffer buffer) {
        return buffer.remaining() >= RECORD_HEADER && buffer.remaining() >= RECORD_HEADER + recordLength(buffer);
    }

    private static int recordLength(ByteBuffer buffer) {
        int p = buffer.position();
        return ((buffer.get(p + 3) & 0xff) << 8) | (buffer.get(p + 4) & 0xff);
    }

    /**
     * Notes where {@code r} left the handshake and runs any delegated tasks it asked for. The
     * result says where the engine stands; asking the engine again costs a lock per call, which on
     * the hot path is measurable, so it is asked only after tasks have run.
     */
    private void runTasks(SSLEngineResult r) throws RenegotiationRefusedException {
        watch(r);
        status = r.getHandshakeStatus();
        if (status == SSLEngineResult.HandshakeStatus.NEED_TASK) {
            for (Runnable task = engine.getDelegatedTask(); task != null; task = engine.getDelegatedTask()) {
                task.run();
            }
            status = engine.getHandshakeStatus();
        }
    }

    /**
     * Counts each time the engine goes back to handshaking, and refuses it (before any of its tasks
     * run) when {@link PostHandshake} says so. A close is not a handshake.
     */
    private void watch(SSLEngineResult r) throws RenegotiationRefusedException {
        SSLEngineResult.HandshakeStatus next = r.getHandshakeStatus();
        TlsFailure refused = postHandshake.after(engine, next != SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING
                && next != SSLEngineResult.HandshakeStatus.FINISHED && r.getStatus() != SSLEngineResult.Status.CLOSED);
        if (refused != null) {
            throw new RenegotiationRefusedException(TlsFailures.of(refused));
        }
    }

    /** Records the outcome of a call for its public wrapper, and returns its status. */
    private TlsResult.Status finish(TlsResult.Status status, int consumed, int produced) {
        lastConsumed = consumed;
        lastProduced = produced;
        wantsToWrite = this.status == SSLEngineResult.HandshakeStatus.NEED_WRAP;
        return status;
    }

    private TlsResult lastResult(TlsResult.Status status) {
        return new TlsResult(status, lastConsumed, lastProduced, wantsToWrite);
    }

    private TlsResult.Status broken(Exception e, int consumed, int produced) {
        SSLException cause = e instanceof SSLException ssl ? ssl : new SSLException(e);
        failure = e instanceof RenegotiationRefusedException refused ? refused.failure() : TlsFailures.classify(cause, true);
        engine.closeOutbound();
        lastConsumed = consumed;
        lastProduced = produced;
        wantsToWrite = true; // the alert (or close_notify) that close() will produce
        return TlsResult.Status.FAILED;
    }
}
