package org.starttls4j.testkit;

import org.starttls4j.TlsPolicy;

/** How a reference server offers TLS. */
public enum TlsMode {
    /** STARTTLS announced; nothing but the negotiation is answered before it (RFC 3207 §4, RFC 2595). */
    STARTTLS_REQUIRED(TlsPolicy.REQUIRED),
    /** STARTTLS announced; a client may go on without it (a public MX on port 25). */
    STARTTLS_OPPORTUNISTIC(TlsPolicy.OPPORTUNISTIC),
    /** TLS from the first byte (RFC 8314): ports 465, 993, 995. */
    IMPLICIT_TLS(TlsPolicy.IMPLICIT),
    /** No TLS at all: STARTTLS is neither announced nor accepted. */
    PLAINTEXT(TlsPolicy.PLAINTEXT_ONLY);

    private final TlsPolicy policy;

    TlsMode(TlsPolicy policy) {
        this.policy = policy;
    }

    /**
     * The core's server policy for this mode.
     *
     * @return the policy the reference server's negotiation runs with
     */
    public TlsPolicy policy() {
        return policy;
    }
}
