package org.starttls4j.imap;

import org.starttls4j.ClientConfig;
import org.starttls4j.Negotiation;
import org.starttls4j.ServerConfig;

/**
 * IMAP entry points (RFC 9051 and RFC 3501; STARTTLS per RFC 9051 §6.2.1 and RFC 2595; implicit
 * TLS on port 993 per RFC 8314), and the few responses an application needs once it has taken over.
 */
public final class Imap {

    private Imap() {
    }

    /**
     * A client negotiation: greeting, CAPABILITY (unless the greeting carried a
     * {@code [CAPABILITY]} code), STARTTLS, handshake, CAPABILITY again, hand over with the
     * capabilities learned inside TLS. Under {@link org.starttls4j.TlsPolicy#IMPLICIT}: handshake,
     * greeting, CAPABILITY if needed, hand over. A {@code PREAUTH} greeting in plaintext makes
     * STARTTLS impossible: {@code REQUIRED} fails with {@code PREAUTH_WITHOUT_TLS} without sending
     * anything, {@code OPPORTUNISTIC} hands over in plaintext.
     *
     * <p>The tags used are {@code A1}, {@code A2}, …, never repeated on the connection; the
     * application continues with tags of its own, e.g. from {@code A100}.
     *
     * @param config the client configuration
     * @return the unstarted negotiation
     */
    public static Negotiation client(ClientConfig config) {
        return Negotiation.client(config, ImapClientDialog.create(config.limits()));
    }

    /**
     * A server negotiation: greeting with a {@code [CAPABILITY]} code, then CAPABILITY, NOOP,
     * LOGOUT, STARTTLS; handshake; hand over at the first byte inside TLS (the client's
     * CAPABILITY, which the application answers, e.g. with {@link #capabilityResponseAfterTls}).
     * See {@link ImapServerDialog} for the commands it refuses and those it hands over unread.
     *
     * @param config the server configuration
     * @return the unstarted negotiation
     */
    public static Negotiation server(ServerConfig config) {
        return Negotiation.server(config, ImapServerDialog.create(config));
    }

    /**
     * A server negotiation resumed on a plaintext connection the application took over (under
     * {@code OPPORTUNISTIC}) and on which the client now sends STARTTLS. RFC 9051 §6.2.1 allows it
     * only in the not-authenticated state: call it only before a successful LOGIN or
     * AUTHENTICATE, then feed it the STARTTLS line and what follows. {@link Negotiation#begin}
     * sends nothing.
     *
     * @param config the server configuration
     * @return the unstarted negotiation
     */
    public static Negotiation serverResuming(ServerConfig config) {
        return Negotiation.serverResuming(config, ImapServerDialog.create(config));
    }

    /**
     * The application's answer to CAPABILITY inside TLS: the configured post-TLS capabilities
     * ({@code IMAP4rev1} first if no IMAP revision is configured), never STARTTLS.
     *
     * @param config the server configuration
     * @param tag    the tag of the client's CAPABILITY command
     * @return {@code * CAPABILITY …} and the tagged OK, CRLF included
     */
    public static String capabilityResponseAfterTls(ServerConfig config, String tag) {
        requireTag(tag);
        return "* CAPABILITY " + ImapSyntax.render(ImapServerDialog.announcedAfterTls(config)) + "\r\n"
                + tag + " OK CAPABILITY completed\r\n";
    }

    /**
     * The answer to a STARTTLS received once TLS is up (RFC 9051 §6.2.1: STARTTLS is not valid
     * then). Applications send this themselves: the negotiation has handed over by then.
     *
     * @param tag the tag of the client's STARTTLS command
     * @return the tagged BAD, CRLF included
     */
    public static String startTlsAfterTlsResponse(String tag) {
        requireTag(tag);
        return tag + " BAD TLS is already active\r\n";
    }

    private static void requireTag(String tag) {
        if (tag == null || !ImapSyntax.isTag(tag)) {
            throw new IllegalArgumentException("not an IMAP tag: " + tag);
        }
    }
}
