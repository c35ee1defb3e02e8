package org.starttls4j.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.starttls4j.Failure;
import org.starttls4j.Limits;
import org.starttls4j.text.Received;

/** IMAP responses after the hand-over: tagged, untagged, continuation, literals kept whole. */
class ImapResponseParserTest {

    /** A FETCH whose literal holds CRLFs and a fake tagged line, then the completion. */
    private static final String WIRE = "* 1 FETCH (BODY[] {19}\r\na1 OK fake\r\nbody\r\n FLAGS (\\Seen))\r\n"
            + "a1 OK [READ-ONLY] done {3}\r\n";

    private static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static List<ImapResponse> feed(ImapResponseParser parser, List<ByteBuffer> pieces) {
        List<ImapResponse> out = new ArrayList<>();
        for (ByteBuffer piece : pieces) {
            Received<ImapResponse> p;
            while (!((p = parser.next(piece)) instanceof Received.NeedsInput)) {
                out.add(p.response().orElseThrow(() -> new AssertionError("failed")));
            }
        }
        return out;
    }

    @Property
    void aLiteralIsDeliveredWholeWhereverTheBytesAreCut(@ForAll @IntRange(min = 0, max = 90) int a,
                                                        @ForAll @IntRange(min = 0, max = 90) int b) {
        byte[] wire = WIRE.getBytes(StandardCharsets.ISO_8859_1);
        int lo = Math.min(Math.min(a, b), wire.length);
        int hi = Math.min(Math.max(a, b), wire.length);

        List<ImapResponse> responses = feed(ImapResponseParser.create(Limits.DEFAULT), List.of(
                ByteBuffer.wrap(wire, 0, lo), ByteBuffer.wrap(wire, lo, hi - lo), ByteBuffer.wrap(wire, hi, wire.length - hi)));

        assertThat(responses).hasSize(2);
        ImapResponse fetch = responses.get(0);
        assertThat(fetch.kind()).isEqualTo(ImapResponse.Kind.UNTAGGED_DATA);
        assertThat(fetch.keyword()).isEqualTo("FETCH");
        assertThat(fetch.literals()).containsExactly("a1 OK fake\r\nbody\r\n ");
        assertThat(new String(fetch.literalBytes(0), StandardCharsets.ISO_8859_1)).startsWith("a1 OK fake");
        assertThat(fetch.lines()).containsExactly("* 1 FETCH (BODY[] {19}", "FLAGS (\\Seen))");
        ImapResponse done = responses.get(1);
        assertThat(done.is(ImapResponse.Kind.TAGGED, "OK")).isTrue();
        assertThat(done.tag()).isEqualTo("a1");
        assertThat(done.codeArgument("READ-ONLY")).contains("");
        assertThat(done.literals()).as("status text announces no literal").isEmpty();
    }

    @Test
    void continuationAndUntaggedStatusAreOneLine() {
        ImapResponseParser parser = ImapResponseParser.create(Limits.DEFAULT);
        ByteBuffer source = bytes("+ go on\r\n* BYE [ALERT] closing\r\n");

        ImapResponse go = parser.next(source).response().orElseThrow();
        ImapResponse bye = parser.next(source).response().orElseThrow();

        assertThat(go.kind()).isEqualTo(ImapResponse.Kind.CONTINUATION);
        assertThat(go.text()).isEqualTo("go on");
        assertThat(bye.is(ImapResponse.Kind.UNTAGGED_STATUS, "BYE")).isTrue();
        assertThat(bye.code()).isEqualTo(Optional.of(new ImapResponse.Code("ALERT", "")));
    }

    @Test
    void aLiteralOverTheBoundIsRefusedBeforeItsBytesAreHeld() {
        Received<ImapResponse> p = ImapResponseParser.create(Limits.DEFAULT.withMaxLiteralSize(10))
                .next(bytes("* 1 FETCH (BODY[] {11}\r\n"));

        assertThat(p.failed()).map(Failure::reason).contains(Failure.Reason.REPLY_TOO_LONG);
        assertThat(ImapResponseParser.create(Limits.DEFAULT).next(bytes("* 1 FETCH (BODY[] {99999999999999999999}\r\n"))
                .failed()).map(Failure::message).hasValueSatisfying(m -> assertThat(m).contains("absurdly many"));
    }

    @Test
    void tooManyLinesAndGarbageAreTypedFailures() {
        assertThat(ImapResponseParser.create(Limits.DEFAULT.withMaxLinesPerReply(2))
                .next(bytes("* 1 FETCH (A {1}\r\nx B {1}\r\ny C {1}\r\nz)\r\n")).failed())
                .map(Failure::reason).contains(Failure.Reason.REPLY_TOO_LONG);
        assertThat(ImapResponseParser.create(Limits.DEFAULT).next(bytes("garbage\r\n")).failed())
                .map(Failure::reason).contains(Failure.Reason.MALFORMED_REPLY);
    }
}
