package org.starttls4j.smtp;

import java.util.List;
import java.util.function.BiFunction;
import org.starttls4j.ClientDialog;
import org.starttls4j.ClientStep;
import org.starttls4j.Failure;
import org.starttls4j.internal.text.FixedList;

/**
 * Assembles reply lines into complete replies, enforcing RFC 5321 §4.2's syntax: a three-digit
 * code (first digit 2–5, second 0–5), then {@code '-'} for "more lines follow" or {@code ' '} (or
 * nothing) for the last line, every line of one reply carrying the same code, and no more lines
 * than the bound. Immutable: each line gives a new reader, which is itself the link that holds the
 * line and the reader before it, so a line of a multi-line reply costs one small object and no
 * text is cut out of a line until a reply is complete; the complete reply's list is built once, at
 * its size. LMTP (RFC 2033 §4.2) replies are read by the same reader.
 *
 * <p>A final class rather than a record: the chain of lines is this type's inside, not its face.
 */
public final class SmtpReplyReader {

    /** The newest line, starting with the reply's code (checked as it came); null in a reader that holds none. */
    private final String last;
    /** The reader that read the lines before {@link #last}; null in a reader that holds none. */
    private final SmtpReplyReader before;
    /** How many lines this reader holds. */
    private final int size;
    private final int maxLines;

    private SmtpReplyReader(String last, SmtpReplyReader before, int size, int maxLines) {
        this.last = last;
        this.before = before;
        this.size = size;
        this.maxLines = maxLines;
    }

    /**
     * The code of the reply being assembled.
     *
     * @return the code, or 0 when no line of a reply has arrived yet
     */
    public int code() {
        return last == null ? 0 : codeOf(last);
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
            return new SmtpReply(code, FixedList.of(texts));
        }

        /**
         * The text of its lines, after each one's code and separator, joined by {@code "\n"}: what
         * a greeting reports, made without the parsed reply in between.
         *
         * @return the text
         */
        public String text() {
            if (lines.size() == 1) { // most greetings: the text as it is, without a builder
                return textOf(lines.get(0));
            }
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                text.append(i == 0 ? "" : "\n").append(line, Math.min(line.length(), TEXT_OFFSET), line.length());
            }
            return text.toString();
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
        return new SmtpReplyReader(null, null, 0, maxLines);
    }

    /**
     * A reader for a new reply: the empty reader this one's lines were read from, so a new reply
     * costs no new reader.
     *
     * @return an empty reader with the same bound
     */
    public SmtpReplyReader fresh() {
        SmtpReplyReader first = this; // every chain starts at an empty reader: only one holds no "before"
        while (first.before != null) {
            first = first.before;
        }
        return first;
    }

    /**
     * Reads one reply line.
     *
     * @param line the line without CRLF
     * @return whether the reply continues, is complete, or cannot be
     */
    public Read accept(String line) {
        Failure bad = problem(line);
        if (bad != null) {
            return new Bad(bad);
        }
        return continues(line) ? new More(with(line)) : complete(line);
    }

    /**
     * Reads one reply line straight into a client dialog's step, as every protocol's client does
     * with its reader: a bad line fails the negotiation and sends nothing (the server's state is
     * unknowable), an incomplete reply is awaited further, a complete one is the dialog's to
     * decide on. The same as {@link #accept} without its answer in between; the dialog is passed
     * in, so that the two functions can be references that capture nothing (made once, not per line).
     *
     * @param line     the line without CRLF
     * @param dialog   the dialog reading the reply
     * @param more     the dialog that goes on reading with the next reader
     * @param complete the dialog's decision on the complete reply
     * @param <D>      the dialog
     * @return the step
     */
    public <D> ClientStep clientStep(String line, D dialog, BiFunction<D, SmtpReplyReader, ClientDialog> more,
                                     BiFunction<D, Complete, ClientStep> complete) {
        Failure bad = problem(line);
        if (bad != null) {
            return new ClientStep.Fail(bad, "");
        }
        return continues(line) ? ClientStep.Await.sending(more.apply(dialog, with(line)), "") : complete.apply(dialog, complete(line));
    }

    /** Why {@code line} cannot be the next line of this reply, or null when it can. */
    private Failure problem(String line) {
        if (line.length() < 3 || !isDigit(line.charAt(0), '2', '5') || !isDigit(line.charAt(1), '0', '5')
                || !isDigit(line.charAt(2), '0', '9')) {
            return Failure.of(Failure.Reason.MALFORMED_REPLY, "not an SMTP reply line", line);
        }
        int lineCode = codeOf(line);
        int code = code();
        if (code != 0 && lineCode != code) {
            return Failure.of(Failure.Reason.MALFORMED_REPLY, "a multi-line reply changed its code from " + code + " to " + lineCode, line);
        }
        if (line.length() > 3 && line.charAt(3) != ' ' && line.charAt(3) != '-') {
            return Failure.of(Failure.Reason.MALFORMED_REPLY, "no space or hyphen after the reply code", line);
        }
        if (size + 1 > maxLines) {
            return Failure.of(Failure.Reason.REPLY_TOO_LONG, "a reply of more than " + maxLines + " lines", line);
        }
        return null;
    }

    /** Whether a line without {@link #problem} says that more lines follow. */
    private static boolean continues(String line) {
        return line.length() > 3 && line.charAt(3) == '-';
    }

    /** The reader holding {@code line} after this one's lines. */
    private SmtpReplyReader with(String line) {
        return new SmtpReplyReader(line, this, size + 1, maxLines);
    }

    /** The reply that {@code line}, its last, completes: its list made once, at its size. */
    private Complete complete(String line) {
        String[] lines = new String[size + 1];
        lines[size] = line;
        for (SmtpReplyReader r = this; r.last != null; r = r.before) {
            lines[r.size - 1] = r.last;
        }
        return new Complete(codeOf(line), FixedList.of(lines));
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
