package org.starttls4j.tls;

import java.net.Socket;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import org.starttls4j.CertificateProblem;

/**
 * Wraps the real trust manager to say <em>why</em> a server certificate was rejected. The JDK
 * reports every rejection as an {@link CertificateException} with free text; TLS-RPT (RFC 8460)
 * wants host mismatch, expiry and untrusted chains told apart. On the (rare) failure path this
 * checks once more without the hostname to tell a mismatch from an untrusted chain; the success
 * path costs nothing extra.
 */
final class ClassifyingTrustManager extends X509ExtendedTrustManager {

    private final X509ExtendedTrustManager delegate;

    ClassifyingTrustManager(X509ExtendedTrustManager delegate) {
        this.delegate = delegate;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        try {
            delegate.checkServerTrusted(chain, authType, engine);
        } catch (CertificateException e) {
            throw classify(e, chain, authType);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        try {
            delegate.checkServerTrusted(chain, authType, socket);
        } catch (CertificateException e) {
            throw classify(e, chain, authType);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        try {
            delegate.checkServerTrusted(chain, authType);
        } catch (CertificateException e) {
            throw classify(e, chain, authType);
        }
    }

    private RejectedCertificateException classify(CertificateException e, X509Certificate[] chain, String authType) {
        String subject = chain.length == 0 ? null : chain[0].getSubjectX500Principal().getName();
        CertificateProblem problem = validityProblem(e);
        if (problem == null) {
            problem = chainTrustedWithoutHostname(chain, authType) ? CertificateProblem.HOST_MISMATCH
                    : CertificateProblem.NOT_TRUSTED;
        }
        return new RejectedCertificateException(problem, subject, e);
    }

    private boolean chainTrustedWithoutHostname(X509Certificate[] chain, String authType) {
        try {
            delegate.checkServerTrusted(chain, authType);
            return true;
        } catch (CertificateException | RuntimeException e) {
            return false;
        }
    }

    /** Expiry or not-yet-valid, found anywhere in the cause chain; null for anything else. */
    static CertificateProblem validityProblem(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CertificateExpiredException) {
                return CertificateProblem.EXPIRED;
            }
            if (t instanceof CertificateNotYetValidException) {
                return CertificateProblem.NOT_YET_VALID;
            }
            if (t instanceof CertPathValidatorException) {
                CertPathValidatorException.Reason reason = ((CertPathValidatorException) t).getReason();
                if (reason == CertPathValidatorException.BasicReason.EXPIRED) {
                    return CertificateProblem.EXPIRED;
                }
                if (reason == CertPathValidatorException.BasicReason.NOT_YET_VALID) {
                    return CertificateProblem.NOT_YET_VALID;
                }
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        delegate.checkClientTrusted(chain, authType, engine);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        delegate.checkClientTrusted(chain, authType, socket);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        delegate.checkClientTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return delegate.getAcceptedIssuers();
    }
}
