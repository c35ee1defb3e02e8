package org.starttls4j.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The edges of TLS-RPT (RFC 8460): the record's bound and the URIs it may name, the report's
 * bound on distinct failure details, and JSON that stays valid (and valid UTF-8) for any text.
 */
class TlsRptEdgesTest {

    @Test
    void aRecordOfExactlyTheBoundIsReadAndOneCharacterMoreIsNot() {
        String base = "v=TLSRPTv1; rua=mailto:reports@example.com; pad=";
        String longest = base + "p".repeat(TlsRptRecord.MAX_LENGTH - base.length());
        assertThat(longest).hasSize(TlsRptRecord.MAX_LENGTH);
        assertThat(TlsRptRecord.parse(longest).valid()).isPresent();
        assertThat(TlsRptRecord.parse(longest + "p").rejection()).contains(TlsRptProblem.TOO_LONG);
    }

    @Test
    void aMailtoUriMustNameAMailboxWithALocalPart() {
        assertThat(TlsRptRecord.parse("v=TLSRPTv1; rua=mailto:reports").rejection()).contains(TlsRptProblem.BAD_URI);
        assertThat(TlsRptRecord.parse("v=TLSRPTv1; rua=mailto:@example.com").rejection()).contains(TlsRptProblem.BAD_URI);
        assertThat(TlsRptRecord.parse("v=TLSRPTv1; rua=MAILTO:r@example.com").valid()).isPresent();
        assertThat(TlsRptRecord.parse("v=TLSRPTv1; rua=r@example.com").rejection()).contains(TlsRptProblem.BAD_URI);
        assertThat(TlsRptRecord.parse("v=TLSRPTv1; rua=https:/no-host").rejection()).contains(TlsRptProblem.BAD_URI);
    }

    @Test
    void aUriOfAnotherSchemeIsSkippedAndTheSupportedOnesKept() {
        // RFC 8460 §3: rua is "tlsrpt-uri *(... "," ... tlsrpt-uri)" with tlsrpt-uri = URI, of which senders
        // support mailto and https; "Parsers MUST accept TXT records which are syntactically valid"
        assertThat(TlsRptRecord.parse("v=TLSRPTv1; rua=http://insecure.example/,mailto:r@example.com").valid())
                .hasValueSatisfying(r -> assertThat(r.rua()).containsExactly(URI.create("mailto:r@example.com")));
        assertThat(TlsRptRecord.parse("v=TLSRPTv1; rua=ftp://r.example/in , https://r.example/v1").valid())
                .hasValueSatisfying(r -> assertThat(r.rua()).containsExactly(URI.create("https://r.example/v1")));
        // nowhere a sender can send to: no record to use
        assertThat(TlsRptRecord.parse("v=TLSRPTv1; rua=http://insecure.example/,ftp://r.example/").rejection())
                .contains(TlsRptProblem.BAD_URI);
        // what is no URI at all (no scheme) still breaks the record, as does a bad supported one
        assertThat(TlsRptRecord.parse("v=TLSRPTv1; rua=mailto:r@example.com,r@example.com").rejection()).contains(TlsRptProblem.BAD_URI);
        assertThat(TlsRptRecord.parse("v=TLSRPTv1; rua=http://insecure.example/,mailto:reports").rejection())
                .contains(TlsRptProblem.BAD_URI);
    }

    @Test
    void aUriOutsidePrintableAsciiIsRefused() {
        // java.net.URI accepts non-ASCII "other" characters; RFC 3986 URIs, and so rua, do not
        assertThat(TlsRptRecord.parse("v=TLSRPTv1; rua=mailto:r\u00e9@example.com").rejection()).contains(TlsRptProblem.BAD_URI);
        assertThat(TlsRptRecord.parse("v=TLSRPTv1; rua=https://r.example.com/\u4e16").rejection()).contains(TlsRptProblem.BAD_URI);
    }

    @Test
    void aRecordWithTwoVersionFieldsOrABadExtensionValueIsRefused() {
        assertThat(TlsRptRecord.parse("v=TLSRPTv1; v=TLSRPTv1; rua=mailto:r@example.com").rejection())
                .contains(TlsRptProblem.SYNTAX);
        assertThat(TlsRptRecord.parse("v=TLSRPTv1; rua=mailto:r@example.com; x=a\u0001b").rejection())
                .contains(TlsRptProblem.SYNTAX);
    }

