package org.starttls4j.resolvers;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.starttls4j.mtasts.StsMode;
import org.starttls4j.mtasts.StsPolicy;
import org.starttls4j.mtasts.StsProblem;
import org.starttls4j.mtasts.StsRecord;
import org.starttls4j.text.Parsed;
import org.starttls4j.tlsrpt.ResultType;

/**
 * A domain's MTA-STS policy, looked up and cached as RFC 8461 §3.3, §5.1 and §10.2 say.
 *
 * <ul>
 *   <li>The {@code _mta-sts} TXT record is read on every lookup. If its {@code id} is the
 *       cached policy's, the cached policy is used; if it differs (or nothing is cached) the
 *       policy is fetched and, when valid, replaces the cached one.</li>
 *   <li>A cached policy is used until {@code max_age} after it was fetched, <em>whatever DNS
 *       says</em>: a missing or broken TXT record, a failed DNS lookup or a failed fetch do not
 *       remove it. This is what makes MTA-STS resist an attacker who strips the record or blocks
 *       the policy server after a first clean fetch.</li>
 *   <li>Once half of a cached policy's {@code max_age} has passed
 *       ({@link CachedPolicy#refreshDue}), a lookup fetches it again even if the {@code id} is
 *       unchanged or the TXT record is gone, and {@link #refresh} does so for every such domain
 *       (call it daily): a policy in use is renewed before it expires (§10.2). A failed refresh
 *       keeps the cached policy.</li>
 *   <li>A fetch that failed is not tried again under the same {@code id} for
 *       {@link #RETRY_AFTER} (RFC 8461 §3.3); meanwhile the cached policy, if any, applies, and
 *       otherwise the lookup reports that failure again.</li>
 *   <li>A valid TXT record with no fetchable policy and nothing cached: deliver as without
 *       MTA-STS, and report the fetch failure.</li>
 * </ul>
 *
 * <p>The cache is bounded to a number of domains (the oldest fetch leaves first), safe for
 * concurrent use, and kept across restarts by a {@link PolicyStore} (§5.1: "Senders SHOULD
 * cache a policy ... so that it survives a restart"): {@link FilePolicyStore} for a file. A
 * store that fails does not stop lookups: the cache goes on in memory and
 * {@link #storeProblem()} says what went wrong.
 */
public final class MtaStsResolver {

    /**
     * How long after a failed fetch of a domain's policy under an {@code id} no further fetch
     * under that {@code id} is tried (RFC 8461 §3.3: "five minutes or longer per version ID").
     */
    public static final Duration RETRY_AFTER = Duration.ofMinutes(5);

    private final Function<String, DnsAnswer<String>> txt;
    private final MtaStsFetcher fetcher;
    private final int maxDomains;
    private final PolicyStore store;
    private final Map<String, CachedPolicy> cache = new LinkedHashMap<>();
    /** Per domain, the last failed fetch while it is younger than {@link #RETRY_AFTER}; bounded as the cache is. */
    private final Map<String, FailedFetch> failedFetches = new LinkedHashMap<>();
    private volatile String storeProblem;

    /**
     * A resolver whose cache lives in memory.
     *
     * @param dns        reads the {@code _mta-sts} TXT records (DNSSEC is not required by MTA-STS)
     * @param fetcher    fetches the policies
     * @param maxDomains how many domains' policies the cache keeps
     * @throws IllegalArgumentException if {@code maxDomains} is below 1
     */
    public MtaStsResolver(DnssecResolver dns, MtaStsFetcher fetcher, int maxDomains) {
        this(Objects.requireNonNull(dns, "dns")::txt, fetcher, maxDomains, PolicyStore.inMemory());
    }

