package org.starttls4j.mtasts;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class StsPolicyTest {

    /** RFC 8461 §3.2's example policy. */
    static final String RFC_EXAMPLE = "version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\n"
            + "mx: *.example.net\r\nmx: backupmx.example.com\r\nmax_age: 604800\r\n";

    @Test
    void theRfcExampleParses() {
        StsPolicy p = StsPolicy.parse(RFC_EXAMPLE).valid().orElseThrow();
        assertThat(p.mode()).isEqualTo(StsMode.ENFORCE);
        assertThat(p.mx()).extracting(MxPattern::pattern).containsExactly("mail.example.com", "*.example.net", "backupmx.example.com");
        assertThat(p.maxAge()).isEqualTo(Duration.ofSeconds(604800));
    }

    @Test
    void bareLfLinesAMissingFinalLineEndBlankLinesAndTrailingWhiteSpaceAreTolerated() {
        String text = "version: STSv1\nmode:testing  \n\nmx: MAIL.example.com\nmax_age: 86400";
        StsPolicy p = StsPolicy.parse(text).valid().orElseThrow();
        assertThat(p.mode()).isEqualTo(StsMode.TESTING);
        assertThat(p.mx()).extracting(MxPattern::pattern).containsExactly("mail.example.com");
    }

    @Test
    void unknownFieldsAreIgnoredAndKept() {
        StsPolicy p = StsPolicy.parse(RFC_EXAMPLE + "future_field: some value\r\n").valid().orElseThrow();
        assertThat(p.extensions()).containsExactly(Map.entry("future_field", "some value"));
    }

    @Test
    void modeNoneNeedsNoMx() {
        StsPolicy p = StsPolicy.parse("version: STSv1\nmode: none\nmax_age: 86400\n").valid().orElseThrow();
        assertThat(p.mx()).isEmpty();
    }

    @Test
    void maxAgeAboveAYearIsLoweredToAYear() {
        StsPolicy p = StsPolicy.parse("version: STSv1\nmode: none\nmax_age: 9999999999\n").valid().orElseThrow();
        assertThat(p.maxAge()).isEqualTo(Duration.ofSeconds(31_557_600));
    }

    @Test
    void badPoliciesAreRejectedWithTheirReason() {
        assertThat(StsPolicy.parse("mode: enforce\nmx: a.example\nmax_age: 1\n").rejection()).contains(StsProblem.BAD_VERSION);
        assertThat(StsPolicy.parse("version: STSv2\nmode: enforce\nmx: a.example\nmax_age: 1\n").rejection()).contains(StsProblem.BAD_VERSION);
        assertThat(StsPolicy.parse("version: STSv1\nmode: Enforce\nmx: a.example\nmax_age: 1\n").rejection()).contains(StsProblem.BAD_MODE);
        assertThat(StsPolicy.parse("version: STSv1\nmx: a.example\nmax_age: 1\n").rejection()).contains(StsProblem.BAD_MODE);
        assertThat(StsPolicy.parse("version: STSv1\nmode: enforce\nmx: a.example\n").rejection()).contains(StsProblem.BAD_MAX_AGE);
        assertThat(StsPolicy.parse("version: STSv1\nmode: enforce\nmx: a.example\nmax_age: -1\n").rejection()).contains(StsProblem.BAD_MAX_AGE);
        assertThat(StsPolicy.parse("version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 12345678901\n").rejection()).contains(StsProblem.BAD_MAX_AGE);
        assertThat(StsPolicy.parse("version: STSv1\nmode: enforce\nmax_age: 1\n").rejection()).contains(StsProblem.NO_MX);
        assertThat(StsPolicy.parse("version: STSv1\nmode: enforce\nmx: *.*.example\nmax_age: 1\n").rejection()).contains(StsProblem.BAD_MX);
        assertThat(StsPolicy.parse("version: STSv1\nmode: enforce\nmx: mail.example.\nmax_age: 1\n").rejection()).contains(StsProblem.BAD_MX);
        assertThat(StsPolicy.parse("version: STSv1\nmode: enforce\nmx: a*.example\nmax_age: 1\n").rejection()).contains(StsProblem.BAD_MX);
        assertThat(StsPolicy.parse("version: STSv1\nmode enforce\n").rejection()).contains(StsProblem.SYNTAX);
        assertThat(StsPolicy.parse(RFC_EXAMPLE + "x: a\u0001b\n").rejection()).contains(StsProblem.SYNTAX);
    }

    @Test
    void bodiesAreBoundedAndStrictUtf8() {
        byte[] big = (RFC_EXAMPLE + "x: " + "a".repeat(StsPolicy.MAX_BYTES) + "\n").getBytes(StandardCharsets.UTF_8);
        assertThat(StsPolicy.parse(big).rejection()).contains(StsProblem.TOO_LONG);
        byte[] latin1 = (RFC_EXAMPLE + "x: caf\u00e9\n").getBytes(StandardCharsets.ISO_8859_1);
        assertThat(StsPolicy.parse(latin1).rejection()).contains(StsProblem.NOT_UTF8);
        byte[] utf8 = (RFC_EXAMPLE + "x: caf\u00e9\n").getBytes(StandardCharsets.UTF_8);
        assertThat(StsPolicy.parse(utf8).valid()).isPresent();
    }

    @Property
    void noInputMakesTheParserThrow(@ForAll byte[] body) {
        assertThat(StsPolicy.parse(body)).isNotNull();
    }

    @Property
    void noPolicyLikeInputMakesTheParserThrow(@ForAll("policyLike") String text) {
        assertThat(StsPolicy.parse(text)).isNotNull();
    }

    @Property
    void policiesRoundTrip(@ForAll("policies") StsPolicy policy) {
        assertThat(StsPolicy.parse(policy.toText()).valid()).contains(policy);
    }

    @Property
    void repeatsOfVersionModeOrMaxAgeAfterTheFirstChangeNothing(@ForAll("policies") StsPolicy policy,
            @ForAll("repeatedFields") List<String> repeats) {
        // RFC 8461 §3.2: "all entries except for the first SHALL be ignored", whatever they say
        String text = policy.toText() + String.join("", repeats);
        assertThat(StsPolicy.parse(text).valid()).contains(policy);
        assertThat(StsPolicy.parse(text.replace("\r\n", "\n")).valid()).contains(policy);
    }

    @Provide
    Arbitrary<List<String>> repeatedFields() {
        Arbitrary<String> value = Arbitraries.oneOf(Arbitraries.of("STSv1", "STSv2", "enforce", "testing", "none", "0", "31557600", "1y"),
                Arbitraries.strings().withCharRange('!', '~').ofMinLength(1).ofMaxLength(12));
        return Combinators.combine(Arbitraries.of("version", "mode", "max_age"), value)
                .as((name, v) -> name + ": " + v + "\r\n").list().ofMaxSize(4);
    }

    @Provide
    Arbitrary<String> policyLike() {
        return Arbitraries.of("version", "mode", "mx", "max_age", ":", " ", "STSv1", "enforce", "testing", "none",
                "*.", "example.com", "\r\n", "\n", "\r", "86400", "-", "x_y").list().ofMaxSize(30)
                .map(parts -> String.join("", parts));
    }

    @Provide
    Arbitrary<StsPolicy> policies() {
        Arbitrary<String> label = Arbitraries.strings().withCharRange('a', 'z').numeric().ofMinLength(1).ofMaxLength(8);
        Arbitrary<MxPattern> pattern = Combinators.combine(Arbitraries.of(true, false), label.list().ofMinSize(1).ofMaxSize(4))
                .as((wild, labels) -> new MxPattern((wild ? "*." : "") + String.join(".", labels)));
        Arbitrary<Map<String, String>> extensions = Arbitraries.maps(
                Arbitraries.strings().withCharRange('a', 'z').ofMinLength(9).ofMaxLength(12),
                Arbitraries.strings().withCharRange('!', '~').ofMinLength(1).ofMaxLength(8)).ofMaxSize(2);
        return Combinators.combine(Arbitraries.of(StsMode.class), pattern.list().ofMinSize(1).ofMaxSize(4),
                Arbitraries.longs().between(0, StsPolicy.MAX_AGE_SECONDS), extensions)
                .as((mode, mx, age, ext) -> new StsPolicy(mode, mx, Duration.ofSeconds(age), ext));
    }

    @Test
    void linesAreThePolicyStringOfAReport() {
        StsPolicy p = StsPolicy.parse(RFC_EXAMPLE).valid().orElseThrow();
        assertThat(p.lines()).containsExactly("version: STSv1", "mode: enforce", "mx: mail.example.com", "mx: *.example.net",
                "mx: backupmx.example.com", "max_age: 604800");
        assertThat(List.of(p.toText().split("\r\n"))).isEqualTo(p.lines());
    }
}
