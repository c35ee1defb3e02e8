package org.starttls4j.mtasts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class MxPatternTest {

    @Test
    void aWildcardMatchesExactlyOneLeadingLabel() {
        // RFC 8461 §4.1: "*.example.com" matches "mx1.example.com" but not "example.com" or "a.b.example.com"
        MxPattern p = MxPattern.parse("*.example.com").valid().orElseThrow();
        assertThat(p.matches("mx1.example.com")).isTrue();
        assertThat(p.matches("MX1.Example.COM.")).isTrue();
        assertThat(p.matches("example.com")).isFalse();
        assertThat(p.matches("a.b.example.com")).isFalse();
        assertThat(p.matches(".example.com")).isFalse();
        assertThat(p.matches("mx1.example.com.evil")).isFalse();
    }

    @Test
    void aPlainPatternMatchesItsNameOnly() {
        MxPattern p = MxPattern.parse("Mail.Example.com").valid().orElseThrow();
        assertThat(p.pattern()).isEqualTo("mail.example.com");
        assertThat(p.matches("mail.example.com.")).isTrue();
        assertThat(p.matches("xmail.example.com")).isFalse();
        assertThat(p.matches("a.mail.example.com")).isFalse();
    }

    @Test
    void onlyDomainNamesWithOneLeadingWildcardAreValid() {
        assertThat(MxPattern.parse("*").rejection()).contains(StsProblem.BAD_MX);
        assertThat(MxPattern.parse("*.").rejection()).contains(StsProblem.BAD_MX);
        assertThat(MxPattern.parse("a.*.example").rejection()).contains(StsProblem.BAD_MX);
        assertThat(MxPattern.parse("-a.example").rejection()).contains(StsProblem.BAD_MX);
        assertThat(MxPattern.parse("a_b.example").rejection()).contains(StsProblem.BAD_MX);
        assertThat(MxPattern.parse("a..example").rejection()).contains(StsProblem.BAD_MX);
        assertThat(MxPattern.parse("x".repeat(64) + ".example").rejection()).contains(StsProblem.BAD_MX);
        assertThatThrownBy(() -> new MxPattern("Upper.example")).isInstanceOf(IllegalArgumentException.class);
    }

    @Property
    void noInputMakesParseOrMatchThrow(@ForAll @StringLength(max = 300) String text, @ForAll String host) {
        MxPattern.parse(text).valid().ifPresent(p -> p.matches(host));
    }

    @Property
    void aWildcardMatchesAnyOneLabelInFrontOfItsDomain(@ForAll("label") String label) {
        assertThat(new MxPattern("*.mx.example").matches(label + ".mx.example")).isTrue();
        assertThat(new MxPattern("*.mx.example").matches(label + ".x.mx.example")).isFalse();
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<String> label() {
        return net.jqwik.api.Arbitraries.strings().withCharRange('a', 'z').numeric().withChars('-').ofMinLength(1).ofMaxLength(20);
    }
}
