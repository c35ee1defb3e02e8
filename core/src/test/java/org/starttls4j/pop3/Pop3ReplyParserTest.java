package org.starttls4j.pop3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.starttls4j.Failure;
import org.starttls4j.Limits;
import org.starttls4j.text.Received;

/** POP3 responses after the hand-over: one-line or multi-line as the command says. */
class Pop3ReplyParserTest {

    private static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Property
    void aMultiLineResponseSplitAnywhereIsUnstuffedWhole(@ForAll @IntRange(min = 0, max = 38) int cut) {
        byte[] wire = "+OK 2 messages\r\n1 120\r\n..dots\r\n.\r\n+OK\r\n".getBytes(StandardCharsets.ISO_8859_1);
        Pop3ReplyParser parser = Pop3ReplyParser.create(Limits.DEFAULT);
        ByteBuffer first = ByteBuffer.wrap(wire, 0, Math.min(cut, wire.length));
        ByteBuffer rest = ByteBuffer.wrap(wire, first.limit(), wire.length - first.limit());

        Received<Pop3Reply> list = parser.multiLine().next(first);
        if (list instanceof Received.NeedsInput) {
            list = parser.multiLine().next(rest);
        }
        ByteBuffer left = first.hasRemaining() ? first : rest;
        Received<Pop3Reply> ok = parser.next(left);
        if (ok instanceof Received.NeedsInput) {
            ok = parser.next(rest);
        }

        assertThat(list.response()).contains(new Pop3Reply(true, "2 messages", List.of("1 120", ".dots")));
        assertThat(ok.response()).contains(new Pop3Reply(true, "", List.of()));
    }

    @Test
    void anErrIsOneLineEvenWhereALongResponseWasExpected() {
        Pop3ReplyParser parser = Pop3ReplyParser.create(Limits.DEFAULT);
        ByteBuffer source = bytes("-ERR no such message\r\n+OK bye\r\n");

        assertThat(parser.multiLine().next(source).response()).contains(new Pop3Reply(false, "no such message", List.of()));
        assertThat(parser.next(source).response()).contains(new Pop3Reply(true, "bye", List.of()));
    }

    @Test
    void switchingShapeInTheMiddleOfAResponseIsAProgrammingError() {
        Pop3ReplyParser parser = Pop3ReplyParser.create(Limits.DEFAULT);
        assertThat(parser.multiLine().next(bytes("+OK\r\nline\r\n"))).isInstanceOf(Received.NeedsInput.class);

        assertThatThrownBy(() -> parser.next(bytes(".\r\n"))).isInstanceOf(IllegalStateException.class);
        assertThat(parser.multiLine().next(bytes(".\r\n")).response()).contains(new Pop3Reply(true, "", List.of("line")));
    }

    @Test
    void boundsAndSyntaxAreTypedFailures() {
        assertThat(Pop3ReplyParser.create(Limits.DEFAULT.withMaxLinesPerReply(2)).multiLine()
                .next(bytes("+OK\r\na\r\nb\r\n.\r\n")).failed())
                .map(Failure::reason).contains(Failure.Reason.REPLY_TOO_LONG);
        assertThat(Pop3ReplyParser.create(Limits.DEFAULT).next(bytes("OK\r\n")).failed())
                .map(Failure::reason).contains(Failure.Reason.MALFORMED_REPLY);
    }
}
