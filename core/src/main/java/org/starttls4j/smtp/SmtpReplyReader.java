package org.starttls4j.smtp;

import org.starttls4j.Failure;
import org.starttls4j.text.LineChain;

/**
 * Assembles reply lines into {@link SmtpReply}s, enforcing RFC 5321 §4.2's syntax: a three-digit
 * code (first digit 2–5, second 0–5), then {@code '-'} for "more lines follow" or {@code ' '} (or
 * nothing) for the last line, every line of one reply carrying the same code, and no more lines
 * than the bound. Immutable: each line gives a new reader, and the texts so far are a
 * {@link LineChain}, so a reader costs one small link per line.
 *
 * @param code     the code of the reply being assembled, or 0 when none has started
 * @param lines    texts so far, or null when none
 * @param maxLines the bound on lines per reply
 */
record SmtpReplyReader(int code, LineChain lines, int maxLines) {

    /** What one line did. */
    sealed interface Read {
    }

    /** The reply continues. */
    record More(SmtpReplyReader next) implements Read {
    }

    /** The reply is complete. */
    record Complete(SmtpReply reply) implements Read {
    }

    /** The line cannot be part of a reply. */
    record Bad(Failure failure) implements Read {
    }

    static SmtpReplyReader empty(int maxLines) {
        return new SmtpReplyReader(0, null, maxLines);
    }

    Read accept(String line) {
        if (line.length() < 3 || !isDigit(line.charAt(0), '2', '5') || !isDigit(line.charAt(1), '0', '5')
                || !isDigit(line.charAt(2), '0', '9')) {
            return new Bad(Failure.of(Failure.Reason.MALFORMED_REPLY, "not an SMTP reply line", line));
        }
        int lineCode = (line.charAt(0) - '0') * 100 + (line.charAt(1) - '0') * 10 + (line.charAt(2) - '0');
        if (code != 0 && lineCode != code) {
            return new Bad(Failure.of(Failure.Reason.MALFORMED_REPLY,
                    "a multi-line reply changed its code from " + code + " to " + lineCode, line));
        }
        char separator = line.length() == 3 ? ' ' : line.charAt(3);
        if (separator != ' ' && separator != '-') {
            return new Bad(Failure.of(Failure.Reason.MALFORMED_REPLY, "no space or hyphen after the reply code", line));
        }
        if (LineChain.size(lines) + 1 > maxLines) {
            return new Bad(Failure.of(Failure.Reason.REPLY_TOO_LONG, "a reply of more than " + maxLines + " lines", line));
        }
        LineChain texts = LineChain.append(lines, line.length() > 4 ? line.substring(4) : "");
        if (separator == '-') {
            return new More(new SmtpReplyReader(lineCode, texts, maxLines));
        }
        return new Complete(new SmtpReply(lineCode, LineChain.toList(texts)));
    }

    boolean midReply() {
        return code != 0;
    }

    private static boolean isDigit(char c, char low, char high) {
        return c >= low && c <= high;
    }
}
