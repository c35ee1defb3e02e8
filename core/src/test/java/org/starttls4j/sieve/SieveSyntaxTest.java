package org.starttls4j.sieve;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;
import org.starttls4j.Capabilities;
import org.starttls4j.Capability;

class SieveSyntaxTest {

    @Test
    void capabilityLinesAreQuotedStringsWithEscapes() {
        assertThat(SieveSyntax.capability("\"STARTTLS\"")).isEqualTo(new Capability("STARTTLS", List.of()));
        assertThat(SieveSyntax.capability("\"SASL\" \"\"")).isEqualTo(new Capability("SASL", List.of()));
        assertThat(SieveSyntax.capability("\"X\" \"a \\\"b\\\\\"")).isEqualTo(new Capability("X", List.of("a", "\"b\\")));
        assertThat(SieveSyntax.capability("STARTTLS")).isNull();
        assertThat(SieveSyntax.capability("\"X\"  \"y\"")).isNull();
        assertThat(SieveSyntax.capability("\"X\" \"y")).isNull();
        assertThat(SieveSyntax.capability("\"X\\q\"")).isNull();
        assertThat(SieveSyntax.capability("\"\"")).isNull();
    }

    @Test
    void statusKeywordsAreCaseInsensitiveWholeWords() {
        assertThat(SieveSyntax.status("ok")).isEqualTo("OK");
        assertThat(SieveSyntax.status("No (QUOTA) \"x\"")).isEqualTo("NO");
        assertThat(SieveSyntax.status("BYE")).isEqualTo("BYE");
        assertThat(SieveSyntax.status("OKAY")).isNull();
        assertThat(SieveSyntax.status("\"OK\"")).isNull();
    }

    @Property(tries = 200)
    void renderedCapabilitiesReadBackAsThemselves(@ForAll @AlphaChars @StringLength(min = 1, max = 12) String name,
                                                  @ForAll List<@AlphaChars @StringLength(min = 1, max = 6) String> parameters) {
        Capabilities written = new Capabilities(List.of(new Capability(name, parameters)));
        String line = SieveSyntax.render(written);
        assertThat(SieveSyntax.capability(line.substring(0, line.length() - 2))).isEqualTo(written.list().get(0));
    }
}
