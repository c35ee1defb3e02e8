package org.starttls4j.nntp;

import java.util.List;
import org.starttls4j.Failure;
import org.starttls4j.internal.dialog.DotTerminatedLines;
import org.starttls4j.internal.dialog.Read;

/**
 * Assembles the lines of a response to CAPABILITIES into an {@link NntpReply} (RFC 3977 §3.1.1):
 * a status line; if its code is 101, data lines up to a line holding a single {@code "."}, any
 * other line starting with {@code "."} losing that dot. Every other code is a one-line response.
 * A data line that reads as a status line ({@code 382 …}) cannot be a capability label (RFC 3977
 * §3.3.1: labels begin with a letter): it is a response sent out of turn, {@code UNEXPECTED_REPLY}. More than
 * {@code maxLines} lines (status and data; the dot not counted) is {@code REPLY_TOO_LONG}.
 * The data lines are read by {@link DotTerminatedLines}, as POP3's are. Immutable: each line gives
 * a new reader.
 *
 * @param status the status line, or null before it
 * @param list   the data lines so far
 */
record NntpReplyReader(NntpReply status, DotTerminatedLines list) {

    /** The code of the capability list that follows. */
    static final int CAPABILITY_LIST = 101;

    static NntpReplyReader empty(int maxLines) {
        return new NntpReplyReader(null, DotTerminatedLines.empty(maxLines));
    }

    Read<NntpReplyReader, NntpReply> accept(String line) {
        if (status == null) {
            NntpReply reply = NntpReply.parseStatus(line);
            if (reply == null) {
                return new Read.Bad<>(Failure.of(Failure.Reason.MALFORMED_REPLY, "not an NNTP status line", line));
            }
            return reply.code() == CAPABILITY_LIST ? new Read.More<>(new NntpReplyReader(reply, list)) : new Read.Complete<>(reply);
        }
        if (!line.equals(".") && NntpReply.parseStatus(line) != null) {
            return new Read.Bad<>(Failure.of(Failure.Reason.UNEXPECTED_REPLY, "a status line inside the capability list", line));
        }
        return list.accept(line, this, NntpReplyReader::complete, NntpReplyReader::more, (reader, failure) -> new Read.Bad<>(failure));
    }

    private Read<NntpReplyReader, NntpReply> complete(List<String> lines) {
        return new Read.Complete<>(new NntpReply(status.code(), status.text(), lines));
    }

    private Read<NntpReplyReader, NntpReply> more(DotTerminatedLines next) {
        return new Read.More<>(new NntpReplyReader(status, next));
    }
}