    @Test
    void aBareVersionIsTheDomainsRecordThoughItNamesNoRecipient() {
        // the one record at _smtp._tls says "TLS-RPT" but gives nowhere to send: broken, not absent
        assertThat(TlsRptRecord.select(List.of("v=TLSRPTv1")).rejection()).contains(TlsRptProblem.BAD_RUA);
        assertThat(TlsRptRecord.select(List.of("v=TLSRPTv1", "v=TLSRPTv1; rua=mailto:r@example.com")).rejection())
                .contains(TlsRptProblem.SEVERAL_RECORDS);
        assertThat(TlsRptRecord.select(List.of("v=TLSRPTv10; rua=mailto:r@example.com")).rejection())
                .contains(TlsRptProblem.NO_RECORD);
    }

    @Test
    void extensionsArePublishedAsParsed() {
        TlsRptRecord r = new TlsRptRecord(List.of(URI.create("mailto:r@example.com")), Map.of("ext", "1"));
        assertThat(r.toText()).isEqualTo("v=TLSRPTv1; rua=mailto:r@example.com; ext=1;");
        assertThat(TlsRptRecord.parse(r.toText()).valid()).contains(r);
    }

    @Test
    void distinctFailureDetailsStopAtTheBoundWhileEveryFailureIsCounted() {
        AppliedPolicy policy = AppliedPolicy.none("example.com");
        List<SessionOutcome> day = new ArrayList<>();
        for (int i = 0; i <= AggregateReport.MAX_FAILURE_DETAILS; i++) {
            day.add(SessionOutcome.failure(policy, "mx" + i + ".example.com", ResultType.VALIDATION_FAILURE));
        }
        day.add(SessionOutcome.failure(policy, "mx0.example.com", ResultType.VALIDATION_FAILURE));
        PolicyReport only = AggregateReport.of("o", "c", "id", AggregateReportTest.START, AggregateReportTest.END, day)
                .policies().get(0);
        assertThat(only.failureCount()).isEqualTo(AggregateReport.MAX_FAILURE_DETAILS + 2L);
        assertThat(only.failureDetails()).hasSize(AggregateReport.MAX_FAILURE_DETAILS);
        assertThat(only.failureDetails().get(0).failedSessionCount()).isEqualTo(2);
    }

    @Test
    void theReceivingAddressAloneIsReported() throws Exception {
        SessionOutcome failed = SessionOutcome.failure(AppliedPolicy.none("example.com"), "mx.example.com",
                ResultType.STARTTLS_NOT_SUPPORTED).withReceivingIp("192.0.2.1");
        assertThat(failed.receivingIp()).contains("192.0.2.1");
        assertThat(failed.sendingMtaIp()).isEmpty();
        JsonNode detail = AggregateReportTest.JSON.readTree(report(failed).toJson()).at("/policies/0/failure-details/0");
        assertThat(detail.get("receiving-ip").asText()).isEqualTo("192.0.2.1");
        assertThat(detail.has("sending-mta-ip")).isFalse();
    }

    @Test
    void controlCharactersLineSeparatorsAndLoneSurrogatesAreEscapedAndPrintableTextIsNot() throws Exception {
        String mx = "a b\u0000\u001f\u007f\u2028\u2029\ud83d\ude00\ud800x\udc00";
        String json = report(SessionOutcome.failure(AppliedPolicy.none("example.com"), mx, ResultType.VALIDATION_FAILURE))
                .toJson();
        // one line, readable, and valid UTF-8 once encoded: a lone surrogate has no UTF-8 form
        assertThat(json).contains("\"a b\\u0000\\u001f\u007f\\u2028\\u2029\ud83d\ude00\\ud800x\\udc00\"");
        assertThat(json).doesNotContain("\n", "\r", "\u2028", "\u2029");
        byte[] utf8 = json.getBytes(StandardCharsets.UTF_8);
        String decoded = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(utf8)).toString();
        assertThat(AggregateReportTest.JSON.readTree(decoded).at("/policies/0/failure-details/0/receiving-mx-hostname").asText())
                .isEqualTo(mx);
    }

    @Test
    void aSurrogateAtEitherEndOfATextIsEscaped() {
        for (String lone : List.of("\ud800", "\udc00", "x\ud800", "\udc00x")) {
            String json = report(SessionOutcome.failure(AppliedPolicy.none("example.com"), lone, ResultType.VALIDATION_FAILURE))
                    .toJson();
            assertThat(new String(json.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)).isEqualTo(json);
        }
    }

    private static AggregateReport report(SessionOutcome... sessions) {
        return AggregateReport.of("o", "c", "id", AggregateReportTest.START, AggregateReportTest.END, List.of(sessions));
    }
}
