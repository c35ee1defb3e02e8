package org.starttls4j.internal.dialog;

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
 * unavailable, otherwise it is the go-ahead; and when the negotiation ends, the protocol's reply
 * for the reason is sent ({@link Farewells}). The protocol's dialog extends it and keeps its
 * command table, its words and every other answer.
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

    /** The configuration every answer comes from. */
    protected final ServerConfig config;
    private final Words words;

    /**
     * The outline for {@code config}.
     *
     * @param config the server configuration
     * @param words  the protocol's words
     */
    protected ServerOutline(ServerConfig config, Words words) {
        this.config = config;
        this.words = words;
    }

    /**
     * The answer to one command.
     *
     * @param name      the command's name, upper case
     * @param arguments what follows the name and its space, possibly empty
     * @return what to do
     */
    protected abstract ServerStep onCommand(String name, String arguments);

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
     * A reply, staying in the one state.
     *
     * @param text the reply, CRLF included
     * @return the step
     */
    protected final ServerStep reply(String text) {
        return new ServerStep.Reply(this, text);
    }
}
