package org.starttls4j;

/** What the server's capabilities say about STARTTLS. */
public enum StartTlsOffer {
    /** Announced. */
    OFFERED,
    /** Capabilities were listed and STARTTLS/STLS was not among them. */
    NOT_OFFERED,
    /**
     * The capabilities could not be learned (POP3 CAPA answered -ERR); the negotiation tries
     * STARTTLS/STLS anyway, since old servers may support it without CAPA.
     */
    UNKNOWN
}
