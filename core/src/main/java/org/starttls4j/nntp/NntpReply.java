package org.starttls4j.nntp;

import java.util.List;
import org.starttls4j.internal.text.FixedList;

/**
 * A complete NNTP response (RFC 3977 §3.2): its three-digit status code, the text after it, and,
 * for a multi-line response, its data lines with the terminating {@code "."} removed and the dot
 * stuffing undone.
 *
 * @param code  the status code
 * @param text  the text after the code and its space, possibly empty
 * @param lines the data lines of a multi-line response, unstuffed
 */
record NntpReply(int code, String text, List<String> lines) {

    /** Copies the lines. */
    NntpReply {
        lines = FixedList.copyOf(lines);
    }

    /**
     * The status line's reading, if {@code line} is one: three digits, the first 1–5, then the end
     * of the line or a space and text (RFC 3977 §3.1).
     *
     * @param line a line without CRLF
     * @return a response without data lines, or null when the line is not a status line
     */
    static NntpReply parseStatus(String line) {
        if (line.length() < 3 || line.charAt(0) < '1' || line.charAt(0) > '5' || !isDigit(line.charAt(1)) || !isDigit(line.charAt(2))
                || (line.length() > 3 && line.charAt(3) != ' ')) {
            return null;
        }
        int code = (line.charAt(0) - '0') * 100 + (line.charAt(1) - '0') * 10 + (line.charAt(2) - '0');
        return new NntpReply(code, line.length() > 3 ? line.substring(4) : "", List.of());
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
