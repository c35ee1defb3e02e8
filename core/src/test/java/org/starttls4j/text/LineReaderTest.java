package org.starttls4j.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.starttls4j.Failure;

/** Lines out of bytes that arrive in pieces, within one line's worth of memory. */
class LineReaderTest {

    private static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Property
    void anySplitGivesTheSameLinesAndLeavesWhatFollows(@ForAll @IntRange(min = 0, max = 14) int cut) {
        ByteBuffer all = bytes("250 ok\r\nnext\r\n");
        ByteBuffer first = ByteBuffer.wrap(all.array(), 0, cut);
        ByteBuffer rest = ByteBuffer.wrap(all.array(), cut, all.capacity() - cut);
        LineReader reader = new LineReader(100);

        Framed a = reader.next(first);
        if (!(a instanceof Framed.Complete)) {
            assertThat(a).isInstanceOf(Framed.Incomplete.class);
            assertThat(first.hasRemaining()).isFalse();
            a = reader.next(rest);
        }

        assertThat(a).isEqualTo(new Framed.Complete("250 ok", 8));
        assertThat(StandardCharsets.ISO_8859_1.decode(first).toString() + StandardCharsets.ISO_8859_1.decode(rest))
                .as("what follows the line is left where it was").isEqualTo("next\r\n");
    }

    @Test
    void aLineAtTheBoundPassesAndOneByteMoreBreaksTheReader() {
        assertThat(new LineReader(6).next(bytes("abcd\r\n"))).isEqualTo(new Framed.Complete("abcd", 6));

        LineReader reader = new LineReader(6);
        assertThat(reader.next(bytes("abcde\r\n"))).isInstanceOf(Framed.TooLong.class);
        assertThat(reader.next(bytes("ok\r\n"))).as("broken for good").isInstanceOf(Framed.TooLong.class);
        assertThat(reader.failure()).map(Failure::reason).contains(Failure.Reason.LINE_TOO_LONG);
    }

    @Test
    void aNulOrBareCrIsRefusedBeforeTheLineEnds() {
        LineReader nul = new LineReader(100);
        assertThat(nul.next(bytes("ab\0"))).isInstanceOf(Framed.Malformed.class);
        assertThat(nul.failure()).map(Failure::reason).contains(Failure.Reason.MALFORMED_REPLY);

        assertThat(new LineReader(100).next(bytes("ab\rc"))).isEqualTo(new Framed.Malformed("bare CR"));
        assertThat(new LineReader(100).next(bytes("ab\n"))).isEqualTo(new Framed.Malformed("bare LF"));
        assertThat(new LineReader(100).failure()).isEmpty();
    }

    @Test
    void theSmallestBoundIsThreeBytes() {
        assertThat(new LineReader(3).next(bytes("a\r\n"))).isEqualTo(new Framed.Complete("a", 3));
        assertThatThrownBy(() -> new LineReader(2)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aReaderIsInALineFromItsFirstByteUntilItsLf() {
        LineReader reader = new LineReader(100);
        assertThat(reader.inLine()).isFalse();
        reader.next(bytes("+OK"));
        assertThat(reader.inLine()).isTrue();
        assertThat(reader.next(bytes(" hi\r\n"))).isEqualTo(new Framed.Complete("+OK hi", 8));
        assertThat(reader.inLine()).as("the line ended").isFalse();
    }
}
