package org.starttls4j.resolvers;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.starttls4j.CertificateProblem;
import org.starttls4j.ClientConfig;
import org.starttls4j.dane.DaneLevel;
import org.starttls4j.mtasts.StsPolicy;
import org.starttls4j.nio.NegotiatedChannel;
import org.starttls4j.nio.NegotiationException;
import org.starttls4j.nio.NioClient;
import org.starttls4j.nio.SecureChannel;
import org.starttls4j.smtp.Smtp;
import org.starttls4j.testing.Identity;
import org.starttls4j.testing.TestPki;
import org.starttls4j.testing.TestPki.KeyType;
import org.starttls4j.tlsrpt.AggregateReport;
import org.starttls4j.tlsrpt.PolicyType;
import org.starttls4j.tlsrpt.ResultType;
import org.starttls4j.tlsrpt.SessionOutcome;

/**
 * From recipient domain to secured session to report, with every part real and on loopback: NSD
 * serving a zone signed by LDNS (MX, TLSA, MTA-STS and TLS-RPT records), dnsjava validating it,
 * an HTTPS server for {@code mta-sts.example.test}, and two SMTP servers of this library, one
 * presenting the certificate the TLSA records name and one presenting another.
 */
@Tag("interop")
class DeliveryPlannerInteropTest {

    static final Identity MX_IDENTITY = TestPki.server(KeyType.EC_P256, "mx.example.test");
    /** Another key (every EC test leaf shares one key; the RSA leaves another). */
    static final Identity IMPOSTOR = TestPki.server(KeyType.RSA_2048, "mx2.example.test");
    static final String POLICY = "version: STSv1\nmode: enforce\nmx: mx.example.test\nmax_age: 604800\n";

    @TempDir
    static Path dir;
    static SignedZones zones;
    static PolicyServer policyServer;
    static SmtpMx mx;
    static SmtpMx mx2;

    @BeforeAll
    static void start() throws Exception {
        String tlsa = "3 1 1 " + HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-256").digest(MX_IDENTITY.leaf().getPublicKey().getEncoded()));
        zones = new SignedZones(dir, List.of(
                SignedZones.Zone.signed("example.test", "@ IN MX 10 mx\n@ IN MX 20 mx2\nmx IN A 127.0.0.1\nmx2 IN A 127.0.0.1\n"
                        + "_25._tcp.mx IN TLSA " + tlsa + "\n_25._tcp.mx2 IN TLSA " + tlsa + "\n"
                        + "_mta-sts IN TXT \"v=STSv1; id=20261207;\"\n"
                        + "_smtp._tls IN TXT \"v=TLSRPTv1; rua=mailto:tlsrpt@example.test\"\n"),
                SignedZones.Zone.unsigned("plain.test", "@ IN MX 10 mx\nmx IN A 127.0.0.1\nisland IN A 127.0.0.1\n"),
                // an unsigned domain hosted on the signed provider's MX hosts, which publish TLSA records
                SignedZones.Zone.unsigned("hosted.test", "@ IN MX 10 mx.example.test.\n@ IN MX 20 mx2.example.test.\n"),
                // a signed domain whose MX host has unsigned addresses, and signed TLSA records in a zone of their own
                SignedZones.Zone.signed("islands.test", "@ IN MX 10 island.plain.test.\n"),
                SignedZones.Zone.signed("_tcp.island.plain.test", "_25 IN TLSA " + tlsa + "\n"),
                // an MX host name that is a secure alias of mx.example.test, whose TLSA records then count
                SignedZones.Zone.signed("aliased.test", "@ IN MX 10 mail\nmail IN CNAME mx.example.test.\n"),
                // RFC 7505: a null MX, the domain accepts no mail
                SignedZones.Zone.signed("nullmx.test", "@ IN MX 0 .\n")));
        policyServer = new PolicyServer(TestPki.server(KeyType.EC_P256, "mta-sts.example.test"))
                .answer(PolicyServer.Reply.policy(POLICY));
        mx = new SmtpMx("mx.example.test", MX_IDENTITY);
        mx2 = new SmtpMx("mx2.example.test", IMPOSTOR);
    }

