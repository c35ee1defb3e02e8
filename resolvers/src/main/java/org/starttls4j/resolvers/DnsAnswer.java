package org.starttls4j.resolvers;

import java.util.List;
import java.util.Objects;

/**
 * What a DNS lookup found, and whether DNSSEC proved it.
 *
 * @param <T> what the records were turned into
 */
public sealed interface DnsAnswer<T> {

    /**
     * Records of the type asked for.
     *
     * @param values the records, converted
     * @param secure whether this resolver validated them with DNSSEC up to its trust anchor
     * @param <T>    the records' converted type
     */
    record Found<T>(List<T> values, boolean secure) implements DnsAnswer<T> {
        /**
         * Copies the list.
         *
         * @param values the records, converted
         * @param secure whether this resolver validated them with DNSSEC up to its trust anchor
         */
        public Found {
            values = List.copyOf(values);
        }
    }

    /**
     * The name has no records of the type (NXDOMAIN or NODATA).
     *
     * @param secure   whether DNSSEC proved the absence
     * @param noDomain whether the name itself does not exist (NXDOMAIN), rather than having no
     *                 records of this type (NODATA)
     * @param <T>      the records' converted type
     */
    record None<T>(boolean secure, boolean noDomain) implements DnsAnswer<T> {
        /**
         * No records of the type at a name that exists (NODATA).
         *
         * @param secure whether DNSSEC proved the absence
         */
        public None(boolean secure) {
            this(secure, false);
        }
    }

    /**
     * The lookup failed: DNSSEC validation failed (bogus), the server failed (SERVFAIL, REFUSED),
     * or it did not answer in time.
     *
     * @param why a human-readable explanation
     * @param <T> the records' converted type
     */
    record Failed<T>(String why) implements DnsAnswer<T> {
        /**
         * Checks the explanation is present.
         *
         * @param why a human-readable explanation
         */
        public Failed {
            Objects.requireNonNull(why, "why");
        }
    }
}
