package org.starttls4j.smtp;

import java.util.Set;
import org.starttls4j.Capabilities;
import org.starttls4j.Failure;
import org.starttls4j.ServerConfig;
import org.starttls4j.TlsPolicy;
import org.starttls4j.internal.dialog.ChunkSkip;
import org.starttls4j.internal.dialog.Farewells;
import org.starttls4j.internal.text.CommandLine;
import org.starttls4j.ServerDialog;
import org.starttls4j.ServerStep;

/**
 * The SMTP server's side of STARTTLS (RFC 5321, RFC 3207): one state, {@code AwaitingCommand},
 * answering the commands the negotiation owns.
 *
 * <pre>
 * command                          REQUIRED                  OPPORTUNISTIC             PLAINTEXT_ONLY
 * EHLO domain                      250 + capabilities, STARTTLS announced              (no STARTTLS)
 * HELO domain                      250
 * NOOP, RSET                       250
 * HELP                             214
 * QUIT                             221, close
 * STARTTLS                         220 → handshake → hand over                         502
 * STARTTLS with parameters         501
 * AUTH (not allowed before TLS)    530 5.7.0                 538 5.7.11                538 5.7.11
 * MAIL RCPT DATA BDAT VRFY EXPN    530 5.7.0                 hand over, unread         hand over, unread
 *   ETRN, AUTH (allowed)           (BDAT: after its chunk)
 * anything else                    500
 * </pre>
 *
 * <p>A BDAT refused before TLS is followed by its chunk (RFC 3030 §2): the dialog is in the state
 * {@code SkippingChunk} until the chunk's octets have passed, never reading them as commands, then
 * sends the 530 and is back in {@code AwaitingCommand}. A chunk larger than
 * {@link org.starttls4j.Limits#maxLiteralSize()} closes the connection ({@code COMMAND_TOO_LONG}, 421).
 *
 * <p>A byte pipelined after STARTTLS fails the negotiation ({@code PLAINTEXT_INJECTION}); the
 * negotiation enforces that, not this dialog.
 */
public final class SmtpServerDialog implements ServerDialog {

    private static final Farewells FAREWELLS = new Farewells(
            "421 4.4.2 %s Error: timeout exceeded\r\n",
            // RFC 3463 X.5.2, a command that cannot be interpreted; not X.5.6, which RFC 4954 §6
            // registered for an AUTH exchange's line alone.
            "500 5.5.2 Line too long\r\n",
            // Postfix's words when a client passes smtpd_hard_error_limit.
            "421 4.7.0 %s Error: too many commands before STARTTLS\r\n",
            // RFC 3463 X.3.2: system not accepting network messages (Postfix postscreen: "all server ports are busy").
            "421 4.3.2 %s Service busy, try again later\r\n",
            "500 5.5.2 Syntax error: bare CR, LF or NUL\r\n",
            "421 4.7.0 %s Closing connection\r\n",
            "421 4.7.0 %s Closing connection\r\n");

    private static final Set<String> APPLICATION_COMMANDS = Set.of("MAIL", "RCPT", "DATA", "BDAT", "VRFY", "EXPN", "ETRN", "AUTH");

    /** RFC 3207 §4's refusal of a command that needs TLS. */
    private static final String MUST_STARTTLS = "530 5.7.0 Must issue a STARTTLS command first\r\n";

    /** The go-ahead, the same for every configuration. */
    private static final ServerStep GO_AHEAD = new ServerStep.GoAhead("220 2.0.0 Ready to start TLS\r\n");

    private final ServerConfig config;
    private final PreparedSmtpServer prepared;
    /** The greeting, made once per prepared server: the dialog has one state, so it can be shared. */
    private final ServerStep greeting;

    /** The dialog of {@code prepared}, made once by it. */
    SmtpServerDialog(PreparedSmtpServer prepared) {
        this.config = prepared.config();
        this.prepared = prepared;
        this.greeting = reply("220 " + config.greetingOr(config.hostname() + " ESMTP starttls4j") + "\r\n");
    }

