package org.starttls4j.imap;

import org.starttls4j.Failure;
import org.starttls4j.Limits;
import org.starttls4j.internal.dialog.Read;
import org.starttls4j.text.Literal;

/**
 * Assembles response lines into {@link ImapResponse}s. Most responses are one line; untagged data
 * (FETCH, LIST, …) may end a line with a literal {@code {n}}, whose bytes are then counted across
 * the following lines (see {@link Literal}) and after which the response continues, possibly
 * with more literals. Status responses (tagged, untagged OK/NO/BAD/BYE/PREAUTH) and continuation
 * requests carry {@code resp-text}, where RFC 9051's grammar has no literals: a trailing
 * {@code {n}} there is text. Immutable: each line gives a new reader.
 *
 * <p>Bounds: a literal larger than {@link Limits#maxLiteralSize()}, or a response spanning more
 * than {@link Limits#maxLinesPerReply()} lines, is {@code REPLY_TOO_LONG}.
 *
 * @param pending the response whose literal is being counted, or null between responses
 * @param literal the literal being counted, or null between responses
 * @param lines   lines of the pending response so far
 * @param limits  the bounds
 */
record ImapResponseReader(ImapResponse pending, Literal literal, int lines, Limits limits) {

    static ImapResponseReader empty(Limits limits) {
        return new ImapResponseReader(null, null, 0, limits);
    }

    /** A reader between responses: this one if it is, so a one-line response costs no new reader. */
    ImapResponseReader fresh() {
        return pending == null ? this : empty(limits);
    }

    Read<ImapResponseReader, ImapResponse> accept(String line) {
        if (pending == null) {
            ImapResponse.Parsed parsed = ImapResponse.parse(line);
            if (parsed instanceof ImapResponse.Malformed m) {
                return new Read.Bad<>(Failure.of(Failure.Reason.MALFORMED_REPLY, m.why(), line));
            }
            ImapResponse response = ((ImapResponse.Ok) parsed).response();
            if (response.kind() != ImapResponse.Kind.UNTAGGED_DATA) {
                return new Read.Complete<>(response);
            }
            return afterText(response, line, 1);
        }
        if (lines + 1 > limits.maxLinesPerReply()) {
            return new Read.Bad<>(Failure.of(Failure.Reason.REPLY_TOO_LONG,
                    "a response of more than " + limits.maxLinesPerReply() + " lines", pending.line()));
        }
        Literal.Advance advance = literal.advance(line);
        if (advance instanceof Literal.Inside inside) {
            return new Read.More<>(new ImapResponseReader(pending, inside.next(), lines + 1, limits));
        }
        if (advance instanceof Literal.Split) {
            return new Read.Bad<>(Failure.of(Failure.Reason.MALFORMED_REPLY, "a literal ended between CR and LF", pending.line()));
        }
        return afterText(pending, ((Literal.Ended) advance).rest(), lines + 1);
    }

    /** {@code text} ended a line of {@code response}: complete, unless it announces a literal. */
    private Read<ImapResponseReader, ImapResponse> afterText(ImapResponse response, String text, int linesSoFar) {
        long size = Literal.announcedBy(text);
        if (size < 0) {
            return new Read.Complete<>(response);
        }
        if (size > limits.maxLiteralSize()) {
            return new Read.Bad<>(Failure.of(Failure.Reason.REPLY_TOO_LONG,
                    "a literal of " + (size == Long.MAX_VALUE ? "absurdly many" : String.valueOf(size))
                            + " bytes, more than " + limits.maxLiteralSize(), response.line()));
        }
        return new Read.More<>(new ImapResponseReader(response, new Literal(size), linesSoFar, limits));
    }
}