    /**
     * A resolver whose cache a store keeps across restarts; what the store holds is loaded now
     * (expired ones leave at their next lookup or {@link #refresh}).
     *
     * @param txt        the TXT lookup, e.g. {@code dnssecResolver::txt}
     * @param fetcher    fetches the policies
     * @param maxDomains how many domains' policies the cache keeps
     * @param store      where the cache is kept, e.g. {@link FilePolicyStore#at}
     * @throws IllegalArgumentException if {@code maxDomains} is below 1
     */
    public MtaStsResolver(Function<String, DnsAnswer<String>> txt, MtaStsFetcher fetcher, int maxDomains, PolicyStore store) {
        this.txt = Objects.requireNonNull(txt, "txt");
        this.fetcher = Objects.requireNonNull(fetcher, "fetcher");
        this.store = Objects.requireNonNull(store, "store");
        if (maxDomains < 1) {
            throw new IllegalArgumentException("the cache must hold at least one domain");
        }
        this.maxDomains = maxDomains;
        try {
            for (CachedPolicy p : store.load()) {
                put(p);
            }
        } catch (IOException | RuntimeException e) {
            storeProblem = "cannot load " + store + ": " + e;
        }
    }

    /**
     * The policy of a domain at a time.
     *
     * @param domain the recipient domain
     * @param now    the time, against which cached policies expire
     * @return the policy, or why there is none
     */
    public StsLookup lookup(String domain, Instant now) {
        String key = policyDomain(domain);
        CachedPolicy cached = fresh(key, now);
        DnsAnswer<String> answer = txt.apply("_mta-sts." + key);
        Parsed<StsRecord, StsProblem> record = answer instanceof DnsAnswer.Found<String> found
                ? StsRecord.select(found.values())
                : Parsed.invalid(StsProblem.NO_RECORD, answer instanceof DnsAnswer.Failed<String> failed
                        ? failed.why() : "no TXT record at _mta-sts." + key);
        if (record instanceof Parsed.Invalid) {
            if (cached == null) {
                return new StsLookup.NotFound(null, "no MTA-STS record: " + ((Parsed.Invalid<StsRecord, StsProblem>) record).detail());
            }
            // The record is gone or broken: the cached policy holds (§5.1); renew it if it is due.
            return cached.refreshDue(now) ? refetch(cached, cached.id(), now) : found(cached, true);
        }
        String id = record.valid().orElseThrow().id();
        if (cached != null && cached.id().equals(id) && !cached.refreshDue(now)) {
            return found(cached, true);
        }
        if (cached != null) {
            return refetch(cached, id, now);
        }
        Parsed<StsPolicy, ResultType> fetch = fetch(key, id, now);
        if (fetch instanceof Parsed.Invalid<StsPolicy, ResultType> failed) {
            return new StsLookup.NotFound(failed.problem(), failed.detail());
        }
        return found(remember(key, fetch.valid().orElseThrow(), id, now), false);
    }

    /**
     * Fetches again every cached policy whose refresh is due ({@link CachedPolicy#refreshDue}),
     * under the {@code id} it was cached with, and drops the expired ones. Meant to run on the
     * caller's schedule, e.g. daily, so that the policies of domains mailed rarely stay fresh.
     * Blocks for up to the fetcher's time limit per domain due.
     *
     * @param now the time
     * @return the domains whose policy was renewed
     */
    public List<String> refresh(Instant now) {
        List<CachedPolicy> due = new ArrayList<>();
        boolean expired;
        synchronized (cache) {
            expired = cache.values().removeIf(p -> p.expired(now));
            for (CachedPolicy p : cache.values()) {
                if (p.refreshDue(now)) {
                    due.add(p);
                }
            }
        }
        List<String> renewed = new ArrayList<>();
        for (CachedPolicy p : due) {
            StsLookup.Found f = (StsLookup.Found) refetch(p, p.id(), now);
            if (!f.fromCache()) {
                renewed.add(p.domain());
            }
        }
        if (expired) {
            persist();
        }
        return renewed;
    }

    /** Fetches a cached domain's policy again; a failure keeps the cached policy in force. */
    private StsLookup refetch(CachedPolicy cached, String id, Instant now) {
        Parsed<StsPolicy, ResultType> fetched = fetch(cached.domain(), id, now);
        if (fetched instanceof Parsed.Invalid<StsPolicy, ResultType> failed) {
            // RFC 8461 §6: a failed fetch while a policy is cached is reportable, unless its mode is none
            return new StsLookup.Found(cached.policy(), cached.id(), cached.fetchedAt(), true,
                    cached.policy().mode() == StsMode.NONE ? null : failed.problem());
        }
        return found(remember(cached.domain(), fetched.valid().orElseThrow(), id, now), false);
    }

