package org.starttls4j.resolvers;

import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.starttls4j.mtasts.StsPolicy;
import org.starttls4j.mtasts.StsProblem;
import org.starttls4j.mtasts.StsRecord;
import org.starttls4j.text.Parsed;

/**
 * A domain's MTA-STS policy, looked up and cached as RFC 8461 §3.3 and §5.1 say.
 *
 * <ul>
 *   <li>The {@code _mta-sts} TXT record is read on every lookup. If its {@code id} is the
 *       cached policy's, the cached policy is used; if it differs (or nothing is cached) the
 *       policy is fetched and, when valid, replaces the cached one.</li>
 *   <li>A cached policy is used until {@code max_age} after it was fetched, <em>whatever DNS
 *       says</em>: a missing or broken TXT record, a failed DNS lookup or a failed fetch do not
 *       remove it. This is what makes MTA-STS resist an attacker who strips the record or blocks
 *       the policy server after a first clean fetch.</li>
 *   <li>A valid TXT record with no fetchable policy and nothing cached: deliver as without
 *       MTA-STS, and report the fetch failure.</li>
 * </ul>
 *
 * <p>The cache is in memory, bounded to a number of domains (the oldest entry leaves first), and
 * safe for concurrent use. Persisting it across restarts, as RFC 8461 recommends, is the caller's
 * job: {@link #remember} seeds it.
 */
public final class MtaStsResolver {

    private record Cached(StsPolicy policy, String id, Instant fetchedAt) {
    }

    private final DnssecResolver dns;
    private final MtaStsFetcher fetcher;
    private final int maxDomains;
    private final Map<String, Cached> cache = new LinkedHashMap<>();

    /**
     * A resolver.
     *
     * @param dns        reads the {@code _mta-sts} TXT records (DNSSEC is not required by MTA-STS)
     * @param fetcher    fetches the policies
     * @param maxDomains how many domains' policies the cache keeps
     */
    public MtaStsResolver(DnssecResolver dns, MtaStsFetcher fetcher, int maxDomains) {
        this.dns = Objects.requireNonNull(dns, "dns");
        this.fetcher = Objects.requireNonNull(fetcher, "fetcher");
        if (maxDomains < 1) {
            throw new IllegalArgumentException("the cache must hold at least one domain");
        }
        this.maxDomains = maxDomains;
    }

    /**
     * The policy of a domain at a time.
     *
     * @param domain the recipient domain
     * @param now    the time, against which cached policies expire
     * @return the policy, or why there is none
     */
    public StsLookup lookup(String domain, Instant now) {
        String key = domain.toLowerCase(Locale.ROOT);
        Cached cached = fresh(key, now);
        DnsAnswer<String> txt = dns.txt("_mta-sts." + key);
        Parsed<StsRecord, StsProblem> record = txt instanceof DnsAnswer.Found
                ? StsRecord.select(((DnsAnswer.Found<String>) txt).values())
                : Parsed.invalid(StsProblem.NO_RECORD, txt instanceof DnsAnswer.Failed
                        ? ((DnsAnswer.Failed<String>) txt).why() : "no TXT record at _mta-sts." + key);
        if (record instanceof Parsed.Invalid) {
            String why = ((Parsed.Invalid<StsRecord, StsProblem>) record).detail();
            return cached != null ? new StsLookup.Found(cached.policy(), cached.id(), cached.fetchedAt(), true)
                    : new StsLookup.NotFound(null, "no MTA-STS record: " + why);
        }
        String id = record.valid().orElseThrow().id();
        if (cached != null && cached.id().equals(id)) {
            return new StsLookup.Found(cached.policy(), cached.id(), cached.fetchedAt(), true);
        }
        PolicyFetch fetch = fetcher.fetch(key);
        if (fetch instanceof PolicyFetch.Fetched) {
            StsPolicy policy = ((PolicyFetch.Fetched) fetch).policy();
            remember(key, policy, id, now);
            return new StsLookup.Found(policy, id, now, false);
        }
        PolicyFetch.Failed failed = (PolicyFetch.Failed) fetch;
        if (cached != null) {
            return new StsLookup.Found(cached.policy(), cached.id(), cached.fetchedAt(), true);
        }
        return new StsLookup.NotFound(failed.report(), failed.why());
    }

    /**
     * Puts a policy in the cache, e.g. one persisted before a restart.
     *
     * @param domain    the recipient domain
     * @param policy    its policy
     * @param id        the TXT record's {@code id} it was fetched under
     * @param fetchedAt when it was fetched
     */
    public void remember(String domain, StsPolicy policy, String id, Instant fetchedAt) {
        synchronized (cache) {
            String key = domain.toLowerCase(Locale.ROOT);
            cache.remove(key);
            cache.put(key, new Cached(policy, id, fetchedAt));
            Iterator<String> oldest = cache.keySet().iterator();
            while (cache.size() > maxDomains) {
                oldest.next();
                oldest.remove();
            }
        }
    }

    private Cached fresh(String key, Instant now) {
        synchronized (cache) {
            Cached c = cache.get(key);
            if (c != null && !now.isBefore(c.fetchedAt().plus(c.policy().maxAge()))) {
                cache.remove(key);
                return null;
            }
            return c;
        }
    }
}
