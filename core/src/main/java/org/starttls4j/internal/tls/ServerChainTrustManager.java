package org.starttls4j.internal.tls;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * A client context's trust manager: it judges the server's chain, whichever of the JDK's three
 * overloads the engine calls, and never a client's. A client context is never asked about a
 * client's chain; were it misused by a server that requests client certificates, it refuses
 * rather than vouch for a chain it was not built to judge.
 */
abstract class ServerChainTrustManager extends X509ExtendedTrustManager {

    /** The overload the engine called, replayed on a trust manager this one wraps. */
    interface Overload {
        /**
         * Calls the same overload, with the same arguments, on {@code delegate}.
         *
         * @param delegate the wrapped trust manager
         * @throws CertificateException as {@code delegate} does
         */
        void replayOn(X509ExtendedTrustManager delegate) throws CertificateException;
    }

    /**
     * Judges a server's chain.
     *
     * @param chain    the server's chain, leaf first
     * @param authType the key exchange's authentication type, as the engine names it
     * @param overload the engine's call, to replay on a wrapped trust manager (with the engine or
     *                 socket it passed, which the JDK's algorithm constraints read)
     * @throws CertificateException when the chain is rejected
     */
    abstract void checkServer(X509Certificate[] chain, String authType, Overload overload) throws CertificateException;

    @Override
    public final void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        checkServer(chain, authType, delegate -> delegate.checkServerTrusted(chain, authType, engine));
    }

    @Override
    public final void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        checkServer(chain, authType, delegate -> delegate.checkServerTrusted(chain, authType, socket));
    }

    @Override
    public final void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        checkServer(chain, authType, delegate -> delegate.checkServerTrusted(chain, authType));
    }

    @Override
    public final void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        throw clientChain();
    }

    @Override
    public final void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        throw clientChain();
    }

    @Override
    public final void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw clientChain();
    }

    private static CertificateException clientChain() {
        return new CertificateException("a client context's trust manager judges no client certificate");
    }
}
