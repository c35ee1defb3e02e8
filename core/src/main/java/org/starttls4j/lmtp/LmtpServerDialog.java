package org.starttls4j.lmtp;

import java.util.Locale;
import java.util.Set;
import org.starttls4j.Capabilities;
import org.starttls4j.Failure;
import org.starttls4j.ServerConfig;
import org.starttls4j.TlsPolicy;
import org.starttls4j.smtp.EhloCapabilities;
import org.starttls4j.smtp.SmtpServerDialog;
import org.starttls4j.ServerDialog;
import org.starttls4j.ServerStep;

/**
 * The LMTP server's side of STARTTLS (RFC 2033, RFC 3207): one state, {@code AwaitingCommand},
 * answering the commands the negotiation owns.
 *
 * <pre>
 * command                          REQUIRED                  OPPORTUNISTIC             PLAINTEXT_ONLY
 * (greeting)                       220 host LMTP ready
 * LHLO domain                      250 + capabilities, STARTTLS announced              (no STARTTLS)
 * EHLO, HELO                       500 (RFC 2033 §4.1: not LMTP)
 * NOOP, RSET                       250
 * QUIT                             221, close
 * STARTTLS                         220 → handshake → hand over                         502
 * STARTTLS with parameters         501
 * AUTH (not allowed before TLS)    530 5.7.0                 538 5.7.11                538 5.7.11
 * MAIL RCPT DATA BDAT VRFY         530 5.7.0                 hand over, unread         hand over, unread
 *   AUTH (allowed)
 * anything else                    500
 * </pre>
 *
 * <p>A byte pipelined after STARTTLS fails the negotiation ({@code PLAINTEXT_INJECTION}); the
 * negotiation enforces that, not this dialog.
 */
public final class LmtpServerDialog implements ServerDialog {

    private static final Set<String> APPLICATION_COMMANDS = Set.of("MAIL", "RCPT", "DATA", "BDAT", "VRFY", "AUTH");

    private final ServerConfig config;
    private final Capabilities announced;
    private final SmtpServerDialog smtp;

    private LmtpServerDialog(ServerConfig config) {
        this.config = config;
        this.announced = EhloCapabilities.beforeTls(config);
        this.smtp = SmtpServerDialog.create(config);
    }

    /**
     * The dialog for {@code config}.
     *
     * @param config the server configuration
     * @return the dialog, before its greeting
     */
    public static LmtpServerDialog create(ServerConfig config) {
        return new LmtpServerDialog(config);
    }

    @Override
    public String state() {
        return "AwaitingCommand";
    }

    @Override
    public ServerStep start() {
        return reply("220 " + config.greetingOr(config.hostname() + " LMTP starttls4j ready") + "\r\n");
    }

    @Override
    public ServerStep onLine(String line) {
        int space = line.indexOf(' ');
        String verb = (space < 0 ? line : line.substring(0, space)).toUpperCase(Locale.ROOT);
        String argument = space < 0 ? "" : line.substring(space + 1).trim();
        switch (verb) {
            case "LHLO":
                return argument.isEmpty() ? reply("501 5.5.4 Syntax: LHLO hostname\r\n")
                        : reply(EhloCapabilities.reply(config.hostname(), argument, announced));
            case "EHLO":
            case "HELO":
                return reply("500 5.5.1 This is LMTP: use LHLO\r\n");
            case "NOOP":
            case "RSET":
                return reply("250 2.0.0 OK\r\n");
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
                return new ServerStep.GoAhead("220 2.0.0 Ready to start TLS\r\n");
            default:
                break;
        }
        if (!APPLICATION_COMMANDS.contains(verb)) {
            return reply("500 5.5.2 Command not recognized\r\n");
        }
        if (!config.policy().allowsPlaintext()) {
            return reply("530 5.7.0 Must issue a STARTTLS command first\r\n");
        }
        if (verb.equals("AUTH") && !config.allowAuthBeforeTls()) {
            return reply("538 5.7.11 Encryption required for requested authentication mechanism\r\n");
        }
        return new ServerStep.HandOver(announced);
    }

    @Override
    public String farewell(Failure.Reason reason) {
        // LMTP's replies are SMTP's (RFC 2033 §4.2): the same 421, 500 or nothing.
        return smtp.farewell(reason);
    }

    private ServerStep reply(String text) {
        return new ServerStep.Reply(this, text);
    }
}
