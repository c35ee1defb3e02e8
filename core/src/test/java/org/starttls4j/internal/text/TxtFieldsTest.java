package org.starttls4j.internal.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The {@code name=value;} syntax of MTA-STS and TLS-RPT records, at its edges. */
class TxtFieldsTest {

    @Test
    void anEmptyRecordHasNoFieldsAndIsRefused() {
        assertThat(TxtFields.split("")).isEmpty();
        assertThat(TxtFields.split(" ")).isEmpty();
    }

    @Test
    void oneSeparatorMayEndTheRecordButNotStartIt() {
        assertThat(TxtFields.split("v=STSv1; id=1;"))
                .contains(List.of(new TxtFields.Field("v", "STSv1"), new TxtFields.Field("id", "1")));
        assertThat(TxtFields.split(";v=STSv1")).isEmpty();
        assertThat(TxtFields.split("v=STSv1;;")).isEmpty();
        assertThat(TxtFields.split("=STSv1")).isEmpty();
    }

    @Test
    void aNameHasOneToThirtyTwoCharactersStartingWithALetterOrDigit() {
        assertThat(TxtFields.isName("a".repeat(32))).isTrue();
        assertThat(TxtFields.isName("a".repeat(33))).isFalse();
        assertThat(TxtFields.isName("")).isFalse();
        assertThat(TxtFields.isName("-a")).isFalse();
        assertThat(TxtFields.isName("9a_b-c.d")).isTrue();
        assertThat(TxtFields.isName("a b")).isFalse();
        assertThat(TxtFields.isName("a=b")).isFalse();
    }

    @Test
    void anExtensionValueIsOneOrMorePrintableCharactersButEqualsSemicolonAndSpace() {
        assertThat(TxtFields.isExtensionValue("")).isFalse();
        assertThat(TxtFields.isExtensionValue("!~<>")).isTrue();
        assertThat(TxtFields.isExtensionValue("a b")).isFalse();
        assertThat(TxtFields.isExtensionValue("a=b")).isFalse();
        assertThat(TxtFields.isExtensionValue("a;b")).isFalse();
        assertThat(TxtFields.isExtensionValue("a\u007f")).isFalse();
    }
}
