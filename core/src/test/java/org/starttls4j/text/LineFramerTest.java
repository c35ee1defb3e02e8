package org.starttls4j.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class LineFramerTest {

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void aCrlfLineIsCompleteAndItsLengthCountsTheCrlf() {
        byte[] b = ascii("250 OK\r\nrest");
        assertThat(LineFramer.next(b, 0, b.length, 100)).isEqualTo(new Framed.Complete("250 OK", 8));
    }

    @Test
    void bareLineFeedBareCarriageReturnAndNulAreMalformed() {
        assertThat(LineFramer.next(ascii("250 OK\n"), 0, 7, 100)).isInstanceOf(Framed.Malformed.class);
        assertThat(LineFramer.next(ascii("\n"), 0, 1, 100)).isInstanceOf(Framed.Malformed.class);
        assertThat(LineFramer.next(ascii("250\rOK\r\n"), 0, 8, 100)).isInstanceOf(Framed.Malformed.class);
        assertThat(LineFramer.next(ascii("25\0 OK\r\n"), 0, 8, 100)).isInstanceOf(Framed.Malformed.class);
    }

    @Test
    void aCarriageReturnAtTheEndOfTheBufferWaitsForItsLineFeed() {
        assertThat(LineFramer.next(ascii("250 OK\r"), 0, 7, 100)).isInstanceOf(Framed.Incomplete.class);
    }

    @Test
    void aLineOfExactlyTheLimitIsAcceptedAndOneByteMoreIsTooLong() {
        byte[] exact = ascii("x".repeat(8) + "\r\n");
        byte[] over = ascii("x".repeat(9) + "\r\n");
        assertThat(LineFramer.next(exact, 0, exact.length, 10)).isInstanceOf(Framed.Complete.class);
        assertThat(LineFramer.next(over, 0, over.length, 10)).isInstanceOf(Framed.TooLong.class);
    }

    @Property(tries = 300)
    void withoutALineFeedTheVerdictIsTooLongExactlyWhenTheLimitIsReached(
            @ForAll @Size(max = 300) byte[] bytes, @ForAll @IntRange(min = 16, max = 200) int limit) {
        byte[] noLf = bytes.clone();
        for (int i = 0; i < noLf.length; i++) {
            if (noLf[i] == '\n' || noLf[i] == '\r' || noLf[i] == 0) {
                noLf[i] = 'a';
            }
        }
        Framed f = LineFramer.next(noLf, 0, noLf.length, limit);
        assertThat(f).isInstanceOf(noLf.length >= limit ? Framed.TooLong.class : Framed.Incomplete.class);
    }

    @Property(tries = 300)
    void aCompleteLineNeverExceedsTheLimitAndRoundTrips(@ForAll @Size(max = 300) byte[] bytes,
                                                        @ForAll @IntRange(min = 16, max = 200) int limit) {
        Framed f = LineFramer.next(bytes, 0, bytes.length, limit);
        if (f instanceof Framed.Complete) {
            Framed.Complete c = (Framed.Complete) f;
            assertThat(c.consumed()).isLessThanOrEqualTo(limit);
            assertThat(LineFramer.toBytes(c.line())).isEqualTo(java.util.Arrays.copyOf(bytes, c.consumed()));
        }
    }

    @Property(tries = 1000)
    void theNumericScanSaysWhatTheFramedAnswerSays(@ForAll("lineish") byte[] bytes, @ForAll @IntRange(min = 3, max = 40) int limit,
                                                  @ForAll @IntRange(min = 0, max = 5) int from) {
        int start = Math.min(from, bytes.length);
        int found = LineFramer.scan(bytes, start, bytes.length, limit);
        Framed framed = LineFramer.next(bytes, start, bytes.length, limit);
        if (found > 0) {
            assertThat(framed).isEqualTo(new Framed.Complete(LineFramer.line(bytes, start, found), found));
        } else if (found == LineFramer.INCOMPLETE) {
            assertThat(framed).isInstanceOf(Framed.Incomplete.class);
        } else if (found == LineFramer.TOO_LONG) {
            assertThat(framed).isInstanceOf(Framed.TooLong.class);
        } else {
            assertThat(framed).isEqualTo(new Framed.Malformed(LineFramer.why(found)));
        }
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<byte[]> lineish() {
        // Mostly letters, with CR, LF and NUL often enough that every verdict comes up.
        return net.jqwik.api.Arbitraries.of((byte) 'a', (byte) 'b', (byte) ' ', (byte) '\r', (byte) '\n', (byte) 0)
                .array(byte[].class).ofMaxSize(50);
    }
}
