package org.starttls4j.imap;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.starttls4j.Capabilities;
import org.starttls4j.Capability;
import org.starttls4j.Failure;
import org.starttls4j.ServerConfig;
import org.starttls4j.TlsPolicy;
import org.starttls4j.internal.dialog.Announcement;
import org.starttls4j.internal.text.FixedList;
import org.starttls4j.internal.dialog.Farewells;
import org.starttls4j.internal.dialog.LiteralSkip;
import org.starttls4j.ServerDialog;
import org.starttls4j.ServerStep;
import org.starttls4j.text.Literal;

/**
 * The IMAP server's side of STARTTLS (RFC 9051 §6.2.1, RFC 2595) and of implicit TLS (RFC 8314),
 * in the not-authenticated state: it greets, answers the commands the negotiation owns, and
 * hands everything else to the application.
 *
 * <pre>
 * command                           REQUIRED                      OPPORTUNISTIC           PLAINTEXT_ONLY
 * (greeting)                        * OK [CAPABILITY …] host IMAP4rev1 ready
 * t CAPABILITY                      * CAPABILITY …, t OK; STARTTLS announced              (no STARTTLS)
 * t NOOP                            t OK
 * t LOGOUT                          * BYE, t OK, close (SERVICE_CLOSING)
 * t STARTTLS                        t OK Begin TLS … → handshake → hand over              t BAD
 * t CAPABILITY|NOOP|LOGOUT|STARTTLS
 *   with arguments                  t BAD
 * t LOGIN, t AUTHENTICATE           t NO [PRIVACYREQUIRED]        hand over, unread, if allowAuthBeforeTls;
 *                                                                 else t NO [PRIVACYREQUIRED]
 * t any other command               t BAD                         hand over, unread       hand over, unread
 * a line without a valid tag        * BAD
 * t without a valid command name    t BAD
 * </pre>
 *
 * <p>Before TLS the capabilities announced are the configured ones, less {@code AUTH=…} unless
 * {@link ServerConfig#allowAuthBeforeTls()}, plus {@code STARTTLS} (except under
 * {@code PLAINTEXT_ONLY}), plus {@code LOGINDISABLED} whenever LOGIN is refused before TLS (always
 * under {@code REQUIRED}); {@code IMAP4rev1} comes first if the configuration names no IMAP
 * revision. Under {@code IMPLICIT} the greeting, sent inside TLS, carries the post-TLS
 * capabilities, never STARTTLS. A byte pipelined after STARTTLS fails the negotiation
 * ({@code PLAINTEXT_INJECTION}); the negotiation enforces that, not this dialog.
 *
 * <p>A command the dialog answers itself may end in a non-synchronizing literal ({@code {n+}},
 * {@code {n-}}, RFC 7888): its bytes are counted and skipped (never read as commands) and the
 * answer is sent once the command is complete: meanwhile the dialog is in the state
 * {@code SkippingLiteral} (the same skipping as ManageSieve's), then back in
 * {@code AwaitingCommand}. A literal larger than
 * {@link org.starttls4j.Limits#maxLiteralSize()} closes the connection ({@code COMMAND_TOO_LONG},
 * {@code * BYE [TOOBIG]}). A synchronizing literal ({@code {n}}) is answered at once without a
 * continuation request, so the client never sends it.
 */
public final class ImapServerDialog implements ServerDialog {

    private static final Farewells FAREWELLS = new Farewells(
            "* BYE Autologout; idle for too long\r\n",
            "* BYE Command line too long\r\n",
            // As Dovecot ends a client past its limit of bad commands, with a BYE.
            "* BYE Too many commands before STARTTLS\r\n",
            // RFC 5530 §3: UNAVAILABLE, a temporary failure; try again later.
            "* BYE [UNAVAILABLE] Server busy, try again later\r\n",
            "* BYE Malformed command: bare CR, LF or NUL\r\n",
            "* BYE Too much data before TLS\r\n",
            "* BYE %s closing connection\r\n");

    private final ServerConfig config;
    /** What it announces before TLS, the untagged CAPABILITY line that says it, and the greeting: made once, with the dialog. */
    private final Capabilities announced;
    private final String capabilityLine;
    private final ServerStep greeting;

    private ImapServerDialog(ServerConfig config) {
        this.config = config;
        this.announced = beforeTls(config);
        this.capabilityLine = "* CAPABILITY " + ImapSyntax.render(announced) + "\r\n";
        Capabilities greeted = config.policy() == TlsPolicy.IMPLICIT ? announcedAfterTls(config) : announced;
        this.greeting = reply("* OK [CAPABILITY " + ImapSyntax.render(greeted) + "] "
                + config.greetingOr(config.hostname() + " IMAP4rev1 ready") + "\r\n");
    }

    /**
     * The dialog for {@code config}: its announcement and greeting are made here, once. The dialog
     * is immutable (a command with a literal moves on to another dialog, never changes this one),
     * so a server that accepts many connections with one configuration makes it once and starts
     * every connection's negotiation from it ({@code Negotiation.server(config, dialog)}), as
     * {@link org.starttls4j.smtp.PreparedSmtpServer} does for SMTP; {@link Imap#server(ServerConfig)}
     * makes one per call.
     *
     * @param config the server configuration
     * @return the dialog, before its greeting
     */
    public static ImapServerDialog create(ServerConfig config) {
        return new ImapServerDialog(config);
    }

    @Override
    public ServerStep start() {
        return greeting;
    }

