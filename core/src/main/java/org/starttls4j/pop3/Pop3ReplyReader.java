package org.starttls4j.pop3;

import java.util.List;
import org.starttls4j.Failure;
import org.starttls4j.internal.dialog.DotTerminatedLines;
import org.starttls4j.internal.dialog.Read;

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
 * The data lines are read by {@link DotTerminatedLines}, as NNTP's are.
 *
 * @param status the status line read so far, or null before it
 * @param list   the data lines so far
 */
record Pop3ReplyReader(Pop3Reply status, DotTerminatedLines list) {

    /** A reader before the status line. */
    static Pop3ReplyReader empty(int maxLines) {
        return new Pop3ReplyReader(null, DotTerminatedLines.empty(maxLines));
    }

    /** Whether the status line was read and the list is being read. */
    boolean inList() {
        return status != null;
    }

    Read<Pop3ReplyReader, Pop3Reply> accept(String line) {
        if (status == null) {
            Pop3Reply reply = Pop3Reply.parseStatus(line);
            if (reply == null) {
                return new Read.Bad<>(Failure.of(Failure.Reason.MALFORMED_REPLY, "not a POP3 status line (+OK or -ERR)", line));
            }
            if (!reply.positive()) {
                return new Read.Complete<>(reply);
            }
            return new Read.More<>(new Pop3ReplyReader(reply, list));
        }
        return list.accept(line, this, Pop3ReplyReader::complete, Pop3ReplyReader::more, (reader, failure) -> new Read.Bad<>(failure));
    }

    private Read<Pop3ReplyReader, Pop3Reply> complete(List<String> lines) {
        return new Read.Complete<>(new Pop3Reply(true, status.text(), lines));
    }

    private Read<Pop3ReplyReader, Pop3Reply> more(DotTerminatedLines next) {
        return new Read.More<>(new Pop3ReplyReader(status, next));
    }
}
