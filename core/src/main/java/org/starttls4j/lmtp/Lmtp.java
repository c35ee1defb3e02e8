package org.starttls4j.lmtp;

import org.starttls4j.ClientConfig;
import org.starttls4j.Negotiation;
import org.starttls4j.ServerConfig;
import org.starttls4j.smtp.Smtp;

/**
 * LMTP entry points (RFC 2033: delivery from an MTA to a mailbox server; STARTTLS per RFC 3207),
 * and the few replies an application needs once it has taken over. LMTP has no implicit-TLS port;
 * under {@link org.starttls4j.TlsPolicy#IMPLICIT} the negotiation still does TLS first, then
 * greeting and LHLO, for servers that listen that way.
 */
public final class Lmtp {

    /** The answer to a STARTTLS received once TLS is up (RFC 3207 §4.2), as in SMTP. */
    public static final String REPLY_TLS_ALREADY_ACTIVE = Smtp.REPLY_TLS_ALREADY_ACTIVE;

    private Lmtp() {
    }

    /**
     * A client negotiation: greeting, LHLO, STARTTLS, handshake, LHLO again, hand over with the
     * capabilities learned inside TLS.
     *
     * @param config the client configuration ({@link ClientConfig#clientName()} is the LHLO argument)
     * @return the unstarted negotiation
     */
    public static Negotiation client(ClientConfig config) {
        return Negotiation.client(config, LmtpClientDialog.create(config.clientName(), config.limits()));
    }

    /**
     * A server negotiation: greeting, LHLO/NOOP/RSET/QUIT, STARTTLS, handshake, hand over at the
     * first byte inside TLS (the client's LHLO, which the application answers, e.g. with
     * {@link #lhloReplyAfterTls}).
     *
     * @param config the server configuration
     * @return the unstarted negotiation
     */
    public static Negotiation server(ServerConfig config) {
        return Negotiation.server(config, LmtpServerDialog.create(config));
    }

    /**
     * A server negotiation resumed on a plaintext connection the application took over (under
     * {@code OPPORTUNISTIC}) on which the client now sends STARTTLS, outside a transaction. Feed it
     * the STARTTLS line and what follows; {@link Negotiation#begin} sends nothing.
     *
     * @param config the server configuration
     * @return the unstarted negotiation
     */
    public static Negotiation serverResuming(ServerConfig config) {
        return Negotiation.serverResuming(config, LmtpServerDialog.create(config));
    }

    /**
     * The application's answer to LHLO inside TLS: the configured post-TLS capabilities, never
     * STARTTLS (the LHLO reply is the EHLO reply, RFC 2033 §4.1).
     *
     * @param config       the server configuration
     * @param clientDomain the LHLO argument
     * @return the reply, CRLF included
     */
    public static String lhloReplyAfterTls(ServerConfig config, String clientDomain) {
        return Smtp.ehloReplyAfterTls(config, clientDomain);
    }
}
