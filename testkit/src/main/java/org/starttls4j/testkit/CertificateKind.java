package org.starttls4j.testkit;

/**
 * Which certificate a server presents. Clients are given the throw-away CA as their only trust
 * anchor (see {@link ThrowawayPki}); every kind but {@link #VALID} must make a careful client refuse.
 */
public enum CertificateKind {
    /** Issued by the throw-away CA for the server's name (and 127.0.0.1, ::1), valid now. */
    VALID,
    /** Issued by the CA for the server's name, but its validity ended yesterday. */
    EXPIRED,
    /** Issued by the CA and valid, for {@code wrong-name.invalid} only. */
    WRONG_NAME,
    /** For the server's name and valid, but signed by its own key: no trusted issuer. */
    SELF_SIGNED
}
