package org.starttls4j.tlsrpt;

import java.util.List;
import java.util.Objects;

/**
 * One entry of a report's {@code policies} (RFC 8460 §4.4): a policy, its session counts, and the
 * details of its failures.
 *
 * @param policy         the policy
 * @param successCount   {@code total-successful-session-count}
 * @param failureCount   {@code total-failure-session-count}
 * @param failureDetails the failures grouped by kind and ends
 */
public record PolicyReport(AppliedPolicy policy, long successCount, long failureCount, List<FailureDetail> failureDetails) {

    /**
     * Checks the counts and copies the list.
     *
     * @param policy the policy
     * @param successCount {@code total-successful-session-count}
     * @param failureCount {@code total-failure-session-count}
     * @param failureDetails the failures grouped by kind and ends
     */
    public PolicyReport {
        Objects.requireNonNull(policy, "policy");
        failureDetails = List.copyOf(failureDetails);
        if (successCount < 0 || failureCount < 0) {
            throw new IllegalArgumentException("counts are never negative");
        }
    }
}
