package org.starttls4j.internal.dialog;

import org.starttls4j.Failure;
import org.starttls4j.Limits;
import org.starttls4j.ServerDialog;
import org.starttls4j.ServerStep;
import org.starttls4j.text.Literal;

/**
 * The state {@code SkippingChunk} of an SMTP or LMTP server: the chunk of a BDAT command
 * (RFC 3030 §2) that the negotiation refused before TLS. The chunk is the next {@code size} octets
 * after the command line, whatever they hold, and "if a failure occurs after a BDAT command is
 * received, the receiver-SMTP MUST accept and discard the associated message data before sending
 * the appropriate 5XX or 4XX code" (RFC 3030 §2). Read as commands instead, the lines of the
 * message in it would each be answered, a {@code STARTTLS} or a {@code QUIT} among them. The
 * chunk is counted across the framed lines (see {@link Literal}); the refusal goes out once it is
 * complete, and what follows it on its last line is the next command.
 *
 * <p>Bounded like a command with a literal ({@link LiteralSkip}): a chunk larger than
 * {@link Limits#maxLiteralSize()}, or spanning more than {@link Limits#maxLinesPerReply()} lines,
 * closes the connection ({@code COMMAND_TOO_LONG}); one that ends between CR and LF is
 * {@code MALFORMED_COMMAND}, and one holding a bare LF or NUL is refused by the framing, as any
 * literal is. Immutable: each line gives a new value.
 *
 * @param resume   the protocol's dialog, which answers the command after the chunk and the farewell
 * @param refusal  the answer to the BDAT command, sent when its chunk is complete
 * @param chunk    what remains of the chunk
 * @param lines    the lines the chunk has spanned so far
 * @param limits   the bounds
 * @param tooLarge what to send when the chunk is larger than the bounds allow, before closing
 */
public record ChunkSkip(ServerDialog resume, String refusal, Literal chunk, int lines, Limits limits, String tooLarge)
        implements Skipping {

    /** Sizes with more digits than this are absurd; they read as {@link Long#MAX_VALUE}. */
    private static final int MAX_DIGITS = 18;

    /**
     * The size of the chunk a BDAT command's arguments announce ({@code chunk-size [SP "LAST"]}).
     *
     * @param arguments what follows {@code BDAT} and its space
     * @return the size, {@link Long#MAX_VALUE} if absurdly large, or -1 when the arguments do not
     *         start with one (then no chunk is known to follow)
     */
    public static long size(String arguments) {
        int end = arguments.indexOf(' ');
        end = end < 0 ? arguments.length() : end;
        if (end == 0) {
            return -1;
        }
        for (int i = 0; i < end; i++) {
            if (arguments.charAt(i) < '0' || arguments.charAt(i) > '9') {
                return -1;
            }
        }
        return end > MAX_DIGITS ? Long.MAX_VALUE : Long.parseLong(arguments.substring(0, end));
    }

    /**
     * Holds {@code refusal}, the answer to a BDAT command, back until the chunk of {@code size}
     * octets that follows the command has been skipped.
     *
     * @param resume   the protocol's dialog
     * @param refusal  the answer to the BDAT command
     * @param size     the chunk's size, from {@link #size}
     * @param limits   the bounds
     * @param tooLarge what to send when the chunk is larger than the bounds allow, before closing
     * @return the step: the refusal at once for an empty chunk or none known, a close for one too
     *         large, else nothing to send yet
     */
    public static ServerStep after(ServerDialog resume, String refusal, long size, Limits limits, String tooLarge) {
        if (size <= 0) { // empty, or no size: no chunk follows that could be skipped
            return new ServerStep.Reply(resume, refusal);
        }
        if (size > limits.maxLiteralSize()) {
            return new ServerStep.Close(Failure.of(Failure.Reason.COMMAND_TOO_LONG,
                    "a BDAT chunk of more than " + limits.maxLiteralSize() + " bytes before TLS"), tooLarge);
        }
        return new ServerStep.Reply(new ChunkSkip(resume, refusal, new Literal(size), 0, limits, tooLarge), "");
    }

    /**
     * The same skip, going on with {@code dialog} once the chunk is complete: how LMTP's dialog,
     * which leaves BDAT to SMTP's, answers the command after the chunk itself.
     *
     * @param dialog the dialog to resume
     * @return the skip
     */
    public ChunkSkip resumingWith(ServerDialog dialog) {
        return new ChunkSkip(dialog, refusal, chunk, lines, limits, tooLarge);
    }

    @Override
    public String state() {
        return "SkippingChunk";
    }

    @Override
    public ServerStep onLine(String line) {
        if (lines + 1 > limits.maxLinesPerReply()) {
            return new ServerStep.Close(Failure.of(Failure.Reason.COMMAND_TOO_LONG,
                    "a BDAT chunk of more than " + limits.maxLinesPerReply() + " lines before TLS"), tooLarge);
        }
        Literal.Advance advance = chunk.advance(line);
        if (advance instanceof Literal.Inside inside) {
            // A chunk that ends with a line's CRLF is complete now: the client waits for the answer.
            return inside.next().remaining() == 0 ? new ServerStep.Reply(resume, refusal)
                    : new ServerStep.Reply(new ChunkSkip(resume, refusal, inside.next(), lines + 1, limits, tooLarge), "");
        }
        if (advance instanceof Literal.Split) {
            return new ServerStep.Close(Failure.of(Failure.Reason.MALFORMED_COMMAND, "a BDAT chunk ended between CR and LF"),
                    resume.farewell(Failure.Reason.MALFORMED_COMMAND));
        }
        return refusalFirst(resume.onLine(((Literal.Ended) advance).rest()));
    }

    /** The refusal, then the answer to the command that followed the chunk on its last line. */
    private ServerStep refusalFirst(ServerStep next) {
        if (next instanceof ServerStep.Reply reply) {
            return new ServerStep.Reply(reply.next(), refusal + reply.send());
        }
        if (next instanceof ServerStep.Close close) {
            return new ServerStep.Close(close.failure(), refusal + close.send());
        }
        if (next instanceof ServerStep.GoAhead goAhead) {
            return new ServerStep.GoAhead(refusal + goAhead.send());
        }
        // A hand-over cannot carry the refusal. It does not happen: a BDAT is refused only where
        // the policy requires TLS, and there nothing is handed over in plaintext; if it did, the
        // connection closes rather than leave the refusal unsent.
        return new ServerStep.Close(Failure.of(Failure.Reason.MALFORMED_COMMAND, "a command after a refused BDAT chunk"),
                resume.farewell(Failure.Reason.MALFORMED_COMMAND));
    }

    /** The protocol's own farewell: skipping changes nothing of what it says when it closes. */
    @Override
    public String farewell(Failure.Reason reason) {
        return resume.farewell(reason);
    }
}
