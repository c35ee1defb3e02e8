package org.starttls4j.internal.tls;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import org.starttls4j.internal.ThreadScratch;

/**
 * Drives an {@link SSLEngine} through the handshake and the few encrypted lines of the dialog
 * that follow it, then hands the engine over ({@link #handOver}) for the session.
 *
 * <p>Handshakes are short and many run at once, so the pump keeps nothing it does not have to:
 * the engine works in per-thread scratch buffers, and the pump keeps only an incomplete record
 * left at the end of a read and the decrypted dialog bytes, while the consumer copies the
 * produced records. Every buffer is bounded. A pump is mutable and owned by exactly one
 * negotiation state at a time.
 */
public final class TlsPump {

    /** The most network bytes held at once; no handshake flight comes near it. */
    static final int MAX_INBOX = 1 << 20;

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
    private static final byte[] NOTHING = new byte[0];
    private static final int MAX_STEPS = 10_000;
    // The answers without components, made once: the pump gives one on every call.
    private static final Progress IDLE = new Progress.Idle();
    private static final Progress NEEDS_INPUT = new Progress.NeedsInput();
    private static final Progress PEER_CLOSED = new Progress.PeerClosed();

    /**
     * Wrap output, handed to the consumer (which copies it), and unwrap output, from which the
     * decrypted bytes are copied: JSSE wants a full-size destination for every call, so one pair
     * of buffers per thread serves every pump. Borrowed for the length of one engine call.
     */
    private static final ThreadScratch<ByteBuffer> WRAP_SCRATCH = new ThreadScratch<>();
    private static final ThreadScratch<ByteBuffer> UNWRAP_SCRATCH = new ThreadScratch<>();
    /** Received bytes while the engine works through them (see {@link #receive}). */
    private static final ThreadScratch<ByteBuffer> INBOX_SCRATCH = new ThreadScratch<>();
    /** The largest per-thread buffer kept between calls; a bigger one is left to the GC. */
    private static final int KEEP_AT_MOST = 1 << 17;

    private final SSLEngine engine;
    private final boolean runTasksInline;
    private final Consumer<SSLEngine> release; // takes the engine back (EngineFactory.release) when the pump or its session ends
    private final int maxHandshakeBytes;
    private long handshakeBytes; // received before the handshake was done
    private boolean released;
    private ByteBuffer inbox;   // read mode: [position, limit) received in an earlier call, not yet unwrapped
    private ByteBuffer source;  // what the engine unwraps from during a call: the caller's bytes or the inbox
    private boolean wrapOwed;   // the last unwrap took nothing and its result (not the engine) asked for a wrap
    private byte[] plain;       // [0, plainLength) decrypted, not yet taken; null when none
    private int plainLength;
    private boolean handshakeDone; // set once the engine stopped handshaking: later failures break a session
    private final PostHandshake postHandshake = PostHandshake.duringNegotiation();
    private final EmptyRecords emptyRecords = new EmptyRecords(); // after the handshake: the dialog inside TLS

    /** Where a call to the pump left the engine. */
    public sealed interface Progress {
        /** The handshake waits for the peer's bytes. */
        record NeedsInput() implements Progress {
        }

        /** Not handshaking (the handshake is done) and every whole record received is decrypted. */
        record Idle() implements Progress {
        }

        /**
         * The engine needs its delegated tasks run before it can go on.
         *
         * @param tasks to run, then call {@link TlsPump#resume}
         */
        record NeedsTasks(List<Runnable> tasks) implements Progress {
        }

        /** The peer sent close_notify. */
        record PeerClosed() implements Progress {
        }

        /**
         * The engine failed; any alert it wanted to send has been produced.
         *
         * @param cause the engine's exception
         */
        record Failed(SSLException cause) implements Progress {
        }

        /**
         * The pump refused what the peer asked for (a renegotiation, see {@link PostHandshake}) and
         * closed the engine's outbound side; the close has been produced.
         *
         * @param failure why
         */
        record Refused(TlsFailure failure) implements Progress {
        }
    }

    private TlsPump(SSLEngine engine, boolean runTasksInline, Consumer<SSLEngine> release, int maxHandshakeBytes) {
        this.engine = engine;
        this.runTasksInline = runTasksInline;
        this.release = release;
        this.maxHandshakeBytes = maxHandshakeBytes;
        this.inbox = EMPTY;
        this.source = EMPTY;
    }

