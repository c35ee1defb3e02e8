package org.starttls4j;

/**
 * Why a peer's certificate was rejected. Each maps onto one RFC 8460 (TLS-RPT) result type so a
 * mail server can report failures without classifying them twice.
 */
public enum CertificateProblem {
    /** The certificate does not name the host that was verified (TLS-RPT {@code certificate-host-mismatch}). */
    HOST_MISMATCH("certificate-host-mismatch"),
    /** The certificate, or one in its chain, has expired (TLS-RPT {@code certificate-expired}). */
    EXPIRED("certificate-expired"),
    /** The certificate is not valid yet; TLS-RPT has no closer type than {@code validation-failure}. */
    NOT_YET_VALID("validation-failure"),
    /** No trusted anchor vouches for the chain (TLS-RPT {@code certificate-not-trusted}). */
    NOT_TRUSTED("certificate-not-trusted"),
    /** No pinned SHA-256 fingerprint matched (TLS-RPT {@code validation-failure}). */
    PIN_MISMATCH("validation-failure"),
    /** Any other rejection (TLS-RPT {@code validation-failure}). */
    OTHER("validation-failure");

    private final String tlsRptResultType;

    CertificateProblem(String tlsRptResultType) {
        this.tlsRptResultType = tlsRptResultType;
    }

    /**
     * The RFC 8460 result type this problem is reported as.
     *
     * @return the RFC 8460 result type this problem is reported as
     */
    public String tlsRptResultType() {
        return tlsRptResultType;
    }
}
