package org.starttls4j;

import java.time.Instant;
import java.util.Objects;

/**
 * Something that happened during a negotiation, reported in {@link Transition#events()} in the
 * order it happened. The {@link Line} events together are the transcript.
 */
public sealed interface Event {

    /** Which way a transcript line travelled. */
    enum Direction {
        /** From the peer to us. */
        RECEIVED,
        /** From us to the peer. */
        SENT
    }

    /**
     * One line of the dialog, as it crossed the wire.
     *
     * @param direction whether we sent or received it
     * @param encrypted whether it travelled inside TLS
     * @param at        the time passed in with the input that carried it
     * @param text      the line without its CRLF, bytes as ISO-8859-1 characters. A client never
     *                  sends credentials during the negotiation, but a server's transcript shows
     *                  what the client sent, including an {@code AUTH}/{@code PASS} it refused
     *                  before TLS: mask such lines before logging them. A line of a literal's data
     *                  that a server read (IMAP's and ManageSieve's {@code {n+}}) is kept as its
     *                  length alone, {@link #literalData(int) "[literal data: n bytes]"}: it may be
     *                  a password no command name announces
     */
    record Line(Direction direction, boolean encrypted, Instant at, String text) implements Event {
        /**
         * Checks the components are present.
         *
         * @param direction whether we sent or received it
         * @param encrypted whether it travelled inside TLS
         * @param at the time passed in with the input that carried it
         * @param text the line without its CRLF, bytes as ISO-8859-1 characters. A client never sends
         *             credentials during the negotiation, but a server's transcript shows what the client
         *             sent, including an {@code AUTH}/{@code PASS} it refused before TLS: mask such lines
         *             before logging them
         */
        public Line {
            Objects.requireNonNull(direction, "direction");
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(text, "text");
        }

        /**
         * The text a transcript keeps for a line of a literal's data: its length, never its bytes.
         *
         * @param length the line's length without CRLF
         * @return {@code "[literal data: <length> bytes]"}
         */
        public static String literalData(int length) {
            return "[literal data: " + length + " bytes]";
        }
    }

    /**
     * The transcript of this transition was cut at {@link Limits#maxTranscriptLines()} or
     * {@link Limits#maxTranscriptBytes()}: the lines after this marker crossed the wire (and were
     * processed as usual) but are not reported. Other events are always reported.
     *
     * @param maxLines the line bound that applied
     * @param maxBytes the character bound that applied
     */
    record TranscriptTruncated(int maxLines, int maxBytes) implements Event {
    }

    /**
     * The server's greeting. Its text is, in every protocol, what follows the status: SMTP
     * {@code 220 mx.example.org ESMTP} gives {@code mx.example.org ESMTP} (the lines of a
     * multi-line greeting joined by LF), IMAP {@code * OK [CAPABILITY …] ready} gives
     * {@code [CAPABILITY …] ready}, POP3 {@code +OK ready <1.2@host>} gives {@code ready <1.2@host>}.
     *
     * @param text      the greeting's text; untrusted when {@code encrypted} is false
     * @param encrypted whether it arrived inside TLS (implicit TLS)
     */
    record GreetingReceived(String text, boolean encrypted) implements Event {
    }

    /**
     * The server's capabilities.
     *
     * @param capabilities what was announced
     * @param encrypted    whether they arrived inside TLS. Only these are ever handed over.
     */
    record CapabilitiesReceived(Capabilities capabilities, boolean encrypted) implements Event {
    }

    /** The STARTTLS/STLS go-ahead was received (client) or sent (server); the handshake begins. */
    record StartTlsAccepted() implements Event {
    }

    /**
     * The TLS handshake completed and the session passed every check.
     *
     * @param facts the negotiated protocol, cipher suite and certificates
     */
    record TlsEstablished(TlsFacts facts) implements Event {
    }

    /**
     * An opportunistic negotiation gave up on TLS and continues in plaintext.
     *
     * @param cause what would have been the failure under {@link TlsPolicy#REQUIRED}
     */
    record FellBackToPlaintext(Failure cause) implements Event {
    }

    /**
     * The negotiation ended with a TLS session; the application takes over.
     *
     * @param session the TLS pipe and its facts
     */
    record Secured(SecureSession session) implements Event {
    }

    /**
     * The negotiation ended without TLS, as the policy allows; the application takes over.
     *
     * @param session the plaintext connection's state, saying why it is not encrypted
     */
    record HandedOverInPlaintext(PlaintextSession session) implements Event {
    }

    /**
     * The negotiation failed.
     *
     * @param failure why
     */
    record Failed(Failure failure) implements Event {
    }
}