    /**
     * A pump over a configured engine (see {@link EngineSetup}) that goes back to its factory when the negotiation fails
     * ({@link #release}) or, after {@link #handOver}, when the session ends.
     *
     * @param engine         the engine, in client or server mode, not yet used
     * @param runTasksInline run delegated tasks inside the pump instead of returning them
     * @param release        takes the engine back to the factory that made it ({@code EngineFactory.release})
     * @return the pump, bounding the bytes it holds ({@link #MAX_INBOX}) but not those it reads during
     *         the handshake: a negotiation's pump has that bound too (the other {@code over})
     */
    public static TlsPump over(SSLEngine engine, boolean runTasksInline, Consumer<SSLEngine> release) {
        return over(engine, runTasksInline, release, Integer.MAX_VALUE);
    }

    /**
     * {@link #over(SSLEngine, boolean, Consumer)}, reading at most {@code maxHandshakeBytes} from
     * the peer until the handshake is done. An honest peer's flights take a few kilobytes; without
     * a bound, a TLS 1.2 peer could keep the engine at work for ever on records that carry nothing
     * (the JDK's engine takes any number of warning alerts, JDK 17's of empty handshake records), a
     * few bytes an engine call, and only the deadline would end it.
     *
     * @param engine            the engine, in client or server mode, not yet used
     * @param runTasksInline    run delegated tasks inside the pump instead of returning them
     * @param release           takes the engine back to the factory that made it
     * @param maxHandshakeBytes the most bytes the peer may send before the handshake is done
     * @return the pump
     */
    public static TlsPump over(SSLEngine engine, boolean runTasksInline, Consumer<SSLEngine> release, int maxHandshakeBytes) {
        return new TlsPump(engine, runTasksInline, release, maxHandshakeBytes);
    }

    /**
     * Hands the engine back to its factory ({@code EngineFactory.release}) after a failed
     * negotiation, once whatever the engine had to say has been produced; later calls do nothing.
     * A Netty {@code OPENSSL_REFCNT} engine frees its native memory here.
     */
    public void release() {
        if (!released) {
            released = true;
            release.accept(engine);
        }
    }

    /**
     * Begins the handshake; a client's ClientHello goes to {@code out}.
     *
     * @param out receives the TLS bytes to send to the peer
     * @return where the handshake stands
     */
    public Progress start(Consumer<ByteBuffer> out) {
        try {
            engine.beginHandshake();
        } catch (SSLException e) {
            return fail(e, out);
        } catch (RuntimeException e) {
            return fail(new SSLException(e), out);
        }
        return drive(out);
    }

    /**
     * Takes the peer's bytes and drives the engine as far as they allow.
     *
     * @param bytes TLS bytes received from the peer; consumed
     * @param out   receives the TLS bytes to send to the peer
     * @return where the handshake stands
     */
    public Progress receive(ByteBuffer bytes, Consumer<ByteBuffer> out) {
        if (inbox.remaining() + bytes.remaining() > MAX_INBOX) {
            return fail(new SSLException("more than " + MAX_INBOX + " bytes of unprocessed TLS records"), out);
        }
        if (!withinHandshakeBound(bytes)) {
            return fail(new SSLException("more than " + maxHandshakeBytes + " bytes received during the TLS handshake"), out);
        }
        if (inbox.hasRemaining()) {
            append(bytes);
            return drive(out);
        }
        // The common case: nothing held back. The bytes go into a per-thread buffer, and only what
        // the engine leaves there (an incomplete record) is kept by the pump. The engine never reads
        // the caller's buffer itself: JSSE decrypts records in place, in its source buffer.
        ByteBuffer kept = INBOX_SCRATCH.borrow();
        ByteBuffer scratch = kept != null && kept.capacity() >= bytes.remaining()
                ? kept : ByteBuffer.allocate(Math.max(bytes.remaining(), 1 << 12));
        source = scratch.clear().put(bytes).flip();
        try {
            return drive(out);
        } finally {
            source = inbox;
            append(scratch);
            if (scratch.capacity() <= KEEP_AT_MOST) {
                INBOX_SCRATCH.giveBack(scratch);
            }
        }
    }

