package org.starttls4j.internal.text;

import java.nio.charset.StandardCharsets;

/**
 * Bounded CRLF line framing shared by every dialog. Mail protocols end lines with CRLF
 * (RFC 5321 §2.3.8, RFC 9051 §2.2, RFC 1939 §3); a bare LF or CR is how command and response
 * smuggling starts, so it is refused rather than tolerated. A NUL never belongs in a line either.
 *
 * <p>The framer keeps no state: it looks at a region of a buffer and says what is there, so the
 * caller decides what to keep. It answers with a number (a line's length or a named code) rather
 * than a record: the flows frame every line they receive, and an answer per line must not be an
 * allocation per line.
 */
public final class LineFramer {

    private static final byte CR = '\r';
    private static final byte LF = '\n';

    private LineFramer() {
    }

    /** {@link #scan}: no complete line yet; more bytes are needed. */
    public static final int INCOMPLETE = -1;
    /** {@link #scan}: the line is longer than allowed, whether or not its end has arrived. */
    public static final int TOO_LONG = -2;
    /** {@link #scan}: a LF without the CR before it. */
    public static final int BARE_LF = -3;
    /** {@link #scan}: a CR followed by something other than LF. */
    public static final int BARE_CR = -4;
    /** {@link #scan}: a NUL byte. */
    public static final int NUL = -5;

    /**
     * Frames the first line of {@code buffer[from, to)} without allocating: the answer is a
     * number, for the flows' loops that frame every line they receive. The one way to frame: the
     * named codes below are its only answers besides a length.
     *
     * @param buffer        bytes received
     * @param from          first byte to look at
     * @param to            one past the last byte
     * @param maxLineLength longest line allowed, CRLF included
     * @return the bytes the complete line takes, CRLF included (always positive), or one of
     *         {@link #INCOMPLETE}, {@link #TOO_LONG}, {@link #BARE_LF}, {@link #BARE_CR}, {@link #NUL}
     */
    public static int scan(byte[] buffer, int from, int to, int maxLineLength) {
        int limit = Math.min(to, from + maxLineLength);
        for (int i = from; i < limit; i++) {
            byte b = buffer[i];
            if (b == LF) {
                return i == from || buffer[i - 1] != CR ? BARE_LF : i + 1 - from;
            }
            if (b == 0) {
                return NUL;
            }
            if (b == CR && i + 1 < to && buffer[i + 1] != LF) {
                return BARE_CR;
            }
        }
        return to - from >= maxLineLength ? TOO_LONG : INCOMPLETE;
    }

    /**
     * The text of a line {@link #scan} found.
     *
     * @param buffer   the bytes scanned
     * @param from     where the line starts
     * @param consumed what {@link #scan} answered
     * @return the line without its CRLF, one ISO-8859-1 character per byte
     */
    public static String line(byte[] buffer, int from, int consumed) {
        return new String(buffer, from, consumed - 2, StandardCharsets.ISO_8859_1);
    }

    /**
     * Why bytes are not a line, in words.
     *
     * @param malformed {@link #BARE_LF}, {@link #BARE_CR} or {@link #NUL}
     * @return e.g. {@code "bare LF"}
     */
    public static String why(int malformed) {
        switch (malformed) {
            case BARE_LF:
                return "bare LF";
            case BARE_CR:
                return "bare CR";
            case NUL:
                return "NUL byte";
            default:
                throw new IllegalArgumentException("not a malformation: " + malformed);
        }
    }

    /**
     * The bytes of {@code line} plus CRLF, as they travel.
     *
     * @param line a line without CRLF
     * @return the bytes of {@code line} plus CRLF, as they travel
     */
    public static byte[] toBytes(String line) {
        return (line + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
    }
}
