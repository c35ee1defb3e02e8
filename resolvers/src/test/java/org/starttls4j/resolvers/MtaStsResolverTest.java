package org.starttls4j.resolvers;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.starttls4j.mtasts.MtaSts;
import org.starttls4j.mtasts.MxDecision;
import org.starttls4j.mtasts.StsMode;
import org.starttls4j.mtasts.StsPolicy;
import org.starttls4j.testing.TestPki;
import org.starttls4j.testing.TestPki.KeyType;
import org.starttls4j.tlsrpt.ResultType;

/**
 * The MTA-STS cache of RFC 8461 §5.1 and §10.2: a real HTTPS policy server on loopback, the TXT
 * record from a map a test changes as an attacker would, and the cache in a file that outlives
 * the resolver.
 */
class MtaStsResolverTest {

    static final String DOMAIN = "example.test";
    static final String POLICY = "version: STSv1\nmode: enforce\nmx: mx.example.test\nmax_age: 86400\n";
    static final Instant T0 = Instant.parse("2026-12-07T00:00:00Z");

    @TempDir
    Path dir;

    final PolicyServer server = new PolicyServer(TestPki.server(KeyType.EC_P256, "mta-sts.example.test"))
            .answer(PolicyServer.Reply.policy(POLICY));
    final MtaStsFetcher fetcher = MtaStsFetcher.builder().port(server.port()).timeout(Duration.ofSeconds(10))
            .sslContext(TestPki.clientContextTrusting(TestPki.ca(KeyType.EC_P256))).build();
    /** The DNS as the sender sees it; an attacker on the path removes entries. */
    final Map<String, String> txt = new ConcurrentHashMap<>(Map.of("_mta-sts." + DOMAIN, "v=STSv1; id=20261207;"));
    final Function<String, DnsAnswer<String>> dns = name -> txt.containsKey(name)
            ? new DnsAnswer.Found<>(List.of(txt.get(name)), false) : new DnsAnswer.None<>(false);

    @AfterEach
    void stop() {
        server.close();
    }

    MtaStsResolver resolver(PolicyStore store) {
        return new MtaStsResolver(dns, fetcher, 100, store);
    }

    void attackerStripsTheRecordAndBlocksThePolicyServer() {
        txt.clear();
        policyServerFailsWith(404);
    }

    /** The policy server answers every request with this status and no policy. */
    void policyServerFailsWith(int status) {
        server.answer(new PolicyServer.Reply(status, "text/plain", new byte[0], null));
    }

    /** A resolver that fetched the domain's policy at {@link #T0}; then the TXT record names {@code id} and the server fails. */
    MtaStsResolver cachedThenANewIdThatCannotBeFetched(String id, int status) {
        MtaStsResolver resolver = resolver(PolicyStore.inMemory());
        resolver.lookup(DOMAIN, T0);
        publishId(id);
        policyServerFailsWith(status);
        return resolver;
    }

    /** The domain's TXT record now names this policy id. */
    void publishId(String id) {
        txt.put("_mta-sts." + DOMAIN, "v=STSv1; id=" + id + ";");
    }

    static MxDecision decide(StsLookup lookup, String mxHost) {
        assertThat(lookup).isInstanceOf(StsLookup.Found.class);
        return MtaSts.decide(((StsLookup.Found) lookup).policy(), mxHost, b -> b);
    }

    @Test
    void anAttackerWhoRemovesTheTxtRecordDoesNotRemoveTheEnforcedPolicy() {
        MtaStsResolver resolver = resolver(PolicyStore.inMemory());
        assertThat(resolver.lookup(DOMAIN, T0)).isInstanceOfSatisfying(StsLookup.Found.class, f -> assertThat(f.fromCache()).isFalse());

        attackerStripsTheRecordAndBlocksThePolicyServer();
        StsLookup later = resolver.lookup(DOMAIN, T0.plusSeconds(3600));
        assertThat(later).isInstanceOfSatisfying(StsLookup.Found.class, f -> {
            assertThat(f.fromCache()).isTrue();
            assertThat(f.policy().mode()).isEqualTo(StsMode.ENFORCE);
        });
        // the attacker's MX host is still refused, the domain's still requires verified TLS
        assertThat(decide(later, "mx.attacker.test")).isInstanceOfSatisfying(MxDecision.DoNotDeliver.class,
                no -> assertThat(no.report()).isEqualTo(ResultType.VALIDATION_FAILURE));
        assertThat(decide(later, "mx.example.test")).isInstanceOfSatisfying(MxDecision.Deliver.class,
                yes -> assertThat(yes.failureFinal()).isTrue());
    }

