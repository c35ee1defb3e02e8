package org.starttls4j.mtasts;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The edges of MTA-STS's records, policies and MX patterns (RFC 8461): the longest name, label,
 * body and record that are still accepted and the first that is not, and the fields that may
 * appear once only.
 */
class MtaStsEdgesTest {

    private static final String HEAD = "version: STSv1\nmode: enforce\nmx: mail.example.com\nmax_age: 86400\n";

    /** A domain name of exactly {@code length} characters (up to 319): labels of 63 letters, then the rest. */
    private static String domainOfLength(int length) {
        String label = "a".repeat(63) + ".";
        String name = label.repeat(length / 64) + "b".repeat(length % 64);
        assertThat(name).hasSize(length).doesNotEndWith(".");
        return name;
    }

    @Test
    void aNameOf253CharactersIsAPatternAndOneOf254IsNot() {
        String longest = domainOfLength(253);
        assertThat(MxPattern.parse(longest).valid()).contains(new MxPattern(longest));
        assertThat(MxPattern.parse("*." + longest).valid()).contains(new MxPattern("*." + longest));
        assertThat(MxPattern.parse(domainOfLength(254)).rejection()).contains(StsProblem.BAD_MX);
        assertThat(MxPattern.parse("*." + domainOfLength(254)).rejection()).contains(StsProblem.BAD_MX);
    }

    @Test
    void aLabelOf63CharactersIsAcceptedAndOneOf64IsNot() {
        String label63 = "a".repeat(63);
        assertThat(MxPattern.parse(label63 + ".example.com").valid()).isPresent();
        assertThat(MxPattern.parse("*." + label63 + ".example.com").valid()).isPresent();
        assertThat(MxPattern.parse("a" + label63 + ".example.com").rejection()).contains(StsProblem.BAD_MX);
        assertThat(MxPattern.parse("mx.a" + label63).rejection()).contains(StsProblem.BAD_MX);
    }

    @Test
    void aWildcardNeverMatchesALabelOfItsOwnDomainNorAnEmptyLabel() {
        MxPattern wildcard = MxPattern.parse("*.example.com").valid().orElseThrow();
        assertThat(wildcard.matches("mx1.EXAMPLE.com.")).isTrue();
        assertThat(wildcard.matches(".example.com")).isFalse();
        assertThat(wildcard.matches("example.com")).isFalse();
        assertThat(wildcard.matches("a.b.example.com")).isFalse();
        assertThat(wildcard.matches("mx1.example.com.evil")).isFalse();
        assertThat(wildcard.matches("mx1example.com")).isFalse();
        assertThat(wildcard).hasToString("*.example.com");
    }

    @Test
    void aPolicyOfExactlyTheBoundIsReadAndOneByteMoreIsNot() {
        String padded = HEAD + "pad: " + "p".repeat(StsPolicy.MAX_BYTES - HEAD.length() - "pad: \n".length()) + "\n";
        assertThat(padded).hasSize(StsPolicy.MAX_BYTES);
        assertThat(StsPolicy.parse(padded.getBytes(StandardCharsets.UTF_8)).valid()).isPresent();
        assertThat(StsPolicy.parse(padded).valid()).isPresent();
        assertThat(StsPolicy.parse((padded + " ").getBytes(StandardCharsets.UTF_8)).rejection()).contains(StsProblem.TOO_LONG);
        assertThat(StsPolicy.parse(padded + " ").rejection()).contains(StsProblem.TOO_LONG);
    }

    @Test
    void aRepeatedVersionModeOrMaxAgeCountsOnceTheFirstTime() {
        // RFC 8461 §3.2: "If any non-repeated field -- i.e., all fields excepting "mx" -- is
        // duplicated, all entries except for the first SHALL be ignored."
        StsPolicy head = StsPolicy.parse(HEAD).valid().orElseThrow();
        assertThat(StsPolicy.parse("version: STSv1\n" + HEAD).valid()).contains(head);
        assertThat(StsPolicy.parse(HEAD + "version: STSv2\n").valid()).contains(head);
        assertThat(StsPolicy.parse(HEAD + "max_age: 1\n").valid()).contains(head);
        assertThat(StsPolicy.parse(HEAD + "max_age: 86400\n").valid()).contains(head);
        assertThat(StsPolicy.parse(HEAD + "max_age: soon\n").valid()).contains(head);
        // "mode" twice: the first (enforce) holds, not a later, weaker one
        assertThat(StsPolicy.parse(HEAD + "mode: none\n").valid()).contains(head);
        assertThat(StsPolicy.parse(HEAD + "mode: testing\n").valid().orElseThrow().mode()).isEqualTo(StsMode.ENFORCE);
        // the first one decides even when a later one would be valid
        assertThat(StsPolicy.parse("version: STSv2\n" + HEAD).rejection()).contains(StsProblem.BAD_VERSION);
        assertThat(StsPolicy.parse("mode: Enforce\n" + HEAD).rejection()).contains(StsProblem.BAD_MODE);
        // an ignored line is still a line of the grammar: no control characters, a value
        assertThat(StsPolicy.parse(HEAD + "mode: en\u0001force\n").rejection()).contains(StsProblem.SYNTAX);
        assertThat(StsPolicy.parse(HEAD + "max_age:\n").rejection()).contains(StsProblem.SYNTAX);
    }

