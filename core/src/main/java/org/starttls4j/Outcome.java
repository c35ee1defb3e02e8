package org.starttls4j;

/** How a finished negotiation ended; see {@link Negotiation#outcome()}. */
public sealed interface Outcome {

    /**
     * TLS is up.
     *
     * @param session the TLS pipe
     */
    record Secured(SecureSession session) implements Outcome {
    }

    /**
     * Handed over without TLS, as the policy allows.
     *
     * @param session the plaintext connection's state
     */
    record Plaintext(PlaintextSession session) implements Outcome {
    }

    /**
     * Failed.
     *
     * @param failure why
     */
    record Failed(Failure failure) implements Outcome {
    }
}
