package org.starttls4j.internal.dialog;

import java.util.Set;
import org.starttls4j.Capabilities;
import org.starttls4j.Failure;
import org.starttls4j.ServerConfig;
import org.starttls4j.ServerDialog;
import org.starttls4j.ServerStep;
import org.starttls4j.TlsPolicy;
import org.starttls4j.internal.text.CommandLine;

/**
 * The outline of a server dialog with one state before TLS, answering each command from the
 * configuration alone (NNTP, POP3, ManageSieve): a command line is its case-insensitive name and
 * its arguments; STARTTLS with arguments is refused, under {@code PLAINTEXT_ONLY} it is
 * unavailable, otherwise it is the go-ahead; a command the negotiation does not answer is unknown,
 * refused before TLS, or handed over unread ({@link #handOverOrRefuse}); and when the negotiation
 * ends, the protocol's reply for the reason is sent ({@link Farewells}). The protocol's dialog
 * extends it and keeps its command table, its words and every other answer.
 *
 * <p>Not exported: the public dialogs extend it as {@link ClientOutline}'s do.
 */
public abstract class ServerOutline implements ServerDialog {

    /**
     * A protocol's words for the turns the outline takes.
     *
     * @param startTlsWithArguments the refusal of STARTTLS with arguments
     * @param startTlsUnavailable   the refusal of STARTTLS under {@code PLAINTEXT_ONLY}
     * @param goAhead               the go-ahead
     * @param farewells             what it sends when the negotiation ends, by reason
     */
    public record Words(String startTlsWithArguments, String startTlsUnavailable, String goAhead, Farewells farewells) {
    }

    /**
     * The commands a protocol leaves to the application, and its answers to them before TLS.
     *
     * @param authentication        the commands that carry credentials
     * @param application           the application's other commands
     * @param unknown               the answer to any other command
     * @param authenticationRefused the refusal of a command that carries credentials where
     *                              authentication before TLS is not allowed
     * @param tlsRequired           the refusal of the application's other commands under a policy
     *                              that requires TLS
     */
    public record Commands(Set<String> authentication, Set<String> application, String unknown, String authenticationRefused,
                           String tlsRequired) {
    }

    /** The configuration every answer comes from. */
    protected final ServerConfig config;
    private final Words words;
    private final Commands commands;

    /**
     * The outline for {@code config}.
     *
     * @param config   the server configuration
     * @param words    the protocol's words
     * @param commands the application's commands, and their refusals
     */
    protected ServerOutline(ServerConfig config, Words words, Commands commands) {
        this.config = config;
        this.words = words;
        this.commands = commands;
    }

    /**
     * The answer to one command.
     *
     * @param name      the command's name, upper case
     * @param arguments what follows the name and its space, possibly empty
     * @return what to do
     */
    protected abstract ServerStep onCommand(String name, String arguments);

    /**
     * The capabilities announced before TLS, which a hand-over carries.
     *
     * @return the capabilities
     */
    protected abstract Capabilities announcedBeforeTls();

    @Override
    public ServerStep onLine(String line) {
        CommandLine command = CommandLine.parse(line);
        return onCommand(command.name(), command.arguments());
    }

    @Override
    public String farewell(Failure.Reason reason) {
        return words.farewells().of(reason, config.hostname());
    }

    /**
     * The answer to STARTTLS.
     *
     * @param arguments what followed the command's name
     * @return a refusal, or the go-ahead
     */
    protected final ServerStep startTls(String arguments) {
        if (!arguments.isEmpty()) {
            return reply(words.startTlsWithArguments());
        }
        if (config.policy() == TlsPolicy.PLAINTEXT_ONLY) {
            return reply(words.startTlsUnavailable());
        }
        return new ServerStep.GoAhead(words.goAhead());
    }

    /**
     * The answer to a command the negotiation does not answer itself: unknown, refused, or handed
     * over unread. Before TLS the application gets its commands only where the policy lets the
     * session go on in plaintext, and those that carry credentials only where the configuration
     * also allows authentication before TLS (DESIGN, non-negotiable 3: under {@code REQUIRED}
     * nothing but the negotiation is sent in plaintext).
     *
     * @param name the command's name, upper case
     * @return the refusal, or the hand-over
     */
    protected final ServerStep handOverOrRefuse(String name) {
        boolean authentication = commands.authentication().contains(name);
        if (!authentication && !commands.application().contains(name)) {
            return reply(commands.unknown());
        }
        if (authentication && !authenticationBeforeTls()) {
            return reply(commands.authenticationRefused());
        }
        if (!config.policy().allowsPlaintext()) {
            return reply(commands.tlsRequired());
        }
        return new ServerStep.HandOver(announcedBeforeTls());
    }

    /**
     * Whether a client may authenticate before TLS: the configuration allows it and the policy lets
     * the session go on in plaintext.
     *
     * @return whether the commands and capabilities that carry credentials are the application's before TLS
     */
    protected final boolean authenticationBeforeTls() {
        return config.allowAuthBeforeTls() && config.policy().allowsPlaintext();
    }

    /**
     * The client ends the session before TLS ({@code QUIT}, {@code LOGOUT}): the goodbye, then close.
     *
     * @param goodbye the protocol's answer, CRLF included
     * @return the step
     */
    protected final ServerStep quit(String goodbye) {
        return new ServerStep.Close(Failure.of(Failure.Reason.SERVICE_CLOSING, "the client quit before TLS"), goodbye);
    }

    /**
     * A reply, staying in the one state.
     *
     * @param text the reply, CRLF included
     * @return the step
     */
    protected final ServerStep reply(String text) {
        return new ServerStep.Reply(this, text);
    }
}
