package org.starttls4j.tlsrpt;

import java.util.Objects;
import java.util.Optional;
import org.starttls4j.Failure;

/**
 * What happened in one delivery attempt, as a sender records it for the day's report.
 *
 * @param policy              the policy the session was held to
 * @param receivingMxHostname the MX host connected to (or meant to be)
 * @param receivingIp         the address connected to, if known
 * @param sendingMtaIp        the sender's own address, if known
 * @param failure             the result type of a failed session; empty for a successful one
 * @param failureReasonCode   a free-form code for the failure (e.g. the {@link Failure.Reason}), if any
 */
public record SessionOutcome(AppliedPolicy policy, String receivingMxHostname, Optional<String> receivingIp,
                             Optional<String> sendingMtaIp, Optional<ResultType> failure,
                             Optional<String> failureReasonCode) {

    /**
     * Checks the components are present.
     *
     * @param policy the policy the session was held to
     * @param receivingMxHostname the MX host connected to (or meant to be)
     * @param receivingIp the address connected to, if known
     * @param sendingMtaIp the sender's own address, if known
     * @param failure the result type of a failed session; empty for a successful one
     * @param failureReasonCode a free-form code for the failure (e.g. the {@link Failure.Reason}), if any
     */
    public SessionOutcome {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(receivingMxHostname, "receivingMxHostname");
        Objects.requireNonNull(receivingIp, "receivingIp");
        Objects.requireNonNull(sendingMtaIp, "sendingMtaIp");
        Objects.requireNonNull(failure, "failure");
        Objects.requireNonNull(failureReasonCode, "failureReasonCode");
    }

    /**
     * A session that met its policy.
     *
     * @param policy the policy
     * @param mxHost the MX host
     * @return the outcome
     */
    public static SessionOutcome success(AppliedPolicy policy, String mxHost) {
        return new SessionOutcome(policy, mxHost, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    /**
     * A session that failed its policy for a reason the deciders named (e.g. {@code dane-required}).
     *
     * @param policy the policy
     * @param mxHost the MX host
     * @param type   the result type
     * @return the outcome
     */
    public static SessionOutcome failure(AppliedPolicy policy, String mxHost, ResultType type) {
        return new SessionOutcome(policy, mxHost, Optional.empty(), Optional.empty(), Optional.of(type), Optional.empty());
    }

    /**
     * A negotiation that failed, classified once by {@link ResultType#of(Failure)}; the
     * {@link Failure.Reason} becomes the {@code failure-reason-code}.
     *
     * @param policy  the policy
     * @param mxHost  the MX host
     * @param failure the negotiation's failure
     * @return the outcome
     */
    public static SessionOutcome failure(AppliedPolicy policy, String mxHost, Failure failure) {
        String code = failure.certificateProblem().map(p -> failure.reason() + "/" + p).orElse(failure.reason().name());
        return new SessionOutcome(policy, mxHost, Optional.empty(), Optional.empty(),
                Optional.of(ResultType.of(failure)), Optional.of(code));
    }

    /**
     * This outcome with the addresses of both ends.
     *
     * @param sendingMtaIp the sender's address
     * @param receivingIp  the MX host's address
     * @return the outcome
     */
    public SessionOutcome withAddresses(String sendingMtaIp, String receivingIp) {
        return new SessionOutcome(policy, receivingMxHostname, Optional.of(receivingIp), Optional.of(sendingMtaIp), failure, failureReasonCode);
    }

    /**
     * This outcome with the address of the MX host connected to.
     *
     * @param receivingIp the MX host's address
     * @return the outcome
     */
    public SessionOutcome withReceivingIp(String receivingIp) {
        return new SessionOutcome(policy, receivingMxHostname, Optional.of(receivingIp), sendingMtaIp, failure, failureReasonCode);
    }
}
