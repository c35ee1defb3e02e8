package org.starttls4j.tlsrpt;

import java.util.List;
import java.util.Objects;

/**
 * The {@code policy} object of a report (RFC 8460 §4.4): which policy a set of sessions was held
 * to. Sessions under equal policies are counted together.
 *
 * @param type         the kind of policy
 * @param policyString the policy as published: the MTA-STS policy's lines, or the TLSA records
 *                     in presentation form; empty for {@link PolicyType#NO_POLICY_FOUND}
 * @param policyDomain the recipient domain the policy belongs to
 * @param mxHost       the MTA-STS policy's {@code mx} patterns, or the MX host of TLSA records;
 *                     may be empty
 */
public record AppliedPolicy(PolicyType type, List<String> policyString, String policyDomain, List<String> mxHost) {

    /**
     * Checks the components and copies the lists.
     *
     * @param type the kind of policy
     * @param policyString the policy as published: the MTA-STS policy's lines, or the TLSA records in
     *                     presentation form; empty for {@link PolicyType#NO_POLICY_FOUND}
     * @param policyDomain the recipient domain the policy belongs to
     * @param mxHost the MTA-STS policy's {@code mx} patterns, or the MX host of TLSA records; may be empty
     */
    public AppliedPolicy {
        Objects.requireNonNull(type, "type");
        policyString = List.copyOf(policyString);
        Objects.requireNonNull(policyDomain, "policyDomain");
        mxHost = List.copyOf(mxHost);
    }

    /**
     * No policy found for the domain.
     *
     * @param domain the recipient domain
     * @return the applied policy
     */
    public static AppliedPolicy none(String domain) {
        return new AppliedPolicy(PolicyType.NO_POLICY_FOUND, List.of(), domain, List.of());
    }
}
