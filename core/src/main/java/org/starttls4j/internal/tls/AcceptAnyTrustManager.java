package org.starttls4j.internal.tls;

import java.net.Socket;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Accepts every server certificate. Used only when the caller chose
 * {@link org.starttls4j.CertificateCheck#dangerouslyAcceptAny()} or pins alone
 * ({@link org.starttls4j.CertificateCheck#pinnedOnly}), which are checked after the handshake.
 */
final class AcceptAnyTrustManager extends X509ExtendedTrustManager {

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        // accepted by the caller's explicit choice
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        // accepted by the caller's explicit choice
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {
        // accepted by the caller's explicit choice
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        // a client context never checks client certificates
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        // a client context never checks client certificates
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {
        // a client context never checks client certificates
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}
