package org.starttls4j.internal.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.statistics.Statistics;
import org.junit.jupiter.api.Test;
import org.starttls4j.text.Framed;

/**
 * The framer's verdicts. The properties generate well-formed lines on purpose and then break them
 * in known ways, so every verdict comes up (coverage checks fail the property otherwise), and
 * compare the framer with a reference model written independently in this test.
 */
class LineFramerTest {

    /** {@link LineFramer#scan}'s answer as a value, the form the reference model answers in. */
    static Framed frame(byte[] buffer, int from, int to, int maxLineLength) {
        int found = LineFramer.scan(buffer, from, to, maxLineLength);
        if (found > 0) {
            return new Framed.Complete(LineFramer.line(buffer, from, found), found);
        }
        if (found == LineFramer.INCOMPLETE) {
            return new Framed.Incomplete();
        }
        return found == LineFramer.TOO_LONG ? new Framed.TooLong() : new Framed.Malformed(LineFramer.why(found));
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void aCrlfLineIsCompleteAndItsLengthCountsTheCrlf() {
        byte[] b = ascii("250 OK\r\nrest");
        assertThat(frame(b, 0, b.length, 100)).isEqualTo(new Framed.Complete("250 OK", 8));
    }

    @Test
    void bareLineFeedBareCarriageReturnAndNulAreMalformed() {
        assertThat(frame(ascii("250 OK\n"), 0, 7, 100)).isInstanceOf(Framed.Malformed.class);
        assertThat(frame(ascii("\n"), 0, 1, 100)).isInstanceOf(Framed.Malformed.class);
        assertThat(frame(ascii("250\rOK\r\n"), 0, 8, 100)).isInstanceOf(Framed.Malformed.class);
        assertThat(frame(ascii("25\0 OK\r\n"), 0, 8, 100)).isInstanceOf(Framed.Malformed.class);
    }

    @Test
    void aCarriageReturnAtTheEndOfTheBufferWaitsForItsLineFeed() {
        assertThat(frame(ascii("250 OK\r"), 0, 7, 100)).isInstanceOf(Framed.Incomplete.class);
    }

    @Test
    void aLineOfExactlyTheLimitIsAcceptedAndOneByteMoreIsTooLong() {
        byte[] exact = ascii("x".repeat(8) + "\r\n");
        byte[] over = ascii("x".repeat(9) + "\r\n");
        assertThat(frame(exact, 0, exact.length, 10)).isInstanceOf(Framed.Complete.class);
        assertThat(frame(over, 0, over.length, 10)).isInstanceOf(Framed.TooLong.class);
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
        Framed f = frame(noLf, 0, noLf.length, limit);
        assertThat(f).isInstanceOf(noLf.length >= limit ? Framed.TooLong.class : Framed.Incomplete.class);
    }

    // ---------------------------------------------------------------- properties over generated lines

    /** What the framer can say; each must come up in the properties below (checked by coverage). */
    enum Verdict { COMPLETE, INCOMPLETE, TOO_LONG, BARE_LF, BARE_CR, NUL }

    /** How a generated input departs from well-formed lines. */
    enum Mutation { NONE, LF_WITHOUT_CR, CR_WITHOUT_LF, NUL_INSIDE, CUT_SHORT, PADDED_PAST_THE_LIMIT }

    /** Lines as they travel: any bytes but CR, LF and NUL, then CRLF. */
    @Provide
    Arbitrary<byte[]> wellFormedLine() {
        return lineText().map(LineFramerTest::withCrlf);
    }

    static Arbitrary<byte[]> lineText() {
        Arbitrary<Byte> printable = Arbitraries.bytes().between((byte) 0x20, (byte) 0x7e);
        Arbitrary<Byte> any = Arbitraries.bytes().filter(b -> b != '\r' && b != '\n' && b != 0);
        return Arbitraries.frequencyOf(Tuple.of(4, printable), Tuple.of(1, any)).array(byte[].class).ofMaxSize(60);
    }

    /** One to three well-formed lines, then one mutation at a random place. */
    @Provide
    Arbitrary<Case> cases() {
        Arbitrary<byte[]> lines = wellFormedLine().list().ofMinSize(1).ofMaxSize(3).map(LineFramerTest::concat);
        return Combinators.combine(lines, Arbitraries.of(Mutation.class), Arbitraries.integers().between(0, 1000),
                Arbitraries.integers().between(3, 80), Arbitraries.integers().between(0, 3))
                .as((bytes, mutation, where, limit, from) -> new Case(mutate(bytes, mutation, where, limit), mutation, limit, from));
    }

    record Case(byte[] bytes, Mutation mutation, int limit, int from) {
        int start() {
            return Math.min(from, bytes.length);
        }
    }

    static byte[] mutate(byte[] bytes, Mutation mutation, int where, int limit) {
        int at = where % (bytes.length + 1);
        switch (mutation) {
            case LF_WITHOUT_CR:
                return insert(bytes, at, new byte[] {'x', '\n'});
            case CR_WITHOUT_LF:
                return insert(bytes, at, new byte[] {'x', '\r', 'y'});
            case NUL_INSIDE:
                return insert(bytes, at, new byte[] {0});
            case CUT_SHORT:
                return Arrays.copyOf(bytes, Math.max(0, bytes.length - 1 - where % 3));
            case PADDED_PAST_THE_LIMIT:
                return insert(bytes, 0, "p".repeat(limit).getBytes(StandardCharsets.ISO_8859_1));
            default:
                return bytes;
        }
    }

    @Property(tries = 2000)
    void scanAndNextAnswerWhatTheReferenceModelAnswers(@ForAll("cases") Case c) {
        Framed expected = Reference.frame(c.bytes(), c.start(), c.bytes().length, c.limit());
        int scanned = LineFramer.scan(c.bytes(), c.start(), c.bytes().length, c.limit());
        Framed framed = frame(c.bytes(), c.start(), c.bytes().length, c.limit());

        Statistics.label("verdict").collect(verdict(expected));
        Statistics.label("mutation").collect(c.mutation());
        assertThat(framed).isEqualTo(expected);
        assertThat(verdictOf(scanned)).isEqualTo(verdict(expected));
        if (expected instanceof Framed.Complete) {
            assertThat(scanned).isEqualTo(((Framed.Complete) expected).consumed());
        }
        Statistics.label("verdict").coverage(coverage -> {
            for (Verdict v : Verdict.values()) {
                coverage.check(v).count(n -> n > 0);
            }
        });
    }

    @Property(tries = 500)
    void aWellFormedLineWithinTheLimitIsCompleteAndRoundTrips(@ForAll("wellFormedLine") byte[] line,
                                                              @ForAll @IntRange(min = 0, max = 40) int room,
                                                              @ForAll("wellFormedLine") byte[] next) {
        int limit = line.length + room;
        byte[] buffer = concat(List.of(line, next));

        Framed framed = frame(buffer, 0, buffer.length, limit);

        assertThat(framed).isInstanceOf(Framed.Complete.class);
        Framed.Complete complete = (Framed.Complete) framed;
        assertThat(complete.consumed()).isEqualTo(line.length).isLessThanOrEqualTo(limit);
        assertThat(LineFramer.toBytes(complete.line())).isEqualTo(line);
        Statistics.collect(room == 0 ? "exactly at the limit" : "under the limit");
        Statistics.coverage(coverage -> coverage.check("exactly at the limit").count(n -> n > 0));
    }

    @Property(tries = 500)
    void aWellFormedLineOverTheLimitIsTooLongWhereverItIsCut(@ForAll("wellFormedLine") byte[] line,
                                                            @ForAll @IntRange(min = 0, max = 100) int under,
                                                            @ForAll @IntRange(min = 0, max = 100) int cut) {
        int limit = 1 + under % (line.length - 1); // 1 to one byte short of the line
        int to = limit + cut % (line.length - limit + 1); // the limit reached, the line's end or not

        assertThat(frame(line, 0, to, limit)).isInstanceOf(Framed.TooLong.class);
    }

    static Verdict verdict(Framed f) {
        if (f instanceof Framed.Complete) {
            return Verdict.COMPLETE;
        }
        if (f instanceof Framed.Incomplete) {
            return Verdict.INCOMPLETE;
        }
        if (f instanceof Framed.TooLong) {
            return Verdict.TOO_LONG;
        }
        String why = ((Framed.Malformed) f).why();
        return why.equals("bare LF") ? Verdict.BARE_LF : why.equals("bare CR") ? Verdict.BARE_CR : Verdict.NUL;
    }

    static Verdict verdictOf(int scanned) {
        if (scanned > 0) {
            return Verdict.COMPLETE;
        }
        switch (scanned) {
            case LineFramer.INCOMPLETE:
                return Verdict.INCOMPLETE;
            case LineFramer.TOO_LONG:
                return Verdict.TOO_LONG;
            case LineFramer.BARE_LF:
                return Verdict.BARE_LF;
            case LineFramer.BARE_CR:
                return Verdict.BARE_CR;
            case LineFramer.NUL:
                return Verdict.NUL;
            default:
                throw new AssertionError("no such answer: " + scanned);
        }
    }

    /**
     * The framing rules written a second, independent way: as a search for the first byte that
     * decides, with a regular expression over the text, rather than the framer's byte loop.
     */
    static final class Reference {
        /** A LF, a NUL, or a CR whose next byte is known and is not LF. */
        private static final Pattern DECIDING = Pattern.compile("\n|\u0000|\r(?=[^\n])");

        static Framed frame(byte[] buffer, int from, int to, int maxLineLength) {
            String text = new String(buffer, from, to - from, StandardCharsets.ISO_8859_1);
            Matcher m = DECIDING.matcher(text);
            if (m.find() && m.start() < maxLineLength) {
                switch (m.group()) {
                    case "\n":
                        return m.start() > 0 && text.charAt(m.start() - 1) == '\r'
                                ? new Framed.Complete(text.substring(0, m.start() - 1), m.start() + 1)
                                : new Framed.Malformed("bare LF");
                    case "\u0000":
                        return new Framed.Malformed("NUL byte");
                    default:
                        return new Framed.Malformed("bare CR");
                }
            }
            return text.length() >= maxLineLength ? new Framed.TooLong() : new Framed.Incomplete();
        }
    }

    static byte[] withCrlf(byte[] text) {
        byte[] line = Arrays.copyOf(text, text.length + 2);
        line[text.length] = '\r';
        line[text.length + 1] = '\n';
        return line;
    }

    static byte[] concat(List<byte[]> parts) {
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        parts.forEach(all::writeBytes);
        return all.toByteArray();
    }

    static byte[] insert(byte[] bytes, int at, byte[] inserted) {
        byte[] result = new byte[bytes.length + inserted.length];
        System.arraycopy(bytes, 0, result, 0, at);
        System.arraycopy(inserted, 0, result, at, inserted.length);
        System.arraycopy(bytes, at, result, at + inserted.length, bytes.length - at);
        return result;
    }
}
