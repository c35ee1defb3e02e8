package org.starttls4j.internal.tls;

/**
 * Why the inside rejected a certificate: the problems it can tell, by the names of the public
 * {@link org.starttls4j.CertificateProblem} they become (the root maps them by name, in one place),
 * so that nothing in here depends on the public face.
 */
public enum Problem {
    /** The certificate does not name the host. */
    HOST_MISMATCH,
    /** The certificate, or one in its chain, has expired. */
    EXPIRED,
    /** The certificate is not valid yet. */
    NOT_YET_VALID,
    /** No trusted anchor vouches for the chain. */
    NOT_TRUSTED,
    /** A CA's name constraints exclude the name. */
    NAME_CONSTRAINT_VIOLATION,
    /** The certificate may not be used by a TLS server. */
    WRONG_PURPOSE,
    /** A key in the chain is too short. */
    WEAK_KEY,
    /** A certificate below the anchor is signed with a broken digest. */
    WEAK_SIGNATURE
}
