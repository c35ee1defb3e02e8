package org.starttls4j.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class TlsRptRecordTest {

    @Test
    void theRfcExamplesParse() {
        // RFC 8460 §3.1
        assertThat(TlsRptRecord.parse("v=TLSRPTv1;rua=mailto:reports@example.com").valid().orElseThrow().rua())
                .containsExactly(URI.create("mailto:reports@example.com"));
        assertThat(TlsRptRecord.parse("v=TLSRPTv1; rua=https://reporting.example.com/v1/tlsrpt").valid().orElseThrow().rua())
                .containsExactly(URI.create("https://reporting.example.com/v1/tlsrpt"));
    }

    @Test
    void severalUrisAndExtensionsAreKept() {
        TlsRptRecord r = TlsRptRecord.parse("v=TLSRPTv1; rua=mailto:a@example.com, https://r.example.com/x ; ext=1;")
                .valid().orElseThrow();
        assertThat(r.rua()).containsExactly(URI.create("mailto:a@example.com"), URI.create("https://r.example.com/x"));
        assertThat(r.extensions()).containsExactly(Map.entry("ext", "1"));
    }

    @Test
    void badRecordsAreRejectedWithTheirReason() {
        assertThat(TlsRptRecord.parse("v=TLSRPTv1;").rejection()).contains(TlsRptProblem.BAD_RUA);
        assertThat(TlsRptRecord.parse("v=TLSRPTv1; rua=a@b; rua=c@d").rejection()).contains(TlsRptProblem.BAD_URI);
        assertThat(TlsRptRecord.parse("v=TLSRPTv1; rua=mailto:a@b; rua=mailto:c@d").rejection()).contains(TlsRptProblem.BAD_RUA);
        assertThat(TlsRptRecord.parse("v=TLSRPTv1; rua=http://insecure.example/").rejection()).contains(TlsRptProblem.BAD_URI);
        assertThat(TlsRptRecord.parse("v=TLSRPTv1; rua=mailto:a@b,").rejection()).contains(TlsRptProblem.BAD_URI);
        assertThat(TlsRptRecord.parse("v=TLSRPTv1; rua=mailto:a b@c").rejection()).contains(TlsRptProblem.BAD_URI);
        assertThat(TlsRptRecord.parse("v=TLSRPTv2; rua=mailto:a@b").rejection()).contains(TlsRptProblem.SYNTAX);
        assertThat(TlsRptRecord.parse("v=TLSRPTv1; rua=mailto:a@b; " + "x".repeat(5000)).rejection()).contains(TlsRptProblem.TOO_LONG);
    }

    @Test
    void exactlyOneRecordMustStartWithTheVersion() {
        assertThat(TlsRptRecord.select(List.of("v=spf1 -all")).rejection()).contains(TlsRptProblem.NO_RECORD);
        assertThat(TlsRptRecord.select(List.of("v=TLSRPTv1; rua=mailto:a@b", "v=TLSRPTv1;rua=mailto:c@d")).rejection())
                .contains(TlsRptProblem.SEVERAL_RECORDS);
        assertThat(TlsRptRecord.select(List.of("other", "v=TLSRPTv1; rua=mailto:a@b")).valid()).isPresent();
    }

    @Property
    void noInputMakesTheParserThrow(@ForAll String text) {
        assertThat(TlsRptRecord.parse(text)).isNotNull();
        assertThat(TlsRptRecord.parse("v=TLSRPTv1; rua=" + text)).isNotNull();
    }

    @Property
    void recordsRoundTrip(@ForAll("records") TlsRptRecord record) {
        assertThat(TlsRptRecord.parse(record.toText()).valid()).contains(record);
    }

    @Provide
    Arbitrary<TlsRptRecord> records() {
        Arbitrary<String> word = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(8);
        Arbitrary<URI> uri = Arbitraries.oneOf(
                word.map(w -> URI.create("mailto:" + w + "@example.com")),
                word.map(w -> URI.create("https://" + w + ".example.com/v1/" + w)));
        return uri.list().ofMinSize(1).ofMaxSize(3).map(list -> new TlsRptRecord(list, Map.of()));
    }
}
