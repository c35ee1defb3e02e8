package org.starttls4j;

import javax.net.ssl.SSLEngine;

/**
 * Makes the {@link SSLEngine} for one connection, for callers who bring their own TLS provider
 * (BouncyCastle JSSE, Netty's OpenSSL engine, …). The negotiation still sets the client/server
 * mode, the enabled protocols (never below the floor), SNI and hostname verification on it.
 *
 * <p>Every engine made is handed back exactly once to {@link #release} when the core is done
 * with it, so a factory whose engines hold native memory until released (Netty's
 * {@code SslProvider.OPENSSL_REFCNT}) can free it there; see {@link #release} for when.
 */
@FunctionalInterface
public interface EngineFactory {

    /**
     * A new engine.
     *
     * @param peerHost the peer's host name, or null on a server
     * @param peerPort the peer's port, or -1 when unknown
     * @return an engine not yet used
     */
    SSLEngine create(String peerHost, int peerPort);

    /**
     * Takes back an engine this factory made, once the core is done with it: after a failed
     * negotiation; for a {@link SecureSession}, once {@link SecureSession#close} has returned
     * {@link TlsResult.Status#CLOSED} or {@link SecureSession#onEndOfStream} was called, whichever
     * comes first; and for the engine a configuration makes when it is built, to check its
     * versions. Called exactly once per engine, on the thread using the negotiation or session. A
     * negotiation that its caller abandons before it finishes never gets here (the engine is then
     * the garbage collector's). The default does nothing: JDK engines need no release.
     *
     * @param engine an engine from {@link #create}, not used by the core after this call
     */
    default void release(SSLEngine engine) {
    }
}
