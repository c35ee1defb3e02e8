package org.starttls4j.internal.tls;

import java.util.Optional;

/**
 * What {@link HandshakeFailures} made of an engine's exception, for the root to turn into its
 * {@link org.starttls4j.Failure}.
 *
 * @param kind    which failure
 * @param message the engine's words
 * @param problem for {@link Kind#CERTIFICATE}, why the certificate was rejected
 * @param subject for {@link Kind#CERTIFICATE}, the rejected certificate's subject, when known
 */
public record TlsFailure(Kind kind, String message, Optional<Problem> problem, Optional<String> subject) {

    /** The failures an engine's exception can mean. */
    public enum Kind {
        /** The certificate was rejected ({@link #problem()} says why). */
        CERTIFICATE,
        /** The peer offered only versions below the floor. */
        VERSION_TOO_OLD,
        /** The handshake failed otherwise. */
        HANDSHAKE_FAILED,
        /** An established session broke. */
        SESSION_BROKEN,
        /** The peer asked for a renegotiation, or for more TLS 1.3 post-handshake work than allowed. */
        RENEGOTIATION_REFUSED
    }

    static TlsFailure of(Kind kind, String message) {
        return new TlsFailure(kind, message, Optional.empty(), Optional.empty());
    }

    static TlsFailure certificate(Problem problem, String message, Optional<String> subject) {
        return new TlsFailure(Kind.CERTIFICATE, message, Optional.of(problem), subject);
    }
}
