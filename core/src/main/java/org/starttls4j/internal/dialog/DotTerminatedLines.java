package org.starttls4j.internal.dialog;

import java.util.List;
import java.util.function.BiFunction;
import org.starttls4j.Failure;
import org.starttls4j.internal.text.FixedList;

/**
 * The data lines of a multi-line response after its status line, as POP3 (RFC 1939 §3) and NNTP
 * (RFC 3977 §3.1.1) send them: up to a line holding a single {@code "."}, any other line that
 * starts with {@code "."} losing that dot (byte stuffing). A response of more than
 * {@code maxLines} lines (the status line and the data lines; the terminating dot is not counted)
 * is refused with {@code REPLY_TOO_LONG}. Immutable: each line gives a new value, which is itself
 * the link holding the line and the lines before it (one small object per line), and the list is
 * made once, at its size, at the dot.
 *
 * <p>A final class rather than a record: the chain is its inside.
 */
public final class DotTerminatedLines {

    /** The newest data line, unstuffed; null when none. */
    private final String last;
    /** The lines before {@link #last}; null when none. */
    private final DotTerminatedLines before;
    private final int size;
    private final int maxLines;

    private DotTerminatedLines(String last, DotTerminatedLines before, int size, int maxLines) {
        this.last = last;
        this.before = before;
        this.size = size;
        this.maxLines = maxLines;
    }

    /**
     * No data line yet.
     *
     * @param maxLines the bound on lines per response, the status line included
     * @return the empty list
     */
    public static DotTerminatedLines empty(int maxLines) {
        return new DotTerminatedLines(null, null, 0, maxLines);
    }

    /**
     * The next line of the list. The reader is passed to the three functions, so that they can be
     * references or lambdas that capture nothing (made once, not per line).
     *
     * @param line     the line
     * @param reader   what the reader that reads the list passes on to the functions
     * @param complete what the complete list's lines make, at the terminating dot
     * @param more     what the list with {@code line} added makes
     * @param bad      what a list that grew too long makes
     * @param <C>      the reader
     * @param <R>      what the reader returns
     * @return one of the three
     */
    public <C, R> R accept(String line, C reader, BiFunction<C, List<String>, R> complete, BiFunction<C, DotTerminatedLines, R> more,
                           BiFunction<C, Failure, R> bad) {
        if (line.equals(".")) {
            return complete.apply(reader, lines());
        }
        if (1 + size + 1 > maxLines) {
            return bad.apply(reader, Failure.of(Failure.Reason.REPLY_TOO_LONG, "a response of more than " + maxLines + " lines", line));
        }
        String unstuffed = line.startsWith(".") ? line.substring(1) : line;
        return more.apply(reader, new DotTerminatedLines(unstuffed, this, size + 1, maxLines));
    }

    /** The lines so far, oldest first. */
    private List<String> lines() {
        String[] all = new String[size];
        for (DotTerminatedLines l = this; l.last != null; l = l.before) {
            all[l.size - 1] = l.last;
        }
        return FixedList.of(all);
    }
}
