package org.starttls4j.pop3;

import java.util.List;
import org.starttls4j.internal.text.FixedList;

/**
 * A complete POP3 response (RFC 1939 §3): its status indicator, the text after it, and, for a
 * multi-line {@code +OK} response, its lines with the termination octet removed and the byte
 * stuffing undone.
 *
 * @param positive whether the status indicator was {@code +OK} (else {@code -ERR})
 * @param text     the text after the status indicator and its space, possibly empty
 * @param lines    the lines of a multi-line response, unstuffed, without the final {@code "."}
 */
public record Pop3Reply(boolean positive, String text, List<String> lines) {

    /**
     * Copies the lines.
     *
     * @param positive whether the status indicator was {@code +OK}
     * @param text     the text after the status indicator
     * @param lines    the lines of a multi-line response, unstuffed
     */
    public Pop3Reply {
        lines = FixedList.copyOf(lines);
    }

    /**
     * The status line's reading, if {@code line} is one. RFC 1939 §3: the indicator is
     * {@code +OK} or {@code -ERR}, in upper case, alone or followed by a space and text.
     *
     * @param line a line without CRLF
     * @return a single-line reply, or null when the line is not a status line
     */
    static Pop3Reply parseStatus(String line) {
        if (isPositive(line)) {
            return new Pop3Reply(true, line.length() > 3 ? line.substring(4) : "", List.of());
        }
        if (isNegative(line)) {
            return new Pop3Reply(false, line.length() > 4 ? line.substring(5) : "", List.of());
        }
        return null;
    }

    /** Whether {@code line} is a {@code +OK} status line, read without making the reply (see {@link #parseStatus}). */
    static boolean isPositive(String line) {
        return line.equals("+OK") || line.startsWith("+OK ");
    }

    /** Whether {@code line} is a {@code -ERR} status line, read without making the reply (see {@link #parseStatus}). */
    static boolean isNegative(String line) {
        return line.equals("-ERR") || line.startsWith("-ERR ");
    }

    /**
     * The response as it was sent, lines joined by {@code " / "}, for reports.
     *
     * @return e.g. {@code "+OK 2 messages / 1 120 / 2 200"}
     */
    public String summary() {
        StringBuilder s = new StringBuilder(positive ? "+OK" : "-ERR");
        if (!text.isEmpty()) {
            s.append(' ').append(text);
        }
        for (String line : lines) {
            s.append(" / ").append(line);
        }
        return s.toString();
    }
}