    /**
     * Fetches a domain's policy for the TXT record's {@code id}, unless a fetch under that same
     * {@code id} failed less than {@link #RETRY_AFTER} ago (RFC 8461 §3.3): then that failure is
     * the answer, and a resource-constrained policy server is not asked again at every delivery.
     */
    private Parsed<StsPolicy, ResultType> fetch(String domain, String id, Instant now) {
        synchronized (failedFetches) {
            FailedFetch last = failedFetches.get(domain);
            if (last != null && last.id().equals(id) && now.isBefore(last.at().plus(RETRY_AFTER))) {
                return Parsed.invalid(last.problem(), last.detail() + " (failed at " + last.at() + ", not tried again before "
                        + last.at().plus(RETRY_AFTER) + ", RFC 8461 §3.3)");
            }
        }
        Parsed<StsPolicy, ResultType> fetched = fetcher.fetch(domain);
        synchronized (failedFetches) {
            failedFetches.remove(domain);
            if (fetched instanceof Parsed.Invalid<StsPolicy, ResultType> failed) {
                failedFetches.put(domain, new FailedFetch(id, now, failed.problem(), failed.detail()));
                Iterator<String> oldest = failedFetches.keySet().iterator();
                while (failedFetches.size() > maxDomains) {
                    oldest.next();
                    oldest.remove();
                }
            }
        }
        return fetched;
    }

    /**
     * A recipient domain as the cache and the lookups name it: lower case, without the trailing
     * dot of an absolute name ({@code Example.COM.} is {@code example.com}).
     */
    static String policyDomain(String domain) {
        String d = domain.endsWith(".") ? domain.substring(0, domain.length() - 1) : domain;
        return d.toLowerCase(Locale.ROOT);
    }

    /** A fetch that failed: under which {@code id}, when, and why. */
    private record FailedFetch(String id, Instant at, ResultType problem, String detail) {
    }

    private static StsLookup.Found found(CachedPolicy p, boolean fromCache) {
        return new StsLookup.Found(p.policy(), p.id(), p.fetchedAt(), fromCache);
    }

    /**
     * Puts a policy in the cache and the store, e.g. one fetched by other means.
     *
     * @param domain    the recipient domain
     * @param policy    its policy
     * @param id        the TXT record's {@code id} it was fetched under
     * @param fetchedAt when it was fetched
     * @return the cached entry
     */
    public CachedPolicy remember(String domain, StsPolicy policy, String id, Instant fetchedAt) {
        CachedPolicy p = new CachedPolicy(policyDomain(domain), policy, id, fetchedAt);
        put(p);
        persist();
        return p;
    }

    /**
     * What is cached for a domain, expired or not.
     *
     * @param domain the recipient domain
     * @return the entry, if any
     */
    public Optional<CachedPolicy> cached(String domain) {
        synchronized (cache) {
            return Optional.ofNullable(cache.get(policyDomain(domain)));
        }
    }

    /**
     * Why the store last failed to load or save, if it did.
     *
     * @return the explanation, or empty while the store works
     */
    public Optional<String> storeProblem() {
        return Optional.ofNullable(storeProblem);
    }

    private void put(CachedPolicy p) {
        synchronized (cache) {
            cache.remove(p.domain());
            cache.put(p.domain(), p);
            Iterator<String> oldest = cache.keySet().iterator();
            while (cache.size() > maxDomains) {
                oldest.next();
                oldest.remove();
            }
        }
    }

    /** Saves the whole cache; under the cache's lock, so that saves happen in the order of the changes. */
    private void persist() {
        synchronized (cache) {
            try {
                store.save(List.copyOf(cache.values()));
                storeProblem = null;
            } catch (IOException | RuntimeException e) {
                storeProblem = "cannot save to " + store + ": " + e;
            }
        }
    }

    private CachedPolicy fresh(String key, Instant now) {
        boolean removed;
        CachedPolicy c;
        synchronized (cache) {
            c = cache.get(key);
            removed = c != null && c.expired(now);
            if (removed) {
                cache.remove(key);
            }
        }
        if (removed) {
            persist();
            return null;
        }
        return c;
    }
}
