package org.starttls4j.tls;

import java.nio.ByteBuffer;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.starttls4j.Capabilities;
import org.starttls4j.Role;
import org.starttls4j.SecureSession;
import org.starttls4j.TlsFacts;

/**
 * Drives an {@link SSLEngine} through the handshake and the few encrypted lines of the dialog
 * that follow it, then hands it over as a {@link SecureSession}.
 *
 * <p>This is the negotiation phase, so it favours simplicity over zero-copy: received bytes are
 * copied into an inbox, decrypted bytes into a buffer the dialog takes lines from, and produced
 * bytes are given to a consumer that copies them. Every buffer is bounded. A pump is mutable and
 * owned by exactly one negotiation state at a time.
 */
public final class TlsPump {

    /** The most network bytes held at once; no handshake flight comes near it. */
    static final int MAX_INBOX = 1 << 20;

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
    private static final int MAX_STEPS = 10_000;

    private final SSLEngine engine;
    private final boolean runTasksInline;
    private ByteBuffer inbox;   // read mode: [position, limit) not yet unwrapped
    private ByteBuffer plain;   // write mode: [0, position) decrypted, not yet taken
    /**
     * Wrap output, handed to the consumer (which copies it) and reused within one call. JSSE wants
     * a packet-sized destination for every wrap, so one buffer per thread serves every pump.
     */
    private static final ThreadLocal<ByteBuffer[]> SCRATCH = ThreadLocal.withInitial(() -> new ByteBuffer[1]);

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
    }

    private TlsPump(SSLEngine engine, boolean runTasksInline) {
        this.engine = engine;
        this.runTasksInline = runTasksInline;
        // No full-size buffer up front: handshake flights are a few KB and the dialog's lines a few
        // hundred bytes, so both buffers start empty and grow to what the records need.
        this.inbox = ByteBuffer.allocate(0);
        this.plain = ByteBuffer.allocate(0);
    }

    /**
     * A pump over a configured engine (see {@link EngineSetup}).
     *
     * @param engine         the engine, in client or server mode, not yet used
     * @param runTasksInline run delegated tasks inside the pump instead of returning them
     * @return the pump
     */
    public static TlsPump over(SSLEngine engine, boolean runTasksInline) {
        return new TlsPump(engine, runTasksInline);
    }

    /** Begins the handshake; a client's ClientHello goes to {@code out}. */
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

    /** Takes the peer's bytes and drives the engine as far as they allow. */
    public Progress receive(ByteBuffer bytes, Consumer<ByteBuffer> out) {
        if (inbox.remaining() + bytes.remaining() > MAX_INBOX) {
            return fail(new SSLException("more than " + MAX_INBOX + " bytes of unprocessed TLS records"), out);
        }
        append(bytes);
        return drive(out);
    }

    /**
     * Keeps the peer's bytes without driving the engine, while delegated tasks are outstanding.
     *
     * @return false if that would hold more than the bound allows
     */
    public boolean hold(ByteBuffer bytes) {
        if (inbox.remaining() + bytes.remaining() > MAX_INBOX) {
            return false;
        }
        append(bytes);
        return true;
    }

    /** Goes on after the delegated tasks of {@link Progress.NeedsTasks} have run. */
    public Progress resume(Consumer<ByteBuffer> out) {
        return drive(out);
    }

    /** Encrypts dialog bytes (a command line) into {@code out}. */
    public Progress encrypt(byte[] data, Consumer<ByteBuffer> out) {
        ByteBuffer source = ByteBuffer.wrap(data);
        try {
            while (source.hasRemaining()) {
                if (wrap(source, out).getStatus() == SSLEngineResult.Status.CLOSED) {
                    return new Progress.PeerClosed();
                }
            }
            return new Progress.Idle();
        } catch (SSLException e) {
            return fail(e, out);
        } catch (RuntimeException e) {
            return fail(new SSLException(e), out);
        }
    }

    /** Number of decrypted bytes waiting to be taken. */
    public int plaintextAvailable() {
        return plain.position();
    }

    /** Takes every decrypted byte waiting. */
    public byte[] takePlaintext() {
        plain.flip();
        byte[] data = new byte[plain.remaining()];
        plain.get(data);
        plain.clear();
        return data;
    }

    /** Sends our close_notify, as far as the engine lets us; never throws. */
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

    /** Whether the peer's close_notify was received. */
    public boolean isInboundDone() {
        return engine.isInboundDone();
    }

    /** What the handshake settled. */
    public TlsFacts facts() {
        SSLSession session = engine.getSession();
        List<X509Certificate> peer;
        try {
            peer = x509(session.getPeerCertificates());
        } catch (SSLPeerUnverifiedException none) {
            peer = List.of();
        }
        return new TlsFacts(session.getProtocol(), session.getCipherSuite(), peer, x509(session.getLocalCertificates()));
    }

    /**
     * Ends the pump's ownership: the engine and any bytes still held (decrypted bytes first, then
     * undecrypted records) move to a new session. The pump must not be used afterwards.
     *
     * @param role         which end we are
     * @param capabilities what the session reports
     * @return the session
     */
    public SecureSession handOver(Role role, Capabilities capabilities) {
        ByteBuffer leftoverPlain = plain.position() == 0 ? null : ByteBuffer.wrap(takePlaintext());
        ByteBuffer leftoverNet = null;
        if (inbox.hasRemaining()) {
            leftoverNet = ByteBuffer.allocate(inbox.remaining()).put(inbox).flip();
        }
        SecureSession session = new EngineSession(engine, role, capabilities, facts(), leftoverPlain, leftoverNet);
        inbox = null;
        plain = null;
        return session;
    }

    private Progress drive(Consumer<ByteBuffer> out) {
        try {
            for (int step = 0; step < MAX_STEPS; step++) {
                switch (engine.getHandshakeStatus()) {
                    case NEED_TASK:
                        List<Runnable> tasks = takeTasks();
                        if (!runTasksInline) {
                            return new Progress.NeedsTasks(tasks);
                        }
                        tasks.forEach(Runnable::run);
                        break;
                    case NEED_WRAP:
                        if (wrap(EMPTY, out).getStatus() == SSLEngineResult.Status.CLOSED && engine.isInboundDone()) {
                            return new Progress.PeerClosed();
                        }
                        break;
                    case NEED_UNWRAP:
                    case NEED_UNWRAP_AGAIN:
                        SSLEngineResult.Status unwrapped = unwrap();
                        if (unwrapped == SSLEngineResult.Status.BUFFER_UNDERFLOW) {
                            SSLEngineResult.HandshakeStatus now = engine.getHandshakeStatus();
                            if (now == SSLEngineResult.HandshakeStatus.NEED_UNWRAP
                                    || now == SSLEngineResult.HandshakeStatus.NEED_UNWRAP_AGAIN) {
                                return new Progress.NeedsInput();
                            }
                            // BoringSSL reports NEED_UNWRAP after the client's Finished and only
                            // finishes the handshake on the next (empty) unwrap: look again.
                            break;
                        }
                        if (unwrapped == SSLEngineResult.Status.CLOSED) {
                            return new Progress.PeerClosed();
                        }
                        break;
                    default: // NOT_HANDSHAKING or FINISHED: decrypt whatever whole records are here
                        if (!inbox.hasRemaining()) {
                            return new Progress.Idle();
                        }
                        SSLEngineResult.Status status = unwrap();
                        if (status == SSLEngineResult.Status.BUFFER_UNDERFLOW) {
                            return new Progress.Idle();
                        }
                        if (status == SSLEngineResult.Status.CLOSED) {
                            return new Progress.PeerClosed();
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
        while (true) {
            SSLEngineResult result = engine.unwrap(inbox, plain);
            switch (result.getStatus()) {
                case BUFFER_OVERFLOW:
                    plain = grow(plain, Math.max(nextRecordLength(), 512));
                    continue;
                case BUFFER_UNDERFLOW:
                    int needed = nextRecordLength();
                    if (inbox.capacity() < needed) {
                        inbox = ByteBuffer.allocate(needed).put(inbox).flip();
                    }
                    return SSLEngineResult.Status.BUFFER_UNDERFLOW;
                default:
                    if (result.getStatus() == SSLEngineResult.Status.OK && result.bytesConsumed() == 0
                            && result.bytesProduced() == 0 && engine.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_UNWRAP) {
                        return SSLEngineResult.Status.BUFFER_UNDERFLOW;
                    }
                    return result.getStatus();
            }
        }
    }

    /** The length of the record at the head of the inbox, header included (5 while the header is incomplete). */
    private int nextRecordLength() {
        if (inbox.remaining() < 5) {
            return 5;
        }
        int p = inbox.position();
        return 5 + (((inbox.get(p + 3) & 0xff) << 8) | (inbox.get(p + 4) & 0xff));
    }

    private SSLEngineResult wrap(ByteBuffer source, Consumer<ByteBuffer> out) throws SSLException {
        ByteBuffer[] holder = SCRATCH.get();
        int size = engine.getSession().getPacketBufferSize();
        if (holder[0] == null || holder[0].capacity() < size) {
            holder[0] = ByteBuffer.allocate(size);
        }
        while (true) {
            ByteBuffer scratch = holder[0];
            scratch.clear();
            SSLEngineResult result = engine.wrap(source, scratch);
            if (result.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                holder[0] = ByteBuffer.allocate(scratch.capacity() * 2);
                continue;
            }
            scratch.flip();
            if (scratch.hasRemaining()) {
                out.accept(scratch);
            }
            return result;
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

    private void append(ByteBuffer bytes) {
        inbox.compact();
        if (inbox.remaining() < bytes.remaining()) {
            inbox = grow(inbox, bytes.remaining());
        }
        inbox.put(bytes);
        inbox.flip();
    }

    /** A larger buffer in write mode holding {@code buffer}'s written bytes. */
    private static ByteBuffer grow(ByteBuffer buffer, int extra) {
        buffer.flip();
        return ByteBuffer.allocate(buffer.capacity() + extra).put(buffer);
    }

    private static List<X509Certificate> x509(Certificate[] certificates) {
        List<X509Certificate> list = new ArrayList<>();
        if (certificates != null) {
            for (Certificate c : certificates) {
                if (c instanceof X509Certificate) {
                    list.add((X509Certificate) c);
                }
            }
        }
        return list;
    }
}
