package org.starttls4j.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLEngineResult.Status;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSession;
import org.bouncycastle.tls.TlsContext;
import org.bouncycastle.tls.TlsProtocol;

/**
 * An {@link SSLEngine} face on BouncyCastle's low-level, non-blocking TLS API
 * ({@link TlsProtocol}), for {@link LegacyTls}.
 *
 * <p>Why not BCJSSE's own engine: BCJSSE, like SunJSSE, filters protocol versions through the
 * {@code jdk.tls.disabledAlgorithms} security property (read once, JVM-wide), so neither can speak
 * TLS 1.0/1.1 without changing global state. The low-level API has no such filter; the versions
 * it offers are exactly what the {@code TlsPeer} returns.
 *
 * <p>Deliberately minimal: enough for {@link EnginePair} and simple application-data exchange.
 * Unlike a real engine, {@code unwrap} consumes all available input at once (the protocol object
 * buffers partial records itself), there is no renegotiation and no client authentication, and
 * cipher suites are fixed by whoever built the peer. So are the protocols, unless the builder
 * passed a listener for them: then {@code setEnabledProtocols} (and so {@code setSSLParameters})
 * before the handshake changes the versions the peer offers, as a real engine's would.
 */
final class BcTlsEngine extends SSLEngine {

    /** Starts the handshake on the protocol object ({@code connect} or {@code accept}). */
    @FunctionalInterface
    interface Start {
        void run() throws IOException;
    }

    private final TlsProtocol protocol;
    private final Start start;
    private final Supplier<TlsContext> context;
    private final boolean clientMode;
    private final Consumer<String[]> protocolsChanged;
    private final String[] cipherSuites;
    private final String[] supportedProtocols;
    private String[] protocols;

    private boolean begun;
    private boolean finishedReported;
    private boolean outboundClosed;

    /**
     * @param protocol a {@link TlsProtocol} created with its no-argument (non-blocking) constructor
     * @param start connects or accepts with the peer
     * @param context the peer's context; may return {@code null} before the handshake started
     * @param protocols the JSSE names of the versions the peer offers
     * @param cipherSuites the JSSE names of the suites the peer offers (for reporting only)
     * @param protocolsChanged told the versions {@code setEnabledProtocols} enables, before the
     *                         handshake; null if the versions are fixed
     */
    BcTlsEngine(TlsProtocol protocol, Start start, Supplier<TlsContext> context, boolean clientMode,
            String peerHost, int peerPort, String[] protocols, String[] cipherSuites, Consumer<String[]> protocolsChanged) {
        super(peerHost, peerPort);
        this.protocol = protocol;
        this.start = start;
        this.context = context;
        this.clientMode = clientMode;
        this.supportedProtocols = protocols.clone();
        this.protocols = protocols.clone();
        this.cipherSuites = cipherSuites.clone();
        this.protocolsChanged = protocolsChanged;
    }

    // ------------------------------------------------------------------ handshake and I/O

    @Override
    public synchronized void beginHandshake() throws SSLException {
        if (begun) {
            throw new SSLException("renegotiation is not supported");
        }
        begun = true;
        try {
            start.run();
        } catch (IOException e) {
            throw handshakeFailure(e);
        }
    }

    @Override
    public synchronized HandshakeStatus getHandshakeStatus() {
        if (!begun) {
            return HandshakeStatus.NOT_HANDSHAKING;
        }
        if (protocol.getAvailableOutputBytes() > 0) {
            return HandshakeStatus.NEED_WRAP; // handshake messages, or a fatal alert to flush
        }
        if (protocol.isHandshaking()) {
            return HandshakeStatus.NEED_UNWRAP;
        }
        return HandshakeStatus.NOT_HANDSHAKING;
    }

    @Override
    public synchronized SSLEngineResult wrap(ByteBuffer[] sources, int offset, int length, ByteBuffer destination)
            throws SSLException {
        if (!begun) {
            beginHandshake();
        }
        int consumed = 0;
        if (protocol.getAvailableOutputBytes() == 0 && isConnected() && !outboundClosed) {
            consumed = encrypt(sources, offset, length);
        }
        int available = protocol.getAvailableOutputBytes();
        if (available > 0 && destination.remaining() == 0) {
            return new SSLEngineResult(Status.BUFFER_OVERFLOW, getHandshakeStatus(), consumed, 0);
        }
        int produced = protocol.readOutput(destination, Math.min(available, destination.remaining()));
        Status status = isOutboundDone() ? Status.CLOSED : Status.OK;
        return new SSLEngineResult(status, resultStatus(), consumed, produced);
    }

    @Override
    public synchronized SSLEngineResult unwrap(ByteBuffer source, ByteBuffer[] destinations, int offset, int length)
            throws SSLException {
        if (!begun) {
            beginHandshake();
        }
        int consumed = source.remaining();
        if (consumed > 0 && !protocol.isClosed()) {
            byte[] input = new byte[consumed];
            source.get(input);
            boolean handshaking = protocol.isHandshaking(); // a failure closes the protocol
            try {
                protocol.offerInput(input);
            } catch (IOException e) {
                throw handshaking ? handshakeFailure(e) : new SSLException(e.getMessage(), e);
            }
        }
        int produced = 0;
        for (int i = offset; i < offset + length && protocol.getAvailableInputBytes() > 0; i++) {
            ByteBuffer destination = destinations[i];
            produced += protocol.readInput(destination,
                    Math.min(destination.remaining(), protocol.getAvailableInputBytes()));
        }
        Status status = isInboundDone() ? Status.CLOSED : Status.OK;
        return new SSLEngineResult(status, resultStatus(), consumed, produced);
    }

