package org.starttls4j.imap;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.starttls4j.Limits;
import org.starttls4j.text.Literal;
import org.starttls4j.text.Received;

/**
 * Reading IMAP responses with literals after the hand-over ({@link ImapResponseParser}), on
 * whatever a server sends, cut where the fuzzer likes. No exception, and:
 *
 * <ul>
 *   <li>a call that needs input has taken all it was given; a failed parser stays failed;
 *   <li>a response has at most {@link Limits#maxLinesPerReply()} lines, lines shorter than
 *       {@link Limits#maxLineLength()}, and literals within {@link Limits#maxLiteralSize()},
 *       each exactly as long as the {@code {n}} that announced it;
 *   <li>the cuts change nothing: the same bytes in one piece give the same responses and the
 *       same failure.
 * </ul>
 */
class ImapResponseFuzzTest {

    static final Limits LIMITS = new Limits(80, 6, 4096, 256);
    static final int CALLS = 10_000;

    @FuzzTest(maxDuration = "2m")
    void responsesWithLiterals(FuzzedDataProvider data) {
        List<byte[]> pieces = new ArrayList<>();
        int count = data.consumeInt(1, 8);
        for (int i = 0; i < count - 1; i++) {
            pieces.add(data.consumeBytes(data.consumeInt(0, 300)));
        }
        pieces.add(data.consumeRemainingAsBytes());
        List<Object> cut = read(pieces);
        int total = pieces.stream().mapToInt(p -> p.length).sum();
        ByteBuffer whole = ByteBuffer.allocate(total);
        pieces.forEach(whole::put);
        List<Object> inOne = read(List.of(whole.array()));
        check(cut.equals(inOne), "cut into %d pieces: %s; in one: %s", pieces.size(), cut, inOne);
    }

    /** Every complete response, then the failure if any: what reading {@code pieces} in turn gives. */
    private static List<Object> read(List<byte[]> pieces) {
        ImapResponseParser parser = ImapResponseParser.create(LIMITS);
        List<Object> out = new ArrayList<>();
        int calls = 0;
        for (byte[] piece : pieces) {
            ByteBuffer source = ByteBuffer.wrap(piece);
            while (true) {
                check(++calls < CALLS, "%d calls without an end", calls);
                Received<ImapResponse> r = parser.next(source);
                if (r instanceof Received.Complete<ImapResponse> c) {
                    checkBounds(c.value());
                    out.add(c.value());
                } else if (r instanceof Received.NeedsInput<ImapResponse>) {
                    check(!source.hasRemaining(), "needs input with %d bytes unread", source.remaining());
                    break;
                } else {
                    Received.Failed<ImapResponse> f = (Received.Failed<ImapResponse>) r;
                    check(parser.next(ByteBuffer.wrap(new byte[] {'x', '\r', '\n'})) instanceof Received.Failed,
                            "a failed parser read on");
                    out.add(f.failure().reason());
                    return out;
                }
            }
        }
        return out;
    }

    private static void checkBounds(ImapResponse response) {
        check(response.lines().size() <= LIMITS.maxLinesPerReply(), "%d lines", response.lines().size());
        for (int i = 0; i < response.lines().size(); i++) {
            String line = response.lines().get(i);
            check(line.length() < LIMITS.maxLineLength(), "a line of %d characters", line.length());
            if (i < response.literals().size()) {
                long announced = Literal.announcedBy(line);
                int length = response.literals().get(i).length();
                check(length <= LIMITS.maxLiteralSize() && announced == length, "a literal of %d bytes after %s", length, line);
            }
        }
    }

    private static void check(boolean condition, String format, Object... args) {
        if (!condition) {
            throw new AssertionError(String.format(format, args));
        }
    }
}
