package org.starttls4j;

import org.starttls4j.Capabilities;

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
    UNKNOWN;

    /**
     * What a capability list that was read says: {@link #OFFERED} when it holds the protocol's
     * word for STARTTLS, {@link #NOT_OFFERED} otherwise.
     *
     * @param capabilities the capabilities the server listed
     * @param keyword      the protocol's word for STARTTLS ({@code STARTTLS}, or POP3's {@code STLS})
     * @return the offer
     */
    public static StartTlsOffer in(Capabilities capabilities, String keyword) {
        return capabilities.has(keyword) ? OFFERED : NOT_OFFERED;
    }
}
