package org.starttls4j.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Colour only on a terminal, and never when NO_COLOR or TERM=dumb says no. */
class StyleTest {

    @Test
    void colourOnlyOnAConsoleThatAllowsIt() {
        assertThat(Style.detect(true, Map.of()).colour()).isTrue();
        assertThat(Style.detect(true, Map.of("TERM", "xterm-256color")).colour()).isTrue();
        assertThat(Style.detect(false, Map.of()).colour()).isFalse();
        assertThat(Style.detect(true, Map.of("NO_COLOR", "1")).colour()).isFalse();
        assertThat(Style.detect(true, Map.of("NO_COLOR", "")).colour()).as("an empty NO_COLOR does not count").isTrue();
        assertThat(Style.detect(true, Map.of("TERM", "dumb")).colour()).isFalse();
    }

    @Test
    void colouredTextKeepsItsWordsAndPlainTextHasNoEscapes() {
        Style on = Style.detect(true, Map.of());

        assertThat(on.good("SECURED")).isEqualTo("\u001b[32mSECURED\u001b[0m");
        assertThat(on.bad("FAILED")).contains("FAILED").startsWith("\u001b[");
        assertThat(Style.PLAIN.warn("warning")).isEqualTo("warning");
    }
}
