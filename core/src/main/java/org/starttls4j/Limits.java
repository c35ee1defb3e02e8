package org.starttls4j;

/**
 * Bounds on what a peer may make the negotiation hold. Exceeding one ends the negotiation with a
 * typed {@link Failure}; memory use never grows with what the peer sends beyond these figures.
 *
 * @param maxLineLength     longest line accepted, CRLF included. RFC 5321 §4.5.3.1 sets 512 for
 *                          SMTP replies and commands; the default of 1000 tolerates servers that
 *                          exceed it (RFC 5321's text-line limit) without tolerating abuse.
 * @param maxLinesPerReply  most lines in one multi-line reply (EHLO, CAPA, untagged responses)
 * @param maxPlaintextBytes most bytes received in plaintext before TLS is up or the hand-over
 * @param maxLiteralSize    largest IMAP literal accepted in a response before TLS
 */
public record Limits(int maxLineLength, int maxLinesPerReply, int maxPlaintextBytes, int maxLiteralSize) {

    /** The safe defaults: 1000-byte lines, 100 lines per reply, 64 KiB of plaintext, 8 KiB literals. */
    public static final Limits DEFAULT = new Limits(1000, 100, 64 * 1024, 8 * 1024);

    /** Checks that every bound is positive and consistent. */
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
    }

    /** A copy with another line length bound. */
    public Limits withMaxLineLength(int value) {
        return new Limits(value, maxLinesPerReply, Math.max(maxPlaintextBytes, value), maxLiteralSize);
    }

    /** A copy with another bound on lines per reply. */
    public Limits withMaxLinesPerReply(int value) {
        return new Limits(maxLineLength, value, maxPlaintextBytes, maxLiteralSize);
    }

    /** A copy with another bound on plaintext bytes before TLS. */
    public Limits withMaxPlaintextBytes(int value) {
        return new Limits(maxLineLength, maxLinesPerReply, value, maxLiteralSize);
    }

    /** A copy with another bound on IMAP literal size. */
    public Limits withMaxLiteralSize(int value) {
        return new Limits(maxLineLength, maxLinesPerReply, maxPlaintextBytes, value);
    }
}
