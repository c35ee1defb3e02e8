package org.starttls4j.sieve;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.starttls4j.Capabilities;
import org.starttls4j.Capability;
import org.starttls4j.Failure;
import org.starttls4j.ServerConfig;
import org.starttls4j.TlsPolicy;
import org.starttls4j.ServerDialog;
import org.starttls4j.ServerStep;
import org.starttls4j.text.Literal;

/**
 * The ManageSieve server's side of STARTTLS (RFC 5804), in the non-authenticated state: it greets
 * with its capabilities, answers the commands the negotiation owns, and hands the rest over.
 *
 * <pre>
 * command                        REQUIRED                        OPPORTUNISTIC            PLAINTEXT_ONLY
 * (greeting)                     capability lines, OK "host ManageSieve ready"
 * CAPABILITY                     capability lines, OK; STARTTLS announced                 (no STARTTLS)
 * NOOP ["tag"]                   OK (TAG "tag")
 * LOGOUT                         OK, close (SERVICE_CLOSING)
 * STARTTLS                       OK → handshake → hand over                               NO
 * any of them with arguments     NO
 * AUTHENTICATE                   NO (ENCRYPT-NEEDED)             allowed: hand over, unread; else NO (ENCRYPT-NEEDED)
 * HAVESPACE PUTSCRIPT …          NO                              hand over, unread        hand over, unread
 * anything else                  NO "Unknown command"
 * STARTTLS inside TLS            (the application's: {@link ManageSieve#REPLY_TLS_ALREADY_ACTIVE})
 * </pre>
 *
 * <p>Before TLS the capabilities are the configured ones, {@code IMPLEMENTATION} and
 * {@code VERSION} added if missing, {@code SASL}'s mechanisms withheld unless authentication is
 * allowed before TLS (it is then announced empty, as RFC 5804 §1.7 allows), plus {@code STARTTLS}
 * except under {@code PLAINTEXT_ONLY}. Under {@code IMPLICIT} the greeting, inside TLS, carries
 * the post-TLS capabilities.
 *
 * <p><b>After STARTTLS</b> RFC 5804 §2.2 has the server send its capabilities again, unasked. That
 * is the first thing inside TLS, so it belongs to the application the session is handed to: it
 * sends {@link ManageSieve#capabilitiesAfterTls} before reading anything.
 *
 * <p>A command the dialog answers may end in a literal ({@code {n+}}, RFC 5804 §4): its bytes are
 * counted and skipped, never read as commands, and the answer goes out at the command's end. A
 * literal larger than {@link org.starttls4j.Limits#maxLiteralSize()} closes the connection
 * ({@code COMMAND_TOO_LONG}). A byte pipelined after STARTTLS fails the negotiation
 * ({@code PLAINTEXT_INJECTION}); the negotiation enforces that, not this dialog.
 */
public final class SieveServerDialog implements ServerDialog {

    /** RFC 5804 §2's commands that need an authenticated session: the application's. */
    private static final Set<String> APPLICATION_COMMANDS = Set.of("HAVESPACE", "PUTSCRIPT", "LISTSCRIPTS", "SETACTIVE",
            "GETSCRIPT", "DELETESCRIPT", "RENAMESCRIPT", "CHECKSCRIPT", "UNAUTHENTICATE");

    private sealed interface State {
    }

    private record AwaitingCommand() implements State {
    }

    /** Skipping a literal of a command already answered in {@code reply}, which goes out at its end. */
    private record SkippingLiteral(String reply, Literal literal, int lines) implements State {
    }

    private final ServerConfig config;
    private final State state;

    private SieveServerDialog(ServerConfig config, State state) {
        this.config = config;
        this.state = state;
    }

    /**
     * The dialog for {@code config}.
     *
     * @param config the server configuration
     * @return the dialog, before its greeting
     */
    public static SieveServerDialog create(ServerConfig config) {
        return new SieveServerDialog(config, new AwaitingCommand());
    }

