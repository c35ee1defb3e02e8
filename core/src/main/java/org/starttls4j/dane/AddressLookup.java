package org.starttls4j.dane;

import java.util.Objects;

/**
 * The DNSSEC status of an MX host's address records (A and AAAA, after any CNAME expansion), as a
 * resolver that validates DNSSEC itself found them. RFC 7672 §2.2.2 looks TLSA records up only for
 * a host whose address records are secure; {@link Dane#tlsaBase(CnameChain, AddressLookup,
 * java.util.function.Function)} applies that rule.
 */
public sealed interface AddressLookup {

    /** Validated: at least one address family's records (or their proven absence) validated. */
    record Secure() implements AddressLookup {
    }

    /** Unsigned (or below an insecure delegation, or reached through an insecure CNAME). */
    record Insecure() implements AddressLookup {
    }

    /**
     * The lookup failed (bogus, SERVFAIL, timeout) and no family validated: whether the host is
     * secure is unknown, and an attacker may have caused that.
     *
     * @param why a human-readable explanation
     */
    record Failed(String why) implements AddressLookup {
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
