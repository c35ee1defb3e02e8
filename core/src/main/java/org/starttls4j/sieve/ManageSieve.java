package org.starttls4j.sieve;

import org.starttls4j.ClientConfig;
import org.starttls4j.Negotiation;
import org.starttls4j.ServerConfig;

/**
 * ManageSieve entry points (RFC 5804: Sieve script management, port 4190, STARTTLS per §2.2), and
 * the responses an application needs once it has taken over. ManageSieve has no implicit-TLS
 * port; under {@link org.starttls4j.TlsPolicy#IMPLICIT} the negotiation still does TLS first, then
 * reads the greeting, for servers that listen that way.
 */
public final class ManageSieve {

    /** The usual port (RFC 5804 §1.8). */
    public static final int PORT = 4190;

    /**
     * The answer to a STARTTLS received once TLS is up. Applications send this themselves: the
     * negotiation has handed over by then.
     */
    public static final String REPLY_TLS_ALREADY_ACTIVE = "NO \"TLS is already active\"\r\n";

    private ManageSieve() {
    }

    /**
     * A client negotiation: the greeting's capabilities, STARTTLS, handshake, the capabilities the
     * server sends again inside TLS, hand over with those.
     *
     * @param config the client configuration
     * @return the unstarted negotiation
     */
    public static Negotiation client(ClientConfig config) {
        return Negotiation.client(config, SieveClientDialog.create(config.limits()));
    }

    /**
     * A server negotiation: greeting with capabilities, CAPABILITY/NOOP/LOGOUT, STARTTLS,
     * handshake, hand over. The application's first act inside TLS must be to send
     * {@link #capabilitiesAfterTls} (RFC 5804 §2.2), unasked.
     *
     * @param config the server configuration
     * @return the unstarted negotiation
     */
    public static Negotiation server(ServerConfig config) {
        return Negotiation.server(config, SieveServerDialog.create(config));
    }

    /**
     * A server negotiation resumed on a plaintext connection the application took over (under
     * {@code OPPORTUNISTIC}) on which the client now sends STARTTLS, before authenticating. Feed it
     * the STARTTLS line and what follows; {@link Negotiation#begin} sends nothing.
     *
     * @param config the server configuration
     * @return the unstarted negotiation
     */
    public static Negotiation serverResuming(ServerConfig config) {
        return Negotiation.serverResuming(config, SieveServerDialog.create(config));
    }

    /**
     * What the application sends first inside TLS, unasked (RFC 5804 §2.2): the post-TLS
     * capabilities, never STARTTLS, then {@code OK}. The same lines answer a CAPABILITY command.
     *
     * @param config the server configuration
     * @return the capability lines and the OK, CRLF included
     */
    public static String capabilitiesAfterTls(ServerConfig config) {
        return SieveSyntax.render(SieveServerDialog.announcedAfterTls(config)) + "OK \"TLS negotiation successful\"\r\n";
    }
}
