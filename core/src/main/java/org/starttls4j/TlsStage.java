package org.starttls4j;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.starttls4j.internal.tls.TlsPump;

/**
 * TLS once it is up, as the flows see it, in its two forms: the core's own {@link TlsPump}, whose
 * records the negotiation reads and writes, and the transport's ({@link Negotiation#withTransportTls}),
 * which hands the negotiation plaintext it decrypted and encrypts what the negotiation writes.
 */
sealed interface TlsStage permits TlsStage.OwnPump, TlsStage.Transport {

    /**
     * What one read inside TLS gave the dialog.
     *
     * @param bytes      decrypted bytes, possibly none
     * @param peerClosed the peer's close_notify came after them
     * @param broken     why TLS broke, or null; the engine has then said its last words and is released
     */
    record Read(byte[] bytes, boolean peerClosed, Failure broken) {
    }

    /** Whether this form owns a mutable engine (a state holding it is consumed when fed). */
    boolean ownsEngine();

    TlsFacts facts();

    /** Takes what the peer sent, as received from the transport. */
    Read receive(ByteBuffer bytes, Output out);

    /** Bytes decrypted along with the handshake, before any read of the dialog. */
    byte[] takePlaintext();

    /** Writes dialog bytes (already in the transcript); false if TLS refused them. */
    boolean send(String text, Output out);

    /** Ends TLS on a failure: our close_notify and the engine back to its factory, where the core owns them. */
    void end(Output out);

    boolean peerSentCloseNotify();

    SecureSession handOver(Role role, Capabilities capabilities);

    /** Releases the engine of a pump that has said its last words; null, so that no ending speaks again. */
    static TlsStage ended(TlsPump pump) {
        pump.release();
        return null;
    }

    /** {@link #ended(TlsPump)} for a stage of either form: the transport's engine is not the core's to release. */
    static TlsStage ended(TlsStage tls) {
        return tls instanceof OwnPump own ? ended(own.pump()) : null;
    }

    /** The core's own pump over an engine it made. */
    final class OwnPump implements TlsStage {

        private final TlsPump pump;
        private final EngineFactory factory; // takes the engine back when the session ends
        private TlsFacts facts; // read once: the engine copies the chains on every call

        OwnPump(TlsPump pump, EngineFactory factory) {
            this.pump = pump;
            this.factory = factory;
        }

        TlsPump pump() {
            return pump;
        }

        @Override
        public boolean ownsEngine() {
            return true;
        }

        @Override
        public TlsFacts facts() {
            if (facts == null) {
                SSLEngine engine = pump.engine();
                // A server that asked for no client certificate has none to read: skip the call,
                // which may only throw SSLPeerUnverifiedException or copy an empty chain.
                facts = factsOf(engine.getSession(), engine.getUseClientMode() || engine.getNeedClientAuth() || engine.getWantClientAuth());
            }
            return facts;
        }

        @Override
        public Read receive(ByteBuffer bytes, Output out) {
            TlsPump.Progress progress = pump.receive(bytes, out);
            while (progress instanceof TlsPump.Progress.NeedsTasks needsTasks) {
                // Post-handshake tasks are rare (a TLS 1.3 ticket or KeyUpdate: the pump refuses a
                // renegotiation before it gets here); run them rather than stall.
                needsTasks.tasks().forEach(Runnable::run);
                progress = pump.resume(out);
            }
            if (progress instanceof TlsPump.Progress.Failed failed) {
                ended(pump);
                return new Read(Lines.NOTHING, false, TlsFailures.classify(failed.cause(), true));
            }
            if (progress instanceof TlsPump.Progress.Refused refused) {
                ended(pump);
                return new Read(Lines.NOTHING, false, TlsFailures.of(refused.failure()));
            }
            // A reply and close_notify may share a read: the dialog sees the reply first.
            return new Read(pump.takePlaintext(), progress instanceof TlsPump.Progress.PeerClosed, null);
        }

        @Override
        public byte[] takePlaintext() {
            return pump.takePlaintext();
        }

        @Override
        public boolean send(String text, Output out) {
            return pump.encrypt(text.getBytes(StandardCharsets.ISO_8859_1), out) instanceof TlsPump.Progress.Idle;
        }

        @Override
        public void end(Output out) {
            pump.closeOutbound(out);
            pump.release();
        }

        @Override
        public boolean peerSentCloseNotify() {
            return pump.isInboundDone();
        }

        @Override
        public SecureSession handOver(Role role, Capabilities capabilities) {
            TlsFacts settled = facts();
            TlsPump.Handover handover = pump.handOver();
            return new EngineSession(handover.engine(), role, capabilities, settled, handover.leftoverPlain(), handover.leftoverNet(), factory);
        }
    }

    /**
     * The transport's TLS: what the negotiation reads and writes is plaintext, and the engine (if the
     * transport took one from {@link TransportTls#engine()}) is the transport's to close and release.
     *
     * @param facts what the transport's handshake settled
     */
    record Transport(TlsFacts facts) implements TlsStage {

        @Override
        public boolean ownsEngine() {
            return false;
        }

        @Override
        public Read receive(ByteBuffer bytes, Output out) {
            return new Read(Lines.drain(bytes), false, null);
        }

        @Override
        public byte[] takePlaintext() {
            return Lines.NOTHING;
        }

        @Override
        public boolean send(String text, Output out) {
            out.write(text);
            return true;
        }

        @Override
        public void end(Output out) {
            // the transport closes its TLS when it closes the connection
        }

        @Override
        public boolean peerSentCloseNotify() {
            return false;
        }

        @Override
        public SecureSession handOver(Role role, Capabilities capabilities) {
            return new TransportSession(role, capabilities, facts, ByteBuffer.allocate(0));
        }
    }

    /** What a session settled; a peer that sent no certificate (or was not asked: {@code readPeer} false) has an empty chain. */
    static TlsFacts factsOf(SSLSession session, boolean readPeer) {
        List<X509Certificate> peer = List.of();
        if (readPeer) {
            try {
                peer = x509(session.getPeerCertificates());
            } catch (SSLPeerUnverifiedException none) {
                peer = List.of();
            }
        }
        return new TlsFacts(session.getProtocol(), session.getCipherSuite(), peer, x509(session.getLocalCertificates()));
    }

    /** The X.509 certificates of {@code certificates}, as the immutable list {@link TlsFacts} keeps without a copy. */
    private static List<X509Certificate> x509(Certificate[] certificates) {
        if (certificates == null) {
            return List.of();
        }
        X509Certificate[] x509 = new X509Certificate[certificates.length];
        int n = 0;
        for (Certificate c : certificates) {
            if (c instanceof X509Certificate x) {
                x509[n++] = x;
            }
        }
        return List.of(n == x509.length ? x509 : Arrays.copyOf(x509, n));
    }
}
