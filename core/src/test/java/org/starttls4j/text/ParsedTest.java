package org.starttls4j.text;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** The excerpts of untrusted input that go into a rejection's detail. */
class ParsedTest {

    @Property(tries = 100)
    void anExcerptShowsAtMostFortyCharactersAndSaysWhenItCut(@ForAll @IntRange(max = 80) int length) {
        String input = "a".repeat(length);
        String excerpt = Parsed.excerpt(input);
        int shown = Math.min(length, 40);
        assertThat(excerpt).isEqualTo("\"" + "a".repeat(shown) + (length > 40 ? "…" : "") + "\"");
    }

    @Test
    void fortyCharactersAreShownWhole() {
        assertThat(Parsed.excerpt("b".repeat(40))).isEqualTo("\"" + "b".repeat(40) + "\"");
        assertThat(Parsed.excerpt("b".repeat(41))).isEqualTo("\"" + "b".repeat(40) + "…\"");
    }

    @Test
    void printableAsciiIsShownAsItIsAndEverythingElseAsAQuestionMark() {
        assertThat(Parsed.excerpt(" ~")).isEqualTo("\" ~\"");
        assertThat(Parsed.excerpt("\u001f\u007f\r\né")).isEqualTo("\"?????\"");
    }

    @Property(tries = 200)
    void noControlCharacterReachesAnExcerpt(@ForAll @CharRange(from = 0, to = 0x1f) char control,
            @ForAll @CharRange(from = 0x7f, to = 0xff) char high) {
        assertThat(Parsed.excerpt("x" + control + high)).isEqualTo("\"x??\"");
    }
}