    @Override
    public ServerStep onLine(String line) {
        int space = line.indexOf(' ');
        String tag = space < 0 ? line : line.substring(0, space);
        if (!ImapSyntax.isTag(tag)) {
            return reply("* BAD Missing or invalid tag\r\n");
        }
        String rest = space < 0 ? "" : line.substring(space + 1);
        int end = rest.indexOf(' ');
        String name = end < 0 ? rest : rest.substring(0, end);
        boolean arguments = end >= 0;
        if (!ImapSyntax.isAtom(name)) {
            return reply(tag + " BAD Missing or invalid command name\r\n");
        }
        ServerStep step = command(tag, name.toUpperCase(Locale.ROOT), arguments);
        if (step instanceof ServerStep.Reply answer && Literal.isNonSynchronizing(line)) {
            // RFC 7888: the literal follows without a continuation request; skip it, then answer.
            return LiteralSkip.after(this, answer.send(), skipping(tag), line);
        }
        return step;
    }

    private ServerStep command(String tag, String name, boolean arguments) {
        switch (name) {
            case "CAPABILITY":
                return arguments ? reply(tag + " BAD CAPABILITY takes no arguments\r\n")
                        : reply(capabilityLine + tag + " OK CAPABILITY completed\r\n");
            case "NOOP":
                return reply(tag + (arguments ? " BAD NOOP takes no arguments\r\n" : " OK NOOP completed\r\n"));
            case "LOGOUT":
                if (arguments) {
                    return reply(tag + " BAD LOGOUT takes no arguments\r\n");
                }
                return new ServerStep.Close(Failure.of(Failure.Reason.SERVICE_CLOSING, "the client logged out before TLS"),
                        "* BYE " + config.hostname() + " logging out\r\n" + tag + " OK LOGOUT completed\r\n");
            case "STARTTLS":
                if (arguments) {
                    return reply(tag + " BAD STARTTLS takes no arguments\r\n");
                }
                if (config.policy() == TlsPolicy.PLAINTEXT_ONLY) {
                    return reply(tag + " BAD STARTTLS not available\r\n");
                }
                return new ServerStep.GoAhead(tag + " OK Begin TLS negotiation now\r\n");
            case "LOGIN":
            case "AUTHENTICATE":
                if (loginRefusedBeforeTls(config)) {
                    // RFC 9051 §6.2.3 (LOGINDISABLED) and RFC 5530 §3.
                    return reply(tag + " NO [PRIVACYREQUIRED] Must issue a STARTTLS command first\r\n");
                }
                return new ServerStep.HandOver(announcedBeforeTls());
            default:
                if (!config.policy().allowsPlaintext()) {
                    return reply(tag + " BAD Must issue a STARTTLS command first\r\n");
                }
                return new ServerStep.HandOver(announcedBeforeTls());
        }
    }

    /** How a command's literals are skipped: only non-synchronizing ones are ever sent (no "+" goes out). */
    private LiteralSkip.Rules skipping(String tag) {
        return new LiteralSkip.Rules(config.limits(), Literal::isNonSynchronizing,
                tag + " BAD [TOOBIG] Literal too big\r\n* BYE Literal too big\r\n", "* BYE Command too long\r\n",
                "* BYE Malformed command\r\n");
    }

    @Override
    public String farewell(Failure.Reason reason) {
        return FAREWELLS.of(reason, config.hostname());
    }

    /**
     * The capabilities announced before TLS: the configured ones less {@code STARTTLS},
     * {@code LOGINDISABLED} and (unless allowed) {@code AUTH=…}; then {@code STARTTLS} unless the
     * policy is {@code PLAINTEXT_ONLY}, and {@code LOGINDISABLED} when LOGIN is refused before TLS.
     */
    Capabilities announcedBeforeTls() {
        return announced;
    }

    private static Capabilities beforeTls(ServerConfig config) {
        Capabilities announced = Announcement.beforeTls(config, withRevision(config.capabilitiesBeforeTls()), "STARTTLS",
                c -> c.is("LOGINDISABLED") || (isAuth(c) && !config.allowAuthBeforeTls()));
        if (!loginRefusedBeforeTls(config)) {
            return announced;
        }
        List<Capability> list = announced.list();
        Capability[] all = list.toArray(new Capability[list.size() + 1]);
        all[list.size()] = Capability.keyword("LOGINDISABLED", 0, "LOGINDISABLED".length());
        return new Capabilities(FixedList.of(all));
    }

    /** Whether LOGIN and AUTHENTICATE are refused before TLS (then LOGINDISABLED is announced). */
    private static boolean loginRefusedBeforeTls(ServerConfig config) {
        return !config.policy().allowsPlaintext() || !config.allowAuthBeforeTls();
    }

    /** The capabilities announced inside TLS: the configured ones, never STARTTLS. */
    static Capabilities announcedAfterTls(ServerConfig config) {
        // The configuration holds no STARTTLS after TLS (ServerConfig drops it when it is built).
        return withRevision(config.capabilitiesAfterTls());
    }

    /** {@code configured}, with {@code IMAP4rev1} first if it names no IMAP revision (RFC 9051 §7.2.2 requires one). */
    private static Capabilities withRevision(Capabilities configured) {
        if (configured.has("IMAP4rev1") || configured.has("IMAP4rev2")) {
            return configured;
        }
        List<Capability> list = new ArrayList<>();
        list.add(new Capability("IMAP4rev1", List.of()));
        list.addAll(configured.list());
        return new Capabilities(list);
    }

    private static boolean isAuth(Capability c) {
        return c.is("AUTH") || c.name().toUpperCase(Locale.ROOT).startsWith("AUTH=");
    }

    private ServerStep reply(String text) {
        return new ServerStep.Reply(this, text);
    }
}
