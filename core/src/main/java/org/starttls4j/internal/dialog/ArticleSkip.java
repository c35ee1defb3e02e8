package org.starttls4j.internal.dialog;

import org.starttls4j.Failure;
import org.starttls4j.ServerDialog;
import org.starttls4j.ServerStep;

/**
 * The state {@code SkippingArticle} of an NNTP server: the article of a TAKETHIS command
 * (RFC 4644 §2.5) that the negotiation refused before TLS. A streaming peer sends the article
 * right after the command, without waiting for an answer, as a multi-line data block ending with a
 * line holding a single {@code "."} (RFC 3977 §3.1.1); read as commands instead, its lines would
 * each be answered, a {@code STARTTLS} or {@code QUIT} among them. Its lines are passed over,
 * never kept, up to the terminating dot; then the refusal goes out. What bounds it is the flow's
 * bound on plaintext bytes before TLS. Immutable: it holds nothing that changes.
 *
 * @param resume  the protocol's dialog, which answers the commands after the article and the farewell
 * @param refusal the answer to the TAKETHIS command, sent when its article is complete
 */
public record ArticleSkip(ServerDialog resume, String refusal) implements Skipping {

    /**
     * Holds {@code refusal}, the answer to a TAKETHIS command, back until the article that
     * follows the command has passed.
     *
     * @param resume  the protocol's dialog
     * @param refusal the answer to the TAKETHIS command
     * @return the step: nothing to send yet
     */
    public static ServerStep after(ServerDialog resume, String refusal) {
        return new ServerStep.Reply(new ArticleSkip(resume, refusal), "");
    }

    @Override
    public String state() {
        return "SkippingArticle";
    }

    @Override
    public ServerStep onLine(String line) {
        // Dot-stuffed lines ("..") are the article's; only a lone dot ends it.
        return line.equals(".") ? new ServerStep.Reply(resume, refusal) : new ServerStep.Reply(this, "");
    }

    /** The protocol's own farewell: skipping changes nothing of what it says when it closes. */
    @Override
    public String farewell(Failure.Reason reason) {
        return resume.farewell(reason);
    }
}
