package org.starttls4j.text;

/**
 * What a {@link LineReader} found: a complete line, not yet one, or bytes that cannot be a line.
 * The core's own loops frame with a number instead, so that a line costs no answer object.
 */
public sealed interface Framed {

    /**
     * A complete line.
     *
     * @param line     the line without CRLF, one ISO-8859-1 character per byte
     * @param consumed bytes taken, CRLF included
     */
    record Complete(String line, int consumed) implements Framed {
    }

    /** No complete line yet; more bytes are needed. */
    record Incomplete() implements Framed {
    }

    /** The line is longer than allowed, whether or not its end has arrived. */
    record TooLong() implements Framed {
    }

    /**
     * The bytes cannot be a line: a bare LF, a bare CR or a NUL.
     *
     * @param why which
     */
    record Malformed(String why) implements Framed {
    }
}
