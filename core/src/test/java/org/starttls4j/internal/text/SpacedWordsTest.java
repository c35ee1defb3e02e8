package org.starttls4j.internal.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class SpacedWordsTest {

    @Property(tries = 500)
    void theWordsAreWhatASplitAtSpacesGives(@ForAll @StringLength(max = 30) @CharRange(from = ' ', to = 'c') String text,
                                            @ForAll @IntRange(max = 30) int from) {
        int start = Math.min(from, text.length());
        List<String> expected = Arrays.stream(text.substring(start).split(" ")).filter(w -> !w.isEmpty()).toList();

        List<String> words = SpacedWords.of(text, start, text.length());

        assertThat(words).containsExactlyElementsOf(expected);
        assertThat(words).isEqualTo(expected).hasSameHashCodeAs(expected);
        assertThat(FixedList.copyOf(words)).isSameAs(words);
    }

    @Test
    void theViewCannotBeChangedNorReadPastItsEnd() {
        List<String> words = SpacedWords.of("250-AUTH PLAIN  LOGIN ", 9, 21);

        assertThat(words).containsExactly("PLAIN", "LOGIN");
        assertThatThrownBy(() -> words.add("X")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> words.set(0, "X")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> words.get(2)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> words.get(-1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(SpacedWords.of("SIZE   ", 4, 7)).isEmpty();
    }

    @Test
    void aFixedListIsTakenAsItIsAndAnyOtherListIsCopied() {
        List<String> fixed = FixedList.of(new String[] {"a", "b", "c"});
        java.util.ArrayList<String> mutable = new java.util.ArrayList<>(List.of("a", "b", "c"));

        assertThat(FixedList.copyOf(fixed)).isSameAs(fixed).isEqualTo(List.of("a", "b", "c"));
        List<String> copied = FixedList.copyOf(mutable);
        mutable.set(0, "changed");
        assertThat(copied).containsExactly("a", "b", "c");
        assertThatThrownBy(() -> fixed.set(0, "x")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> FixedList.of(new String[] {"a", null})).isInstanceOf(NullPointerException.class);
        assertThat(FixedList.of(new String[0])).isSameAs(List.of());
    }
}
