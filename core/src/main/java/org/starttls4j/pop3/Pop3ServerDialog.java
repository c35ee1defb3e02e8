package org.starttls4j.pop3;

import java.util.Set;
import org.starttls4j.Capabilities;
import org.starttls4j.Capability;
import org.starttls4j.ServerConfig;
import org.starttls4j.internal.dialog.Announcement;
import org.starttls4j.internal.dialog.Farewells;
import org.starttls4j.internal.dialog.ServerOutline;
import org.starttls4j.ServerStep;

/**
 * The POP3 server's side of STLS (RFC 1939, CAPA per RFC 2449, STLS per RFC 2595 §4): one state,
 * {@code AwaitingCommand}, answering the commands the negotiation owns in the AUTHORIZATION state.
 * Command keywords are case-insensitive (RFC 1939 §3).
 *
 * <pre>
 * command                       REQUIRED                 OPPORTUNISTIC               PLAINTEXT_ONLY
 * (greeting)                    +OK host POP3 server ready
 * CAPA                          +OK and the configured list, USER and SASL withheld   (no STLS)
 *                               unless allowed before TLS, STLS added, then "."
 * STLS                          +OK Begin TLS negotiation → handshake → hand over     -ERR
 * STLS with arguments           -ERR
 * NOOP                          +OK
 * QUIT                          +OK, close (SERVICE_CLOSING)
 * USER PASS APOP AUTH           -ERR [AUTH] …            allowed: hand over, unread; else -ERR [AUTH] …
 * STAT LIST RETR DELE RSET TOP  -ERR …                   hand over, unread           hand over, unread
 *   UIDL UTF8 LANG
 * anything else                 -ERR Unknown command
 * </pre>
 *
 * <p>The refusal of authentication before TLS carries the RFC 3206 response code {@code [AUTH]}:
 * POP3 has no PRIVACYREQUIRED (IMAP's code), and RFC 3206 §4 defines {@code AUTH} for an
 * authentication failure not caused by a system problem, naming "an attempt to authenticate in
 * violation of policy" among its causes; it tells the client not to retry the same thing as if
 * the server were broken, which {@code [SYS/PERM]} would suggest. (Dovecot answers the same way.)
 * Clients that do not know response codes see an ordinary {@code -ERR}.
 *
 * <p>A byte pipelined after STLS fails the negotiation ({@code PLAINTEXT_INJECTION}); the
 * negotiation enforces that, not this dialog. Under {@code IMPLICIT} the dialog only greets,
 * inside TLS, and the session is handed over at once.
 */
@SuppressWarnings("exports") // its superclass is the core's inside: see ServerOutline
public final class Pop3ServerDialog extends ServerOutline {

    private static final Words WORDS = new Words("-ERR STLS takes no arguments\r\n", "-ERR STLS not available\r\n",
            "+OK Begin TLS negotiation\r\n", new Farewells(
            // RFC 1939 §3: a session ended by the autologout timer is closed without a response.
            "",
            "-ERR Line too long\r\n",
            "-ERR Too many commands before STLS\r\n",
            // RFC 3206 §4: SYS/TEMP, a temporary system failure; try again later.
            "-ERR [SYS/TEMP] Server busy, try again later\r\n",
            "-ERR Syntax error: bare CR, LF or NUL\r\n",
            "-ERR Too much data before TLS\r\n",
            "-ERR %s closing connection\r\n"));

    /**
     * The commands that carry credentials (RFC 1939 §7, RFC 5034), and those of the AUTHORIZATION
     * and TRANSACTION states (RFC 1939, UTF8 and LANG from RFC 6856) that belong to the
     * application: before authentication most of them fail, but that is for the application to say.
     */
    private static final Commands COMMANDS = new Commands(Set.of("USER", "PASS", "APOP", "AUTH"),
            Set.of("STAT", "LIST", "RETR", "DELE", "RSET", "TOP", "UIDL", "UTF8", "LANG"), "-ERR Unknown command\r\n",
            "-ERR [AUTH] Authentication requires TLS: send STLS first\r\n", "-ERR Command not permitted before STLS\r\n");

    /** What it announces before TLS, its greeting and its CAPA reply: made once, with the dialog. */
    private final Capabilities announced;
    private final ServerStep greeting;
    private final ServerStep capa;

    private Pop3ServerDialog(ServerConfig config) {
        super(config, WORDS, COMMANDS);
        this.announced = Announcement.beforeTls(config, config.capabilitiesBeforeTls(), "STLS",
                c -> !authenticationBeforeTls() && (c.is("USER") || c.is("SASL")));
        this.greeting = reply("+OK " + config.greetingOr(config.hostname() + " POP3 server ready") + "\r\n");
        this.capa = reply(CapaList.reply(announced));
    }

    /**
     * The dialog for {@code config}: its announcement, greeting and CAPA reply are made here, once.
     * The dialog is immutable with one state, so a server that accepts many connections with one
     * configuration makes it once and starts every connection's negotiation from it
     * ({@code Negotiation.server(config, dialog)}), as {@link org.starttls4j.smtp.PreparedSmtpServer}
     * does for SMTP; {@link Pop3#server(ServerConfig)} makes one per call.
     *
     * @param config the server configuration
     * @return the dialog, before its greeting
     */
    public static Pop3ServerDialog create(ServerConfig config) {
        return new Pop3ServerDialog(config);
    }

    @Override
    public ServerStep start() {
        return greeting;
    }

    @Override
    protected ServerStep onCommand(String keyword, String arguments) {
        switch (keyword) {
            case "CAPA":
                return capa;
            case "NOOP":
                return reply("+OK\r\n");
            case "QUIT":
                return quit("+OK " + config.hostname() + " POP3 server signing off\r\n");
            case "STLS":
                return startTls(arguments);
            default:
                return handOverOrRefuse(keyword);
        }
    }

    /**
     * The capabilities announced before TLS: the configured ones less STLS, less USER and SASL
     * unless authentication is allowed before TLS, plus STLS unless the policy is
     * {@code PLAINTEXT_ONLY}.
     *
     * @return the capabilities
     */
    @Override
    protected Capabilities announcedBeforeTls() {
        return announced;
    }
}
