package org.starttls4j.text;

import java.util.Objects;
import java.util.Optional;
import org.starttls4j.Failure;

/**
 * What a {@link ResponseParser} made of the bytes it received: a complete response, a need for
 * more bytes, or a peer that broke the protocol (a typed {@link Failure}, never an exception).
 *
 * @param <T> the response type
 */
public sealed interface Received<T> {

    /**
     * A complete response.
     *
     * @param <T>   the response type
     * @param value the response
     */
    record Complete<T>(T value) implements Received<T> {

        /**
         * Checks the value is present.
         *
         * @param value the response
         */
        public Complete {
            Objects.requireNonNull(value, "value");
        }
    }

    /**
     * Every byte given was taken and the response is not complete yet: read more and call again.
     *
     * @param <T> the response type
     */
    record NeedsInput<T>() implements Received<T> {
    }

    /**
     * The peer sent something that is not a response, or more than the bounds allow. The parser
     * stays failed: every later call gives the same failure.
     *
     * @param <T>     the response type
     * @param failure why
     */
    record Failed<T>(Failure failure) implements Received<T> {

        /**
         * Checks the failure is present.
         *
         * @param failure why
         */
        public Failed {
            Objects.requireNonNull(failure, "failure");
        }
    }

    /**
     * The response, if this is one.
     *
     * @return the value of a {@link Complete}, or empty
     */
    default Optional<T> response() {
        return this instanceof Complete<T> c ? Optional.of(c.value()) : Optional.empty();
    }

    /**
     * Why the peer's bytes are not a response, if they are not.
     *
     * @return the failure of a {@link Failed}, or empty
     */
    default Optional<Failure> failed() {
        return this instanceof Failed<T> f ? Optional.of(f.failure()) : Optional.empty();
    }
}
