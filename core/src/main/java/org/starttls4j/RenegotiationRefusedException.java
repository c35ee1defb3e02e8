package org.starttls4j;

import java.util.Objects;
import javax.net.ssl.SSLException;

/**
 * What the engine of {@link TransportTls#engine()} throws from the {@code wrap} or {@code unwrap}
 * that saw the peer ask for more than the core allows after the handshake: a TLS 1.2
 * renegotiation, or more TLS 1.3 KeyUpdates and tickets than its allowance
 * ({@link Failure.Reason#RENEGOTIATION_REFUSED}). The transport's TLS stack then ends the
 * connection as it does for any engine failure (Netty's {@code SslHandler} fires it through
 * {@code exceptionCaught}, inside a {@code DecoderException}, and closes the channel). The core's
 * own pump and {@link SecureSession} report the same refusal as a {@link Failure}.
 */
public final class RenegotiationRefusedException extends SSLException {

    private static final long serialVersionUID = 1L;

    /** Not serialized with the exception: failures are for the process that saw them. */
    private final transient Failure failure;

    RenegotiationRefusedException(Failure failure) {
        super(Objects.requireNonNull(failure, "failure").message());
        this.failure = failure;
    }

    /**
     * What the engine refused.
     *
     * @return the failure, with {@link Failure.Reason#RENEGOTIATION_REFUSED}; null only in a
     *         deserialized copy
     */
    public Failure failure() {
        return failure;
    }
}
