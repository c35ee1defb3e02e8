package org.starttls4j.text;

import java.util.Objects;
import java.util.Optional;

/**
 * What a parser of untrusted text or bytes made of its input: a value, or a typed reason the input
 * was rejected. Parsers return this instead of throwing, so that no input, however hostile, makes
 * them throw.
 *
 * @param <T> the parsed value
 * @param <P> the enumeration of reasons this parser rejects input for
 */
public sealed interface Parsed<T, P extends Enum<P>> {

    /**
     * The input was valid.
     *
     * @param value the parsed value
     * @param <T>   the parsed value's type
     * @param <P>   the reasons' type
     */
    record Valid<T, P extends Enum<P>>(T value) implements Parsed<T, P> {
        /**
         * Checks the value is present.
         *
         * @param value the parsed value
         */
        public Valid {
            Objects.requireNonNull(value, "value");
        }
    }

    /**
     * The input was rejected.
     *
     * @param problem why, stable across releases
     * @param detail  a human-readable explanation, never containing more than a short excerpt of the input
     * @param <T>     the parsed value's type
     * @param <P>     the reasons' type
     */
    record Invalid<T, P extends Enum<P>>(P problem, String detail) implements Parsed<T, P> {
        /**
         * Checks the components are present.
         *
         * @param problem why, stable across releases
         * @param detail  a human-readable explanation
         */
        public Invalid {
            Objects.requireNonNull(problem, "problem");
            Objects.requireNonNull(detail, "detail");
        }
    }

    /**
     * A valid result.
     *
     * @param value the value
     * @param <T>   the value's type
     * @param <P>   the reasons' type
     * @return the result
     */
    static <T, P extends Enum<P>> Parsed<T, P> valid(T value) {
        return new Valid<>(value);
    }

    /**
     * A rejection.
     *
     * @param problem why
     * @param detail  a human-readable explanation
     * @param <T>     the value's type
     * @param <P>     the reasons' type
     * @return the result
     */
    static <T, P extends Enum<P>> Parsed<T, P> invalid(P problem, String detail) {
        return new Invalid<>(problem, detail);
    }

    /**
     * The value, if the input was valid.
     *
     * @return the value or empty
     */
    default Optional<T> valid() {
        return this instanceof Valid ? Optional.of(((Valid<T, P>) this).value()) : Optional.empty();
    }

    /**
     * The reason, if the input was rejected.
     *
     * @return the reason or empty
     */
    default Optional<P> rejection() {
        return this instanceof Invalid ? Optional.of(((Invalid<T, P>) this).problem()) : Optional.empty();
    }

    /**
     * A short, printable excerpt of untrusted input for a {@link Invalid#detail()}: at most 40
     * characters, controls and non-ASCII shown as {@code ?}.
     *
     * @param input the input
     * @return the excerpt, quoted
     */
    static String excerpt(CharSequence input) {
        StringBuilder s = new StringBuilder("\"");
        for (int i = 0; i < input.length() && i < 40; i++) {
            char c = input.charAt(i);
            s.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return s.append(input.length() > 40 ? "…\"" : "\"").toString();
    }
}
