package org.starttls4j.netty;

import java.util.Objects;
import javax.net.ssl.SSLException;
import org.starttls4j.Failure;

/**
 * Why a {@link StartTlsHandler} could not go on: fired through {@code exceptionCaught} when an
 * established TLS session breaks or is truncated, and used to fail the promises of writes that can
 * no longer be sent. A failed <em>negotiation</em> is reported as a
 * {@link StartTlsCompletionEvent.Failed} instead.
 */
public final class StartTlsException extends SSLException {

    private static final long serialVersionUID = 1L;

    /** The failure; not serialized (a {@link Failure} is a plain value, not meant for Java serialization). */
    private final transient Failure failure;
    /** Whether the peer ended the stream without {@code close_notify}. */
    private final boolean truncation;

    StartTlsException(Failure failure, boolean truncation) {
        super(Objects.requireNonNull(failure, "failure").toString());
        this.failure = failure;
        this.truncation = truncation;
    }

    /**
     * The failure, classified as the core classifies it.
     *
     * @return the failure; null only after Java deserialization
     */
    public Failure failure() {
        return failure;
    }

    /**
     * Whether the peer closed the connection without {@code close_notify} after TLS was up: the
     * application's data may have been cut off by an attacker (or a crash).
     *
     * @return true for a truncation
     */
    public boolean isTruncation() {
        return truncation;
    }
}
