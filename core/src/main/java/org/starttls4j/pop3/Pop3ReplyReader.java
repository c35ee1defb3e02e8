package org.starttls4j.pop3;

import java.util.Arrays;
import java.util.List;
import org.starttls4j.Failure;

/**
 * Assembles POP3 response lines into {@link Pop3Reply}s (RFC 1939 §3). A response starts with a
 * status line, {@code +OK} or {@code -ERR}. A single-line response ends there. A multi-line
 * response (only after {@code +OK}: a {@code -ERR} is always one line) goes on until a line
 * holding a single {@code "."}; any other line that starts with {@code "."} has that first dot
 * removed (byte stuffing). A response of more than {@code maxLines} lines (the status line and the
 * data lines; the terminating dot is not counted) is refused with {@code REPLY_TOO_LONG}.
 *
 * <p>Immutable: each line gives a new reader, and an old reader fed again gives the same answer.
 * The data lines are kept in a persistent chain, so a long list costs one small object per line
 * rather than a copy of the list per line.
 *
 * @param multiLine whether a positive response carries a dot-terminated list
 * @param status    the status line read so far, or null before it
 * @param lines     the data lines so far, unstuffed, newest first; null when none
 * @param maxLines  the bound on lines per response
 */
record Pop3ReplyReader(boolean multiLine, Pop3Reply status, Chain lines, int maxLines) {

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
        static int size(Chain chain) {
            return chain == null ? 0 : chain.size();
        }

        static List<String> toList(Chain chain) {
            String[] all = new String[size(chain)];
            for (Chain c = chain; c != null; c = c.before()) {
                all[c.size() - 1] = c.line();
            }
            return Arrays.asList(all);
        }
    }

    /** A reader for a single-line response (greeting, STLS). */
    static Pop3ReplyReader singleLine(int maxLines) {
        return new Pop3ReplyReader(false, null, null, maxLines);
    }

    /** A reader for a response that is multi-line when positive (CAPA). */
    static Pop3ReplyReader multiLine(int maxLines) {
        return new Pop3ReplyReader(true, null, null, maxLines);
    }

    /** Whether the status line of a multi-line response was read and its list is being read. */
    boolean inList() {
        return status != null;
    }

    Read accept(String line) {
        if (status == null) {
            Pop3Reply reply = Pop3Reply.parseStatus(line);
            if (reply == null) {
                return new Bad(Failure.of(Failure.Reason.MALFORMED_REPLY, "not a POP3 status line (+OK or -ERR)", line));
            }
            if (!multiLine || !reply.positive()) {
                return new Complete(reply);
            }
            return new More(new Pop3ReplyReader(true, reply, null, maxLines));
        }
        if (line.equals(".")) {
            return new Complete(new Pop3Reply(true, status.text(), Chain.toList(lines)));
        }
        int count = Chain.size(lines);
        if (1 + count + 1 > maxLines) {
            return new Bad(Failure.of(Failure.Reason.REPLY_TOO_LONG, "a response of more than " + maxLines + " lines", line));
        }
        String unstuffed = line.startsWith(".") ? line.substring(1) : line;
        return new More(new Pop3ReplyReader(true, status, new Chain(unstuffed, lines, count + 1), maxLines));
    }
}
