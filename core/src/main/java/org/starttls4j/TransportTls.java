package org.starttls4j;

import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * The TLS step of a negotiation whose transport owns TLS ({@link Negotiation#withTransportTls()}):
 * what the transport needs to run the handshake the way the core would have run it. Offered by
 * {@link Negotiation#transportTls()} in the state {@code "AwaitingTransportTls"}, after the
 * go-ahead (or at once under implicit TLS).
 *
 * <p>Either take the {@link #engine()} (a transport that accepts an engine, such as Netty's
 * {@code new SslHandler(engine)}), or apply the {@link #parameters()} to a TLS stack that makes
 * its own (an {@code SSLSocket} layered over the connection, {@code setSSLParameters}). Then run
 * the handshake and report back with {@link Negotiation#onTlsEstablished} or
 * {@link Negotiation#onTlsFailed}. Whichever way, the core checks the established session as after
 * its own handshake: the TLS floor, the certificate's strength and host name, pins and the chain
 * check (DANE).
 *
 * <p>Immutable apart from the engine, which is made on the first call to {@link #engine()} and
 * belongs to the transport from then on: the core never closes or releases it, whatever becomes of
 * the negotiation. A transport that takes an engine but does not use it hands it back with the
 * configuration's {@link EngineFactory#release}.
 */
public final class TransportTls {

    private final Supplier<SSLEngine> setUp;
    private final EngineFactory factory;
    private SSLEngine engine;

    TransportTls(Supplier<SSLEngine> setUp, EngineFactory factory) {
        this.setUp = setUp;
        this.factory = factory;
    }

    /**
     * The engine for the handshake, made by the configuration's {@link EngineFactory} and set up
     * as the core's own pump would set it up: client or server mode, the TLS floor (no older version
     * enabled), SNI, and the configuration's trust manager where the configuration made the
     * engines. The same engine on every call; made on the first.
     *
     * @return the engine, not yet used
     */
    public synchronized SSLEngine engine() {
        if (engine == null) {
            engine = setUp.get();
        }
        return engine;
    }

    /**
     * The same settings as {@link #engine()}'s, for a TLS stack that does not take an engine: the
     * enabled protocols at or above the floor, SNI, no endpoint identification of the JDK's (the
     * core checks the host name by RFC 7817 itself once the transport reports the session). A
     * fresh copy on every call. The trust is the stack's own: the core's checks after the handshake
     * do not repeat the chain's validation against trust anchors.
     *
     * @return the parameters, a fresh copy
     */
    public SSLParameters parameters() {
        SSLEngine made;
        synchronized (this) {
            made = engine;
        }
        if (made != null) {
            return made.getSSLParameters();
        }
        SSLEngine probe = setUp.get();
        try {
            return probe.getSSLParameters();
        } finally {
            factory.release(probe);
        }
    }

    @Override
    public String toString() {
        return "TransportTls[" + (engine == null ? "no engine made" : "engine made") + "]";
    }
}
