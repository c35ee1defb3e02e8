package org.starttls4j;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.BiFunction;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import org.starttls4j.internal.tls.EmptyRecords;
import org.starttls4j.internal.tls.PostHandshake;
import org.starttls4j.internal.tls.TlsFailure;

/**
 * The engine a transport's TLS stack drives ({@link TransportTls#engine()}), with the core's rule
 * for what may happen after the handshake applied by the same {@link PostHandshake} watch as the
 * core's {@link SecureSession}: a TLS 1.2 renegotiation is refused, TLS 1.3 KeyUpdates and tickets
 * are bounded. The wrap or unwrap that sees a refused episode throws a
 * {@link RenegotiationRefusedException}, once; the stack then closes the engine as after any
 * failure, and the calls that say its last words go through.
 *
 * <p>It watches only once the engine's handshake has finished (a {@code FINISHED} result), and
 * only while the engine is neither closing nor closed. The JDK's engine has no switch of its own
 * for either rule.
 *
 * <p>Until then it counts the bytes the engine reads, as the core's pump counts those of its own
 * handshakes: past the negotiation's bound ({@link Limits#maxHandshakeBytes()}) the unwrap throws
 * an {@link SSLException} and the handshake fails. A TLS 1.2 peer could otherwise keep the engine
 * at work on records that carry nothing (the JDK's takes any number of warning alerts, JDK 17's of empty
 * handshake records), a few bytes an engine call, until the negotiation's deadline. After it, more
 * than {@value EmptyRecords#MAX_IN_A_ROW} records in a row without application data fail the
 * unwrap the same way, as in the core's session.
 */
final class PostHandshakeGuard extends SSLEngine {

    private final SSLEngine engine;
    private final PostHandshake postHandshake = PostHandshake.inSession();
    private final EmptyRecords emptyRecords = new EmptyRecords();
    private final int maxHandshakeBytes;
    private long handshakeBytes;
    private boolean handshaken;
    private boolean refused;

    PostHandshakeGuard(SSLEngine engine, int maxHandshakeBytes) {
        super(engine.getPeerHost(), engine.getPeerPort());
        this.engine = engine;
        this.maxHandshakeBytes = maxHandshakeBytes;
    }

    /** The engine as its factory made it. */
    SSLEngine engine() {
        return engine;
    }

    @Override
    public SSLEngineResult wrap(ByteBuffer[] srcs, int offset, int length, ByteBuffer dst) throws SSLException {
        return checked(engine.wrap(srcs, offset, length, dst));
    }

    @Override
    public SSLEngineResult unwrap(ByteBuffer src, ByteBuffer[] dsts, int offset, int length) throws SSLException {
        SSLEngineResult result = engine.unwrap(src, dsts, offset, length);
        postHandshake.received(result.bytesProduced());
        if (!handshaken && (handshakeBytes += result.bytesConsumed()) > maxHandshakeBytes) {
            throw new SSLException("more than " + maxHandshakeBytes + " bytes received during the TLS handshake");
        }
        SSLException empty = handshaken ? emptyRecords.after(result) : null;
        if (empty != null) {
            throw empty;
        }
        return checked(result);
    }

    private SSLEngineResult checked(SSLEngineResult result) throws RenegotiationRefusedException {
        HandshakeStatus status = result.getHandshakeStatus();
        if (status == HandshakeStatus.FINISHED) {
            handshaken = true;
        }
        if (handshaken) {
            refuseIf(postHandshake.after(engine, status != HandshakeStatus.NOT_HANDSHAKING && status != HandshakeStatus.FINISHED
                    && result.getStatus() != SSLEngineResult.Status.CLOSED && !engine.isInboundDone() && !engine.isOutboundDone()));
        }
        return result;
    }

    /** Throws once: the stack then closes the engine, and the wraps of its last words go through. */
    private void refuseIf(TlsFailure failure) throws RenegotiationRefusedException {
        if (failure != null && !refused) {
            refused = true;
            throw new RenegotiationRefusedException(TlsFailures.of(failure));
        }
    }

    /** The application asking for a new handshake after the first counts as the peer's request would. */
    @Override
    public void beginHandshake() throws SSLException {
        if (handshaken) {
            refuseIf(postHandshake.after(engine, true));
        }
        engine.beginHandshake();
    }

    // ------------------------------------------------------------------ the rest is the engine's

    @Override
    public Runnable getDelegatedTask() {
        return engine.getDelegatedTask();
    }

    @Override
    public void closeInbound() throws SSLException {
        engine.closeInbound();
    }

    @Override
    public boolean isInboundDone() {
        return engine.isInboundDone();
    }

    @Override
    public void closeOutbound() {
        engine.closeOutbound();
    }

    @Override
    public boolean isOutboundDone() {
        return engine.isOutboundDone();
    }

    @Override
    public String[] getSupportedCipherSuites() {
        return engine.getSupportedCipherSuites();
    }

    @Override
    public String[] getEnabledCipherSuites() {
        return engine.getEnabledCipherSuites();
    }

    @Override
    public void setEnabledCipherSuites(String[] suites) {
        engine.setEnabledCipherSuites(suites);
    }

    @Override
    public String[] getSupportedProtocols() {
        return engine.getSupportedProtocols();
    }

    @Override
    public String[] getEnabledProtocols() {
        return engine.getEnabledProtocols();
    }

    @Override
    public void setEnabledProtocols(String[] protocols) {
        engine.setEnabledProtocols(protocols);
    }

    @Override
    public SSLSession getSession() {
        return engine.getSession();
    }

    @Override
    public SSLSession getHandshakeSession() {
        return engine.getHandshakeSession();
    }

    @Override
    public HandshakeStatus getHandshakeStatus() {
        return engine.getHandshakeStatus();
    }

    @Override
    public void setUseClientMode(boolean mode) {
        engine.setUseClientMode(mode);
    }

    @Override
    public boolean getUseClientMode() {
        return engine.getUseClientMode();
    }

    @Override
    public void setNeedClientAuth(boolean need) {
        engine.setNeedClientAuth(need);
    }

    @Override
    public boolean getNeedClientAuth() {
        return engine.getNeedClientAuth();
    }

    @Override
    public void setWantClientAuth(boolean want) {
        engine.setWantClientAuth(want);
    }

    @Override
    public boolean getWantClientAuth() {
        return engine.getWantClientAuth();
    }

    @Override
    public void setEnableSessionCreation(boolean flag) {
        engine.setEnableSessionCreation(flag);
    }

    @Override
    public boolean getEnableSessionCreation() {
        return engine.getEnableSessionCreation();
    }

    @Override
    public SSLParameters getSSLParameters() {
        return engine.getSSLParameters();
    }

    @Override
    public void setSSLParameters(SSLParameters params) {
        engine.setSSLParameters(params);
    }

    @Override
    public String getApplicationProtocol() {
        return engine.getApplicationProtocol();
    }

    @Override
    public String getHandshakeApplicationProtocol() {
        return engine.getHandshakeApplicationProtocol();
    }

    @Override
    public void setHandshakeApplicationProtocolSelector(BiFunction<SSLEngine, List<String>, String> selector) {
        engine.setHandshakeApplicationProtocolSelector(selector);
    }

    @Override
    public BiFunction<SSLEngine, List<String>, String> getHandshakeApplicationProtocolSelector() {
        return engine.getHandshakeApplicationProtocolSelector();
    }

    @Override
    public String toString() {
        return "PostHandshakeGuard[" + engine + "]";
    }
}
