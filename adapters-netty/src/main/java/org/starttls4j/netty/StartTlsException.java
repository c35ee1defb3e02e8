package org.starttls4j.netty;

import java.util.Objects;
import javax.net.ssl.SSLException;
import org.starttls4j.Failure;

/**
 * Why the adapter could not go on: fails the promises of a client's application writes that
 * waited for a negotiation that failed. (A refused renegotiation under Netty's {@code SslHandler}
 * is the core's {@link org.starttls4j.RenegotiationRefusedException}.) A failed
 * <em>negotiation</em> is reported as a {@link StartTlsCompletionEvent.Failed}; a truncated session
 * as Netty reports it, a failed {@code SslCloseCompletionEvent}.
 */
public final class StartTlsException extends SSLException {

    private static final long serialVersionUID = 1L;

    /** The failure; not serialized (a {@link Failure} is a plain value, not meant for Java serialization). */
    private final transient Failure failure;

    StartTlsException(Failure failure) {
        super(Objects.requireNonNull(failure, "failure").toString());
        this.failure = failure;
    }

    /**
     * The failure, classified as the core classifies it.
     *
     * @return the failure; null only after Java deserialization
     */
    public Failure failure() {
        return failure;
    }
}
