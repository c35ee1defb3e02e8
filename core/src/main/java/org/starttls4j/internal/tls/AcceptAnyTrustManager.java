package org.starttls4j.internal.tls;

import java.security.cert.X509Certificate;

/**
 * Accepts every server certificate. Used only when the caller chose
 * {@link org.starttls4j.CertificateCheck#dangerouslyAcceptAny()} or pins alone
 * ({@link org.starttls4j.CertificateCheck#pinnedOnly}), which are checked after the handshake.
 */
final class AcceptAnyTrustManager extends ServerChainTrustManager {

    @Override
    void checkServer(X509Certificate[] chain, String authType, Overload overload) {
        // accepted by the caller's explicit choice
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}