    @Test
    void maxAgeOfTenDigitsIsCappedAtAYearAndElevenDigitsAreRefused() {
        StsPolicy tenDigits = StsPolicy.parse("version: STSv1\nmode: none\nmax_age: 0000086400\n").valid().orElseThrow();
        assertThat(tenDigits.maxAge()).isEqualTo(Duration.ofSeconds(86400));
        StsPolicy aYear = StsPolicy.parse("version: STSv1\nmode: none\nmax_age: 31557600\n").valid().orElseThrow();
        assertThat(aYear.maxAge()).isEqualTo(Duration.ofSeconds(StsPolicy.MAX_AGE_SECONDS));
        StsPolicy aboveAYear = StsPolicy.parse("version: STSv1\nmode: none\nmax_age: 31557601\n").valid().orElseThrow();
        assertThat(aboveAYear.maxAge()).isEqualTo(Duration.ofSeconds(StsPolicy.MAX_AGE_SECONDS));
        assertThat(StsPolicy.parse("version: STSv1\nmode: none\nmax_age: 00000086400\n").rejection())
                .contains(StsProblem.BAD_MAX_AGE);
        assertThat(StsPolicy.parse("version: STSv1\nmode: none\nmax_age: 1d\n").rejection()).contains(StsProblem.BAD_MAX_AGE);
        assertThat(StsPolicy.parse("version: STSv1\nmode: none\nmax_age:\n").rejection()).contains(StsProblem.BAD_MAX_AGE);
    }

    @Test
    void aPolicyMayStartWithABlankLine() {
        assertThat(StsPolicy.parse("\n" + HEAD).valid()).isPresent();
        assertThat(StsPolicy.parse("\r\n" + HEAD).valid()).isPresent();
        assertThat(StsPolicy.parse(HEAD + "\n\n").valid()).isPresent();
    }

    @Test
    void extensionValuesMayHoldInnerSpacesAndNonAsciiTextButNotBeEmptyOrHoldControls() {
        StsPolicy p = StsPolicy.parse(HEAD + "note: a b\tc \u00a0\u00e9\u4e16\n").valid().orElseThrow();
        assertThat(p.extensions()).containsExactly(Map.entry("note", "a b\tc \u00a0\u00e9\u4e16"));
        assertThat(StsPolicy.parse(HEAD + "note:\n").rejection()).contains(StsProblem.SYNTAX);
        assertThat(StsPolicy.parse(HEAD + "note:   \n").rejection()).contains(StsProblem.SYNTAX);
        assertThat(StsPolicy.parse(HEAD + "note: a\u007fb\n").rejection()).contains(StsProblem.SYNTAX);
        assertThat(StsPolicy.parse(HEAD + "note: a\u0080b\n").rejection()).contains(StsProblem.SYNTAX);
        assertThat(StsPolicy.parse(HEAD + "note: a\u009fb\n").rejection()).contains(StsProblem.SYNTAX);
        assertThat(StsPolicy.parse(HEAD + "note: a\u001fb\n").rejection()).contains(StsProblem.SYNTAX);
    }

    @Test
    void aRecordOfExactlyTheBoundIsReadAndOneCharacterMoreIsNot() {
        String base = "v=STSv1; id=20160831085700Z; pad=";
        String longest = base + "p".repeat(StsRecord.MAX_LENGTH - base.length());
        assertThat(longest).hasSize(StsRecord.MAX_LENGTH);
        assertThat(StsRecord.parse(longest).valid()).isPresent();
        assertThat(StsRecord.parse(longest + "p").rejection()).contains(StsProblem.TOO_LONG);
    }

    @Test
    void aRecordWithARepeatedVersionOrIdKeepsTheFirst() {
        // RFC 8461 §3.2 (for "TXT records and policy files"): all entries but the first are ignored
        StsRecord one = new StsRecord("1", Map.of());
        assertThat(StsRecord.parse("v=STSv1; v=STSv1; id=1;").valid()).contains(one);
        assertThat(StsRecord.parse("v=STSv1; id=1; v=STSv2;").valid()).contains(one);
        assertThat(StsRecord.parse("v=STSv1; id=1; id=2").valid()).contains(one);
        assertThat(StsRecord.parse("v=STSv1; id=1; id=not-an-id").valid()).contains(one);
        assertThat(StsRecord.parse("v=STSv1; id=bad-id; id=1").rejection()).contains(StsProblem.BAD_ID);
        // still a field of the grammar (sts-ext-value: no space, "=" or ";")
        assertThat(StsRecord.parse("v=STSv1; id=1; id=a=b").rejection()).contains(StsProblem.SYNTAX);
    }
}
