package org.starttls4j;

/**
 * Bounds on what a peer may make the negotiation hold. Exceeding one ends the negotiation with a
 * typed {@link Failure}; memory use never grows with what the peer sends beyond these figures.
 *
 * <p>With the defaults, what one server connection can make the core hold before TLS is small and
 * known: an incomplete command line (at most {@code maxLineLength} bytes), the counters, and the
 * transcript of one transition (at most {@code maxTranscriptLines} lines and
 * {@code maxTranscriptBytes} characters). The core keeps no transcript between transitions: a
 * caller that never reads {@link Transition#events()} pays for none.
 *
 * @param maxLineLength        longest line accepted, CRLF included. RFC 5321 §4.5.3.1 sets 512 for
 *                             SMTP replies and commands; the default of 1000 tolerates servers that
 *                             exceed it (RFC 5321's text-line limit) without tolerating abuse.
 * @param maxLinesPerReply     most lines in one multi-line reply (EHLO, CAPA, untagged responses)
 *                             or, on a server, in one command with IMAP literals
 * @param maxPlaintextBytes    most bytes received in plaintext before TLS is up or the hand-over
 * @param maxLiteralSize       largest literal (IMAP, ManageSieve) or refused SMTP BDAT chunk skipped before TLS
 * @param maxCommandsBeforeTls (server) most commands answered before STARTTLS or the hand-over;
 *                             one more ends the connection with {@link Failure.Reason#TOO_MANY_COMMANDS}.
 *                             The default, 20, is Postfix's {@code smtpd_hard_error_limit}
 *                             (1 under stress) and Dovecot's limit of invalid commands after login
 *                             (it allows 3 before login): an honest client needs two
 *                             (EHLO, STARTTLS) or three, so 20 leaves room for any real client
 *                             while a client sending {@code EHLO x} in a loop is cut off after 20
 *                             replies instead of one reply per 8 bytes of its 64 KiB allowance.
 * @param maxTranscriptLines   most transcript lines ({@link Event.Line}) one transition reports;
 *                             past it, one {@link Event.TranscriptTruncated} marker, then none
 * @param maxTranscriptBytes   most characters of transcript text one transition reports; past it,
 *                             the same marker
 * @param maxHandshakeBytes    most bytes received from the peer during the TLS handshake, counted
 *                             apart from the plaintext before it; one more fails the handshake
 *                             ({@link Failure.Reason#TLS_HANDSHAKE_FAILED}). An honest peer's
 *                             flights take a few kilobytes (a server's with its certificate chain
 *                             rarely more than 20 KiB); without a bound a TLS 1.2 peer could keep
 *                             the engine at work until the deadline on records that carry nothing
 *                             (the JDK's engine takes any number of warning alerts, and JDK 17's
 *                             of empty handshake records; BoringSSL refuses the 5th and the 33rd)
 */
