package org.starttls4j.internal.dialog;

import java.util.List;
import java.util.function.Function;
import org.starttls4j.Failure;
import org.starttls4j.internal.text.LineChain;

/**
 * The data lines of a multi-line response after its status line, as POP3 (RFC 1939 §3) and NNTP
 * (RFC 3977 §3.1.1) send them: up to a line holding a single {@code "."}, any other line that
 * starts with {@code "."} losing that dot (byte stuffing). A response of more than
 * {@code maxLines} lines (the status line and the data lines; the terminating dot is not counted)
 * is refused with {@code REPLY_TOO_LONG}. Immutable: each line gives a new value, and the lines
 * are kept in a {@link LineChain}.
 *
 * @param lines    the data lines so far, unstuffed; null when none
 * @param maxLines the bound on lines per response, the status line included
 */
public record DotTerminatedLines(LineChain lines, int maxLines) {

    /**
     * No data line yet.
     *
     * @param maxLines the bound on lines per response, the status line included
     * @return the empty list
     */
    public static DotTerminatedLines empty(int maxLines) {
        return new DotTerminatedLines(null, maxLines);
    }

    /**
     * The next line of the list.
     *
     * @param line     the line
     * @param complete what the complete list's lines make, at the terminating dot
     * @param more     what the list with {@code line} added makes
     * @param bad      what a list that grew too long makes
     * @param <R>      what the reader returns
     * @return one of the three
     */
    public <R> R accept(String line, Function<List<String>, R> complete, Function<DotTerminatedLines, R> more,
                        Function<Failure, R> bad) {
        if (line.equals(".")) {
            return complete.apply(LineChain.toList(lines));
        }
        if (1 + LineChain.size(lines) + 1 > maxLines) {
            return bad.apply(Failure.of(Failure.Reason.REPLY_TOO_LONG, "a response of more than " + maxLines + " lines", line));
        }
        String unstuffed = line.startsWith(".") ? line.substring(1) : line;
        return more.apply(new DotTerminatedLines(LineChain.append(lines, unstuffed), maxLines));
    }
}
