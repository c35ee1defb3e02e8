package org.starttls4j.testkit.hostile;

/** Something a client did that a client requiring TLS must not do. */
public enum ClientFinding {
    /** It sent a password (AUTH, LOGIN, USER/PASS, AUTHENTICATE) in plaintext. */
    CREDENTIALS_IN_PLAINTEXT,
    /** It sent MAIL, RCPT or DATA in plaintext. */
    MAIL_IN_PLAINTEXT,
    /** It went on in plaintext beyond the negotiation (any command but capability, STARTTLS, NOOP, QUIT). */
    CONTINUED_WITHOUT_TLS,
    /** It sent plaintext where its TLS ClientHello should have been, after the go-ahead. */
    PLAINTEXT_AFTER_GO_AHEAD,
    /** It took bytes that arrived in plaintext with the go-ahead for a reply inside TLS. */
    ACTED_ON_INJECTED_RESPONSE,
    /** It used a capability the server announced only before TLS. */
    USED_CAPABILITY_FROM_BEFORE_TLS,
    /**
     * It went on inside TLS with a server whose certificate was expired, for another name, or not
     * trusted (a goodbye alone, QUIT or LOGOUT, is not going on).
     */
    ACCEPTED_BAD_CERTIFICATE,
    /** It went on inside TLS 1.0 or 1.1 (a goodbye alone is not going on). */
    ACCEPTED_OLD_TLS,
    /** It read an over-long line or an endless reply to its end and went on: nothing bounded what it holds. */
    ACCEPTED_UNBOUNDED_REPLY
}