    @Test
    void theCacheSurvivesARestartAndStillDefeatsTheAttacker() throws IOException {
        Path file = dir.resolve("cache/mta-sts.cache");
        resolver(FilePolicyStore.at(file)).lookup(DOMAIN, T0);
        assertThat(Files.readAllLines(file, StandardCharsets.US_ASCII)).hasSize(2).first().isEqualTo(FilePolicyStore.HEADER);

        attackerStripsTheRecordAndBlocksThePolicyServer();
        MtaStsResolver restarted = resolver(FilePolicyStore.at(file));
        assertThat(restarted.storeProblem()).isEmpty();
        StsLookup lookup = restarted.lookup(DOMAIN, T0.plusSeconds(7200));
        assertThat(lookup).isInstanceOfSatisfying(StsLookup.Found.class, f -> {
            assertThat(f.fromCache()).isTrue();
            assertThat(f.id()).isEqualTo("20261207");
            assertThat(f.fetchedAt()).isEqualTo(T0);
        });
        assertThat(decide(lookup, "mx.attacker.test")).isInstanceOf(MxDecision.DoNotDeliver.class);
    }

    @Test
    void aNewIdFetchesTheNewPolicyAndTheStoreFollows() throws IOException {
        Path file = dir.resolve("mta-sts.cache");
        MtaStsResolver resolver = resolver(FilePolicyStore.at(file));
        resolver.lookup(DOMAIN, T0);
        resolver.lookup(DOMAIN, T0.plusSeconds(60));
        assertThat(server.requests()).as("the same id is served from the cache").isEqualTo(1);

        publishId("20261208");
        server.answer(PolicyServer.Reply.policy(POLICY.replace("enforce", "testing")));
        assertThat(resolver.lookup(DOMAIN, T0.plusSeconds(120))).isInstanceOfSatisfying(StsLookup.Found.class, f -> {
            assertThat(f.fromCache()).isFalse();
            assertThat(f.id()).isEqualTo("20261208");
            assertThat(f.policy().mode()).isEqualTo(StsMode.TESTING);
        });
        assertThat(server.requests()).isEqualTo(2);
        assertThat(FilePolicyStore.at(file).load()).singleElement().satisfies(p -> {
            assertThat(p.id()).isEqualTo("20261208");
            assertThat(p.fetchedAt()).isEqualTo(T0.plusSeconds(120));
        });
    }

    @Test
    void aNewIdWhosePolicyCannotBeFetchedKeepsTheCachedPolicy() {
        MtaStsResolver resolver = cachedThenANewIdThatCannotBeFetched("forged", 500);
        assertThat(resolver.lookup(DOMAIN, T0.plusSeconds(60))).isInstanceOfSatisfying(StsLookup.Found.class, f -> {
            assertThat(f.fromCache()).isTrue();
            assertThat(f.id()).isEqualTo("20261207");
            // RFC 8461 §6: "Policy fetch failures of any kind when a valid policy exists in the policy cache"
            assertThat(f.report()).isEqualTo(ResultType.STS_POLICY_FETCH_ERROR);
        });
    }

    @Test
    void aFailedRenewalOfAPolicyOfModeNoneIsNothingToReportAndACacheHitNeither() {
        MtaStsResolver resolver = resolver(PolicyStore.inMemory());
        assertThat(resolver.lookup(DOMAIN, T0)).isInstanceOfSatisfying(StsLookup.Found.class, f -> assertThat(f.report()).isNull());
        assertThat(resolver.lookup(DOMAIN, T0.plusSeconds(60))).isInstanceOfSatisfying(StsLookup.Found.class, f -> {
            assertThat(f.fromCache()).isTrue();
            assertThat(f.report()).isNull();
        });
        resolver.remember(DOMAIN, StsPolicy.parse(POLICY.replace("enforce", "none")).valid().orElseThrow(), "20261207", T0);
        publishId("20261208");
        policyServerFailsWith(500);
        assertThat(resolver.lookup(DOMAIN, T0.plusSeconds(120))).isInstanceOfSatisfying(StsLookup.Found.class, f -> {
            assertThat(f.policy().mode()).isEqualTo(StsMode.NONE);
            assertThat(f.report()).as("RFC 8461 §6: except if that policy's mode is none").isNull();
        });
    }

