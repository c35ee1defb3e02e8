package org.starttls4j.dane;

/**
 * Why a well-formed TLSA record cannot be used for SMTP. Unusable records are skipped; when every
 * record of an RRset is unusable, TLS is still mandatory but not authenticated (RFC 7672 §2.2).
 */
public enum Unusable {
    /**
     * Usage PKIX-TA(0) or PKIX-EE(1): an SMTP client has no agreed set of trust anchors, so these
     * usages are unusable for SMTP (RFC 7672 §3.1.3).
     */
    PKIX_USAGE,
    /** A usage no RFC defines. */
    UNKNOWN_USAGE,
    /** A selector other than Cert(0) or SPKI(1). */
    UNKNOWN_SELECTOR,
    /** A matching type other than Full(0), SHA2-256(1) or SHA2-512(2). */
    UNKNOWN_MATCHING_TYPE,
    /** A digest whose length is not that of its matching type. */
    BAD_DIGEST_LENGTH
}
