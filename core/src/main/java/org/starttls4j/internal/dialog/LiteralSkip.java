package org.starttls4j.internal.dialog;

import java.util.function.Function;
import java.util.function.Predicate;
import org.starttls4j.Failure;
import org.starttls4j.Limits;
import org.starttls4j.spi.ServerDialog;
import org.starttls4j.spi.ServerStep;
import org.starttls4j.text.Literal;

/**
 * A server dialog skipping the literals that end a command it has already answered (IMAP's
 * {@code {n+}}, RFC 7888; ManageSieve's, RFC 5804 §4): the literal's bytes are counted, never read
 * as commands, and the answer goes out once the command is complete. The command is bounded like a
 * reply: more than {@link Limits#maxLinesPerReply()} lines, or a literal larger than
 * {@link Limits#maxLiteralSize()}, closes the connection ({@code COMMAND_TOO_LONG}); a literal
 * that ends between CR and LF is {@code MALFORMED_COMMAND}. Immutable: each line gives a new value.
 *
 * @param reply   the answer, sent when the command is complete
 * @param byes    the protocol's words when the connection closes
 * @param literal the literal being skipped
 * @param lines   the lines of the command so far
 */
public record LiteralSkip(String reply, Byes byes, Literal literal, int lines) {

    /**
     * What the protocol sends when it closes the connection during a command.
     *
     * @param literalTooBig  a literal larger than the bound was announced
     * @param commandTooLong the command has more lines than the bound
     * @param malformed      a literal ended between CR and LF
     */
    public record Byes(String literalTooBig, String commandTooLong, String malformed) {
    }

    /**
     * Skips the literal that {@code text} ends with, then answers {@code reply}.
     *
     * @param reply    the answer to send when the command is complete
     * @param byes     the protocol's words when the connection closes
     * @param text     a line (or the rest of one after a literal) that announces a literal
     * @param lines    the lines of the command so far, {@code text}'s included
     * @param limits   the bounds
     * @param skipping the dialog that goes on skipping with a given value
     * @return the step: nothing to send yet, or a close when the literal is too large
     */
    public static ServerStep after(String reply, Byes byes, String text, int lines, Limits limits,
                                   Function<LiteralSkip, ServerDialog> skipping) {
        long size = Literal.announcedBy(text);
        if (size > limits.maxLiteralSize()) {
            return new ServerStep.Close(Failure.of(Failure.Reason.COMMAND_TOO_LONG,
                    "a command literal larger than " + limits.maxLiteralSize() + " bytes"), byes.literalTooBig());
        }
        return new ServerStep.Reply(skipping.apply(new LiteralSkip(reply, byes, new Literal(size), lines)), "");
    }

    /**
     * The next line of the command.
     *
     * @param line             the line
     * @param limits           the bounds
     * @param announcesLiteral whether the rest of a line after a literal announces another one to skip
     * @param skipping         the dialog that goes on skipping with a given value
     * @param answered         the dialog once the command is complete and answered
     * @return the step
     */
    public ServerStep advance(String line, Limits limits, Predicate<String> announcesLiteral,
                              Function<LiteralSkip, ServerDialog> skipping, ServerDialog answered) {
        if (lines + 1 > limits.maxLinesPerReply()) {
            return new ServerStep.Close(Failure.of(Failure.Reason.COMMAND_TOO_LONG,
                    "a command of more than " + limits.maxLinesPerReply() + " lines"), byes.commandTooLong());
        }
        Literal.Advance advance = literal.advance(line);
        if (advance instanceof Literal.Inside inside) {
            return new ServerStep.Reply(skipping.apply(new LiteralSkip(reply, byes, inside.next(), lines + 1)), "");
        }
        if (advance instanceof Literal.Split) {
            return new ServerStep.Close(Failure.of(Failure.Reason.MALFORMED_COMMAND, "a literal ended between CR and LF"),
                    byes.malformed());
        }
        String rest = ((Literal.Ended) advance).rest();
        if (announcesLiteral.test(rest)) {
            return after(reply, byes, rest, lines + 1, limits, skipping);
        }
        return new ServerStep.Reply(answered, reply);
    }
}