    /**
     * Keeps the peer's bytes without driving the engine, while delegated tasks are outstanding.
     *
     * @param bytes TLS bytes received from the peer
     * @return false if that would hold more than the bound allows
     */
    public boolean hold(ByteBuffer bytes) {
        if (inbox.remaining() + bytes.remaining() > MAX_INBOX || !withinHandshakeBound(bytes)) {
            return false;
        }
        append(bytes);
        return true;
    }

    /**
     * Goes on after the delegated tasks of {@link Progress.NeedsTasks} have run.
     *
     * @param out receives the TLS bytes to send to the peer
     * @return where the handshake stands
     */
    public Progress resume(Consumer<ByteBuffer> out) {
        return drive(out);
    }

    /**
     * Encrypts dialog bytes (a command line) into {@code out}.
     *
     * @param data the dialog bytes
     * @param out  receives the TLS records
     * @return whether the encryption went through
     */
    public Progress encrypt(byte[] data, Consumer<ByteBuffer> out) {
        ByteBuffer text = ByteBuffer.wrap(data);
        try {
            while (text.hasRemaining()) {
                if (wrap(text, out).getStatus() == SSLEngineResult.Status.CLOSED) {
                    return PEER_CLOSED;
                }
            }
            return IDLE;
        } catch (SSLException e) {
            return fail(e, out);
        } catch (RuntimeException e) {
            return fail(new SSLException(e), out);
        }
    }

    /**
     * Number of decrypted bytes waiting to be taken.
     *
     * @return the number of decrypted bytes waiting
     */
    public int plaintextAvailable() {
        return plainLength;
    }

    /**
     * Takes every decrypted byte waiting.
     *
     * @return every decrypted byte waiting (an empty array when none)
     */
    public byte[] takePlaintext() {
        if (plain == null) {
            return NOTHING;
        }
        byte[] data = plainLength == plain.length ? plain : Arrays.copyOf(plain, plainLength);
        plain = null;
        plainLength = 0;
        return data;
    }

    /**
     * Sends our close_notify, as far as the engine lets us; never throws.
     *
     * @param out receives the TLS bytes to send to the peer
     */
    public void closeOutbound(Consumer<ByteBuffer> out) {
        try {
            engine.closeOutbound();
            for (int i = 0; i < 4 && !engine.isOutboundDone(); i++) {
                if (wrap(EMPTY, out).bytesProduced() == 0) {
                    break;
                }
            }
        } catch (SSLException | RuntimeException alreadyBroken) {
            // nothing more can be said on a broken connection
        }
    }

    /**
     * Whether the handshake had completed: a failure from then on broke an established session
     * ({@link TlsFailure.Kind#SESSION_BROKEN}) rather than the handshake.
     *
     * @return true once the engine has left the handshake
     */
    public boolean handshakeDone() {
        return handshakeDone;
    }

    /**
     * Whether the peer's close_notify was received.
     *
     * @return true once it was
     */
    public boolean isInboundDone() {
        return engine.isInboundDone();
    }

    /**
     * The engine, for what the handshake settled ({@code getSession()}, the role): not to be driven
     * by anyone but the pump until {@link #handOver}.
     *
     * @return the engine
     */
    public SSLEngine engine() {
        return engine;
    }

    /**
     * What a session takes over from the pump.
     *
     * @param engine        the engine, handshake done
     * @param leftoverPlain decrypted bytes not yet taken, or null
     * @param leftoverNet   received records not yet decrypted, or null
     */
    public record Handover(SSLEngine engine, ByteBuffer leftoverPlain, ByteBuffer leftoverNet) {
    }

    /**
     * Ends the pump's ownership: the engine and any bytes still held (decrypted bytes first, then
     * undecrypted records) move to a session, which releases the engine when it ends. The pump
     * must not be used afterwards.
     *
     * @return what the session takes over
     */
    public Handover handOver() {
        ByteBuffer leftoverPlain = plainLength == 0 ? null : ByteBuffer.wrap(takePlaintext());
        ByteBuffer leftoverNet = null;
        if (inbox.hasRemaining()) {
            leftoverNet = ByteBuffer.allocate(inbox.remaining()).put(inbox).flip();
        }
        released = true; // the session releases it now
        inbox = null;
        source = null;
        return new Handover(engine, leftoverPlain, leftoverNet);
    }

