package org.starttls4j;

import java.io.IOException;
import java.util.Objects;

/**
 * Thrown by the blocking helpers (such as {@link SecureByteChannel}) when the peer broke TLS, so
 * that code written against {@link java.nio.channels.ByteChannel} sees an {@link IOException}
 * and code that wants the reason has the typed {@link Failure}. The negotiation itself never
 * throws: it reports failures in its outcome.
 */
public final class FailureException extends IOException {

    private static final long serialVersionUID = 1L;

    /** Not serialized with the exception: failures are for the process that saw them. */
    private final transient Failure failure;

    /**
     * An exception for {@code failure}.
     *
     * @param failure what went wrong
     */
    public FailureException(Failure failure) {
        super(Objects.requireNonNull(failure, "failure").toString());
        this.failure = failure;
    }

    /**
     * What went wrong.
     *
     * @return the failure; null only in a deserialized copy
     */
    public Failure failure() {
        return failure;
    }
}
