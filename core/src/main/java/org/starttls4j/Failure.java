package org.starttls4j;

import java.util.Objects;
import java.util.Optional;

/**
 * Why a negotiation ended without the connection the policy asks for. Peer misbehaviour is always
 * reported this way, never thrown. The bytes to send before closing (a {@code QUIT}, a
 * {@code 421}, a TLS alert) are the {@link Transition#outbound()} of the transition that failed.
 *
 * @param reason             the stable classification
 * @param message            a human-readable explanation
 * @param peerReply          the peer's reply or command that caused it, where there was one. Text
 *                           received before TLS is untrusted: show it, never act on it.
 * @param certificateProblem for {@link Reason#CERTIFICATE_REJECTED}, what was wrong
 * @param certificateSubject for {@link Reason#CERTIFICATE_REJECTED}, the rejected certificate's
 *                           subject, where the engine showed it
 */
public record Failure(Reason reason, String message, Optional<String> peerReply,
                      Optional<CertificateProblem> certificateProblem, Optional<String> certificateSubject) {

    /**
     * Checks the components are present.
     *
     * @param reason the stable classification
     * @param message a human-readable explanation
     * @param peerReply the peer's reply or command that caused it, where there was one. Text received
     *                  before TLS is untrusted: show it, never act on it.
     * @param certificateProblem for {@link Reason#CERTIFICATE_REJECTED}, what was wrong
     * @param certificateSubject for {@link Reason#CERTIFICATE_REJECTED}, the rejected certificate's
     *                           subject, where the engine showed it
     */
    public Failure {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(peerReply, "peerReply");
        Objects.requireNonNull(certificateProblem, "certificateProblem");
        Objects.requireNonNull(certificateSubject, "certificateSubject");
    }

    /**
     * A failure with no peer reply and no certificate.
     *
     * @param reason the stable classification
     * @param message a human-readable explanation
     * @return the failure
     */
    public static Failure of(Reason reason, String message) {
        return new Failure(reason, message, Optional.empty(), Optional.empty(), Optional.empty());
    }

    /**
     * A failure caused by what the peer sent.
     *
     * @param reason the stable classification
     * @param message a human-readable explanation
     * @param peerReply the peer's reply or command that caused it, where there was one. Text received
     *                  before TLS is untrusted: show it, never act on it.
     * @return the failure
     */
    public static Failure of(Reason reason, String message, String peerReply) {
        return new Failure(reason, message, Optional.of(peerReply), Optional.empty(), Optional.empty());
    }

    /**
     * A rejected certificate.
     *
     * @param problem what was wrong with the certificate
     * @param message a human-readable explanation
     * @param subject the rejected certificate's subject, where the engine showed it
     * @return the failure
     */
    public static Failure certificate(CertificateProblem problem, String message, Optional<String> subject) {
        return new Failure(Reason.CERTIFICATE_REJECTED, message, Optional.empty(), Optional.of(problem), subject);
    }

    /**
     * The RFC 8460 (TLS-RPT) result type for this failure: {@code starttls-not-supported} when
     * the peer did not offer, refused or made impossible STARTTLS, the certificate problem's own
     * type for a rejected certificate, and {@code validation-failure} for everything else.
     *
     * @return the result type
     */
    public String tlsRptResultType() {
        return TlsRptResultTypes.of(reason, certificateProblem.orElse(null));
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(reason.name()).append(": ").append(message);
        certificateProblem.ifPresent(p -> s.append(" [").append(p).append(']'));
        certificateSubject.ifPresent(subject -> s.append(" subject=").append(subject));
        peerReply.ifPresent(r -> s.append(" (peer said: ").append(r).append(')'));
        return s.toString();
    }

    /** The stable classification of a failure. Names never change meaning between releases. */
    public enum Reason {
        /** The server did not announce STARTTLS/STLS. */
        STARTTLS_NOT_OFFERED,
        /** The server answered STARTTLS/STLS with a refusal (SMTP 454, IMAP NO/BAD, POP3 -ERR). */
        STARTTLS_REFUSED,
        /** (Server) The client went on in plaintext without STARTTLS; reported only on a plaintext hand-over. */
        STARTTLS_NOT_USED,
        /** Plaintext arrived after the STARTTLS command or its go-ahead; none of it was acted on. */
        PLAINTEXT_INJECTION,
        /** An IMAP server said PREAUTH, so STARTTLS is impossible, and the policy requires TLS. */
        PREAUTH_WITHOUT_TLS,
        /** The server's greeting said it will not serve (SMTP 554, IMAP BYE, POP3 -ERR). */
        GREETING_REJECTED,
        /** The peer said it is closing the connection (SMTP 421, IMAP BYE, client QUIT/LOGOUT). */
        SERVICE_CLOSING,
        /** The server rejected the capability request outright (SMTP EHLO and HELO both refused). */
        COMMAND_REJECTED,
        /** A reply arrived when no command was outstanding, a second reply to one command, or a tag that was never sent. */
        UNEXPECTED_REPLY,
        /** A reply that breaks the protocol's syntax: bad code, bare LF, NUL, inconsistent multi-line reply. */
        MALFORMED_REPLY,
        /** A client command that breaks the protocol's syntax (bare LF, NUL). */
        MALFORMED_COMMAND,
        /** A line longer than {@link Limits#maxLineLength()}. */
        LINE_TOO_LONG,
        /**
         * A multi-line reply (or, on a server, a multi-line command) longer than
         * {@link Limits#maxLinesPerReply()}, or an IMAP literal over {@link Limits#maxLiteralSize()}.
         */
        REPLY_TOO_LONG,
        /** More than {@link Limits#maxPlaintextBytes()} received before TLS. */
        TOO_MUCH_PLAINTEXT,
        /** The TLS handshake failed for a reason other than the certificate or the version. */
        TLS_HANDSHAKE_FAILED,
        /**
         * TLS broke after the handshake: a record the peer should never have sent (longer than
         * TLS allows, an empty TLS 1.3 record, one that fails its integrity check) or a fatal
         * alert, in the dialog after TLS or on the {@link SecureSession} after the hand-over.
         */
        TLS_SESSION_BROKEN,
        /** The peer's certificate was rejected; {@link Failure#certificateProblem()} says why. */
        CERTIFICATE_REJECTED,
        /** The peer offered only TLS versions below the configured floor. */
        TLS_VERSION_TOO_OLD,
        /** The peer closed the connection (or TLS, with or without close_notify) mid-negotiation. */
        PEER_CLOSED,
        /**
         * This side ended the negotiation (or the session) itself: the application closed the
         * channel or removed the handler mid-negotiation, or the adapter could not go on (its
         * delegated-task executor refused the handshake's tasks). The peer did nothing wrong.
         * TLS-RPT: {@code validation-failure}, the type of every session that did not reach the
         * policy's TLS; the reporter may prefer to leave such a session out.
         */
        LOCAL_ABORT,
        /** The peer did not answer before the deadline. */
        TIMEOUT,
        /**
         * (Server) The client sent more than {@link Limits#maxCommandsBeforeTls()} commands before
         * TLS or the hand-over; the last was not executed, and the connection ends with the
         * protocol's own words ({@code 421 4.7.0}, {@code * BYE}, {@code -ERR}). A server-side
         * reason: TLS-RPT reports are the sending side's, so it maps to {@code validation-failure}
         * only as every reason without a type of its own does.
         */
        TOO_MANY_COMMANDS,
        /**
         * (Server) A client command longer than {@link Limits#maxLineLength()}, a command of more
         * than {@link Limits#maxLinesPerReply()} lines, or a command's IMAP literal over
         * {@link Limits#maxLiteralSize()}. The client-side counterparts are {@link #LINE_TOO_LONG}
         * and {@link #REPLY_TOO_LONG}. TLS-RPT: {@code validation-failure}, as for every reason
         * without a type of its own.
         */
        COMMAND_TOO_LONG,
        /**
         * The peer tried to renegotiate TLS 1.2 (a ClientHello after the handshake, or a server's
         * HelloRequest), or sent more TLS 1.3 post-handshake requests (KeyUpdate) than the bound
         * allows, during the negotiation or afterwards through {@link SecureSession}. A renegotiation
         * is a full handshake on the server's CPU at the client's request and is never accepted.
         * TLS-RPT: {@code validation-failure}.
         */
        RENEGOTIATION_REFUSED,
        /**
         * (Server) Refused at capacity: the connection got the protocol's "too busy" reply
         * ({@code 421 4.3.2}, {@code * BYE [UNAVAILABLE]}, {@code -ERR [SYS/TEMP]}) from
         * {@link Negotiation#beginAtCapacity} and was closed. A server-side reason; TLS-RPT
         * {@code validation-failure} only as the default.
         */
        SERVER_BUSY
    }
}
