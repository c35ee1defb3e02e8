package org.starttls4j.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;
import org.starttls4j.CertificateProblem;
import org.starttls4j.Failure;
import org.starttls4j.mtasts.StsPolicy;

class AggregateReportTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Instant START = Instant.parse("2016-04-01T00:00:00Z");
    static final Instant END = Instant.parse("2016-04-01T23:59:59Z");
    static final StsPolicy POLICY = StsPolicy.parse("version: STSv1\nmode: testing\nmx: *.mail.company-y.example\nmax_age: 86400\n")
            .valid().orElseThrow();

    @Test
    void theRfcExampleShapeIsProducedFromADaysSessions() throws Exception {
        // RFC 8460 §4.4's example: an STS policy in testing mode, successes and three kinds of failure.
        AppliedPolicy sts = POLICY.applied("company-y.example");
        List<SessionOutcome> day = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            day.add(SessionOutcome.success(sts, "mx1.mail.company-y.example"));
        }
        for (int i = 0; i < 2; i++) {
            day.add(SessionOutcome.failure(sts, "mx1.mail.company-y.example",
                    Failure.certificate(CertificateProblem.EXPIRED, "expired", java.util.Optional.empty()))
                    .withAddresses("2001:db8:abcd:0012::1", "203.0.113.56"));
        }
        day.add(SessionOutcome.failure(sts, "mx2.mail.company-y.example", Failure.of(Failure.Reason.STARTTLS_NOT_OFFERED, "no")));
        day.add(SessionOutcome.failure(AppliedPolicy.none("company-z.example"), "mx.company-z.example", ResultType.DANE_REQUIRED));

        AggregateReport report = AggregateReport.of("Company-X", "sts-reporting@company-x.example",
                "5065427c-23d3-47ca-b6e0-946ea0e8c4be", START, END, day);
        JsonNode root = JSON.readTree(report.toJson());

        assertThat(root.get("organization-name").asText()).isEqualTo("Company-X");
        assertThat(root.at("/date-range/start-datetime").asText()).isEqualTo("2016-04-01T00:00:00Z");
        assertThat(root.at("/date-range/end-datetime").asText()).isEqualTo("2016-04-01T23:59:59Z");
        assertThat(root.get("contact-info").asText()).isEqualTo("sts-reporting@company-x.example");
        assertThat(root.get("report-id").asText()).isEqualTo("5065427c-23d3-47ca-b6e0-946ea0e8c4be");
        JsonNode first = root.get("policies").get(0);
        assertThat(first.at("/policy/policy-type").asText()).isEqualTo("sts");
        assertThat(first.at("/policy/policy-string/1").asText()).isEqualTo("mode: testing");
        assertThat(first.at("/policy/policy-domain").asText()).isEqualTo("company-y.example");
        assertThat(first.at("/policy/mx-host/0").asText()).isEqualTo("*.mail.company-y.example");
        assertThat(first.at("/summary/total-successful-session-count").asLong()).isEqualTo(5);
        assertThat(first.at("/summary/total-failure-session-count").asLong()).isEqualTo(3);
        JsonNode expired = first.get("failure-details").get(0);
        assertThat(expired.get("result-type").asText()).isEqualTo("certificate-expired");
        assertThat(expired.get("sending-mta-ip").asText()).isEqualTo("2001:db8:abcd:0012::1");
        assertThat(expired.get("receiving-ip").asText()).isEqualTo("203.0.113.56");
        assertThat(expired.get("receiving-mx-hostname").asText()).isEqualTo("mx1.mail.company-y.example");
        assertThat(expired.get("failed-session-count").asLong()).isEqualTo(2);
        assertThat(expired.get("failure-reason-code").asText()).isEqualTo("CERTIFICATE_REJECTED/EXPIRED");
        assertThat(first.get("failure-details").get(1).get("result-type").asText()).isEqualTo("starttls-not-supported");
        JsonNode second = root.get("policies").get(1);
        assertThat(second.at("/policy/policy-type").asText()).isEqualTo("no-policy-found");
        assertThat(second.at("/failure-details/0/result-type").asText()).isEqualTo("dane-required");
        assertThat(second.at("/policy").has("mx-host")).isFalse();
    }

    @Test
    void aPolicyWithOnlySuccessesHasNoFailureDetails() throws Exception {
        AppliedPolicy p = AppliedPolicy.none("example.org");
        JsonNode root = JSON.readTree(AggregateReport.of("o", "c", "id", START, END, List.of(SessionOutcome.success(p, "mx"))).toJson());
        assertThat(root.at("/policies/0").has("failure-details")).isFalse();
        assertThat(root.at("/policies/0/summary/total-successful-session-count").asLong()).isEqualTo(1);
    }

    @Test
    void theFileNameFollowsRfc8460() {
        // RFC 8460 §5.1: unique-id = 1*(ALPHA / DIGIT), so the report id's "-" does not go into the name
        AggregateReport r = AggregateReport.of("o", "c", "id-1", START, END, List.of());
        assertThat(r.fileName("company-x.example", "company-y.example"))
                .isEqualTo("company-x.example!company-y.example!1459468800!1459555199!id1.json.gz");
    }

    @Test
    void theFileNamesUniqueIdIsLettersAndDigitsOrLeftOut() {
        String sender = "mail.sndr.example.com";
        AggregateReport dotted = AggregateReport.of("o", "c", "2016-04-01T00:00:00Z_mx.example.com", START, END, List.of());
        assertThat(dotted.fileName(sender, "example.net"))
                .isEqualTo("mail.sndr.example.com!example.net!1459468800!1459555199!20160401T000000Zmxexamplecom.json.gz");
        AggregateReport noLetters = AggregateReport.of("o", "c", "--._", START, END, List.of());
        assertThat(noLetters.fileName(sender, "example.net"))
                .isEqualTo("mail.sndr.example.com!example.net!1459468800!1459555199.json.gz");
    }

    @Property
    void theFileNameAlwaysReadsBackAsRfc8460sGrammar(@ForAll String reportId) {
        String name = AggregateReport.of("o", "c", reportId, START, END, List.of()).fileName("sender.example", "example.net");
        assertThat(name).matches("sender\\.example!example\\.net!1459468800!1459555199(![A-Za-z0-9]+)?\\.json\\.gz");
    }

    @Property
    void anyTextSurvivesTheJsonWriter(@ForAll String organisation, @ForAll String mx, @ForAll String code) throws Exception {
        AppliedPolicy p = AppliedPolicy.none(organisation);
        SessionOutcome failed = new SessionOutcome(p, mx, java.util.Optional.empty(), java.util.Optional.empty(),
                java.util.Optional.of(ResultType.VALIDATION_FAILURE), java.util.Optional.of(code));
        JsonNode root = JSON.readTree(AggregateReport.of(organisation, "c", "id", START, END, List.of(failed)).toJson());
        assertThat(root.at("/policies/0/failure-details/0/failed-session-count").asLong()).isEqualTo(1);
        if (!hasLoneSurrogate(mx)) {
            assertThat(root.at("/policies/0/failure-details/0/receiving-mx-hostname").asText()).isEqualTo(mx);
        }
        if (!hasLoneSurrogate(organisation)) {
            assertThat(root.get("organization-name").asText()).isEqualTo(organisation);
        }
    }

    static boolean hasLoneSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1)))) {
                return true;
            }
            if (Character.isLowSurrogate(c) && (i == 0 || !Character.isHighSurrogate(s.charAt(i - 1)))) {
                return true;
            }
        }
        return false;
    }
}
