package org.starttls4j.internal.dialog;

import java.util.function.BiFunction;
import java.util.function.Function;
import org.starttls4j.Failure;
import org.starttls4j.ClientDialog;
import org.starttls4j.ClientStep;

/**
 * What one line did to an immutable reader of multi-line replies (POP3, NNTP, IMAP, ManageSieve):
 * the reply goes on, is complete, or the line cannot be part of one.
 *
 * @param <N> the reader, to feed the next line
 * @param <R> the complete reply
 */
public sealed interface Read<N, R> {

    /**
     * The reply continues.
     *
     * @param next the reader to feed the next line
     * @param <N>  the reader
     * @param <R>  the complete reply
     */
    record More<N, R>(N next) implements Read<N, R> {
    }

    /**
     * The reply is complete.
     *
     * @param reply the reply
     * @param <N>   the reader
     * @param <R>   the complete reply
     */
    record Complete<N, R>(R reply) implements Read<N, R> {
    }

    /**
     * The line cannot be part of a reply.
     *
     * @param failure why
     * @param <N>     the reader
     * @param <R>     the complete reply
     */
    record Bad<N, R>(Failure failure) implements Read<N, R> {
    }

    /**
     * What a client dialog does with it, the same in every protocol: a bad line fails the
     * negotiation (nothing is sent: the server's state is unknowable), an incomplete reply is
     * awaited further, a complete one is the dialog's to decide on. The dialog is passed in, so
     * that the two functions can be references that capture nothing (made once, not per line).
     *
     * @param dialog   the dialog reading the reply
     * @param more     the dialog that goes on reading with the next reader
     * @param complete the dialog's decision on the complete reply
     * @param <D>      the dialog
     * @return the step
     */
    default <D> ClientStep clientStep(D dialog, BiFunction<D, N, ClientDialog> more, BiFunction<D, R, ClientStep> complete) {
        if (this instanceof Bad<N, R> bad) {
            return new ClientStep.Fail(bad.failure(), "");
        }
        if (this instanceof More<N, R> next) {
            return ClientStep.Await.sending(more.apply(dialog, next.next()), "");
        }
        return complete.apply(dialog, ((Complete<N, R>) this).reply());
    }

    /**
     * The same, for dialogs whose functions capture what they need.
     *
     * @param more     the dialog that goes on reading with the next reader
     * @param complete the dialog's decision on the complete reply
     * @return the step
     */
    default ClientStep clientStep(Function<N, ClientDialog> more, Function<R, ClientStep> complete) {
        return clientStep(null, (none, next) -> more.apply(next), (none, reply) -> complete.apply(reply));
    }
}
