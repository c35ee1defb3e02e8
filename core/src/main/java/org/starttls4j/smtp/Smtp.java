package org.starttls4j.smtp;

import java.util.ArrayList;
import java.util.List;
import org.starttls4j.Capabilities;
import org.starttls4j.Capability;
import org.starttls4j.ClientConfig;
import org.starttls4j.Negotiation;
import org.starttls4j.ServerConfig;

/**
 * SMTP entry points (RFC 5321, STARTTLS per RFC 3207, implicit TLS on port 465 per RFC 8314),
 * and the few replies an application needs once it has taken over.
 */
public final class Smtp {

    /**
     * The answer to a STARTTLS received after TLS is up (RFC 3207 §4.2 forbids a second one).
     * Applications send this themselves: the negotiation has handed over by then.
     */
    public static final String REPLY_TLS_ALREADY_ACTIVE = "503 5.5.1 TLS already active\r\n";

    private Smtp() {
    }

    /**
     * A client negotiation: greeting, EHLO, STARTTLS, handshake, EHLO again, hand over with the
     * capabilities learned inside TLS. Under {@link org.starttls4j.TlsPolicy#IMPLICIT}: handshake,
     * greeting, EHLO, hand over.
     *
     * @param config the client configuration
     * @return the unstarted negotiation
     */
    public static Negotiation client(ClientConfig config) {
        return Negotiation.client(config, SmtpClientDialog.create(config.clientName(), config.limits()));
    }

    /**
     * A server negotiation: greeting, EHLO/HELO/NOOP/RSET/HELP/QUIT, STARTTLS, handshake, hand
     * over at the first byte inside TLS (the client's EHLO, which the application answers, e.g.
     * with {@link #ehloReplyAfterTls}).
     *
     * <p>Prepares the announcement on each call; a server making many negotiations with one
     * configuration makes them from one {@link PreparedSmtpServer}.
     *
     * @param config the server configuration
     * @return the unstarted negotiation
     */
    public static Negotiation server(ServerConfig config) {
        return PreparedSmtpServer.of(config).negotiation();
    }

    /**
     * A server negotiation resumed on a plaintext connection the application took over (under
     * {@code OPPORTUNISTIC}) and on which the client now sends STARTTLS. RFC 3207 allows it only
     * outside a mail transaction: call it when the application's dialog is between transactions
     * (after greeting, EHLO, RSET or a finished DATA), then feed it the STARTTLS line and what
     * follows. {@link Negotiation#begin} sends nothing.
     *
     * @param config the server configuration
     * @return the unstarted negotiation
     */
    public static Negotiation serverResuming(ServerConfig config) {
        return PreparedSmtpServer.of(config).resuming();
    }

    /**
     * The answer to EHLO in plaintext, as the negotiation gives it: the configured pre-TLS
     * capabilities, AUTH withheld unless {@link ServerConfig#allowAuthBeforeTls()}, and STARTTLS
     * unless the policy is {@code PLAINTEXT_ONLY}. An {@code OPPORTUNISTIC} server that handed a
     * connection over in plaintext answers a later EHLO (after RSET, say) with this, and a STARTTLS
     * then with {@link #serverResuming(ServerConfig)}.
     *
     * @param config       the server configuration
     * @param clientDomain the EHLO argument, echoed only when it is printable US-ASCII and fits in a reply line
     * @return the reply, CRLF included
     */
    public static String ehloReplyInPlaintext(ServerConfig config, String clientDomain) {
        return SmtpServerDialog.ehloReplyInPlaintext(config, clientDomain);
    }

    /**
     * The application's answer to EHLO inside TLS: the configured post-TLS capabilities, never
     * STARTTLS.
     *
     * @param config       the server configuration
     * @param clientDomain the EHLO argument, echoed only when it is printable US-ASCII and fits in a reply line
     * @return the reply, CRLF included
     */
    public static String ehloReplyAfterTls(ServerConfig config, String clientDomain) {
        List<Capability> list = new ArrayList<>();
        for (Capability c : config.capabilitiesAfterTls().list()) {
            if (!c.is("STARTTLS")) {
                list.add(c);
            }
        }
        return EhloCapabilities.reply(config.hostname(), clientDomain, new Capabilities(list));
    }
}
