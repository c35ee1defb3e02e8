package org.starttls4j.internal.text;

/**
 * What {@link LineFramer#scan} found at the start of a buffer, as a value: the tests' reading of
 * its codes, and the reference model's answer.
 */
sealed interface Framed {

    /**
     * Frames the first line of {@code buffer[from, to)} with {@link LineFramer#scan}.
     *
     * @param buffer        bytes received
     * @param from          first byte to look at
     * @param to            one past the last byte
     * @param maxLineLength longest line allowed, CRLF included
     * @return what is there
     */
    static Framed frame(byte[] buffer, int from, int to, int maxLineLength) {
        int found = LineFramer.scan(buffer, from, to, maxLineLength);
        if (found > 0) {
            return new Complete(LineFramer.line(buffer, from, found), found);
        }
        if (found == LineFramer.INCOMPLETE) {
            return new Incomplete();
        }
        return found == LineFramer.TOO_LONG ? new TooLong() : new Malformed(LineFramer.why(found));
    }

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
