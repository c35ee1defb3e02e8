package org.starttls4j.resolvers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.starttls4j.mtasts.StsMode;
import org.starttls4j.mtasts.StsPolicy;
import org.starttls4j.testing.TestPki;
import org.starttls4j.testing.TestPki.KeyType;
import org.starttls4j.text.Parsed;
import org.starttls4j.tlsrpt.ResultType;

/** The HTTPS fetch of RFC 8461 §3.3 against a real HTTPS server on loopback ({@code mta-sts.*.test} resolve there through the test hosts file). */
class MtaStsFetcherTest {

    static final String POLICY = "version: STSv1\nmode: enforce\nmx: mx.example.test\nmax_age: 86400\n";

    final PolicyServer server = new PolicyServer(TestPki.server(KeyType.EC_P256, "mta-sts.example.test", "mta-sts.other.test"));
    final MtaStsFetcher fetcher = MtaStsFetcher.builder().port(server.port()).timeout(Duration.ofSeconds(10))
            .sslContext(TestPki.clientContextTrusting(TestPki.ca(KeyType.EC_P256))).build();

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aValidPolicyIsFetched() {
        server.answer(PolicyServer.Reply.policy(POLICY));
        Parsed<StsPolicy, ResultType> fetch = fetcher.fetch("example.test");
        assertThat(fetch.rejection()).isEmpty();
        assertThat(fetch.valid().orElseThrow().mode()).isEqualTo(StsMode.ENFORCE);
        assertThat(fetcher.policyUri("example.test").toString())
                .isEqualTo("https://mta-sts.example.test:" + server.port() + "/.well-known/mta-sts.txt");
    }

    @Test
    void redirectsAreNotFollowed() {
        server.answer(new PolicyServer.Reply(302, "text/plain", new byte[0], "https://mta-sts.other.test:" + server.port() + "/x"));
        Parsed.Invalid<StsPolicy, ResultType> f = failed(fetcher.fetch("example.test"));
        assertThat(f.problem()).isEqualTo(ResultType.STS_POLICY_FETCH_ERROR);
        assertThat(f.detail()).contains("302", "redirects are not followed");
        assertThat(server.requests()).isEqualTo(1);
    }

    @Test
    void onlyStatus200Counts() {
        server.answer(new PolicyServer.Reply(404, "text/plain", POLICY.getBytes(StandardCharsets.UTF_8), null));
        assertThat(fetcher.fetch("example.test").rejection()).contains(ResultType.STS_POLICY_FETCH_ERROR);
    }

    @Test
    void onlyTextPlainCounts() {
        server.answer(new PolicyServer.Reply(200, "text/html", POLICY.getBytes(StandardCharsets.UTF_8), null));
        assertThat(fetcher.fetch("example.test").rejection()).contains(ResultType.STS_POLICY_INVALID);
    }

    @Test
    void anOversizedBodyIsNotReadToItsEnd() {
        byte[] big = (POLICY + "x: " + "a".repeat(4 * StsPolicy.MAX_BYTES) + "\n").getBytes(StandardCharsets.UTF_8);
        server.answer(new PolicyServer.Reply(200, "text/plain", big, null));
        Parsed.Invalid<StsPolicy, ResultType> f = failed(fetcher.fetch("example.test"));
        assertThat(f.problem()).isEqualTo(ResultType.STS_POLICY_INVALID);
        assertThat(f.detail()).contains("longer than");
    }

    @Test
    void anInvalidPolicyIsReportedAsSuch() {
        server.answer(PolicyServer.Reply.policy("version: STSv1\nmode: enforce\nmax_age: 1\n"));
        Parsed.Invalid<StsPolicy, ResultType> f = failed(fetcher.fetch("example.test"));
        assertThat(f.problem()).isEqualTo(ResultType.STS_POLICY_INVALID);
        assertThat(f.detail()).contains("NO_MX");
    }

    @Test
    void aCertificateForAnotherNameIsAWebPkiFailure() {
        try (PolicyServer wrongName = new PolicyServer(TestPki.server(KeyType.EC_P256, "www.example.test"))) {
            wrongName.answer(PolicyServer.Reply.policy(POLICY));
            MtaStsFetcher f = MtaStsFetcher.builder().port(wrongName.port())
                    .sslContext(TestPki.clientContextTrusting(TestPki.ca(KeyType.EC_P256))).build();
            assertThat(f.fetch("example.test").rejection()).contains(ResultType.STS_WEBPKI_INVALID);
        }
    }

    @Test
    void anUntrustedCertificateIsAWebPkiFailure() {
        server.answer(PolicyServer.Reply.policy(POLICY));
        MtaStsFetcher f = MtaStsFetcher.builder().port(server.port())
                .sslContext(TestPki.clientContextTrusting(TestPki.ca(KeyType.RSA_2048))).build();
        assertThat(f.fetch("example.test").rejection()).contains(ResultType.STS_WEBPKI_INVALID);
    }

    @Test
    void aServerThatDoesNotAnswerInTimeIsAFetchError() {
        server.answer(PolicyServer.Reply.policy(POLICY)).holdAnswers();
        MtaStsFetcher impatient = MtaStsFetcher.builder().port(server.port()).timeout(Duration.ofMillis(300))
                .sslContext(TestPki.clientContextTrusting(TestPki.ca(KeyType.EC_P256))).build();
        assertThat(impatient.fetch("example.test").rejection()).contains(ResultType.STS_POLICY_FETCH_ERROR);
    }

    @Test
    void aNameWithoutAnAddressIsAFetchError() {
        assertThat(fetcher.fetch("unknown.test").rejection()).contains(ResultType.STS_POLICY_FETCH_ERROR);
    }

    @Test
    void aDomainThatMakesNoHttpsUriIsAFetchErrorNotAnException() {
        // a recipient domain comes from a mail address: an underscore, a U-label (SMTPUTF8), a bad
        // hyphen, a space are no host of an https URI, and java.net.http refuses them with an exception
        for (String domain : new String[] {"a_b.example.test", "b\u00fccher.example.test", "-x.example.test", "exa mple.test", ""}) {
            Parsed.Invalid<StsPolicy, ResultType> f = failed(fetcher.fetch(domain));
            assertThat(f.problem()).as(domain).isEqualTo(ResultType.STS_POLICY_FETCH_ERROR);
            assertThat(f.detail()).as(domain).contains("not a domain name");
        }
        assertThat(server.requests()).isZero();
    }

    @Test
    void anAbsoluteDomainNameIsTheSamePolicyDomain() {
        // "example.test." is example.test; its policy host is mta-sts.example.test, the name the SNI and the certificate carry
        server.answer(PolicyServer.Reply.policy(POLICY));
        assertThat(fetcher.fetch("Example.TEST.").valid()).isPresent();
    }

    /** The fetch's rejection, failing the test when it fetched a policy. */
    private static Parsed.Invalid<StsPolicy, ResultType> failed(Parsed<StsPolicy, ResultType> fetch) {
        assertThat(fetch).isInstanceOf(Parsed.Invalid.class);
        return (Parsed.Invalid<StsPolicy, ResultType>) fetch;
    }
}
