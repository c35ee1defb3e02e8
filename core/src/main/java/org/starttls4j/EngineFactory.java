package org.starttls4j;

import javax.net.ssl.SSLEngine;

/**
 * Makes the {@link SSLEngine} for one connection, for callers who bring their own TLS provider
 * (BouncyCastle JSSE, Netty's OpenSSL engine, …). The negotiation still sets the client/server
 * mode, the enabled protocols (never below the floor), SNI and hostname verification on it.
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
}
