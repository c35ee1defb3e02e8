package org.starttls4j.imap;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.starttls4j.Failure;
import org.starttls4j.Limits;
import org.starttls4j.text.Framed;
import org.starttls4j.text.LineReader;
import org.starttls4j.text.Literal;
import org.starttls4j.text.Received;
import org.starttls4j.text.ResponseParser;

/**
 * Reads IMAP responses (RFC 9051 §7) after the hand-over: tagged completions, untagged status
 * and data, continuation requests, and the literals of untagged data ({@code * 1 FETCH (BODY[]
 * {342}} followed by 342 bytes and the rest of the response), delivered whole in
 * {@link ImapResponse#literals()}. As in the negotiation, status responses and continuation
 * requests carry text, where a trailing {@code {n}} announces nothing.
 *
 * <pre>{@code
 * ImapResponseParser responses = ImapResponseParser.create(Limits.DEFAULT.withMaxLiteralSize(1 << 20));
 * channel.write(US_ASCII.encode("a1 FETCH 1 BODY[]\r\n"));
 * Received<ImapResponse> r;
 * while ((r = responses.read(channel, buffer)) instanceof Received.Complete<ImapResponse> c
 *         && !c.value().tag().equals("a1")) {
 *     // untagged data: c.value().literalBytes(0) is the message
 * }
 * }</pre>
 *
 * <p>Bounded by {@link Limits#maxLineLength()} per line, {@link Limits#maxLiteralSize()} per
 * literal and {@link Limits#maxLinesPerReply()} lines per response. One parser per connection;
 * not thread-safe.
 */
public final class ImapResponseParser implements ResponseParser<ImapResponse> {

    private final LineReader lineReader;
    private final Limits limits;
    private ImapResponse first;
    private final List<String> lines = new ArrayList<>();
    private final List<String> literals = new ArrayList<>();
    private byte[] literal;
    private int literalFilled;
    private Failure failure;

    private ImapResponseParser(Limits limits) {
        this.limits = limits;
        this.lineReader = new LineReader(limits.maxLineLength());
    }

    /**
     * A parser within {@code limits}.
     *
     * @param limits the bounds on line length, literal size and lines per response
     * @return a parser between responses
     */
    public static ImapResponseParser create(Limits limits) {
        return new ImapResponseParser(Objects.requireNonNull(limits, "limits"));
    }

    @Override
    public Received<ImapResponse> next(ByteBuffer source) {
        while (failure == null) {
            if (literal != null) {
                int take = Math.min(source.remaining(), literal.length - literalFilled);
                source.get(literal, literalFilled, take);
                literalFilled += take;
                if (literalFilled < literal.length) {
                    return new Received.NeedsInput<>();
                }
                literals.add(new String(literal, StandardCharsets.ISO_8859_1));
                literal = null;
                continue;
            }
            Framed framed = lineReader.next(source);
            if (framed instanceof Framed.Incomplete) {
                return new Received.NeedsInput<>();
            }
            if (!(framed instanceof Framed.Complete complete)) {
                failure = lineReader.failure().orElseThrow();
                break;
            }
            Received<ImapResponse> done = accept(complete.line());
            if (done != null) {
                return done;
            }
        }
        return new Received.Failed<>(failure);
    }

    /** One whole line: the response is complete (returned), or continues or failed (null; {@code failure} says which). */
    private Received<ImapResponse> accept(String line) {
        if (first == null) {
            ImapResponse.Parsed parsed = ImapResponse.parse(line);
            if (parsed instanceof ImapResponse.Malformed m) {
                failure = Failure.of(Failure.Reason.MALFORMED_REPLY, m.why(), line);
                return null;
            }
            first = ((ImapResponse.Ok) parsed).response();
        } else if (lines.size() + 1 > limits.maxLinesPerReply()) {
            failure = Failure.of(Failure.Reason.REPLY_TOO_LONG,
                    "a response of more than " + limits.maxLinesPerReply() + " lines", first.line());
            return null;
        }
        lines.add(line);
        long size = first.kind() == ImapResponse.Kind.UNTAGGED_DATA ? Literal.announcedBy(line) : -1;
        if (size < 0) {
            ImapResponse whole = new ImapResponse(first.kind(), first.tag(), first.keyword(), first.code(),
                    first.text(), first.line(), lines, literals);
            first = null;
            lines.clear();
            literals.clear();
            return new Received.Complete<>(whole);
        }
        if (size > limits.maxLiteralSize()) {
            failure = Failure.of(Failure.Reason.REPLY_TOO_LONG, "a literal of "
                    + (size == Long.MAX_VALUE ? "absurdly many" : String.valueOf(size))
                    + " bytes, more than " + limits.maxLiteralSize(), first.line());
            return null;
        }
        literal = new byte[(int) size];
        literalFilled = 0;
        return null;
    }
}