    @Override
    public String state() {
        return state.getClass().getSimpleName();
    }

    @Override
    public ServerStep start() {
        Capabilities announced = config.policy() == TlsPolicy.IMPLICIT ? announcedAfterTls(config) : announcedBeforeTls();
        return reply(SieveSyntax.render(announced) + "OK " + SieveSyntax.quote(config.greetingOr(config.hostname() + " ManageSieve ready")) + "\r\n");
    }

    @Override
    public ServerStep onLine(String line) {
        if (state instanceof SkippingLiteral skipping) {
            return skip(skipping, line);
        }
        ServerStep step = command(line);
        if (step instanceof ServerStep.Reply answer && Literal.announcedBy(line) >= 0) {
            return afterText(answer.send(), line, 1);
        }
        return step;
    }

    private ServerStep command(String line) {
        int space = line.indexOf(' ');
        String name = (space < 0 ? line : line.substring(0, space)).toUpperCase(Locale.ROOT);
        String arguments = space < 0 ? "" : line.substring(space + 1).trim();
        switch (name) {
            case "CAPABILITY":
                return reply(arguments.isEmpty() ? SieveSyntax.render(announcedBeforeTls()) + "OK \"Capability completed\"\r\n"
                        : "NO \"CAPABILITY takes no arguments\"\r\n");
            case "NOOP":
                if (arguments.isEmpty()) {
                    return reply("OK \"NOOP completed\"\r\n");
                }
                // RFC 5804 §2.11: a string argument comes back in a TAG response code.
                return reply(arguments.startsWith("\"") && arguments.endsWith("\"") && arguments.length() > 1
                        ? "OK (TAG " + arguments + ") \"Done\"\r\n" : "OK \"Done\"\r\n");
            case "LOGOUT":
                return arguments.isEmpty()
                        ? new ServerStep.Close(Failure.of(Failure.Reason.SERVICE_CLOSING, "the client logged out before TLS"),
                                "OK \"Logout completed\"\r\n")
                        : reply("NO \"LOGOUT takes no arguments\"\r\n");
            case "STARTTLS":
                if (!arguments.isEmpty()) {
                    return reply("NO \"STARTTLS takes no arguments\"\r\n");
                }
                if (config.policy() == TlsPolicy.PLAINTEXT_ONLY) {
                    return reply("NO \"STARTTLS not available\"\r\n");
                }
                return new ServerStep.GoAhead("OK \"Begin TLS negotiation now\"\r\n");
            case "AUTHENTICATE":
                if (!authenticationBeforeTls()) {
                    return reply("NO (ENCRYPT-NEEDED) \"Authentication requires TLS: send STARTTLS first\"\r\n");
                }
                return new ServerStep.HandOver(announcedBeforeTls());
            default:
                if (!APPLICATION_COMMANDS.contains(name)) {
                    return reply("NO \"Unknown command\"\r\n");
                }
                if (!config.policy().allowsPlaintext()) {
                    return reply("NO \"Authenticate over TLS first: send STARTTLS\"\r\n");
                }
                return new ServerStep.HandOver(announcedBeforeTls());
        }
    }

    private ServerStep skip(SkippingLiteral skipping, String line) {
        if (skipping.lines() + 1 > config.limits().maxLinesPerReply()) {
            return new ServerStep.Close(Failure.of(Failure.Reason.COMMAND_TOO_LONG,
                    "a command of more than " + config.limits().maxLinesPerReply() + " lines"), "BYE \"Command too long\"\r\n");
        }
        Literal.Advance advance = skipping.literal().advance(line);
        if (advance instanceof Literal.Inside inside) {
            return new ServerStep.Reply(to(new SkippingLiteral(skipping.reply(), inside.next(), skipping.lines() + 1)), "");
        }
        if (advance instanceof Literal.Split) {
            return new ServerStep.Close(Failure.of(Failure.Reason.MALFORMED_COMMAND, "a literal ended between CR and LF"),
                    "BYE \"Malformed command\"\r\n");
        }
        String rest = ((Literal.Ended) advance).rest();
        if (Literal.announcedBy(rest) >= 0) {
            return afterText(skipping.reply(), rest, skipping.lines() + 1);
        }
        return new ServerStep.Reply(to(new AwaitingCommand()), skipping.reply());
    }

