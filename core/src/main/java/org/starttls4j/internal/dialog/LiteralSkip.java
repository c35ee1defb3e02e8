package org.starttls4j.internal.dialog;

import java.util.function.Predicate;
import org.starttls4j.Failure;
import org.starttls4j.Limits;
import org.starttls4j.ServerDialog;
import org.starttls4j.ServerStep;
import org.starttls4j.text.Literal;

/**
 * The state {@code SkippingLiteral} of a server dialog (IMAP's {@code {n+}}, RFC 7888;
 * ManageSieve's, RFC 5804 §4): the command is answered already, and the literals that end it are
 * counted, never read as commands; at the command's end the answer goes out and the protocol's
 * dialog resumes. The command is bounded like a reply: more than {@link Limits#maxLinesPerReply()}
 * lines, or a literal larger than {@link Limits#maxLiteralSize()}, closes the connection
 * ({@code COMMAND_TOO_LONG}); a literal that ends between CR and LF is {@code MALFORMED_COMMAND}.
 * Immutable: each line gives a new value.
 *
 * @param resume  the protocol's dialog, which answers the farewell and the next command
 * @param reply   the answer, sent when the command is complete
 * @param rules   how the protocol skips
 * @param literal the literal being skipped
 * @param lines   the lines of the command so far
 */
public record LiteralSkip(ServerDialog resume, String reply, Rules rules, Literal literal, int lines) implements Skipping {

    /**
     * How a protocol skips literals, and its words when it closes the connection during a command.
     *
     * @param limits         the bounds on lines per command and on a literal's size
     * @param skipped        whether the rest of a line after a literal announces another literal to skip
     * @param literalTooBig  what to send when a literal larger than the bound is announced
     * @param commandTooLong what to send when the command has more lines than the bound
     * @param malformed      what to send when a literal ends between CR and LF
     */
    public record Rules(Limits limits, Predicate<String> skipped, String literalTooBig, String commandTooLong, String malformed) {
    }

    /**
     * Skips the literal that {@code line}, a command already answered with {@code reply}, ends with.
     *
     * @param resume the protocol's dialog once the command is complete
     * @param reply  the answer to send then
     * @param rules  how the protocol skips
     * @param line   the command's line, which announces a literal
     * @return the step: nothing to send yet, or a close when the literal is too large
     */
    public static ServerStep after(ServerDialog resume, String reply, Rules rules, String line) {
        return after(resume, reply, rules, line, 1);
    }

    private static ServerStep after(ServerDialog resume, String reply, Rules rules, String text, int lines) {
        long size = Literal.announcedBy(text);
        if (size > rules.limits().maxLiteralSize()) {
            return new ServerStep.Close(Failure.of(Failure.Reason.COMMAND_TOO_LONG,
                    "a command literal larger than " + rules.limits().maxLiteralSize() + " bytes"), rules.literalTooBig());
        }
        return new ServerStep.Reply(new LiteralSkip(resume, reply, rules, new Literal(size), lines), "");
    }

    @Override
    public String state() {
        return "SkippingLiteral";
    }

    @Override
    public ServerStep onLine(String line) {
        if (lines + 1 > rules.limits().maxLinesPerReply()) {
            return new ServerStep.Close(Failure.of(Failure.Reason.COMMAND_TOO_LONG,
                    "a command of more than " + rules.limits().maxLinesPerReply() + " lines"), rules.commandTooLong());
        }
        Literal.Advance advance = literal.advance(line);
        if (advance instanceof Literal.Inside inside) {
            return new ServerStep.Reply(new LiteralSkip(resume, reply, rules, inside.next(), lines + 1), "");
        }
        if (advance instanceof Literal.Split) {
            return new ServerStep.Close(Failure.of(Failure.Reason.MALFORMED_COMMAND, "a literal ended between CR and LF"),
                    rules.malformed());
        }
        String rest = ((Literal.Ended) advance).rest();
        if (rules.skipped().test(rest)) {
            return after(resume, reply, rules, rest, lines + 1);
        }
        return new ServerStep.Reply(resume, reply);
    }

    /** The protocol's own farewell: skipping changes nothing of what it says when it closes. */
    @Override
    public String farewell(Failure.Reason reason) {
        return resume.farewell(reason);
    }
}