    @AfterAll
    static void stop() {
        mx.close();
        mx2.close();
        policyServer.close();
        zones.close();
    }

    /** Where the test's MX hosts listen (port 25 in real life; the address would come from an A lookup). */
    static InetSocketAddress addressOf(MxHost host) {
        return host.host().equals("mx.example.test") || host.host().equals("mail.aliased.test") ? mx.address() : mx2.address();
    }

    @Test
    void anMxHostThatIsASecureAliasIsAuthenticatedByItsTargetsTlsaRecords() throws Exception {
        DeliveryPlanner planner = new DeliveryPlanner(zones.resolver(), mtaSts(), Optional.of(DaneLevel.DANE_ONLY), b -> b);
        DeliveryPlan plan = planner.plan("aliased.test", Instant.now());
        Route.Negotiate route = (Route.Negotiate) plan.routes().get(0);
        assertThat(route.mx().host()).isEqualTo("mail.aliased.test");
        assertThat(route.policy().type()).isEqualTo(PolicyType.TLSA);
        assertThat(route.demanded()).contains("TLSA records of mx.example.test (CNAME target)");
        assertThat(route.config().serverName()).as("SNI is the TLSA base domain").isEqualTo("mx.example.test");
        try (NegotiatedChannel channel = NioClient.create().connect(addressOf(route.mx()), route.config(), Smtp::client)) {
            assertThat(channel).isInstanceOf(SecureChannel.class);
        }
        NegotiationException refused = org.assertj.core.api.Assertions.catchThrowableOfType(NegotiationException.class,
                () -> NioClient.create().connect(mx2.address(), route.config(), Smtp::client).close());
        assertThat(refused.failure().certificateProblem()).contains(CertificateProblem.DANE_MISMATCH);
    }

    MtaStsResolver mtaSts() {
        return new MtaStsResolver(zones.resolver(), MtaStsFetcher.builder().port(policyServer.port())
                .sslContext(TestPki.clientContextTrusting(TestPki.ca(KeyType.EC_P256))).build(), 1000);
    }

