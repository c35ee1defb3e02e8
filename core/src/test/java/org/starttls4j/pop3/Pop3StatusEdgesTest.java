package org.starttls4j.pop3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import org.junit.jupiter.api.Test;
import org.starttls4j.Failure;
import org.starttls4j.Limits;
import org.starttls4j.TlsPolicy;
import org.starttls4j.text.Received;

/** POP3 status lines, APOP timestamps and the parser's shape rule, at their edges. */
class Pop3StatusEdgesTest {

    private static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void anIndicatorAloneHasAnEmptyText() {
        assertThat(Pop3Reply.parseStatus("+OK")).isEqualTo(new Pop3Reply(true, "", List.of()));
        assertThat(Pop3Reply.parseStatus("+OK ")).isEqualTo(new Pop3Reply(true, "", List.of()));
        assertThat(Pop3Reply.parseStatus("+OK x")).isEqualTo(new Pop3Reply(true, "x", List.of()));
        assertThat(Pop3Reply.parseStatus("-ERR")).isEqualTo(new Pop3Reply(false, "", List.of()));
        assertThat(Pop3Reply.parseStatus("-ERR ")).isEqualTo(new Pop3Reply(false, "", List.of()));
        assertThat(Pop3Reply.parseStatus("-ERR y")).isEqualTo(new Pop3Reply(false, "y", List.of()));
        assertThat(Pop3Reply.parseStatus("+OKAY")).isNull();
    }

    @Test
    void aTimestampAtTheVeryStartOrRightAfterAStrayBracketIsFound() {
        assertThat(Pop3.apopTimestamp("<1.2@host>")).contains("<1.2@host>");
        assertThat(Pop3.apopTimestamp("+OK ready><1.2@host>")).contains("<1.2@host>");
        assertThat(Pop3.apopTimestamp("+OK <not one> <3@h>")).contains("<3@h>");
        assertThat(Pop3.apopTimestamp("+OK <1.2@host")).isEmpty();
    }

    @Property(tries = 300) // every one of the 256 characters
    void aTimestampHoldsOnlyPrintableAsciiWithoutSpaces(@ForAll @CharRange(from = 0, to = 0xff) char c) {
        boolean printable = c > 0x20 && c < 0x7f && c != '<' && c != '>';
        String candidate = "<1" + c + "2@host>";
        assertThat(Pop3.apopTimestamp("+OK " + candidate).filter(candidate::equals).isPresent()).as("%x", (int) c)
                .isEqualTo(printable);
    }

    @Test
    void aHalfReadLineKeepsItsShape() {
        Pop3ReplyParser oneLine = Pop3ReplyParser.create(Limits.DEFAULT);
        assertThat(oneLine.next(bytes("+OK hel"))).isInstanceOf(Received.NeedsInput.class);
        assertThatThrownBy(() -> oneLine.multiLine().next(bytes("lo\r\n"))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("one-line");
        assertThat(oneLine.next(bytes("lo\r\n")).response()).contains(new Pop3Reply(true, "hello", List.of()));

        Pop3ReplyParser list = Pop3ReplyParser.create(Limits.DEFAULT);
        assertThat(list.multiLine().next(bytes("+OK\r\nTOP\r\n"))).isInstanceOf(Received.NeedsInput.class);
        assertThatThrownBy(() -> list.next(bytes(".\r\n"))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("multi-line");
    }

    @Test
    void betweenResponsesEitherShapeMayFollow() {
        Pop3ReplyParser parser = Pop3ReplyParser.create(Limits.DEFAULT);
        assertThat(parser.multiLine().next(bytes(""))).isInstanceOf(Received.NeedsInput.class);
        assertThat(parser.next(bytes("+OK one\r\n")).response()).contains(new Pop3Reply(true, "one", List.of()));
        assertThat(parser.next(bytes(""))).isInstanceOf(Received.NeedsInput.class);
        assertThat(parser.multiLine().next(bytes("+OK\r\n.\r\n")).response()).contains(new Pop3Reply(true, "", List.of()));
    }

    @Test
    void aStatusLineInsideTheCapaListIsASecondResponseOutOfTurn() {
        Script s = Script.begin(Pop3.client(Fixtures.client(TlsPolicy.REQUIRED)))
                .receive(Pop3ClientDialogTest.GREETING).receive("+OK Capability list follows\r\nTOP\r\n+OK hi\r\n");
        assertThat(s.reason()).isEqualTo(Failure.Reason.UNEXPECTED_REPLY);
    }
}