    /** Counts {@code bytes} while the handshake is not done; false once more than the bound arrived. */
    private boolean withinHandshakeBound(ByteBuffer bytes) {
        if (!handshakeDone) {
            handshakeBytes += bytes.remaining();
        }
        return handshakeBytes <= maxHandshakeBytes;
    }

    private Progress drive(Consumer<ByteBuffer> out) {
        try {
            for (int step = 0; step < MAX_STEPS; step++) {
                SSLEngineResult.HandshakeStatus handshake = engine.getHandshakeStatus();
                boolean working = handshake != SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING
                        && handshake != SSLEngineResult.HandshakeStatus.FINISHED;
                handshakeDone |= !working;
                // Back to handshaking after the handshake: renegotiation, or TLS 1.3 post-handshake work.
                // Not the close_notify a TLS 1.2 engine owes in answer to the peer's: a close is not a handshake.
                TlsFailure refused = handshakeDone ? postHandshake.after(engine, working && !engine.isInboundDone()) : null;
                if (refused != null) {
                    closeOutbound(out);
                    return new Progress.Refused(refused);
                }
                switch (handshake) {
                    case NEED_TASK:
                        if (!runTasksInline) {
                            return new Progress.NeedsTasks(takeTasks());
                        }
                        for (Runnable task = engine.getDelegatedTask(); task != null; task = engine.getDelegatedTask()) {
                            task.run();
                        }
                        break;
                    case NEED_WRAP:
                        if (wrap(EMPTY, out).getStatus() == SSLEngineResult.Status.CLOSED && engine.isInboundDone()) {
                            return PEER_CLOSED;
                        }
                        break;
                    case NEED_UNWRAP:
                    case NEED_UNWRAP_AGAIN:
                        SSLEngineResult.Status unwrapped = unwrap();
                        if (unwrapped == SSLEngineResult.Status.BUFFER_UNDERFLOW) {
                            SSLEngineResult.HandshakeStatus now = engine.getHandshakeStatus();
                            if (now == SSLEngineResult.HandshakeStatus.NEED_UNWRAP
                                    || now == SSLEngineResult.HandshakeStatus.NEED_UNWRAP_AGAIN) {
                                return NEEDS_INPUT;
                            }
                            // BoringSSL reports NEED_UNWRAP after the client's Finished and only
                            // finishes the handshake on the next (empty) unwrap: look again.
                            break;
                        }
                        if (unwrapped == SSLEngineResult.Status.CLOSED) {
                            return PEER_CLOSED;
                        }
                        break;
                    default: // NOT_HANDSHAKING or FINISHED: decrypt whatever whole records are here
                        if (!source.hasRemaining()) {
                            return IDLE;
                        }
                        SSLEngineResult.Status status = unwrap();
                        if (status == SSLEngineResult.Status.BUFFER_UNDERFLOW) {
                            return IDLE;
                        }
                        if (status == SSLEngineResult.Status.CLOSED) {
                            return PEER_CLOSED;
                        }
                        if (wrapOwed) {
                            // Netty's OpenSSL engine, refusing a record (a HelloRequest it may not
                            // answer), queues its alert and the error for the next wrap and says so
                            // only in the unwrap's result: its own status stays NOT_HANDSHAKING, and
                            // unwrapping again would go round in circles.
                            wrapOwed = false;
                            wrap(EMPTY, out);
                        }
                        break;
                }
            }
            return fail(new SSLException("the engine made no progress in " + MAX_STEPS + " steps"), out);
        } catch (SSLException e) {
            return fail(e, out);
        } catch (RuntimeException e) {
            // Some providers throw unchecked exceptions on hostile input; it is still the peer's doing.
            return fail(new SSLException(e), out);
        }
    }