    @Test
    void daneAuthenticatesTheRightServerRefusesTheImpostorAndTheDayIsReported() throws Exception {
        // 1. The sender's settings, then a plan for the recipient domain (Postfix: smtp_tls_security_level = dane).
        DeliveryPlanner planner = new DeliveryPlanner(zones.resolver(), mtaSts(), Optional.of(DaneLevel.DANE),
                b -> b.clientName("sender.example.org"));
        Instant now = Instant.now();
        DeliveryPlan plan = planner.plan("example.test", now);
        assertThat(plan.routes()).extracting(r -> r.mx().host()).containsExactly("mx.example.test", "mx2.example.test");
        assertThat(plan.tlsRpt()).hasValueSatisfying(r -> assertThat(r.rua()).containsExactly(URI.create("mailto:tlsrpt@example.test")));

        // 2. Negotiate with each MX under its route; record what happened.
        List<SessionOutcome> day = new java.util.ArrayList<>();
        for (Route route : plan.routes()) {
            assertThat(route).isInstanceOf(Route.Negotiate.class);
            Route.Negotiate negotiate = (Route.Negotiate) route;
            assertThat(negotiate.policy().type()).isEqualTo(PolicyType.TLSA);
            try (NegotiatedChannel channel = NioClient.create().connect(addressOf(route.mx()), negotiate.config(), Smtp::client)) {
                assertThat(channel).isInstanceOf(SecureChannel.class);
                day.add(SessionOutcome.success(route.policy(), route.mx().host()));
            } catch (NegotiationException e) {
                day.add(SessionOutcome.failure(route.policy(), route.mx().host(), e.failure()));
            }
        }
        assertThat(day.get(0).failure()).isEmpty();
        assertThat(day.get(1).failure()).contains(ResultType.TLSA_INVALID);
        assertThat(day.get(1).failureReasonCode()).contains("CERTIFICATE_REJECTED/" + CertificateProblem.DANE_MISMATCH);

        // 3. The day's report, for the rua of the domain's TLS-RPT record.
        AggregateReport report = AggregateReport.of("Sender Org", "postmaster@example.org", "report-1",
                now.minus(Duration.ofDays(1)), now, day);
        assertThat(report.policies()).hasSize(2);
        assertThat(report.policies().get(0).successCount()).isEqualTo(1);
        assertThat(report.policies().get(1).failureCount()).isEqualTo(1);
        assertThat(report.toJson()).contains("\"policy-type\":\"tlsa\"", "\"result-type\":\"tlsa-invalid\"");
        TlsRptDelivery delivery = TlsRptDelivery.of(report, "example.org", "example.test");
        assertThat(delivery.mediaType()).isEqualTo("application/tlsrpt+gzip");
        assertThat(new String(new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(delivery.body())).readAllBytes(),
                java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(report.toJson());
    }

    @Test
    void withoutDaneTheMtaStsPolicyRequiresAVerifiedCertificateAndSkipsUnlistedMxHosts() throws Exception {
        DeliveryPlanner planner = new DeliveryPlanner(zones.resolver(), mtaSts(), Optional.empty(),
                b -> b.trustAnchors(List.of(TestPki.ca(KeyType.EC_P256))));
        DeliveryPlan plan = planner.plan("example.test", Instant.now());
        assertThat(plan.mtaSts()).isInstanceOf(StsLookup.Found.class);
        Route.Negotiate first = (Route.Negotiate) plan.routes().get(0);
        assertThat(first.policy().type()).isEqualTo(PolicyType.STS);
        assertThat(first.fallback()).isEmpty();
        try (NegotiatedChannel channel = NioClient.create().connect(addressOf(first.mx()), first.config(), Smtp::client)) {
            assertThat(channel).isInstanceOf(SecureChannel.class);
        }
        assertThat(plan.routes().get(1)).isInstanceOfSatisfying(Route.Skip.class,
                skip -> assertThat(skip.report()).isEqualTo(ResultType.VALIDATION_FAILURE));
    }

    @Test
    void daneOnlyRefusesAnUnsignedDomain() {
        DeliveryPlanner planner = new DeliveryPlanner(zones.resolver(), mtaSts(), Optional.of(DaneLevel.DANE_ONLY), b -> b);
        DeliveryPlan plan = planner.plan("plain.test", Instant.now());
        assertThat(plan.routes()).singleElement().isInstanceOfSatisfying(Route.Skip.class,
                skip -> assertThat(skip.report()).isEqualTo(ResultType.DANE_REQUIRED));
    }

    @Test
    void anInsecureMxRrsetNamingHostsWithSecureTlsaRecordsIsDeliveredToWithDane() throws Exception {
        // RFC 7672 §2.2.1: the client MAY use DANE TLS (§2.2.2) with MX hosts of an insecure MX RRset,
        // so that unsigned domains hosted by a signed provider benefit from its TLSA records
        for (DaneLevel level : DaneLevel.values()) {
            DeliveryPlan plan = new DeliveryPlanner(zones.resolver(), mtaSts(), Optional.of(level), b -> b)
                    .plan("hosted.test", Instant.now());
            assertThat(plan.routes()).as(level.toString()).hasSize(2).allSatisfy(route ->
                    assertThat(route).isInstanceOfSatisfying(Route.Negotiate.class, negotiate -> {
                        assertThat(negotiate.policy().type()).isEqualTo(PolicyType.TLSA);
                        assertThat(negotiate.demanded()).contains("certificate matched against TLSA records");
                        assertThat(negotiate.config().serverName()).isEqualTo(negotiate.mx().host());
                    }));
            Route.Negotiate genuine = (Route.Negotiate) plan.routes().get(0);
            try (NegotiatedChannel channel = NioClient.create().connect(addressOf(genuine.mx()), genuine.config(), Smtp::client)) {
                assertThat(channel).isInstanceOf(SecureChannel.class);
            }
            Route.Negotiate impostor = (Route.Negotiate) plan.routes().get(1);
            NegotiationException refused = org.assertj.core.api.Assertions.catchThrowableOfType(NegotiationException.class,
                    () -> NioClient.create().connect(addressOf(impostor.mx()), impostor.config(), Smtp::client).close());
            assertThat(refused.failure().certificateProblem()).contains(CertificateProblem.DANE_MISMATCH);
        }
    }

    @Test
    void anMxHostWithUnsignedAddressesIsDeliveredToAsWithoutTlsaRecords() {
        // RFC 7672 §2.2.2: the TLSA records validate, but whoever forges the A record chooses the server
        DeliveryPlan dane = new DeliveryPlanner(zones.resolver(), mtaSts(), Optional.of(DaneLevel.DANE), b -> b)
                .plan("islands.test", Instant.now());
        assertThat(dane.routes()).singleElement().isInstanceOfSatisfying(Route.Negotiate.class, route -> {
            assertThat(route.mx().host()).isEqualTo("island.plain.test");
            assertThat(route.policy().type()).isEqualTo(PolicyType.NO_POLICY_FOUND);
            assertThat(route.config().policy()).isEqualTo(org.starttls4j.TlsPolicy.OPPORTUNISTIC);
        });
        DeliveryPlan daneOnly = new DeliveryPlanner(zones.resolver(), mtaSts(), Optional.of(DaneLevel.DANE_ONLY), b -> b)
                .plan("islands.test", Instant.now());
        assertThat(daneOnly.routes()).singleElement().isInstanceOfSatisfying(Route.Skip.class, skip -> {
            assertThat(skip.report()).isEqualTo(ResultType.DANE_REQUIRED);
            assertThat(skip.why()).contains("address records");
        });
    }

    @Test
    void aNullMxIsNoRouteAndSaysTheDomainAcceptsNoMail() {
        // RFC 7505 §3: "0 ." is a null MX; §4.1: a sender must not try to deliver to the domain
        for (Optional<DaneLevel> level : List.of(Optional.<DaneLevel>empty(), Optional.of(DaneLevel.DANE), Optional.of(DaneLevel.DANE_ONLY))) {
            DeliveryPlan plan = new DeliveryPlanner(zones.resolver(), mtaSts(), level, b -> b).plan("nullmx.test", Instant.now());
            assertThat(plan.routes()).as(level.toString()).isEmpty();
            assertThat(plan.acceptsNoMail()).as(level.toString()).isTrue();
            assertThat(plan.problem()).as(level.toString()).hasValueSatisfying(p -> assertThat(p).contains("null MX"));
        }
        DeliveryPlan ordinary = new DeliveryPlanner(zones.resolver(), mtaSts(), Optional.empty(), b -> b).plan("plain.test", Instant.now());
        assertThat(ordinary.acceptsNoMail()).isFalse();
    }

    @Test
    void aDomainThatDoesNotExistIsNoRouteAndADomainWithoutMxRecordsIsItsOwnHost() {
        // RFC 5321 §5.1: "If a non-existent domain error is returned, this situation MUST be reported as an error."
        DeliveryPlanner planner = new DeliveryPlanner(zones.resolver(), mtaSts(), Optional.empty(), b -> b);
        DeliveryPlan nxdomain = planner.plan("nosuch.example.test", Instant.now());
        assertThat(nxdomain.routes()).isEmpty();
        assertThat(nxdomain.acceptsNoMail()).isTrue();
        assertThat(nxdomain.problem()).hasValueSatisfying(p -> assertThat(p).contains("no such domain"));
        // mx.example.test has an A record and no MX records: the implicit MX
        DeliveryPlan implicit = planner.plan("mx.example.test", Instant.now());
        assertThat(implicit.acceptsNoMail()).isFalse();
        assertThat(implicit.routes()).singleElement().satisfies(r -> assertThat(r.mx()).isEqualTo(new MxHost(0, "mx.example.test")));
    }

    @Test
    void aCachedPolicySurvivesAStrippedRecordUntilItsMaxAge() {
        MtaStsResolver resolver = mtaSts();
        StsPolicy policy = StsPolicy.parse(POLICY).valid().orElseThrow();
        Instant fetched = Instant.now();
        resolver.remember("plain.test", policy, "1", fetched);
        assertThat(resolver.lookup("plain.test", fetched.plusSeconds(3600))).isInstanceOfSatisfying(StsLookup.Found.class,
                f -> assertThat(f.fromCache()).isTrue());
        assertThat(resolver.lookup("plain.test", fetched.plus(policy.maxAge()))).isInstanceOf(StsLookup.NotFound.class);
    }

    @Test
    void aNewIdWhosePolicyCannotBeFetchedKeepsTheCachedPolicy() {
        MtaStsResolver unreachable = new MtaStsResolver(zones.resolver(), MtaStsFetcher.builder()
                .port(org.starttls4j.testing.interop.FreePort.pick()).timeout(Duration.ofSeconds(5)).build(), 10);
        StsPolicy policy = StsPolicy.parse(POLICY).valid().orElseThrow();
        assertThat(unreachable.lookup("example.test", Instant.now())).isInstanceOfSatisfying(StsLookup.NotFound.class,
                n -> assertThat(n.report()).isEqualTo(ResultType.STS_POLICY_FETCH_ERROR));
        unreachable.remember("example.test", policy, "older", Instant.now());
        assertThat(unreachable.lookup("example.test", Instant.now())).isInstanceOfSatisfying(StsLookup.Found.class,
                f -> assertThat(f.id()).isEqualTo("older"));
    }

    @Test
    void aCachedPolicyWhoseRenewalFailedStillDecidesAndTheFailureIsReported() {
        MtaStsResolver unreachable = new MtaStsResolver(zones.resolver(), MtaStsFetcher.builder()
                .port(org.starttls4j.testing.interop.FreePort.pick()).timeout(Duration.ofSeconds(5)).build(), 10);
        unreachable.remember("example.test", StsPolicy.parse(POLICY).valid().orElseThrow(), "older", Instant.now());
        DeliveryPlan plan = new DeliveryPlanner(zones.resolver(), unreachable, Optional.empty(), b -> b).plan("example.test", Instant.now());
        assertThat(plan.routes().get(0)).isInstanceOfSatisfying(Route.Negotiate.class, route -> {
            assertThat(route.policy().type()).isEqualTo(PolicyType.STS);
            assertThat(route.fallback()).as("enforce").isEmpty();
            // RFC 8461 §6: a policy fetch failure while a valid policy is cached is reportable
            assertThat(route.report()).isEqualTo(ResultType.STS_POLICY_FETCH_ERROR);
        });
        assertThat(plan.routes().get(1)).isInstanceOf(Route.Skip.class);
    }

    @Test
    void aFetchedPolicyIsCachedUnderItsId() {
        MtaStsResolver resolver = mtaSts();
        int before = policyServer.requests();
        assertThat(resolver.lookup("example.test", Instant.now())).isInstanceOfSatisfying(StsLookup.Found.class,
                f -> assertThat(f.fromCache()).isFalse());
        assertThat(resolver.lookup("example.test", Instant.now())).isInstanceOfSatisfying(StsLookup.Found.class,
                f -> assertThat(f.fromCache()).isTrue());
        assertThat(policyServer.requests()).isEqualTo(before + 1);
    }
}
