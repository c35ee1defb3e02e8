package org.starttls4j.nntp;

import java.util.List;
import java.util.Set;
import org.starttls4j.Capabilities;
import org.starttls4j.Capability;
import org.starttls4j.ServerConfig;
import org.starttls4j.internal.dialog.Announcement;
import org.starttls4j.internal.dialog.ArticleSkip;
import org.starttls4j.internal.dialog.Farewells;
import org.starttls4j.internal.dialog.ServerOutline;
import org.starttls4j.ServerStep;

/**
 * The NNTP server's side of STARTTLS (RFC 3977, RFC 4642): one state, {@code AwaitingCommand},
 * answering the commands the negotiation owns. Command keywords are case-insensitive (RFC 3977 §3.1).
 *
 * <pre>
 * command                          REQUIRED                OPPORTUNISTIC              PLAINTEXT_ONLY
 * (greeting)                       200 host NNTP service ready
 * CAPABILITIES [keyword]           101, VERSION (configured, or 2) first, the rest     (no STARTTLS)
 *                                  of the configured list (AUTHINFO and SASL withheld
 *                                  unless allowed), STARTTLS, "."
 * HELP                             100 and a short text, "."
 * QUIT                             205, close (SERVICE_CLOSING)
 * STARTTLS                         382 → handshake → hand over                        580
 * STARTTLS with arguments          501
 * AUTHINFO                         483                     allowed: hand over, unread; else 483
 * ARTICLE BODY HEAD STAT GROUP …   483                     hand over, unread          hand over, unread
 *   (TAKETHIS: 483 after its article)
 * anything else                    500
 * </pre>
 *
 * <p>483 is RFC 3977 §3.2.1's "command unavailable until suitable privacy has been arranged".
 * A byte pipelined after STARTTLS fails the negotiation ({@code PLAINTEXT_INJECTION}); the
 * negotiation enforces that, not this dialog. Under {@code IMPLICIT} the dialog only greets,
 * inside TLS, and the session is handed over at once.
 */
@SuppressWarnings("exports") // its superclass is the core's inside: see ServerOutline
public final class NntpServerDialog extends ServerOutline {

    private static final Words WORDS = new Words("501 STARTTLS takes no arguments\r\n", "580 Can not initiate TLS negotiation\r\n",
            "382 Continue with TLS negotiation\r\n", new Farewells(
            "400 Timeout, closing connection\r\n",
            "400 Line too long, closing connection\r\n",
            "400 Too many commands before STARTTLS, closing connection\r\n",
            // RFC 3977 §5.1.1: 400, service temporarily unavailable, instead of the greeting.
            "400 Service temporarily unavailable, try again later\r\n",
            "400 Bare CR, LF or NUL, closing connection\r\n",
            "400 Too much data before TLS, closing connection\r\n",
            "400 %s closing connection\r\n"));

    /** AUTHINFO, and the commands of RFC 3977 and its common extensions that belong to the application. */
    private static final Commands COMMANDS = new Commands(Set.of("AUTHINFO"), Set.of("ARTICLE", "BODY", "HEAD", "STAT", "GROUP",
            "LISTGROUP", "LAST", "NEXT", "POST", "IHAVE", "LIST", "NEWGROUPS", "NEWNEWS", "OVER", "XOVER", "HDR", "XHDR", "XPAT",
            "DATE", "MODE", "CHECK", "TAKETHIS", "COMPRESS"), "500 Unknown command\r\n",
            "483 Encryption required: send STARTTLS first\r\n", "483 Encryption required: send STARTTLS first\r\n");

    private NntpServerDialog(ServerConfig config) {
        super(config, WORDS, COMMANDS);
    }

    /**
     * The dialog for {@code config}.
     *
     * @param config the server configuration
     * @return the dialog, before its greeting
     */
    public static NntpServerDialog create(ServerConfig config) {
        return new NntpServerDialog(config);
    }

    @Override
    public ServerStep start() {
        return reply("200 " + config.greetingOr(config.hostname() + " NNTP service ready (starttls4j)") + "\r\n");
    }

    @Override
    protected ServerStep onCommand(String keyword, String arguments) {
        switch (keyword) {
            case "CAPABILITIES":
                return reply(capabilityList(announcedBeforeTls()));
            case "HELP":
                return reply("100 Help text follows\r\nCAPABILITIES, STARTTLS and QUIT now; the rest after STARTTLS\r\n.\r\n");
            case "QUIT":
                return quit("205 Connection closing\r\n");
            case "STARTTLS":
                return startTls(arguments);
            case "TAKETHIS":
                // RFC 4644 §2.5: the article follows without waiting for an answer; a refusal waits
                // until it has passed, never reading its lines as commands.
                ServerStep answer = handOverOrRefuse(keyword);
                return answer instanceof ServerStep.Reply refusal ? ArticleSkip.after(this, refusal.send()) : answer;
            default:
                return handOverOrRefuse(keyword);
        }
    }

    /**
     * The capabilities announced before TLS: the configured ones less STARTTLS, less AUTHINFO and
     * SASL unless authentication is allowed before TLS, plus STARTTLS unless the policy is
     * {@code PLAINTEXT_ONLY}.
     *
     * @return the capabilities
     */
    @Override
    protected Capabilities announcedBeforeTls() {
        return Announcement.beforeTls(config, config.capabilitiesBeforeTls(), "STARTTLS",
                c -> !authenticationBeforeTls() && (c.is("AUTHINFO") || c.is("SASL")));
    }

    /** What a server announces when its configuration names no VERSION. */
    private static final Capability VERSION_2 = new Capability("VERSION", List.of("2"));

    /**
     * A 101 response listing {@code capabilities}, dot-stuffed and terminated, its VERSION first:
     * the configured one wherever the configuration put it (only the first, if it names several),
     * else {@code VERSION 2}. RFC 3977 §3.3.2: VERSION is always advertised, and MUST be first.
     */
    static String capabilityList(Capabilities capabilities) {
        StringBuilder reply = new StringBuilder("101 Capability list:\r\n");
        appendLine(reply, capabilities.find("VERSION").orElse(VERSION_2));
        for (Capability c : capabilities.list()) {
            if (!c.is("VERSION")) {
                appendLine(reply, c);
            }
        }
        return reply.append(".\r\n").toString();
    }

    /** {@code capability}'s line, dot-stuffed. */
    private static void appendLine(StringBuilder reply, Capability capability) {
        String line = capability.toString();
        reply.append(line.startsWith(".") ? "." : "").append(line).append("\r\n");
    }
}
