package org.starttls4j.nio;

import java.io.IOException;
import org.starttls4j.Failure;

/**
 * The TLS session broke after the hand-over: the peer sent a bad record or a fatal alert. The
 * channel can only be closed.
 */
public final class TlsFailureException extends IOException {

    private static final long serialVersionUID = 1L;

    private final transient Failure failure;

    /**
     * An exception for a broken session.
     *
     * @param failure what broke, as the session classified it
     */
    public TlsFailureException(Failure failure) {
        super(failure.toString());
        this.failure = failure;
    }

    /**
     * What broke (not kept by serialization).
     *
     * @return what broke (not kept by serialization)
     */
    public Failure failure() {
        return failure;
    }
}
