package org.starttls4j.resolvers;

import java.time.Instant;
import java.util.Objects;
import org.starttls4j.mtasts.StsPolicy;
import org.starttls4j.tlsrpt.ResultType;

/** What {@link MtaStsResolver} found for a domain. */
public sealed interface StsLookup {

    /**
     * The domain's policy, fresh from its server or from the cache.
     *
     * @param policy    the policy
     * @param id        the {@code id} of the TXT record it was fetched under
     * @param fetchedAt when it was fetched; it is good until {@code fetchedAt + max_age}
     * @param fromCache whether it came from the cache (also when the TXT record is now missing:
     *                  the cache is what defeats an attacker who strips it)
     * @param report    why fetching it anew failed, when this lookup tried and the cached policy
     *                  (not of mode {@code none}) stands in ({@code sts-policy-fetch-error} and kin,
     *                  reportable by RFC 8461 §6); null otherwise
     */
    record Found(StsPolicy policy, String id, Instant fetchedAt, boolean fromCache, ResultType report) implements StsLookup {
        /**
         * Checks the components are present.
         *
         * @param policy the policy
         * @param id the {@code id} of the TXT record it was fetched under
         * @param fetchedAt when it was fetched; it is good until {@code fetchedAt + max_age}
         * @param fromCache whether it came from the cache (also when the TXT record is now missing: the cache
         *                  is what defeats an attacker who strips it)
         * @param report why fetching it anew failed, when the cached policy stands in; null otherwise
         */
        public Found {
            Objects.requireNonNull(policy, "policy");
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(fetchedAt, "fetchedAt");
        }

        /**
         * A policy found with nothing to report.
         *
         * @param policy    the policy
         * @param id        the {@code id} of the TXT record it was fetched under
         * @param fetchedAt when it was fetched
         * @param fromCache whether it came from the cache
         */
        public Found(StsPolicy policy, String id, Instant fetchedAt, boolean fromCache) {
            this(policy, id, fetchedAt, fromCache, null);
        }
    }

    /**
     * No policy applies: deliver as without MTA-STS.
     *
     * @param report what to report (a TXT record was there but its policy could not be fetched:
     *               {@code sts-policy-fetch-error} and kin), or null when the domain simply has none
     * @param why    a human-readable explanation
     */
    record NotFound(ResultType report, String why) implements StsLookup {
        /**
         * Checks the explanation is present.
         *
         * @param report what to report (a TXT record was there but its policy could not be fetched: {@code
         *               sts-policy-fetch-error} and kin), or null when the domain simply has none
         * @param why a human-readable explanation
         */
        public NotFound {
            Objects.requireNonNull(why, "why");
        }
    }
}
