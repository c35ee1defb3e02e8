package org.starttls4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class CapabilityKeywordTest {

    @Property(tries = 300)
    void aKeywordIsTheCapabilityItSpells(@ForAll @AlphaChars @StringLength(min = 1, max = 12) String keyword) {
        String line = "250-" + keyword + " tail";

        Capability made = Capability.keyword(line, 4, 4 + keyword.length());

        assertThat(made).isEqualTo(new Capability(keyword, List.of()));
        assertThat(made.name()).isEqualTo(keyword);
    }

    @Test
    void aWellKnownKeywordIsOneValueAndOtherSpellingsAreTheirOwn() {
        assertThat(Capability.keyword("250-STARTTLS", 4, 12)).isSameAs(Capability.keyword("* STARTTLS", 2, 10));
        Capability lower = Capability.keyword("starttls", 0, 8);
        assertThat(lower.name()).isEqualTo("starttls");
        assertThat(lower.is("STARTTLS")).isTrue();
    }

    @Test
    void parametersStayInTheLineYetCompareAsAList() {
        Capabilities parsed = Capabilities.fromLines(List.of("250-mail.example.org", "250-SIZE 35882577", "250 AUTH  PLAIN LOGIN"), 1, 4);

        assertThat(parsed.list()).containsExactly(new Capability("SIZE", List.of("35882577")),
                new Capability("AUTH", List.of("PLAIN", "LOGIN")));
        assertThat(parsed.parameters("auth")).containsExactly("PLAIN", "LOGIN");
        assertThat(parsed.list().get(1).toString()).isEqualTo("AUTH PLAIN LOGIN");
        assertThat(parsed).isEqualTo(new Capabilities(List.of(new Capability("SIZE", List.of("35882577")),
                new Capability("AUTH", List.of("PLAIN", "LOGIN")))));
    }
}
