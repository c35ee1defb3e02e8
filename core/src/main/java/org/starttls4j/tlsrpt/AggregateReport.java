package org.starttls4j.tlsrpt;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An aggregate TLS-RPT report (RFC 8460 §4): which policies a sender applied to one recipient
 * domain's MX hosts over a period (usually a UTC day), how many sessions succeeded and failed
 * under each, and the failures in detail. Build one from the period's {@link SessionOutcome}s with
 * {@link #of}; {@link #toJson()} gives the body to send. Delivery (mail with
 * {@code application/tlsrpt+gzip}, or HTTPS POST) is the caller's.
 *
 * @param organizationName the sender's organisation
 * @param start            the start of the period, inclusive
 * @param end              the end of the period
 * @param contactInfo      an address or URI to reach the sender about the report
 * @param reportId         a unique identifier of this report
 * @param policies         one entry per distinct policy applied
 */
public record AggregateReport(String organizationName, Instant start, Instant end, String contactInfo, String reportId,
                              List<PolicyReport> policies) {

    /** How many distinct failure details one policy keeps; further sessions are counted but not detailed. */
    public static final int MAX_FAILURE_DETAILS = 10_000;

    /**
     * Checks the components and copies the list.
     *
     * @param organizationName the sender's organisation
     * @param start the start of the period, inclusive
     * @param end the end of the period
     * @param contactInfo an address or URI to reach the sender about the report
     * @param reportId a unique identifier of this report
     * @param policies one entry per distinct policy applied
     */
    public AggregateReport {
        Objects.requireNonNull(organizationName, "organizationName");
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        Objects.requireNonNull(contactInfo, "contactInfo");
        Objects.requireNonNull(reportId, "reportId");
        policies = List.copyOf(policies);
        if (end.isBefore(start)) {
            throw new IllegalArgumentException("the period ends before it starts");
        }
    }

    /**
     * Aggregates a period's sessions: one entry per distinct {@link AppliedPolicy} (in the order
     * first seen), failures grouped by result type, sending and receiving address, MX host and
     * reason code.
     *
     * @param organizationName the sender's organisation
     * @param contactInfo      how to reach the sender
     * @param reportId         a unique identifier
     * @param start            the start of the period
     * @param end              the end of the period
     * @param sessions         the period's sessions, for one recipient domain
     * @return the report
     */
    public static AggregateReport of(String organizationName, String contactInfo, String reportId,
                                     Instant start, Instant end, Collection<SessionOutcome> sessions) {
        Map<AppliedPolicy, long[]> counts = new LinkedHashMap<>();
        Map<AppliedPolicy, Map<List<Object>, long[]>> details = new LinkedHashMap<>();
        for (SessionOutcome s : sessions) {
            long[] c = counts.computeIfAbsent(s.policy(), p -> new long[2]);
            if (s.failure().isEmpty()) {
                c[0]++;
                continue;
            }
            c[1]++;
            Map<List<Object>, long[]> byKind = details.computeIfAbsent(s.policy(), p -> new LinkedHashMap<>());
            List<Object> key = List.of(s.failure().get(), s.sendingMtaIp(), s.receivingMxHostname(), s.receivingIp(),
                    s.failureReasonCode());
            long[] n = byKind.get(key);
            if (n != null) {
                n[0]++;
            } else if (byKind.size() < MAX_FAILURE_DETAILS) {
                byKind.put(key, new long[] {1});
            }
        }
        List<PolicyReport> policies = new ArrayList<>();
        counts.forEach((policy, c) -> {
            List<FailureDetail> list = new ArrayList<>();
            details.getOrDefault(policy, Map.of()).forEach((k, n) -> list.add(detail(k, n[0])));
            policies.add(new PolicyReport(policy, c[0], c[1], list));
        });
        return new AggregateReport(organizationName, start, end, contactInfo, reportId, policies);
    }

    @SuppressWarnings("unchecked")
    private static FailureDetail detail(List<Object> key, long count) {
        return new FailureDetail((ResultType) key.get(0), (Optional<String>) key.get(1), (String) key.get(2),
                (Optional<String>) key.get(3), count, (Optional<String>) key.get(4));
    }

    /**
     * The report as RFC 8460 §4.4 JSON, with the field names and nesting of its example.
     *
     * @return the JSON text
     */
    public String toJson() {
        Json j = new Json().open()
                .name("organization-name").value(organizationName)
                .name("date-range").open()
                .name("start-datetime").value(dateTime(start))
                .name("end-datetime").value(dateTime(end))
                .close()
                .name("contact-info").value(contactInfo)
                .name("report-id").value(reportId)
                .name("policies").openArray();
        for (PolicyReport p : policies) {
            j.open().name("policy").open()
                    .name("policy-type").value(p.policy().type().wireName())
                    .name("policy-string").strings(p.policy().policyString())
                    .name("policy-domain").value(p.policy().policyDomain());
            if (!p.policy().mxHost().isEmpty()) {
                j.name("mx-host").strings(p.policy().mxHost());
            }
            j.close().name("summary").open()
                    .name("total-successful-session-count").value(p.successCount())
                    .name("total-failure-session-count").value(p.failureCount())
                    .close();
            if (!p.failureDetails().isEmpty()) {
                j.name("failure-details").openArray();
                for (FailureDetail d : p.failureDetails()) {
                    j.open().name("result-type").value(d.resultType().wireName());
                    d.sendingMtaIp().ifPresent(ip -> j.name("sending-mta-ip").value(ip));
                    j.name("receiving-mx-hostname").value(d.receivingMxHostname());
                    d.receivingIp().ifPresent(ip -> j.name("receiving-ip").value(ip));
                    j.name("failed-session-count").value(d.failedSessionCount());
                    d.failureReasonCode().ifPresent(code -> j.name("failure-reason-code").value(code));
                    j.close();
                }
                j.closeArray();
            }
            j.close();
        }
        return j.closeArray().close().toString();
    }

    /**
     * The report's file name (RFC 8460 §5.1): {@code sender!policy-domain!begin!end!unique-id.json.gz}.
     * The unique id is the report id's letters and digits, the only characters §5.1's
     * {@code unique-id = 1*(ALPHA / DIGIT)} allows (a dot there would make the name's extension
     * ambiguous); when the report id has none, the optional {@code !unique-id} is left out.
     *
     * @param sender       the sending domain
     * @param policyDomain the recipient domain
     * @return the name
     */
    public String fileName(String sender, String policyDomain) {
        String uniqueId = reportId.replaceAll("[^A-Za-z0-9]", "");
        return sender + "!" + policyDomain + "!" + start.getEpochSecond() + "!" + end.getEpochSecond()
                + (uniqueId.isEmpty() ? "" : "!" + uniqueId) + ".json.gz";
    }

    private static String dateTime(Instant t) {
        return t.truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