    @Test
    void aFailedFetchIsNotTriedAgainForTheSameIdWithinFiveMinutes() {
        // RFC 8461 §3.3: "In the case that the HTTPS GET fails, implementers SHOULD limit further
        // attempts to a period of five minutes or longer per version ID"
        policyServerFailsWith(500);
        MtaStsResolver resolver = resolver(PolicyStore.inMemory());
        assertThat(resolver.lookup(DOMAIN, T0)).isInstanceOfSatisfying(StsLookup.NotFound.class,
                n -> assertThat(n.report()).isEqualTo(ResultType.STS_POLICY_FETCH_ERROR));
        server.answer(PolicyServer.Reply.policy(POLICY));
        assertThat(resolver.lookup(DOMAIN, T0.plus(MtaStsResolver.RETRY_AFTER).minusSeconds(1)))
                .isInstanceOfSatisfying(StsLookup.NotFound.class, n -> {
                    assertThat(n.report()).isEqualTo(ResultType.STS_POLICY_FETCH_ERROR);
                    assertThat(n.why()).contains("not tried again before");
                });
        assertThat(server.requests()).as("one attempt for the id in five minutes").isEqualTo(1);
        assertThat(resolver.lookup(DOMAIN, T0.plus(MtaStsResolver.RETRY_AFTER))).isInstanceOf(StsLookup.Found.class);
        assertThat(server.requests()).isEqualTo(2);
    }

    @Test
    void anAbsoluteOrUpperCaseDomainIsTheSameDomain() {
        MtaStsResolver resolver = resolver(PolicyStore.inMemory());
        assertThat(resolver.lookup("Example.TEST.", T0)).isInstanceOfSatisfying(StsLookup.Found.class, f -> assertThat(f.fromCache()).isFalse());
        assertThat(resolver.lookup(DOMAIN, T0.plusSeconds(60))).isInstanceOfSatisfying(StsLookup.Found.class, f -> assertThat(f.fromCache()).isTrue());
        assertThat(resolver.cached("example.test.")).isPresent();
        assertThat(server.requests()).isEqualTo(1);
    }

    @Test
    void aNewIdIsFetchedAtOnceThoughTheOldOnesFetchFailed() {
        policyServerFailsWith(500);
        MtaStsResolver resolver = resolver(PolicyStore.inMemory());
        resolver.lookup(DOMAIN, T0);
        publishId("20261208");
        server.answer(PolicyServer.Reply.policy(POLICY));
        assertThat(resolver.lookup(DOMAIN, T0.plusSeconds(1))).isInstanceOfSatisfying(StsLookup.Found.class,
                f -> assertThat(f.id()).isEqualTo("20261208"));
        assertThat(server.requests()).isEqualTo(2);
    }

    @Test
    void aCachedPolicyWhoseRenewalFailedIsServedFromTheCacheWithoutAFetchForFiveMinutes() {
        // a new id whose policy cannot be fetched, then a refresh that is due while the server is down
        MtaStsResolver resolver = cachedThenANewIdThatCannotBeFetched("20261208", 503);
        for (int second = 60; second < 60 + 300; second += 60) {
            assertThat(resolver.lookup(DOMAIN, T0.plusSeconds(second))).isInstanceOfSatisfying(StsLookup.Found.class,
                    f -> assertThat(f.fromCache()).isTrue());
        }
        assertThat(server.requests()).as("the first fetch, then one attempt for the new id").isEqualTo(2);
        publishId("20261207");
        for (int second = 50_000; second < 50_000 + 300; second += 60) {
            assertThat(resolver.lookup(DOMAIN, T0.plusSeconds(second))).isInstanceOf(StsLookup.Found.class);
        }
        assertThat(server.requests()).as("one renewal attempt for the cached id in five minutes").isEqualTo(3);
        assertThat(resolver.refresh(T0.plusSeconds(50_000 + 240))).as("refresh keeps to the same limit").isEmpty();
        assertThat(server.requests()).isEqualTo(3);
        assertThat(resolver.refresh(T0.plusSeconds(50_000 + 300))).isEmpty();
        assertThat(server.requests()).isEqualTo(4);
    }

