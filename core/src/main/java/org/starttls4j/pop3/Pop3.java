package org.starttls4j.pop3;

import java.util.Optional;
import org.starttls4j.ClientConfig;
import org.starttls4j.Negotiation;
import org.starttls4j.ServerConfig;

/**
 * POP3 entry points (RFC 1939, CAPA per RFC 2449, STLS per RFC 2595 §4, implicit TLS on port 995
 * per RFC 8314), and the few replies an application needs once it has taken over.
 */
public final class Pop3 {

    /**
     * The answer to an STLS received after TLS is up (RFC 2595 §4: STLS is not permitted once TLS
     * is active). Applications send this themselves: the negotiation has handed over by then.
     */
    public static final String REPLY_TLS_ALREADY_ACTIVE = "-ERR Command not permitted when TLS active\r\n";

    private Pop3() {
    }

    /**
     * A client negotiation: greeting, CAPA, STLS, handshake, CAPA again, hand over with the
     * capabilities learned inside TLS. Under {@link org.starttls4j.TlsPolicy#IMPLICIT}: handshake,
     * greeting, CAPA, hand over. The greeting's text, with any APOP timestamp, is in the
     * {@link org.starttls4j.Event.GreetingReceived} event (see {@link #apopTimestamp}).
     *
     * @param config the client configuration
     * @return the unstarted negotiation
     */
    public static Negotiation client(ClientConfig config) {
        return Negotiation.client(config, Pop3ClientDialog.create(config.limits()));
    }

    /**
     * A server negotiation: greeting, CAPA/NOOP/QUIT, STLS, handshake, hand over at the first byte
     * inside TLS (usually the client's CAPA, which the application answers, e.g. with
     * {@link #capaReplyAfterTls}).
     *
     * @param config the server configuration
     * @return the unstarted negotiation
     */
    public static Negotiation server(ServerConfig config) {
        return Negotiation.server(config, Pop3ServerDialog.create(config));
    }

    /**
     * A server negotiation resumed on a plaintext connection the application took over (under
     * {@code OPPORTUNISTIC}) and on which the client now sends STLS. RFC 2595 §4 permits STLS only
     * in the AUTHORIZATION state: call it only before the client has authenticated, then feed it
     * the STLS line and what follows. {@link Negotiation#begin} sends nothing.
     *
     * @param config the server configuration
     * @return the unstarted negotiation
     */
    public static Negotiation serverResuming(ServerConfig config) {
        return Negotiation.serverResuming(config, Pop3ServerDialog.create(config));
    }

    /**
     * The application's answer to CAPA inside TLS: the configured post-TLS capabilities, never
     * STLS, as a dot-terminated, byte-stuffed list.
     *
     * @param config the server configuration
     * @return the response, CRLF included
     */
    public static String capaReplyAfterTls(ServerConfig config) {
        // The configuration holds no STLS after TLS (ServerConfig drops it when it is built).
        return CapaList.reply(config.capabilitiesAfterTls());
    }

    /**
     * The APOP timestamp (RFC 1939 §7) in a greeting: the first {@code <…@…>} of printable ASCII
     * without spaces, angle brackets included, as the APOP digest needs it. Pass the text of
     * {@link org.starttls4j.Event.GreetingReceived}. A greeting received in plaintext is untrusted:
     * the timestamp may be an attacker's, and after STLS the server does not greet again.
     *
     * @param greetingText the greeting (with or without its {@code +OK})
     * @return the timestamp, or empty if the greeting has none
     */
    public static Optional<String> apopTimestamp(String greetingText) {
        int open = greetingText.indexOf('<');
        while (open >= 0) {
            int close = greetingText.indexOf('>', open + 1);
            if (close < 0) {
                return Optional.empty();
            }
            String candidate = greetingText.substring(open, close + 1);
            if (isTimestamp(candidate)) {
                return Optional.of(candidate);
            }
            open = greetingText.indexOf('<', open + 1);
        }
        return Optional.empty();
    }

    private static boolean isTimestamp(String candidate) {
        String inner = candidate.substring(1, candidate.length() - 1);
        int at = inner.indexOf('@');
        if (at <= 0 || at == inner.length() - 1) {
            return false;
        }
        return inner.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != '<');
    }
}
