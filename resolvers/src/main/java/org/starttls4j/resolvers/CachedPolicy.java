package org.starttls4j.resolvers;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import org.starttls4j.mtasts.StsPolicy;

/**
 * A domain's MTA-STS policy as {@link MtaStsResolver} caches it, and as a {@link PolicyStore}
 * keeps it across restarts.
 *
 * @param domain    the recipient domain, lower case
 * @param policy    its policy
 * @param id        the {@code id} of the TXT record it was fetched under
 * @param fetchedAt when it was fetched; it is good until {@code fetchedAt + max_age}
 */
public record CachedPolicy(String domain, StsPolicy policy, String id, Instant fetchedAt) {

    /**
     * Checks the components are present and lower-cases the domain.
     *
     * @param domain    the recipient domain
     * @param policy    its policy
     * @param id        the {@code id} of the TXT record it was fetched under
     * @param fetchedAt when it was fetched
     */
    public CachedPolicy {
        domain = Objects.requireNonNull(domain, "domain").toLowerCase(Locale.ROOT);
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(fetchedAt, "fetchedAt");
    }

    /**
     * When the policy stops applying (RFC 8461 §3.2, {@code max_age}).
     *
     * @return {@code fetchedAt + max_age}
     */
    public Instant expiresAt() {
        return fetchedAt.plus(policy.maxAge());
    }

    /**
     * Whether the policy has expired.
     *
     * @param now the time
     * @return {@code true} from {@link #expiresAt()} on
     */
    public boolean expired(Instant now) {
        return !now.isBefore(expiresAt());
    }

    /**
     * Whether to fetch the policy again although its {@code id} has not changed: once half of its
     * {@code max_age} has passed. RFC 8461 §10.2 asks senders to refresh cached policies before
     * they expire, so that an attacker who blocks the TXT record or the policy server from then on
     * does not outlast the cache; halfway leaves a week-long policy three and a half days of retries.
     *
     * @param now the time
     * @return {@code true} from {@code fetchedAt + max_age / 2} on
     */
    public boolean refreshDue(Instant now) {
        return !now.isBefore(fetchedAt.plus(policy.maxAge().dividedBy(2)));
    }
}