    @Test
    void aPolicyIsFetchedAgainOnceHalfItsMaxAgeHasPassedEvenWithTheSameId() {
        MtaStsResolver resolver = resolver(PolicyStore.inMemory());
        resolver.lookup(DOMAIN, T0);
        resolver.lookup(DOMAIN, T0.plusSeconds(43_199));
        assertThat(server.requests()).isEqualTo(1);
        assertThat(resolver.lookup(DOMAIN, T0.plusSeconds(43_200))).isInstanceOfSatisfying(StsLookup.Found.class, f -> {
            assertThat(f.fromCache()).isFalse();
            assertThat(f.fetchedAt()).isEqualTo(T0.plusSeconds(43_200));
        });
        assertThat(server.requests()).isEqualTo(2);
        // renewed: good for a whole max_age from the refresh, past the first fetch's expiry
        attackerStripsTheRecordAndBlocksThePolicyServer();
        assertThat(resolver.lookup(DOMAIN, T0.plusSeconds(86_400 + 3600))).isInstanceOf(StsLookup.Found.class);
    }

    @Test
    void aRefreshDueWhileTheRecordIsStrippedStillRenewsFromThePolicyServer() {
        MtaStsResolver resolver = resolver(PolicyStore.inMemory());
        resolver.lookup(DOMAIN, T0);
        txt.clear();
        assertThat(resolver.lookup(DOMAIN, T0.plusSeconds(50_000))).isInstanceOfSatisfying(StsLookup.Found.class, f -> {
            assertThat(f.fromCache()).isFalse();
            assertThat(f.id()).as("renewed under the id it was cached with").isEqualTo("20261207");
        });
    }

    @Test
    void refreshRenewsTheDuePoliciesAndKeepsThoseItCannotFetch() {
        MtaStsResolver resolver = resolver(PolicyStore.inMemory());
        resolver.lookup(DOMAIN, T0);
        assertThat(resolver.refresh(T0.plusSeconds(60))).as("not due yet").isEmpty();
        assertThat(resolver.refresh(T0.plusSeconds(50_000))).containsExactly(DOMAIN);
        assertThat(resolver.cached(DOMAIN)).hasValueSatisfying(p -> assertThat(p.fetchedAt()).isEqualTo(T0.plusSeconds(50_000)));

        policyServerFailsWith(503);
        assertThat(resolver.refresh(T0.plusSeconds(100_000))).isEmpty();
        assertThat(resolver.cached(DOMAIN)).hasValueSatisfying(p -> assertThat(p.fetchedAt()).isEqualTo(T0.plusSeconds(50_000)));
    }

    @Test
    void anExpiredPolicyNoLongerAppliesAndLeavesTheStore() throws IOException {
        Path file = dir.resolve("mta-sts.cache");
        MtaStsResolver resolver = resolver(FilePolicyStore.at(file));
        resolver.lookup(DOMAIN, T0);
        attackerStripsTheRecordAndBlocksThePolicyServer();
        assertThat(resolver.lookup(DOMAIN, T0.plusSeconds(86_400))).isInstanceOf(StsLookup.NotFound.class);
        assertThat(FilePolicyStore.at(file).load()).isEmpty();
    }

    @Test
    void theCacheAndTheStoreAreBoundedToTheNumberOfDomains() throws IOException {
        Path file = dir.resolve("mta-sts.cache");
        MtaStsResolver resolver = new MtaStsResolver(dns, fetcher, 2, FilePolicyStore.at(file));
        StsPolicy policy = StsPolicy.parse(POLICY).valid().orElseThrow();
        for (String d : List.of("a.test", "b.test", "c.test")) {
            resolver.remember(d, policy, "1", T0);
        }
        assertThat(resolver.cached("a.test")).isEmpty();
        assertThat(FilePolicyStore.at(file).load()).extracting(CachedPolicy::domain).containsExactly("b.test", "c.test");
        assertThat(new MtaStsResolver(dns, fetcher, 1, FilePolicyStore.at(file)).cached("b.test")).isEmpty();
    }

    @Test
    void aFailingStoreIsReportedAndLookupsGoOn() {
        PolicyStore broken = new PolicyStore() {
            @Override
            public List<CachedPolicy> load() throws IOException {
                throw new IOException("disk gone");
            }

            @Override
            public void save(List<CachedPolicy> policies) throws IOException {
                throw new IOException("disk full");
            }
        };
        MtaStsResolver resolver = resolver(broken);
        assertThat(resolver.storeProblem()).hasValueSatisfying(p -> assertThat(p).contains("disk gone"));
        assertThat(resolver.lookup(DOMAIN, T0)).isInstanceOf(StsLookup.Found.class);
        assertThat(resolver.storeProblem()).hasValueSatisfying(p -> assertThat(p).contains("disk full"));
        attackerStripsTheRecordAndBlocksThePolicyServer();
        assertThat(resolver.lookup(DOMAIN, T0.plusSeconds(60))).isInstanceOf(StsLookup.Found.class);
    }
}
