package org.starttls4j;

/**
 * Why a peer's certificate was rejected. Each maps onto one RFC 8460 (TLS-RPT) result type, in
 * one place ({@link #tlsRptResultType()}), so a mail server can report failures without
 * classifying them twice.
 */
public enum CertificateProblem {
    /** The certificate does not name the host that was verified (TLS-RPT {@code certificate-host-mismatch}). */
    HOST_MISMATCH,
    /** The certificate, or one in its chain, has expired (TLS-RPT {@code certificate-expired}). */
    EXPIRED,
    /** The certificate is not valid yet; TLS-RPT has no closer type than {@code validation-failure}. */
    NOT_YET_VALID,
    /** No trusted anchor vouches for the chain (TLS-RPT {@code certificate-not-trusted}). */
    NOT_TRUSTED,
    /**
     * A certificate in the chain was issued for a name its issuing CA's name constraints exclude:
     * that CA is not trusted for this name (TLS-RPT {@code certificate-not-trusted}).
     */
    NAME_CONSTRAINT_VIOLATION,
    /**
     * The certificate may not be used by a TLS server: its extended key usage lacks
     * {@code serverAuth} (say, a {@code clientAuth}-only certificate), or its key usage forbids
     * signing and key encipherment (TLS-RPT {@code validation-failure}).
     */
    WRONG_PURPOSE,
    /**
     * A key in the chain is shorter than {@link CertificateStrength} allows, e.g. RSA below 2048
     * bits (TLS-RPT {@code validation-failure}).
     */
    WEAK_KEY,
    /**
     * A certificate below the trust anchor is signed with a broken digest (SHA-1, MD5) that
     * {@link CertificateStrength} does not allow (TLS-RPT {@code validation-failure}).
     */
    WEAK_SIGNATURE,
    /** No pinned SHA-256 fingerprint matched (TLS-RPT {@code validation-failure}). */
    PIN_MISMATCH,
    /**
     * DANE (RFC 7672): usable TLSA records were published but none matched the chain the server
     * presented (TLS-RPT {@code tlsa-invalid}: "none of the records in the RRset were found to be
     * valid", RFC 8460 §4.3.2.1).
     */
    DANE_MISMATCH,
    /** Any other rejection (TLS-RPT {@code validation-failure}). */
    OTHER;

    /**
     * The RFC 8460 result type this problem is reported as.
     *
     * @return the result type, e.g. {@code "certificate-not-trusted"}
     */
    public String tlsRptResultType() {
        return TlsRptResultTypes.of(this);
    }
}
