package org.starttls4j.text;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/** The sizes literals announce, read at the bounds of their syntax. */
class LiteralTest {

    @Property(tries = 200)
    void anAnnouncementAfterAnyPrefixReadsAsItsSize(@ForAll @IntRange(max = 60) int prefix,
            @ForAll @LongRange(max = 999_999_999_999_999_999L) long size, @ForAll("marks") String mark) {
        String line = "x".repeat(prefix) + "{" + size + mark + "}";
        assertThat(Literal.announcedBy(line)).isEqualTo(size);
        assertThat(Literal.isNonSynchronizing(line)).isEqualTo(!mark.isEmpty());
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<String> marks() {
        return net.jqwik.api.Arbitraries.of("", "+", "-");
    }

    @Test
    void theShortestAnnouncementIsThreeCharacters() {
        assertThat(Literal.announcedBy("{1}")).isEqualTo(1);
        assertThat(Literal.announcedBy("{}")).isEqualTo(-1);
    }

    @Test
    void eighteenDigitsAreASizeAndNineteenAreAbsurd() {
        assertThat(Literal.announcedBy("{" + "9".repeat(18) + "}")).isEqualTo(999_999_999_999_999_999L);
        assertThat(Literal.announcedBy("{" + "1".repeat(19) + "}")).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void anEmptyNonSynchronizingLiteralIsStillOne() {
        assertThat(Literal.isNonSynchronizing("A1 APPEND x {0+}")).isTrue();
        assertThat(Literal.isNonSynchronizing("A1 APPEND x {0}")).isFalse();
        assertThat(Literal.isNonSynchronizing("A1 NOOP +}")).isFalse();
    }

    @Test
    void anAnnouncementWithoutDigitsOrWithOtherCharactersIsNone() {
        assertThat(Literal.announcedBy("A1 {+}")).isEqualTo(-1);
        assertThat(Literal.announcedBy("A1 {-}")).isEqualTo(-1);
        assertThat(Literal.announcedBy("A1 {1a}")).isEqualTo(-1);
        assertThat(Literal.announcedBy("A1 {/}")).isEqualTo(-1);
        assertThat(Literal.announcedBy("A1 {:}")).isEqualTo(-1);
        assertThat(Literal.announcedBy("A1 NOOP}")).isEqualTo(-1);
        assertThat(Literal.announcedBy("A1 {3} ")).isEqualTo(-1);
    }

    @Property(tries = 300)
    void aLineIsInsideTheLiteralEndsItOrSplitsItsCrlf(@ForAll @IntRange(max = 30) int size,
            @ForAll @IntRange(max = 20) int length) {
        String line = "y".repeat(length);
        Literal.Advance advance = new Literal(size).advance(line);
        if (size >= length + 2) {
            assertThat(advance).isEqualTo(new Literal.Inside(new Literal(size - length - 2)));
        } else if (size <= length) {
            assertThat(advance).isEqualTo(new Literal.Ended("y".repeat(length - size)));
        } else {
            assertThat(advance).isEqualTo(new Literal.Split());
        }
    }
}
