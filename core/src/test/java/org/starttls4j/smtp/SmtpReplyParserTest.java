package org.starttls4j.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.starttls4j.Failure;
import org.starttls4j.Limits;
import org.starttls4j.text.Received;

/** SMTP replies after the hand-over, from bytes in any pieces, within bounds. */
class SmtpReplyParserTest {

    private static final String WIRE = "250-mail.example.org\r\n250-PIPELINING\r\n250 SIZE 1000\r\n354 go ahead\r\n";

    private static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Every reply the parser completes from {@code pieces}, fed in order. */
    private static List<Received<SmtpReply>> feed(SmtpReplyParser parser, List<ByteBuffer> pieces) {
        List<Received<SmtpReply>> out = new ArrayList<>();
        for (ByteBuffer piece : pieces) {
            Received<SmtpReply> p;
            while (!((p = parser.next(piece)) instanceof Received.NeedsInput)) {
                out.add(p);
                if (p instanceof Received.Failed) {
                    return out;
                }
            }
        }
        return out;
    }

    @Property
    void anyTwoCutsGiveTheSameReplies(@ForAll @IntRange(min = 0, max = 71) int a, @ForAll @IntRange(min = 0, max = 71) int b) {
        byte[] wire = WIRE.getBytes(StandardCharsets.ISO_8859_1);
        int lo = Math.min(Math.min(a, b), wire.length);
        int hi = Math.min(Math.max(a, b), wire.length);

        List<Received<SmtpReply>> replies = feed(SmtpReplyParser.create(Limits.DEFAULT), List.of(
                ByteBuffer.wrap(wire, 0, lo), ByteBuffer.wrap(wire, lo, hi - lo), ByteBuffer.wrap(wire, hi, wire.length - hi)));

        assertThat(replies).containsExactly(
                new Received.Complete<>(new SmtpReply(250, List.of("mail.example.org", "PIPELINING", "SIZE 1000"))),
                new Received.Complete<>(new SmtpReply(354, List.of("go ahead"))));
    }

    @Test
    void bytesAfterAReplyStayForTheNextCall() {
        SmtpReplyParser parser = SmtpReplyParser.create(Limits.DEFAULT);
        ByteBuffer source = bytes("250 ok\r\n221 bye\r\n");

        assertThat(parser.next(source).response()).contains(new SmtpReply(250, List.of("ok")));
        assertThat(source.remaining()).isEqualTo(9);
        assertThat(parser.next(source).response()).contains(new SmtpReply(221, List.of("bye")));
    }

    @Test
    void aReplyOfMoreLinesThanTheBoundFailsAndStaysFailed() {
        SmtpReplyParser parser = SmtpReplyParser.create(Limits.DEFAULT.withMaxLinesPerReply(2));

        Received<SmtpReply> p = parser.next(bytes("250-a\r\n250-b\r\n250 c\r\n"));

        assertThat(p.failed()).map(Failure::reason).contains(Failure.Reason.REPLY_TOO_LONG);
        assertThat(parser.next(bytes("250 ok\r\n"))).isEqualTo(p);
    }

    @Test
    void malformedRepliesAndLongLinesAreTypedFailures() {
        assertThat(SmtpReplyParser.create(Limits.DEFAULT).next(bytes("hello\r\n")).failed())
                .map(Failure::reason).contains(Failure.Reason.MALFORMED_REPLY);
        assertThat(SmtpReplyParser.create(Limits.DEFAULT).next(bytes("250-a\r\n251 b\r\n")).failed())
                .map(Failure::message).hasValueSatisfying(m -> assertThat(m).contains("changed its code"));
        assertThat(SmtpReplyParser.create(Limits.DEFAULT.withMaxLineLength(20)).next(bytes("250 " + "x".repeat(30))).failed())
                .map(Failure::reason).contains(Failure.Reason.LINE_TOO_LONG);
    }
}
