package org.starttls4j;

import java.util.Optional;
import javax.net.ssl.SSLException;
import org.starttls4j.internal.tls.HandshakeFailures;
import org.starttls4j.internal.tls.Problem;
import org.starttls4j.internal.tls.TlsFailure;

/**
 * The one place where the inside's classification of TLS failures ({@link HandshakeFailures},
 * the pump's refusals) becomes the public {@link Failure}: the core's own pump, the sessions it
 * hands over and the transport's reports ({@link Negotiation#onTlsFailed}) all go through here.
 */
final class TlsFailures {

    private TlsFailures() {
    }

    /** An engine's exception, during the handshake or ({@code afterHandshake}) after it. */
    static Failure classify(SSLException e, boolean afterHandshake) {
        return of(HandshakeFailures.classify(e, afterHandshake));
    }

    static Failure of(TlsFailure failure) {
        return switch (failure.kind()) {
            case CERTIFICATE -> Failure.certificate(problem(failure.problem().orElseThrow()), failure.message(), failure.subject());
            case VERSION_TOO_OLD -> Failure.of(Failure.Reason.TLS_VERSION_TOO_OLD, failure.message());
            case HANDSHAKE_FAILED -> Failure.of(Failure.Reason.TLS_HANDSHAKE_FAILED, failure.message());
            case SESSION_BROKEN -> Failure.of(Failure.Reason.TLS_SESSION_BROKEN, failure.message());
            case RENEGOTIATION_REFUSED -> Failure.of(Failure.Reason.RENEGOTIATION_REFUSED, failure.message());
        };
    }

    /** The public problem of the same name. */
    static CertificateProblem problem(Problem problem) {
        return CertificateProblem.valueOf(problem.name());
    }

    /** The weakness of a chain as a certificate failure. */
    static Failure weak(Problem problem, String message, Optional<String> subject) {
        return Failure.certificate(problem(problem), message, subject);
    }
}
