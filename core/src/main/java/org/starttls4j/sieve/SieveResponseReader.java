package org.starttls4j.sieve;

import org.starttls4j.Capabilities;
import org.starttls4j.Failure;
import org.starttls4j.Limits;
import org.starttls4j.internal.dialog.Read;
import org.starttls4j.internal.text.LineChain;
import org.starttls4j.text.Literal;

/**
 * Assembles a ManageSieve response (RFC 5804 §4): capability lines, if any, then a status line
 * ({@code OK}, {@code NO} or {@code BYE}, an optional response code and an optional string). A
 * status line ending in a literal ({@code {n}}) has the literal's bytes counted across lines (see
 * {@link Literal}), never read. Capability names and values must be quoted strings: a capability
 * written as a literal is refused ({@code MALFORMED_REPLY}); no known server writes one.
 * Immutable: each line gives a new reader.
 *
 * <p>Bounds: more than {@link Limits#maxLinesPerReply()} lines, or a literal larger than
 * {@link Limits#maxLiteralSize()}, is {@code REPLY_TOO_LONG}.
 *
 * @param capabilities the capability lines so far, as sent; null when none
 * @param status       the status line whose literal is being counted, or null
 * @param literal      that literal, or null
 * @param lines        lines read so far
 * @param limits       the bounds
 */
record SieveResponseReader(LineChain capabilities, String status, Literal literal, int lines, Limits limits) {

    /**
     * A complete response.
     *
     * @param status       {@code OK}, {@code NO} or {@code BYE}
     * @param line         the status line as sent
     * @param capabilities the capabilities listed before it
     */
    record Response(String status, String line, Capabilities capabilities) {
    }

    static SieveResponseReader empty(Limits limits) {
        return new SieveResponseReader(null, null, null, 0, limits);
    }

    Read<SieveResponseReader, Response> accept(String line) {
        if (lines + 1 > limits.maxLinesPerReply()) {
            return new Read.Bad<>(Failure.of(Failure.Reason.REPLY_TOO_LONG, "a response of more than " + limits.maxLinesPerReply() + " lines",
                    line));
        }
        if (literal != null) {
            Literal.Advance advance = literal.advance(line);
            if (advance instanceof Literal.Inside inside) {
                return new Read.More<>(new SieveResponseReader(capabilities, status, inside.next(), lines + 1, limits));
            }
            if (advance instanceof Literal.Split) {
                return new Read.Bad<>(Failure.of(Failure.Reason.MALFORMED_REPLY, "a literal ended between CR and LF", status));
            }
            return afterText(status, ((Literal.Ended) advance).rest());
        }
        if (SieveSyntax.status(line) != null) {
            return afterText(line, line);
        }
        if (SieveSyntax.capability(line) == null) {
            return new Read.Bad<>(Failure.of(Failure.Reason.MALFORMED_REPLY,
                    line.startsWith("{") || line.endsWith("}") ? "a capability written as a literal" : "neither a capability nor OK/NO/BYE",
                    line));
        }
        return new Read.More<>(new SieveResponseReader(LineChain.append(capabilities, line), null, null, lines + 1, limits));
    }

    /** {@code text} ended a line of the status line {@code statusLine}: complete, unless it announces a literal. */
    private Read<SieveResponseReader, Response> afterText(String statusLine, String text) {
        long size = Literal.announcedBy(text);
        if (size < 0) {
            Capabilities listed = new Capabilities(LineChain.toList(capabilities).stream().map(SieveSyntax::capability).toList());
            return new Read.Complete<>(new Response(SieveSyntax.status(statusLine), statusLine, listed));
        }
        if (size > limits.maxLiteralSize()) {
            return new Read.Bad<>(Failure.of(Failure.Reason.REPLY_TOO_LONG, "a literal of more than " + limits.maxLiteralSize() + " bytes",
                    statusLine));
        }
        return new Read.More<>(new SieveResponseReader(capabilities, statusLine, new Literal(size), lines + 1, limits));
    }
}
