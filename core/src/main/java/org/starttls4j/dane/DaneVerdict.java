package org.starttls4j.dane;

import java.util.Objects;
import org.starttls4j.CertificateProblem;

/** What {@link DaneVerifier} found when it held a server's chain against TLSA records. */
public sealed interface DaneVerdict {

    /**
     * A usable record authenticated the server.
     *
     * @param record the record that matched
     * @param depth  where in the chain it matched: 0 the leaf (DANE-EE), above 0 an issuer (DANE-TA)
     */
    record Authenticated(Tlsa record, int depth) implements DaneVerdict {
        /**
         * Checks the record is present.
         *
         * @param record the record that matched
         * @param depth where in the chain it matched: 0 the leaf (DANE-EE), above 0 an issuer (DANE-TA)
         */
        public Authenticated {
            Objects.requireNonNull(record, "record");
        }
    }

    /**
     * Usable records were there, but none authenticated the server.
     *
     * @param problem {@link CertificateProblem#DANE_MISMATCH} when no record matched the chain;
     *                {@link CertificateProblem#HOST_MISMATCH}, {@link CertificateProblem#EXPIRED} or
     *                another when a DANE-TA record matched an issuer but the chain below it failed
     * @param why     a human-readable explanation
     */
    record Rejected(CertificateProblem problem, String why) implements DaneVerdict {
        /**
         * Checks the components are present.
         *
         * @param problem {@link CertificateProblem#DANE_MISMATCH} when no record matched the chain; {@link
         *                CertificateProblem#HOST_MISMATCH}, {@link CertificateProblem#EXPIRED} or another
         *                when a DANE-TA record matched an issuer but the chain below it failed
         * @param why a human-readable explanation
         */
        public Rejected {
            Objects.requireNonNull(problem, "problem");
            Objects.requireNonNull(why, "why");
        }
    }

    /**
     * Every record was unusable: the server cannot be authenticated, yet TLS stays mandatory
     * (RFC 7672 §2.2; Postfix's effective level {@code encrypt}).
     */
    record NoUsableRecords() implements DaneVerdict {
    }
}
