package org.starttls4j.nntp;

import org.starttls4j.ClientConfig;
import org.starttls4j.Negotiation;
import org.starttls4j.ServerConfig;

/**
 * NNTP entry points (RFC 3977; STARTTLS per RFC 4642; implicit TLS on port 563, RFC 8143 and
 * RFC 8314), and the few responses an application needs once it has taken over.
 */
public final class Nntp {

    /**
     * The answer to a STARTTLS received once TLS is up (RFC 4642 §2.2.2: 502, the command is no
     * longer available). Applications send this themselves: the negotiation has handed over by then.
     */
    public static final String REPLY_TLS_ALREADY_ACTIVE = "502 TLS already active\r\n";

    private Nntp() {
    }

    /**
     * A client negotiation: greeting, CAPABILITIES, STARTTLS, handshake, CAPABILITIES again, hand
     * over with the capabilities learned inside TLS. Under {@link org.starttls4j.TlsPolicy#IMPLICIT}
     * (port 563): handshake, greeting, CAPABILITIES, hand over.
     *
     * @param config the client configuration
     * @return the unstarted negotiation
     */
    public static Negotiation client(ClientConfig config) {
        return Negotiation.client(config, NntpClientDialog.create(config.limits()));
    }

    /**
     * A server negotiation: greeting, CAPABILITIES/HELP/QUIT, STARTTLS, handshake, hand over at the
     * first byte inside TLS (usually the client's CAPABILITIES, which the application answers, e.g.
     * with {@link #capabilitiesReplyAfterTls}).
     *
     * @param config the server configuration
     * @return the unstarted negotiation
     */
    public static Negotiation server(ServerConfig config) {
        return Negotiation.server(config, NntpServerDialog.create(config));
    }

    /**
     * A server negotiation resumed on a plaintext connection the application took over (under
     * {@code OPPORTUNISTIC}) on which the client now sends STARTTLS; RFC 4642 §2.2.2 allows it only
     * before authentication. Feed it the STARTTLS line and what follows; {@link Negotiation#begin}
     * sends nothing.
     *
     * @param config the server configuration
     * @return the unstarted negotiation
     */
    public static Negotiation serverResuming(ServerConfig config) {
        return Negotiation.serverResuming(config, NntpServerDialog.create(config));
    }

    /**
     * The application's answer to CAPABILITIES inside TLS: VERSION first (the configured one, or
     * {@code VERSION 2}), then the configured post-TLS capabilities, never STARTTLS.
     *
     * @param config the server configuration
     * @return the 101 response, dot-terminated, CRLF included
     */
    public static String capabilitiesReplyAfterTls(ServerConfig config) {
        // The configuration holds no STARTTLS after TLS (ServerConfig drops it when it is built).
        return NntpServerDialog.capabilityList(config.capabilitiesAfterTls());
    }
}
