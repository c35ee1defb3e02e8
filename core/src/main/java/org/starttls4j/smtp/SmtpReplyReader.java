package org.starttls4j.smtp;

import java.util.List;
import java.util.function.Function;
import org.starttls4j.ClientDialog;
import org.starttls4j.ClientStep;
import org.starttls4j.Failure;
import org.starttls4j.internal.text.LineChain;

/**
 * Assembles reply lines into complete replies, enforcing RFC 5321 §4.2's syntax: a three-digit
 * code (first digit 2–5, second 0–5), then {@code '-'} for "more lines follow" or {@code ' '} (or
 * nothing) for the last line, every line of one reply carrying the same code, and no more lines
 * than the bound. Immutable: each line gives a new reader, and the lines so far are a
 * {@link LineChain} of the lines as they arrived, so a reader costs one small link per line and
 * no text is cut out of a line until a reply is complete. LMTP (RFC 2033 §4.2) replies are read
 * by the same reader.
 *
 *
 * <p>A final class rather than a record: the chain of lines is the core's inside and not part of
 * this type's face.
 */
public final class SmtpReplyReader {

    /** The lines so far, each starting with the reply's code (checked as it came), so the code is not kept twice. */
    private final LineChain lines;
    private final int maxLines;

    private SmtpReplyReader(LineChain lines, int maxLines) {
        this.lines = lines;
        this.maxLines = maxLines;
    }

    /**
     * The code of the reply being assembled.
     *
     * @return the code, or 0 when no line of a reply has arrived yet
     */
    public int code() {
        return lines == null ? 0 : codeOf(lines.last());
    }

    /**
     * The bound on lines per reply.
     *
     * @return the most lines one reply may have
     */
    public int maxLines() {
        return maxLines;
    }

    /** The characters before a line's text: the code and the separator. */
    public static final int TEXT_OFFSET = 4;

    /** What one line did. */
    public sealed interface Read {

        /**
         * What a client dialog does with it, as with every protocol's reader: a bad line fails the
         * negotiation and sends nothing, an incomplete reply is awaited further, a complete one is
         * the dialog's to decide on.
         *
         * @param more     the dialog that goes on reading with the next reader
         * @param complete the dialog's decision on the complete reply
         * @return the step
         */
        default ClientStep clientStep(Function<SmtpReplyReader, ClientDialog> more, Function<Complete, ClientStep> complete) {
            org.starttls4j.internal.dialog.Read<SmtpReplyReader, Complete> read = this instanceof More m
                    ? new org.starttls4j.internal.dialog.Read.More<>(m.next())
                    : this instanceof Bad b ? new org.starttls4j.internal.dialog.Read.Bad<>(b.failure())
                    : new org.starttls4j.internal.dialog.Read.Complete<>((Complete) this);
            return read.clientStep(more, complete);
        }
    }

    /**
     * The reply continues.
     *
     * @param next the reader to feed the next line
     */
    public record More(SmtpReplyReader next) implements Read {
    }

    /**
     * The reply is complete.
     *
     * @param code  its code
     * @param lines its lines as they arrived, code and separator included
     */
    public record Complete(int code, List<String> lines) implements Read {

        /**
         * The reply as it was sent, for reports (see {@link SmtpReply#summary()}).
         *
         * @return the reply's code and lines
         */
        public String summary() {
            return reply().summary();
        }

        /**
         * The reply, with the text after the code and separator of each line.
         *
         * @return the parsed reply
         */
        public SmtpReply reply() {
            String[] texts = new String[lines.size()];
            for (int i = 0; i < texts.length; i++) {
                texts[i] = textOf(lines.get(i));
            }
            return new SmtpReply(code, List.of(texts));
        }
    }

    /**
     * The line cannot be part of a reply.
     *
     * @param failure why ({@code MALFORMED_REPLY} or {@code REPLY_TOO_LONG})
     */
    public record Bad(Failure failure) implements Read {
    }

    /**
     * A reader before any line.
     *
     * @param maxLines the bound on lines per reply
     * @return the reader
     */
    public static SmtpReplyReader empty(int maxLines) {
        return new SmtpReplyReader(null, maxLines);
    }

    /**
     * A reader for a new reply: this one if it holds no line, so a one-line reply costs no new reader.
     *
     * @return an empty reader with the same bound
     */
    public SmtpReplyReader fresh() {
        return lines == null ? this : empty(maxLines);
    }

    /**
     * Reads one reply line.
     *
     * @param line the line without CRLF
     * @return whether the reply continues, is complete, or cannot be
     */
    public Read accept(String line) {
        if (line.length() < 3 || !isDigit(line.charAt(0), '2', '5') || !isDigit(line.charAt(1), '0', '5')
                || !isDigit(line.charAt(2), '0', '9')) {
            return new Bad(Failure.of(Failure.Reason.MALFORMED_REPLY, "not an SMTP reply line", line));
        }
        int lineCode = codeOf(line);
        int code = code();
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
        LineChain all = LineChain.append(lines, line);
        if (separator == '-') {
            return new More(new SmtpReplyReader(all, maxLines));
        }
        return new Complete(lineCode, LineChain.toList(all));
    }

    /** The code of a line that starts with three digits. */
    private static int codeOf(String line) {
        return (line.charAt(0) - '0') * 100 + (line.charAt(1) - '0') * 10 + (line.charAt(2) - '0');
    }

    /** The text of a reply line, after its code and separator (possibly empty). */
    private static String textOf(String line) {
        return line.substring(Math.min(line.length(), TEXT_OFFSET));
    }

    private static boolean isDigit(char c, char low, char high) {
        return c >= low && c <= high;
    }
}
