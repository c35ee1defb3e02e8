package org.starttls4j;

import java.util.Objects;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
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
 * <p><b>After the handshake.</b> The core's rule for the session holds at the seam too: a TLS 1.2
 * renegotiation is refused and TLS 1.3 KeyUpdates and tickets are bounded (16 free, one more per
 * MiB received), by the same count the core's {@link SecureSession} keeps. The engine handed out
 * applies it: its {@code wrap} or {@code unwrap} throws a {@link RenegotiationRefusedException}.
 * Before it, the engine reads at most the configuration's {@link Limits#maxHandshakeBytes()} from
 * the peer, as the core's own pump does: past that its {@code unwrap} throws an {@code SSLException}.
 * A stack that makes its own engine from the {@link #parameters()} applies its own rules.
 *
 * <p>Immutable apart from the engine, which is made on the first call to {@link #engine()} and
 * belongs to the transport from then on: the core never closes or releases it, whatever becomes of
 * the negotiation. A transport that takes an engine but does not use it hands it back with
 * {@link #release()}.
 */
public final class TransportTls {

    private final Supplier<SSLEngine> newEngine;
    private final UnaryOperator<SSLEngine> setUp;
    private final EngineFactory factory;
    private final int maxHandshakeBytes;
    private SSLEngine made;   // as the factory made it and the core set it up
    private SSLEngine engine; // what the transport got: made, or made under a PostHandshakeGuard

    TransportTls(Supplier<SSLEngine> newEngine, UnaryOperator<SSLEngine> setUp, EngineFactory factory) {
        this(newEngine, setUp, factory, Limits.DEFAULT_MAX_HANDSHAKE_BYTES);
    }

    /** {@code maxHandshakeBytes}: what the engine handed out may read before its handshake is done (see {@link PostHandshakeGuard}). */
    TransportTls(Supplier<SSLEngine> newEngine, UnaryOperator<SSLEngine> setUp, EngineFactory factory, int maxHandshakeBytes) {
        this.newEngine = newEngine;
        this.setUp = setUp;
        this.factory = factory;
        this.maxHandshakeBytes = maxHandshakeBytes;
    }

    /**
     * The engine for the handshake, made by the configuration's {@link EngineFactory} and set up
     * as the core's own pump would set it up: client or server mode, the TLS floor (no older version
     * enabled), SNI, and the configuration's trust manager where the configuration made the
     * engines; and applying the core's rule after the handshake (see the class comment). The same
     * engine on every call; made on the first.
     *
     * @return the engine, not yet used
     */
    public SSLEngine engine() {
        return engine(made -> false);
    }

    /**
     * {@link #engine()}, but an engine that {@code appliesItsOwnRule} accepts comes as its factory
     * made it. For a stack that must see some engines as they are, and answers for what they allow
     * after the handshake: Netty's {@code SslHandler} drives its OpenSSL engines natively (and
     * releases the reference-counted ones) only when it sees them unwrapped, and BoringSSL refuses
     * or bounds renegotiation and KeyUpdates itself. The first call decides; later calls of either
     * method return the same engine.
     *
     * @param appliesItsOwnRule whether the factory's engine is to be handed out as it is
     * @return the engine, not yet used
     */
    public synchronized SSLEngine engine(Predicate<? super SSLEngine> appliesItsOwnRule) {
        Objects.requireNonNull(appliesItsOwnRule, "appliesItsOwnRule");
        if (engine == null) {
            made = newEngine.get();
            engine = appliesItsOwnRule.test(made) ? made : new PostHandshakeGuard(made, maxHandshakeBytes);
        }
        return engine;
    }

    /**
     * Takes an engine the transport made itself as this step's engine, applying the core's rule
     * after the handshake as {@link #engine(Predicate)} does: for a stack that picks its engine
     * only once the handshake has begun, such as Netty's {@code SniHandler}, which makes it from
     * the {@code SslContext} the ClientHello's server name selects, or Netty's {@code SslHandler}
     * made by its {@code SslContext}. The engine is the transport's (not the configuration's
     * factory's: {@link #release()} leaves it alone), but it is set up as {@link #engine()}'s is:
     * client or server mode (which must be the one it was made for), the TLS floor, SNI, and no
     * endpoint identification of its own; its trust is the transport's. Later calls of
     * {@link #engine()} return it.
     *
     * @param made              the transport's engine, not yet used
     * @param appliesItsOwnRule whether {@code made} is to be handed back as it is
     * @return the engine to drive: {@code made}, or {@code made} applying the core's rule
     * @throws IllegalStateException if this step already handed out an engine, or {@code made}
     *                               enables no TLS version at or above the floor
     */
    public synchronized SSLEngine adopt(SSLEngine made, Predicate<? super SSLEngine> appliesItsOwnRule) {
        Objects.requireNonNull(made, "made");
        Objects.requireNonNull(appliesItsOwnRule, "appliesItsOwnRule");
        if (engine != null) {
            throw new IllegalStateException("this TLS step already handed out its engine: " + engine);
        }
        setUp.apply(made);
        engine = appliesItsOwnRule.test(made) ? made : new PostHandshakeGuard(made, maxHandshakeBytes);
        return engine;
    }

    /**
     * Whether the session may hold the peer's certificates: a server asks its engine before it
     * asks the session, because an engine that requested none answers with an exception and its
     * stack trace (Netty's OpenSSL session: ~0.7 KB and a few microseconds per connection). A stack
     * that took no engine of ours may have asked for anything.
     */
    synchronized boolean mayHavePeerCertificates() {
        return engine == null || engine.getUseClientMode() || engine.getNeedClientAuth() || engine.getWantClientAuth();
    }

    /**
     * Hands an engine the transport took but did not use back to the configuration's
     * {@link EngineFactory#release}; nothing if none was made. Not for an engine the transport
     * used: that one is the transport's to close and release (Netty's {@code SslHandler} does).
     */
    public void release() {
        SSLEngine unused;
        synchronized (this) {
            unused = made;
            made = null;
        }
        if (unused != null) {
            factory.release(unused);
        }
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
        SSLEngine handed;
        synchronized (this) {
            handed = engine;
        }
        if (handed != null) {
            return handed.getSSLParameters();
        }
        SSLEngine probe = newEngine.get();
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