    /** Feeds application data to the protocol, which encrypts it into its output buffer. */
    private int encrypt(ByteBuffer[] sources, int offset, int length) throws SSLException {
        int consumed = 0;
        int limit = protocol.getApplicationDataLimit();
        for (int i = offset; i < offset + length && consumed < limit; i++) {
            ByteBuffer source = sources[i];
            int count = Math.min(source.remaining(), limit - consumed);
            byte[] plain = new byte[count];
            source.get(plain);
            try {
                protocol.writeApplicationData(plain, 0, count);
            } catch (IOException e) {
                throw new SSLException(e.getMessage(), e);
            }
            consumed += count;
        }
        return consumed;
    }

    /** Like {@link #getHandshakeStatus()}, but reports FINISHED once, as the SSLEngine contract asks. */
    private HandshakeStatus resultStatus() {
        HandshakeStatus status = getHandshakeStatus();
        if (status == HandshakeStatus.NOT_HANDSHAKING && isConnected() && !finishedReported) {
            finishedReported = true;
            return HandshakeStatus.FINISHED;
        }
        return status;
    }

    private boolean isConnected() {
        return begun && protocol.isConnected() && !protocol.isHandshaking();
    }

    private static SSLHandshakeException handshakeFailure(IOException cause) {
        SSLHandshakeException e = new SSLHandshakeException(String.valueOf(cause.getMessage()));
        e.initCause(cause);
        return e;
    }

    // ------------------------------------------------------------------ sessions

    @Override
    public synchronized SSLSession getSession() {
        return isConnected() ? BcTlsSession.of(context.get().getSecurityParametersConnection(), this)
                : BcTlsSession.none(this);
    }

    /** During the handshake: what has been negotiated so far, e.g. the version once ServerHello is out. */
    @Override
    public synchronized SSLSession getHandshakeSession() {
        TlsContext tlsContext = context.get();
        if (!begun || tlsContext == null || tlsContext.getSecurityParametersHandshake() == null) {
            return null;
        }
        return BcTlsSession.of(tlsContext.getSecurityParametersHandshake(), this);
    }

    // ------------------------------------------------------------------ closing

    @Override
    public synchronized void closeInbound() throws SSLException {
        closeOutbound();
    }

    @Override
    public synchronized boolean isInboundDone() {
        return protocol.isClosed() && protocol.getAvailableInputBytes() == 0;
    }

    @Override
    public synchronized void closeOutbound() {
        outboundClosed = true;
        if (!begun) {
            return; // nothing to tell a peer we never talked to
        }
        try {
            protocol.close(); // queues close_notify (or nothing if never started)
        } catch (IOException e) {
            // Closing is best effort; the engine is done either way.
        }
    }

    @Override
    public synchronized boolean isOutboundDone() {
        return (outboundClosed || protocol.isClosed()) && protocol.getAvailableOutputBytes() == 0;
    }

    // ------------------------------------------------------------------ fixed configuration

    @Override
    public Runnable getDelegatedTask() {
        return null; // all work happens inline in wrap/unwrap
    }

    @Override
    public String[] getSupportedCipherSuites() {
        return cipherSuites.clone();
    }

    @Override
    public String[] getEnabledCipherSuites() {
        return cipherSuites.clone();
    }

    @Override
    public void setEnabledCipherSuites(String[] suites) {
        // setSSLParameters hands back what getSSLParameters read: the same suites are no change.
        if (!Arrays.equals(suites, cipherSuites)) {
            throw new UnsupportedOperationException("cipher suites are fixed by the engine's creator");
        }
    }

    @Override
    public String[] getSupportedProtocols() {
        return supportedProtocols.clone();
    }

    @Override
    public synchronized String[] getEnabledProtocols() {
        return protocols.clone();
    }

    @Override
    public synchronized void setEnabledProtocols(String[] enabled) {
        if (protocolsChanged == null) {
            throw new UnsupportedOperationException("protocols are fixed by the engine's creator");
        }
        if (begun) {
            throw new IllegalStateException("the handshake has begun");
        }
        protocols = enabled.clone();
        protocolsChanged.accept(protocols.clone());
    }

    @Override
    public void setUseClientMode(boolean mode) {
        if (mode != clientMode) {
            throw new IllegalArgumentException("this engine is fixed to " + (clientMode ? "client" : "server") + " mode");
        }
    }

    @Override
    public boolean getUseClientMode() {
        return clientMode;
    }

    @Override
    public void setNeedClientAuth(boolean need) {
        requireNoClientAuth(need);
    }

    @Override
    public boolean getNeedClientAuth() {
        return false;
    }

    @Override
    public void setWantClientAuth(boolean want) {
        requireNoClientAuth(want);
    }

    @Override
    public boolean getWantClientAuth() {
        return false;
    }

    private static void requireNoClientAuth(boolean requested) {
        if (requested) {
            throw new UnsupportedOperationException("client authentication is not supported");
        }
    }

    @Override
    public void setEnableSessionCreation(boolean flag) {
        if (!flag) {
            throw new UnsupportedOperationException("every handshake creates a new session");
        }
    }

    @Override
    public boolean getEnableSessionCreation() {
        return true;
    }
}
