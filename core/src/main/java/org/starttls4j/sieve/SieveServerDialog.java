package org.starttls4j.sieve;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.starttls4j.Capabilities;
import org.starttls4j.Capability;
import org.starttls4j.ServerConfig;
import org.starttls4j.TlsPolicy;
import org.starttls4j.internal.dialog.LiteralSkip;
import org.starttls4j.internal.dialog.Farewells;
import org.starttls4j.internal.dialog.ServerOutline;
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
 * counted and skipped, never read as commands, and the answer goes out at the command's end
 * (the state {@code SkippingLiteral}, shared with IMAP, then back in {@code AwaitingCommand}). A
 * literal larger than {@link org.starttls4j.Limits#maxLiteralSize()} closes the connection
 * ({@code COMMAND_TOO_LONG}). A byte pipelined after STARTTLS fails the negotiation
 * ({@code PLAINTEXT_INJECTION}); the negotiation enforces that, not this dialog.
 */
@SuppressWarnings("exports") // its superclass is the core's inside: see ServerOutline
public final class SieveServerDialog extends ServerOutline {

    private static final Words WORDS = new Words("NO \"STARTTLS takes no arguments\"\r\n", "NO \"STARTTLS not available\"\r\n",
            "OK \"Begin TLS negotiation now\"\r\n", new Farewells(
            "BYE \"Disconnected for inactivity\"\r\n",
            "BYE \"Line too long\"\r\n",
            "BYE \"Too many commands before STARTTLS\"\r\n",
            // RFC 5804 §1.3: TRYLATER, a temporary failure; instead of the greeting.
            "BYE (TRYLATER) \"Server busy, try again later\"\r\n",
            "BYE \"Malformed command: bare CR, LF or NUL\"\r\n",
            "BYE \"Too much data before TLS\"\r\n",
            "BYE \"%s closing connection\"\r\n"));

    /** AUTHENTICATE, and RFC 5804 §2's commands that need an authenticated session: the application's. */
    private static final Commands COMMANDS = new Commands(Set.of("AUTHENTICATE"), Set.of("HAVESPACE", "PUTSCRIPT", "LISTSCRIPTS",
            "SETACTIVE", "GETSCRIPT", "DELETESCRIPT", "RENAMESCRIPT", "CHECKSCRIPT", "UNAUTHENTICATE"), "NO \"Unknown command\"\r\n",
            "NO (ENCRYPT-NEEDED) \"Authentication requires TLS: send STARTTLS first\"\r\n",
            "NO \"Authenticate over TLS first: send STARTTLS\"\r\n");

    private SieveServerDialog(ServerConfig config) {
        super(config, WORDS, COMMANDS);
    }

    /**
     * The dialog for {@code config}.
     *
     * @param config the server configuration
     * @return the dialog, before its greeting
     */
    public static SieveServerDialog create(ServerConfig config) {
        return new SieveServerDialog(config);
    }

    @Override
    public ServerStep start() {
        Capabilities announced = config.policy() == TlsPolicy.IMPLICIT ? announcedAfterTls(config) : announcedBeforeTls();
        return reply(SieveSyntax.render(announced) + "OK " + SieveSyntax.quote(config.greetingOr(config.hostname() + " ManageSieve ready")) + "\r\n");
    }

    @Override
    public ServerStep onLine(String line) {
        ServerStep step = super.onLine(line);
        if (step instanceof ServerStep.Reply answer && Literal.announcedBy(line) >= 0) {
            return LiteralSkip.after(this, answer.send(), skipping(), line);
        }
        return step;
    }

    @Override
    protected ServerStep onCommand(String name, String arguments) {
        switch (name) {
            case "CAPABILITY":
                return reply(arguments.isEmpty() ? SieveSyntax.render(announcedBeforeTls()) + "OK \"Capability completed\"\r\n"
                        : "NO \"CAPABILITY takes no arguments\"\r\n");
            case "NOOP":
                if (arguments.isEmpty()) {
                    return reply("OK \"NOOP completed\"\r\n");
                }
                // RFC 5804 §2.11: a string argument comes back in a TAG response code; only one
                // quoted string is sent back, so the response stays one well-formed response.
                return reply(SieveSyntax.isQuoted(arguments) ? "OK (TAG " + arguments + ") \"Done\"\r\n" : "OK \"Done\"\r\n");
            case "LOGOUT":
                return arguments.isEmpty() ? quit("OK \"Logout completed\"\r\n") : reply("NO \"LOGOUT takes no arguments\"\r\n");
            case "STARTTLS":
                return startTls(arguments);
            default:
                return handOverOrRefuse(name);
        }
    }

    /** How a command's literals are skipped: every literal, {n+} or {n}, RFC 5804 §4. */
    private LiteralSkip.Rules skipping() {
        return new LiteralSkip.Rules(config.limits(), rest -> Literal.announcedBy(rest) >= 0, "BYE \"Literal too big\"\r\n",
                "BYE \"Command too long\"\r\n", "BYE \"Malformed command\"\r\n");
    }

    /**
     * The capabilities announced before TLS; see the class comment.
     *
     * @return the capabilities
     */
    @Override
    protected Capabilities announcedBeforeTls() {
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
        // The configuration holds no STARTTLS after TLS (ServerConfig drops it when it is built).
        return withRequired(config.capabilitiesAfterTls());
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
}
