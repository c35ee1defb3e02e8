package org.starttls4j.pop3;

import java.util.Arrays;
import java.util.List;
import org.starttls4j.Failure;

/**
 * Assembles the lines of a response that is multi-line when positive (CAPA) into a
 * {@link Pop3Reply} (RFC 1939 §3); single-line responses need only {@link Pop3Reply#parseStatus}.
 * The response starts with a status line, {@code +OK} or {@code -ERR}. A {@code -ERR} is always
 * one line. After {@code +OK} the response goes on until a line holding a single {@code "."}; any
 * other line that starts with {@code "."} has that first dot removed (byte stuffing). A response
 * of more than {@code maxLines} lines (the status line and the data lines; the terminating dot is
 * not counted) is refused with {@code REPLY_TOO_LONG}.
 *
 * <p>Immutable: each line gives a new reader, and an old reader fed again gives the same answer.
 * The data lines are kept in a persistent chain, so a long list costs one small object per line
 * rather than a copy of the list per line.
 *
 * @param status    the status line read so far, or null before it
 * @param lines     the data lines so far, unstuffed, newest first; null when none
 * @param maxLines  the bound on lines per response
 */
record Pop3ReplyReader(Pop3Reply status, Chain lines, int maxLines) {

    /** What one line did. */
    sealed interface Read {
    }

    /** The response continues. */
    record More(Pop3ReplyReader next) implements Read {
    }

    /** The response is complete. */
    record Complete(Pop3Reply reply) implements Read {
    }

    /** The line cannot be part of a response. */
    record Bad(Failure failure) implements Read {
    }

    /** An immutable list link: one data line and the ones before it. */
    record Chain(String line, Chain before, int size) {
        /** The number of lines in {@code chain} (null is empty). */
        static int size(Chain chain) {
            return chain == null ? 0 : chain.size();
        }

        /** The lines of {@code chain}, oldest first. */
        static List<String> toList(Chain chain) {
            String[] all = new String[size(chain)];
            for (Chain c = chain; c != null; c = c.before()) {
                all[c.size() - 1] = c.line();
            }
            return Arrays.asList(all);
        }
    }

    /** A reader before the status line. */
    static Pop3ReplyReader empty(int maxLines) {
        return new Pop3ReplyReader(null, null, maxLines);
    }

    /** Whether the status line was read and the list is being read. */
    boolean inList() {
        return status != null;
    }

    Read accept(String line) {
        if (status == null) {
            Pop3Reply reply = Pop3Reply.parseStatus(line);
            if (reply == null) {
                return new Bad(Failure.of(Failure.Reason.MALFORMED_REPLY, "not a POP3 status line (+OK or -ERR)", line));
            }
            if (!reply.positive()) {
                return new Complete(reply);
            }
            return new More(new Pop3ReplyReader(reply, null, maxLines));
        }
        if (line.equals(".")) {
            return new Complete(new Pop3Reply(true, status.text(), Chain.toList(lines)));
        }
        int count = Chain.size(lines);
        if (1 + count + 1 > maxLines) {
            return new Bad(Failure.of(Failure.Reason.REPLY_TOO_LONG, "a response of more than " + maxLines + " lines", line));
        }
        String unstuffed = line.startsWith(".") ? line.substring(1) : line;
        return new More(new Pop3ReplyReader(status, new Chain(unstuffed, lines, count + 1), maxLines));
    }
}
