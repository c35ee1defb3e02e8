package org.starttls4j.internal.tls;

import java.security.cert.CertificateException;
import java.util.Optional;

/**
 * Thrown by {@link ClassifyingTrustManager} so the classification survives the engine's wrapping
 * of it into an {@link javax.net.ssl.SSLHandshakeException}.
 */
final class RejectedCertificateException extends CertificateException {

    private static final long serialVersionUID = 1L;

    private final Problem problem;
    private final String subject;

    RejectedCertificateException(Problem problem, String subject, String message, Throwable cause) {
        super(problem + ": " + message, cause);
        this.problem = problem;
        this.subject = subject;
    }

    Problem problem() {
        return problem;
    }

    Optional<String> subject() {
        return Optional.ofNullable(subject);
    }
}
