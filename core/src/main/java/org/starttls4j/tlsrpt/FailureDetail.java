package org.starttls4j.tlsrpt;

import java.util.Objects;
import java.util.Optional;

/**
 * One {@code failure-details} entry of a report (RFC 8460 §4.4): sessions that failed the same
 * way between the same ends, counted together.
 *
 * @param resultType          why they failed
 * @param sendingMtaIp        the sender's address, if recorded
 * @param receivingMxHostname the MX host
 * @param receivingIp         the MX host's address, if recorded
 * @param failedSessionCount  how many sessions
 * @param failureReasonCode   a free-form code, if recorded
 */
public record FailureDetail(ResultType resultType, Optional<String> sendingMtaIp, String receivingMxHostname,
                            Optional<String> receivingIp, long failedSessionCount, Optional<String> failureReasonCode) {

    /**
     * Checks the components.
     *
     * @param resultType why they failed
     * @param sendingMtaIp the sender's address, if recorded
     * @param receivingMxHostname the MX host
     * @param receivingIp the MX host's address, if recorded
     * @param failedSessionCount how many sessions
     * @param failureReasonCode a free-form code, if recorded
     */
    public FailureDetail {
        Objects.requireNonNull(resultType, "resultType");
        Objects.requireNonNull(sendingMtaIp, "sendingMtaIp");
        Objects.requireNonNull(receivingMxHostname, "receivingMxHostname");
        Objects.requireNonNull(receivingIp, "receivingIp");
        Objects.requireNonNull(failureReasonCode, "failureReasonCode");
        if (failedSessionCount < 1) {
            throw new IllegalArgumentException("a failure detail counts at least one session");
        }
    }
}
