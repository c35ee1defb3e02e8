package org.starttls4j.tlsrpt;

/** The {@code policy-type} of a report (RFC 8460 §4.3). */
public enum PolicyType {
    /** DANE TLSA records applied. */
    TLSA("tlsa"),
    /** An MTA-STS policy applied. */
    STS("sts"),
    /** Neither: the sender found no policy. */
    NO_POLICY_FOUND("no-policy-found");

    private final String wireName;

    PolicyType(String wireName) {
        this.wireName = wireName;
    }

    /**
     * The name in a report.
     *
     * @return e.g. {@code "sts"}
     */
    public String wireName() {
        return wireName;
    }
}
