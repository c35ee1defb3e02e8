package org.starttls4j.tls;

import java.security.cert.CertPathBuilderException;
import java.security.cert.CertificateException;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.SSLException;
import org.starttls4j.CertificateProblem;
import org.starttls4j.Failure;

/**
 * Turns an engine's exception into a {@link Failure}. Our own trust manager classifies exactly;
 * for other providers the exception types and, last, the alert names in the message are read.
 */
public final class HandshakeFailures {

    private HandshakeFailures() {
    }

    /**
     * Classifies a handshake failure.
     *
     * @param e the engine's exception
     * @return the failure
     */
    public static Failure classify(SSLException e) {
        String message = describe(e);
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof RejectedCertificateException) {
                RejectedCertificateException rejected = (RejectedCertificateException) t;
                return Failure.certificate(rejected.problem(), message, rejected.subject());
            }
            if (t.getCause() == t) {
                break;
            }
        }
        CertificateProblem validity = ClassifyingTrustManager.validityProblem(e);
        if (validity != null) {
            return Failure.certificate(validity, message, Optional.empty());
        }
        String text = allMessages(e).toLowerCase(Locale.ROOT);
        if (text.contains("no subject alternative") || text.contains("no name matching")) {
            return Failure.certificate(CertificateProblem.HOST_MISMATCH, message, Optional.empty());
        }
        if (hasCause(e, CertificateException.class) || hasCause(e, CertPathBuilderException.class)
                || text.contains("pkix path") || text.contains("certificate_unknown") || text.contains("bad_certificate")) {
            return Failure.certificate(CertificateProblem.NOT_TRUSTED, message, Optional.empty());
        }
        if (text.contains("protocol_version") || text.contains("protocol version")
                || text.contains("no appropriate protocol") || text.contains("not accepted by")
                || text.contains("unsupported protocol")) {
            return Failure.of(Failure.Reason.TLS_VERSION_TOO_OLD, message);
        }
        return Failure.of(Failure.Reason.TLS_HANDSHAKE_FAILED, message);
    }

    private static String describe(SSLException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static String allMessages(Throwable e) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append('\n');
            if (t.getCause() == t) {
                break;
            }
        }
        return all.toString();
    }

    private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }
}