    private SSLEngineResult.Status unwrap() throws SSLException {
        ByteBuffer kept = UNWRAP_SCRATCH.borrow();
        ByteBuffer scratch = kept != null ? kept : ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
        try {
            while (true) {
                scratch.clear();
                SSLEngineResult result = engine.unwrap(source, scratch);
                keepPlaintext(scratch.flip());
                SSLException empty = handshakeDone ? emptyRecords.after(result) : null;
                if (empty != null) {
                    throw empty;
                }
                switch (result.getStatus()) {
                    case BUFFER_OVERFLOW:
                        scratch = ByteBuffer.allocate(Math.max(scratch.capacity() * 2, engine.getSession().getApplicationBufferSize()));
                        continue;
                    case BUFFER_UNDERFLOW:
                        int needed = nextRecordLength();
                        if (source == inbox && inbox.capacity() < needed) {
                            inbox = ByteBuffer.allocate(needed).put(inbox).flip();
                            source = inbox;
                        }
                        return SSLEngineResult.Status.BUFFER_UNDERFLOW;
                    default:
                        boolean stalled = result.getStatus() == SSLEngineResult.Status.OK && result.bytesConsumed() == 0
                                && result.bytesProduced() == 0;
                        if (stalled && engine.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_UNWRAP) {
                            return SSLEngineResult.Status.BUFFER_UNDERFLOW;
                        }
                        wrapOwed = stalled && result.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_WRAP;
                        return result.getStatus();
                }
            }
        } finally {
            UNWRAP_SCRATCH.giveBack(scratch);
        }
    }

    /** Appends decrypted bytes to those waiting to be taken; the dialog bounds how many it accepts. */
    private void keepPlaintext(ByteBuffer decrypted) {
        int n = decrypted.remaining();
        if (n == 0) {
            return;
        }
        if (plain == null) {
            plain = new byte[n];
        } else if (plainLength + n > plain.length) {
            plain = Arrays.copyOf(plain, Math.max(plainLength + n, plain.length * 2));
        }
        decrypted.get(plain, plainLength, n);
        plainLength += n;
    }

    /** The length of the record at the head of the source, header included (5 while the header is incomplete). */
    private int nextRecordLength() {
        if (source.remaining() < 5) {
            return 5;
        }
        int p = source.position();
        return 5 + (((source.get(p + 3) & 0xff) << 8) | (source.get(p + 4) & 0xff));
    }

    private SSLEngineResult wrap(ByteBuffer data, Consumer<ByteBuffer> out) throws SSLException {
        ByteBuffer kept = WRAP_SCRATCH.borrow();
        int size = engine.getSession().getPacketBufferSize();
        ByteBuffer scratch = kept != null && kept.capacity() >= size ? kept : ByteBuffer.allocate(size);
        try {
            while (true) {
                scratch.clear();
                SSLEngineResult result = engine.wrap(data, scratch);
                if (result.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                    scratch = ByteBuffer.allocate(scratch.capacity() * 2);
                    continue;
                }
                scratch.flip();
                if (scratch.hasRemaining()) {
                    out.accept(scratch);
                }
                return result;
            }
        } finally {
            WRAP_SCRATCH.giveBack(scratch);
        }
    }

    private List<Runnable> takeTasks() {
        List<Runnable> tasks = new ArrayList<>();
        for (Runnable task = engine.getDelegatedTask(); task != null; task = engine.getDelegatedTask()) {
            tasks.add(task);
        }
        return List.copyOf(tasks);
    }

    private Progress fail(SSLException cause, Consumer<ByteBuffer> out) {

        closeOutbound(out); // produces the alert the engine has ready, if any
        return new Progress.Failed(cause);
    }

    /**
     * Moves {@code bytes} to the end of the inbox, which grows to exactly what it must hold. Where
     * the inbox has room after what it holds (it is grown to a whole record once the record's
     * header is in, see {@link #unwrap}), the bytes go there and nothing moves: a record trickled
     * in a byte at a time then costs one copy of each byte, not one move of the record so far per
     * byte, which {@code compact} would make.
     */
    private void append(ByteBuffer bytes) {
        int n = bytes.remaining();
        if (n == 0) {
            return;
        }
        if (inbox.capacity() - inbox.limit() >= n) {
            int end = inbox.limit();
            inbox.limit(end + n);
            inbox.put(end, bytes, bytes.position(), n);
            bytes.position(bytes.limit());
        } else if (inbox.capacity() - inbox.remaining() < n) {
            inbox = ByteBuffer.allocate(inbox.remaining() + n).put(inbox).put(bytes).flip();
        } else {
            inbox.compact().put(bytes).flip();
        }
        source = inbox;
    }
}