    /** {@code text} ends with a literal: skip it, then answer {@code reply}. */
    private ServerStep afterText(String reply, String text, int lines) {
        long size = Literal.announcedBy(text);
        if (size > config.limits().maxLiteralSize()) {
            return new ServerStep.Close(Failure.of(Failure.Reason.COMMAND_TOO_LONG,
                    "a command literal larger than " + config.limits().maxLiteralSize() + " bytes"), "BYE \"Literal too big\"\r\n");
        }
        return new ServerStep.Reply(to(new SkippingLiteral(reply, new Literal(size), lines)), "");
    }

    @Override
    public String farewell(Failure.Reason reason) {
        switch (reason) {
            case PLAINTEXT_INJECTION:
                // Nothing more in plaintext once STARTTLS was received; just close.
                return "";
            case TIMEOUT:
                return "BYE \"Disconnected for inactivity\"\r\n";
            case LINE_TOO_LONG:
            case COMMAND_TOO_LONG:
                return "BYE \"Line too long\"\r\n";
            case TOO_MANY_COMMANDS:
                return "BYE \"Too many commands before STARTTLS\"\r\n";
            case SERVER_BUSY:
                // RFC 5804 §1.3: TRYLATER, a temporary failure; instead of the greeting.
                return "BYE (TRYLATER) \"Server busy, try again later\"\r\n";
            case MALFORMED_COMMAND:
                return "BYE \"Malformed command: bare CR, LF or NUL\"\r\n";
            case TOO_MUCH_PLAINTEXT:
                return "BYE \"Too much data before TLS\"\r\n";
            default:
                return "BYE \"" + config.hostname() + " closing connection\"\r\n";
        }
    }

    /** The capabilities announced before TLS; see the class comment. */
    Capabilities announcedBeforeTls() {
        List<Capability> list = new ArrayList<>();
        for (Capability c : withRequired(config.capabilitiesBeforeTls()).list()) {
            if (c.is("SASL") && !authenticationBeforeTls()) {
                list.add(new Capability("SASL", List.of()));
            } else if (!c.is("STARTTLS")) {
                list.add(c);
            }
        }
        if (config.policy() != TlsPolicy.PLAINTEXT_ONLY) {
            list.add(new Capability("STARTTLS", List.of()));
        }
        return new Capabilities(list);
    }

    /** The capabilities announced inside TLS: the configured ones, IMPLEMENTATION and VERSION added if missing, never STARTTLS. */
    static Capabilities announcedAfterTls(ServerConfig config) {
        List<Capability> list = new ArrayList<>();
        for (Capability c : withRequired(config.capabilitiesAfterTls()).list()) {
            if (!c.is("STARTTLS")) {
                list.add(c);
            }
        }
        return new Capabilities(list);
    }

    /** {@code configured} with RFC 5804 §1.7's IMPLEMENTATION first and VERSION last if it lacks them. */
    private static Capabilities withRequired(Capabilities configured) {
        List<Capability> list = new ArrayList<>();
        if (!configured.has("IMPLEMENTATION")) {
            list.add(new Capability("IMPLEMENTATION", List.of("starttls4j")));
        }
        list.addAll(configured.list());
        if (!configured.has("VERSION")) {
            list.add(new Capability("VERSION", List.of("1.0")));
        }
        return new Capabilities(list);
    }

    private boolean authenticationBeforeTls() {
        return config.allowAuthBeforeTls() && config.policy().allowsPlaintext();
    }

    private ServerStep reply(String text) {
        return new ServerStep.Reply(to(new AwaitingCommand()), text);
    }

    private SieveServerDialog to(State next) {
        return new SieveServerDialog(config, next);
    }
}
