package org.starttls4j.text;

import java.nio.charset.StandardCharsets;

/**
 * Bounded CRLF line framing shared by every dialog. Mail protocols end lines with CRLF
 * (RFC 5321 §2.3.8, RFC 9051 §2.2, RFC 1939 §3); a bare LF or CR is how command and response
 * smuggling starts, so it is refused rather than tolerated. A NUL never belongs in a line either.
 *
 * <p>The framer keeps no state: it looks at a region of a buffer and says what is there, so the
 * caller decides what to keep.
 */
public final class LineFramer {

    private static final byte CR = '\r';
    private static final byte LF = '\n';

    private LineFramer() {
    }

    /**
     * Frames the first line of {@code buffer[from, to)}.
     *
     * @param buffer        bytes received
     * @param from          first byte to look at
     * @param to            one past the last byte
     * @param maxLineLength longest line allowed, CRLF included; a line that cannot end within it
     *                      is {@link Framed.TooLong} as soon as that is certain
     * @return what is there
     */
    public static Framed next(byte[] buffer, int from, int to, int maxLineLength) {
        int limit = Math.min(to, from + maxLineLength);
        for (int i = from; i < limit; i++) {
            byte b = buffer[i];
            if (b == LF) {
                if (i == from || buffer[i - 1] != CR) {
                    return new Framed.Malformed("bare LF");
                }
                return new Framed.Complete(new String(buffer, from, i - 1 - from, StandardCharsets.ISO_8859_1), i + 1 - from);
            }
            if (b == 0) {
                return new Framed.Malformed("NUL byte");
            }
            if (b == CR && i + 1 < to && buffer[i + 1] != LF) {
                return new Framed.Malformed("bare CR");
            }
        }
        return to - from >= maxLineLength ? new Framed.TooLong() : new Framed.Incomplete();
    }

    /** The bytes of {@code line} plus CRLF, as they travel. */
    public static byte[] toBytes(String line) {
        return (line + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
    }
}
