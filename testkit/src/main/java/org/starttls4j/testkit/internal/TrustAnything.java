package org.starttls4j.testkit.internal;

import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/** A client context that accepts any certificate: for hostile clients, whose checks are about the dialog, not the certificate. */
public final class TrustAnything {

    private TrustAnything() {
    }

    /**
     * A fresh client context that checks no certificate.
     *
     * @return the context
     * @throws GeneralSecurityException when the JDK has no TLS
     */
    public static SSLContext context() throws GeneralSecurityException {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
                // a hostile client checks nothing
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
                // the point of this context
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        return context;
    }
}
