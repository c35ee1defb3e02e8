package org.starttls4j.dane;

import java.util.List;
import java.util.Objects;

/**
 * What the lookup of an MX host's TLSA records ({@code _25._tcp.<host>}) found, as a resolver
 * that validates DNSSEC itself reports it. Only {@link Secure} answers count for DANE: an answer
 * whose authenticity is unknown is {@link Insecure}.
 */
public sealed interface TlsaLookup {

    /**
     * A DNSSEC-validated TLSA RRset. Records the resolver could not parse are left out by it; an
     * RRset that is empty after that is still secure, and unusable.
     *
     * @param records the records
     */
    record Secure(List<Tlsa> records) implements TlsaLookup {
        /**
         * Copies the list.
         *
         * @param records the records
         */
        public Secure {
            records = List.copyOf(records);
        }
    }

    /** A validated proof that no TLSA records exist (NXDOMAIN or NODATA, signed). */
    record SecureNone() implements TlsaLookup {
    }

    /**
     * An answer in an unsigned zone (or below an insecure delegation), or no lookup at all: for a
     * host whose address records are insecure (RFC 7672 §2.2.2). An insecure MX RRset alone does
     * not make it: its hosts' TLSA records are still looked up and used when secure (§2.2.1).
     */
    record Insecure() implements TlsaLookup {
    }

    /**
     * The lookup failed: DNSSEC validation failed (bogus), or the server failed (SERVFAIL,
     * timeout). RFC 7672 §2.2: the client must not deliver to this host, since an attacker could
     * cause the failure to downgrade it.
     *
     * @param why a human-readable explanation
     */
    record Failed(String why) implements TlsaLookup {
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