public record Limits(int maxLineLength, int maxLinesPerReply, int maxPlaintextBytes, int maxLiteralSize,
                     int maxCommandsBeforeTls, int maxTranscriptLines, int maxTranscriptBytes, int maxHandshakeBytes) {

    /** The default bound on commands before TLS: see {@link #maxCommandsBeforeTls()}. */
    public static final int DEFAULT_MAX_COMMANDS_BEFORE_TLS = 20;
    /** The default bound on transcript lines per transition. */
    public static final int DEFAULT_MAX_TRANSCRIPT_LINES = 100;
    /** The default bound on transcript characters per transition: a whole honest negotiation is under 2 KiB. */
    public static final int DEFAULT_MAX_TRANSCRIPT_BYTES = 16 * 1024;
    /** The default bound on bytes received during the TLS handshake: see {@link #maxHandshakeBytes()}. */
    public static final int DEFAULT_MAX_HANDSHAKE_BYTES = 64 * 1024;

    /**
     * The safe defaults: 1000-byte lines, 100 lines per reply, 64 KiB of plaintext, 8 KiB literals,
     * 20 commands before TLS, a transcript of at most 100 lines and 16 KiB per transition, and
     * 64 KiB of TLS handshake.
     */
    public static final Limits DEFAULT = new Limits(1000, 100, 64 * 1024, 8 * 1024);

    /**
     * Checks that every bound is positive and consistent.
     *
     * @param maxLineLength longest line accepted, CRLF included. RFC 5321 §4.5.3.1 sets 512 for SMTP
     *                      replies and commands; the default of 1000 tolerates servers that exceed it (RFC
     *                      5321's text-line limit) without tolerating abuse.
     * @param maxLinesPerReply most lines in one multi-line reply (EHLO, CAPA, untagged responses) or, on a
     *                         server, in one command with IMAP literals
     * @param maxPlaintextBytes most bytes received in plaintext before TLS is up or the hand-over
     * @param maxLiteralSize largest literal (IMAP, ManageSieve) or refused SMTP BDAT chunk skipped before TLS
     * @param maxCommandsBeforeTls (server) most commands answered before STARTTLS or the hand-over; one
     *                             more ends the connection with {@link Failure.Reason#TOO_MANY_COMMANDS}.
     *                             The default, 20, is Postfix's {@code smtpd_hard_error_limit} and
     *                             Dovecot's limit of bad commands per login: an honest client needs two
     *                             (EHLO, STARTTLS) or three, so 20 leaves room for any real client while a
     *                             client sending {@code EHLO x} in a loop is cut off after 20 replies
     *                             instead of one reply per 8 bytes of its 64 KiB allowance.
     * @param maxTranscriptLines most transcript lines ({@link Event.Line}) one transition reports; past it,
     *                           one {@link Event.TranscriptTruncated} marker, then none
     * @param maxTranscriptBytes most characters of transcript text one transition reports; past it, the
     *                           same marker
     * @param maxHandshakeBytes most bytes received from the peer during the TLS handshake
     */
    public Limits {
        if (maxLineLength < 16) {
            throw new IllegalArgumentException("maxLineLength must be at least 16, was " + maxLineLength);
        }
        if (maxLinesPerReply < 1) {
            throw new IllegalArgumentException("maxLinesPerReply must be positive, was " + maxLinesPerReply);
        }
        if (maxPlaintextBytes < maxLineLength) {
            throw new IllegalArgumentException("maxPlaintextBytes must be at least maxLineLength");
        }
        if (maxLiteralSize < 0) {
            throw new IllegalArgumentException("maxLiteralSize must not be negative");
        }
        if (maxCommandsBeforeTls < 1) {
            throw new IllegalArgumentException("maxCommandsBeforeTls must be positive, was " + maxCommandsBeforeTls);
        }
        if (maxTranscriptLines < 0 || maxTranscriptBytes < 0) {
            throw new IllegalArgumentException("transcript bounds must not be negative");
        }
        if (maxHandshakeBytes < 1) {
            throw new IllegalArgumentException("maxHandshakeBytes must be positive, was " + maxHandshakeBytes);
        }
    }

    /**
     * The first seven bounds, with the default handshake bound (the bounds as they were before it).
     *
     * @param maxLineLength        see {@link #maxLineLength()}
     * @param maxLinesPerReply     see {@link #maxLinesPerReply()}
     * @param maxPlaintextBytes    see {@link #maxPlaintextBytes()}
     * @param maxLiteralSize       see {@link #maxLiteralSize()}
     * @param maxCommandsBeforeTls see {@link #maxCommandsBeforeTls()}
     * @param maxTranscriptLines   see {@link #maxTranscriptLines()}
     * @param maxTranscriptBytes   see {@link #maxTranscriptBytes()}
     */
    public Limits(int maxLineLength, int maxLinesPerReply, int maxPlaintextBytes, int maxLiteralSize,
                  int maxCommandsBeforeTls, int maxTranscriptLines, int maxTranscriptBytes) {
        this(maxLineLength, maxLinesPerReply, maxPlaintextBytes, maxLiteralSize, maxCommandsBeforeTls, maxTranscriptLines,
                maxTranscriptBytes, DEFAULT_MAX_HANDSHAKE_BYTES);
    }

    /**
     * The first four bounds, with the default command and transcript bounds.
     *
     * @param maxLineLength     see {@link #maxLineLength()}
     * @param maxLinesPerReply  see {@link #maxLinesPerReply()}
     * @param maxPlaintextBytes see {@link #maxPlaintextBytes()}
     * @param maxLiteralSize    see {@link #maxLiteralSize()}
     */
    public Limits(int maxLineLength, int maxLinesPerReply, int maxPlaintextBytes, int maxLiteralSize) {
        this(maxLineLength, maxLinesPerReply, maxPlaintextBytes, maxLiteralSize, DEFAULT_MAX_COMMANDS_BEFORE_TLS,
                DEFAULT_MAX_TRANSCRIPT_LINES, DEFAULT_MAX_TRANSCRIPT_BYTES);
    }

    /**
     * A copy with another line length bound.
     *
     * @param value the bound, CRLF included
     * @return the copy
     */
    public Limits withMaxLineLength(int value) {
        return new Limits(value, maxLinesPerReply, Math.max(maxPlaintextBytes, value), maxLiteralSize,
                maxCommandsBeforeTls, maxTranscriptLines, maxTranscriptBytes, maxHandshakeBytes);
    }

    /**
     * A copy with another bound on lines per reply.
     *
     * @param value the bound
     * @return the copy
     */
    public Limits withMaxLinesPerReply(int value) {
        return new Limits(maxLineLength, value, maxPlaintextBytes, maxLiteralSize,
                maxCommandsBeforeTls, maxTranscriptLines, maxTranscriptBytes, maxHandshakeBytes);
    }

    /**
     * A copy with another bound on plaintext bytes before TLS.
     *
     * @param value the bound
     * @return the copy
     */
    public Limits withMaxPlaintextBytes(int value) {
        return new Limits(maxLineLength, maxLinesPerReply, value, maxLiteralSize,
                maxCommandsBeforeTls, maxTranscriptLines, maxTranscriptBytes, maxHandshakeBytes);
    }

    /**
     * A copy with another bound on IMAP literal size.
     *
     * @param value the bound
     * @return the copy
     */
    public Limits withMaxLiteralSize(int value) {
        return new Limits(maxLineLength, maxLinesPerReply, maxPlaintextBytes, value,
                maxCommandsBeforeTls, maxTranscriptLines, maxTranscriptBytes, maxHandshakeBytes);
    }

    /**
     * A copy with another bound on commands a server answers before TLS.
     *
     * @param value the bound, at least 1
     * @return the copy
     */
    public Limits withMaxCommandsBeforeTls(int value) {
        return new Limits(maxLineLength, maxLinesPerReply, maxPlaintextBytes, maxLiteralSize,
                value, maxTranscriptLines, maxTranscriptBytes, maxHandshakeBytes);
    }

    /**
     * A copy with other transcript bounds per transition.
     *
     * @param lines most transcript lines
     * @param bytes most characters of transcript text
     * @return the copy
     */
    public Limits withTranscript(int lines, int bytes) {
        return new Limits(maxLineLength, maxLinesPerReply, maxPlaintextBytes, maxLiteralSize,
                maxCommandsBeforeTls, lines, bytes, maxHandshakeBytes);
    }

    /**
     * A copy with another bound on bytes received during the TLS handshake.
     *
     * @param value the bound, at least 1
     * @return the copy
     */
    public Limits withMaxHandshakeBytes(int value) {
        return new Limits(maxLineLength, maxLinesPerReply, maxPlaintextBytes, maxLiteralSize,
                maxCommandsBeforeTls, maxTranscriptLines, maxTranscriptBytes, value);
    }
}
