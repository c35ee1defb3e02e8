package org.starttls4j.internal.dialog;

import org.starttls4j.ServerDialog;
import org.starttls4j.ServerStep;

/**
 * A server dialog's state in the middle of a command whose lines are data to count, never
 * commands to answer: an IMAP or ManageSieve literal ({@link LiteralSkip}), an SMTP BDAT chunk
 * ({@link ChunkSkip}), an NNTP TAKETHIS article ({@link ArticleSkip}). What they have in common.
 */
interface Skipping extends ServerDialog {

    /** Its lines are data: the transcript shows their length, not their text. */
    @Override
    default boolean readsLiteral() {
        return true;
    }

    /** Never called: the dialog greeted before any command. */
    @Override
    default ServerStep start() {
        throw new IllegalStateException("a dialog in the state " + state() + " has greeted already");
    }
}