    /**
     * The dialog for {@code config}, its announcement computed for it alone.
     *
     * @param config the server configuration
     * @return the dialog, before its greeting
     */
    public static SmtpServerDialog create(ServerConfig config) {
        return PreparedSmtpServer.of(config).dialog();
    }

    /**
     * The dialog of a prepared server, sharing its announcement. The dialog is immutable with one
     * state, so every negotiation of the prepared server shares this one value.
     *
     * @param prepared the prepared server
     * @return the dialog, before its greeting
     */
    public static SmtpServerDialog create(PreparedSmtpServer prepared) {
        return prepared.dialog();
    }

    @Override
    public ServerStep start() {
        return greeting;
    }

    @Override
    public ServerStep onLine(String line) {
        CommandLine command = CommandLine.parse(line);
        String verb = command.name();
        String argument = command.arguments();
        boolean required = config.policy() == TlsPolicy.REQUIRED || config.policy() == TlsPolicy.IMPLICIT;
        switch (verb) {
            case "EHLO":
                return argument.isEmpty() ? reply("501 5.5.4 Syntax: EHLO hostname\r\n")
                        : reply(EhloCapabilities.reply(config.hostname(), argument, prepared.announcedBeforeTls().isEmpty(),
                                prepared.ehloLines()));
            case "HELO":
                return argument.isEmpty() ? reply("501 5.5.4 Syntax: HELO hostname\r\n")
                        : reply("250 " + config.hostname() + "\r\n");
            case "NOOP":
            case "RSET":
                return reply("250 2.0.0 OK\r\n");
            case "HELP":
                return reply("214 2.0.0 See RFC 5321; STARTTLS first\r\n");
            case "QUIT":
                return new ServerStep.Close(Failure.of(Failure.Reason.SERVICE_CLOSING, "the client quit before TLS"),
                        "221 2.0.0 Bye\r\n");
            case "STARTTLS":
                if (!argument.isEmpty()) {
                    return reply("501 5.5.4 Syntax: STARTTLS takes no parameters\r\n");
                }
                if (config.policy() == TlsPolicy.PLAINTEXT_ONLY) {
                    return reply("502 5.5.1 STARTTLS not available\r\n");
                }
                return GO_AHEAD;
            default:
                break;
        }
        if (!APPLICATION_COMMANDS.contains(verb)) {
            return reply("500 5.5.2 Command not recognized\r\n");
        }
        if (required) {
            if (verb.equals("BDAT")) {
                // RFC 3030 §2: its chunk follows at once; it is skipped, never read as commands, and
                // the refusal goes out after it.
                return ChunkSkip.after(this, MUST_STARTTLS, ChunkSkip.size(argument), config.limits(),
                        "421 4.7.0 " + config.hostname() + " BDAT chunk too large before STARTTLS, closing connection\r\n");
            }
            return reply(MUST_STARTTLS);
        }
        if (verb.equals("AUTH") && !config.allowAuthBeforeTls()) {
            // RFC 4954 §6: the mechanism needs encryption we do not have yet.
            return reply("538 5.7.11 Encryption required for requested authentication mechanism\r\n");
        }
        return new ServerStep.HandOver(prepared.announcedBeforeTls());
    }

    @Override
    public String farewell(Failure.Reason reason) {
        return FAREWELLS.of(reason, config.hostname());
    }

    /** The EHLO reply this dialog sends in plaintext, for {@link Smtp#ehloReplyInPlaintext}. */
    static String ehloReplyInPlaintext(ServerConfig config, String clientDomain) {
        return EhloCapabilities.reply(config.hostname(), clientDomain, EhloCapabilities.beforeTls(config));
    }

    private ServerStep reply(String text) {
        return new ServerStep.Reply(this, text);
    }
}
