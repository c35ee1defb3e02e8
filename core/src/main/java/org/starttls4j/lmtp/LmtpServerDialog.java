package org.starttls4j.lmtp;

import java.util.Set;
import org.starttls4j.Failure;
import org.starttls4j.ServerConfig;
import org.starttls4j.internal.dialog.ChunkSkip;
import org.starttls4j.internal.text.CommandLine;
import org.starttls4j.smtp.EhloCapabilities;
import org.starttls4j.smtp.PreparedSmtpServer;
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
 *   AUTH (allowed)                 (BDAT: after its chunk)
 * anything else                    500
 * </pre>
 *
 * <p>LMTP is SMTP with another greeting and hello (RFC 2033 §4): the dialog answers LHLO, what
 * LMTP lacks (EHLO, HELO) and what this server does not implement (HELP, EXPN, ETRN) itself, and
 * leaves every other command to {@link SmtpServerDialog}, so the two protocols' answers to
 * STARTTLS, AUTH and mail commands before TLS, and their farewells, cannot drift apart.
 *
 * <p>A byte pipelined after STARTTLS fails the negotiation ({@code PLAINTEXT_INJECTION}); the
 * negotiation enforces that, not this dialog.
 */
public final class LmtpServerDialog implements ServerDialog {

    /**
     * SMTP commands this LMTP server does not implement. RFC 2033 §4.1 removes only HELO and EHLO
     * from LMTP; these are refused as unknown because nothing here needs them: HELP and EXPN are
     * outside RFC 5321 §4.5.1's minimum implementation, and ETRN asks to run a queue, which an
     * LMTP server does not have (RFC 2033 §1).
     */
    private static final Set<String> NOT_LMTP = Set.of("HELP", "EXPN", "ETRN");

    private final ServerConfig config;
    private final PreparedSmtpServer prepared;
    private final SmtpServerDialog smtp;

    private LmtpServerDialog(ServerConfig config) {
        this.config = config;
        this.prepared = PreparedSmtpServer.of(config);
        this.smtp = SmtpServerDialog.create(prepared);
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
    public ServerStep start() {
        return reply("220 " + config.greetingOr(config.hostname() + " LMTP starttls4j ready") + "\r\n");
    }

    @Override
    public ServerStep onLine(String line) {
        CommandLine command = CommandLine.parse(line);
        switch (command.name()) {
            case "LHLO":
                return command.hasArguments()
                        ? reply(EhloCapabilities.reply(config.hostname(), command.arguments(), prepared.announcedBeforeTls()))
                        : reply("501 5.5.4 Syntax: LHLO hostname\r\n");
            case "EHLO":
            case "HELO":
                return reply("500 5.5.1 This is LMTP: use LHLO\r\n");
            default:
                if (NOT_LMTP.contains(command.name())) {
                    return reply("500 5.5.2 Command not recognized\r\n");
                }
                return asLmtp(smtp.onLine(line));
        }
    }

    /**
     * SMTP's step, continuing as this dialog: both have the one state {@code AwaitingCommand},
     * and where SMTP's skips the chunk of a refused BDAT, the same skip goes on with this dialog,
     * so that the command after the chunk is answered as LMTP (an EHLO there is still refused).
     */
    private ServerStep asLmtp(ServerStep step) {
        if (!(step instanceof ServerStep.Reply answer)) {
            return step;
        }
        return answer.next() instanceof ChunkSkip skip ? new ServerStep.Reply(skip.resumingWith(this), answer.send()) : reply(answer.send());
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
