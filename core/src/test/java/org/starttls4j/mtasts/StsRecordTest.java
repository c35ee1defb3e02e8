package org.starttls4j.mtasts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.starttls4j.text.Parsed;

class StsRecordTest {

    @Test
    void theRfcExampleParses() {
        // RFC 8461 §3.1: _mta-sts.example.com.  IN TXT "v=STSv1; id=20160831085700Z;"
        StsRecord r = StsRecord.parse("v=STSv1; id=20160831085700Z;").valid().orElseThrow();
        assertThat(r.id()).isEqualTo("20160831085700Z");
        assertThat(r.extensions()).isEmpty();
    }

    @Test
    void theTrailingSeparatorIsOptionalAndWhiteSpaceAroundSeparatorsIsAllowed() {
        assertThat(StsRecord.parse("v=STSv1;id=abc").valid()).contains(new StsRecord("abc", Map.of()));
        assertThat(StsRecord.parse("v=STSv1 ;\tid=abc ; ").valid()).contains(new StsRecord("abc", Map.of()));
    }

    @Test
    void extensionsAreKeptButIgnored() {
        StsRecord r = StsRecord.parse("v=STSv1; id=1; foo=bar; x-y.z=1:2").valid().orElseThrow();
        assertThat(r.extensions()).containsExactly(Map.entry("foo", "bar"), Map.entry("x-y.z", "1:2"));
    }

    @Test
    void badRecordsAreRejectedWithTheirReason() {
        assertThat(StsRecord.parse("v=STSv1;").rejection()).contains(StsProblem.BAD_ID);
        assertThat(StsRecord.parse("v=STSv1; id=").rejection()).contains(StsProblem.BAD_ID);
        assertThat(StsRecord.parse("v=STSv1; id=" + "a".repeat(33)).rejection()).contains(StsProblem.BAD_ID);
        assertThat(StsRecord.parse("v=STSv1; id=a-b").rejection()).contains(StsProblem.BAD_ID);
        assertThat(StsRecord.parse("v=STSv2; id=1").rejection()).contains(StsProblem.SYNTAX);
        assertThat(StsRecord.parse("V=STSv1; id=1").rejection()).contains(StsProblem.SYNTAX);
        assertThat(StsRecord.parse("v=STSv1;; id=1").rejection()).contains(StsProblem.SYNTAX);
        assertThat(StsRecord.parse(" v=STSv1; id=1").rejection()).contains(StsProblem.SYNTAX);
        assertThat(StsRecord.parse("v=STSv1; id=1; foo=a b").rejection()).contains(StsProblem.SYNTAX);
        assertThat(StsRecord.parse("v=STSv1; id=1; " + "x".repeat(2000)).rejection()).contains(StsProblem.TOO_LONG);
    }

    @Test
    void exactlyOneRecordMustStartWithTheVersion() {
        assertThat(StsRecord.select(List.of("v=spf1 -all", "v=STSv1; id=7")).valid().map(StsRecord::id)).contains("7");
        assertThat(StsRecord.select(List.of("v=spf1 -all")).rejection()).contains(StsProblem.NO_RECORD);
        assertThat(StsRecord.select(List.of("v=STSv1x; id=1")).rejection()).contains(StsProblem.NO_RECORD);
        assertThat(StsRecord.select(List.of("v=STSv1; id=1", "v=STSv1; id=2")).rejection())
                .contains(StsProblem.SEVERAL_RECORDS);
        assertThat(StsRecord.select(List.of("v=STSv1; bad")).rejection()).contains(StsProblem.SYNTAX);
    }

    @Property
    void noInputMakesTheParserThrow(@ForAll String text) {
        Parsed<StsRecord, StsProblem> p = StsRecord.parse(text);
        assertThat(p.valid().isPresent()).isNotEqualTo(p.rejection().isPresent());
    }

    @Property
    void noRecordLikeInputMakesTheParserThrow(@ForAll("recordLike") String text) {
        assertThat(StsRecord.parse(text)).isNotNull();
    }

    @Property
    void recordsRoundTrip(@ForAll("records") StsRecord record) {
        assertThat(StsRecord.parse(record.toText()).valid()).contains(record);
    }

    @Provide
    Arbitrary<String> recordLike() {
        return Arbitraries.of("v=STSv1", ";", " ", "\t", "id=", "=", "abc", "x.y-z", "\u00e9", ",", "\r\n")
                .list().ofMaxSize(12).map(parts -> String.join("", parts));
    }

    @Provide
    Arbitrary<StsRecord> records() {
        Arbitrary<String> id = Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(32);
        Arbitrary<String> name = Arbitraries.strings().alpha().ofMinLength(2).ofMaxLength(10).filter(n -> !n.equals("id"));
        Arbitrary<String> value = Arbitraries.strings().withCharRange('!', '~').ofMinLength(1).ofMaxLength(10)
                .filter(v -> v.indexOf('=') < 0 && v.indexOf(';') < 0);
        return Combinators.combine(id, Arbitraries.maps(name, value).ofMaxSize(3))
                .as((i, ext) -> new StsRecord(i, ext));
    }
}
