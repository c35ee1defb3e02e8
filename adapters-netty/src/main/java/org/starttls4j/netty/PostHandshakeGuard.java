package org.starttls4j.netty;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.BiFunction;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import org.starttls4j.Failure;
import org.starttls4j.TlsVersion;

/**
 * The engine the {@code SslHandler} drives, with the core's rules for what may happen after the
 * handshake (as its own pump applies them):
 * <ul>
 * <li><b>TLS 1.2 and older: nothing.</b> An engine that goes back to handshaking is renegotiating
 *     (a client's ClientHello on a server, a server's HelloRequest on a client): a full handshake
 *     at the peer's request, over and over, and never needed by mail. The wrap or unwrap that saw it
 *     throws a {@link StartTlsException} with {@link Failure.Reason#RENEGOTIATION_REFUSED}; the
 *     {@code SslHandler} fires it through {@code exceptionCaught} (inside a
 *     {@code DecoderException}) and closes the channel.</li>
 * <li><b>TLS 1.3: KeyUpdate and NewSessionTicket, bounded.</b> Each time the engine goes back to
 *     work counts; the peer gets {@value #FREE_EPISODES} for free and one more per MiB of
 *     application data it sent, far more than any engine's key limits need, far less than a loop
 *     of KeyUpdate requests would take. Past that, the same refusal.</li>
 * </ul>
 * The JDK's engine has no per-engine switch for either. Only for engines other than Netty's
 * OpenSSL ones: those refuse renegotiation themselves, and the {@code SslHandler} must see them
 * unwrapped (it drives them natively and releases {@code OPENSSL_REFCNT} ones).
 */
final class PostHandshakeGuard extends SSLEngine {

    /** Post-handshake episodes a session allows before it counts application data. */
    static final int FREE_EPISODES = 16;
    /** Application bytes received that earn one more episode. */
    static final long BYTES_PER_EPISODE = 1 << 20;

    private final SSLEngine engine;
    private boolean handshaken;
    private boolean working;      // back to handshaking after the handshake: one episode
    private long episodes;
    private long received;        // application bytes unwrapped
    private boolean refused;

    PostHandshakeGuard(SSLEngine engine) {
        super(engine.getPeerHost(), engine.getPeerPort());
        this.engine = engine;
    }

    @Override
    public SSLEngineResult wrap(ByteBuffer[] srcs, int offset, int length, ByteBuffer dst) throws SSLException {
        return checked(engine.wrap(srcs, offset, length, dst));
    }

    @Override
    public SSLEngineResult unwrap(ByteBuffer src, ByteBuffer[] dsts, int offset, int length) throws SSLException {
        SSLEngineResult result = engine.unwrap(src, dsts, offset, length);
        received += result.bytesProduced();
        return checked(result);
    }

    private SSLEngineResult checked(SSLEngineResult result) throws SSLException {
        HandshakeStatus status = result.getHandshakeStatus();
        if (status == HandshakeStatus.FINISHED) {
            handshaken = true;
            working = false;
        } else if (status == HandshakeStatus.NOT_HANDSHAKING || !handshaken) {
            working = false;
        } else if (result.getStatus() != SSLEngineResult.Status.CLOSED
                && !engine.isInboundDone() && !engine.isOutboundDone()) { // a close_notify to answer is no handshake
            if (!working) {
                working = true;
                episodes++;
            }
            refuseIfTooMuch("the peer tried to renegotiate ");
        }
        return result;
    }

    /** Throws once: the SslHandler then closes the engine and the channel, and its last wraps go through. */
    private void refuseIfTooMuch(String why) throws StartTlsException {
        if (refused) {
            return;
        }
        String protocol = engine.getSession().getProtocol();
        if (!TlsVersion.TLS_1_3.jsseName().equals(protocol)) {
            refused = true;
            throw new StartTlsException(Failure.of(Failure.Reason.RENEGOTIATION_REFUSED,
                    why + protocol + "; renegotiation is refused"), false);
        }
        if (episodes > FREE_EPISODES + received / BYTES_PER_EPISODE) {
            refused = true;
            throw new StartTlsException(Failure.of(Failure.Reason.RENEGOTIATION_REFUSED,
                    "more TLS 1.3 post-handshake messages (KeyUpdate, NewSessionTicket) than allowed: " + episodes), false);
        }
    }

    @Override
    public void beginHandshake() throws SSLException {
        if (handshaken) {
            refuseIfTooMuch("the application asked to renegotiate ");
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
