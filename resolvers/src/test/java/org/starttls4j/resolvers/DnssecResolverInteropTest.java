package org.starttls4j.resolvers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.starttls4j.dane.CnameChain;
import org.starttls4j.dane.Tlsa;
import org.starttls4j.dane.TlsaBase;
import org.starttls4j.dane.TlsaLookup;

/** The validating resolver against NSD serving zones signed by LDNS: secure, bogus, insecure. */
@Tag("interop")
class DnssecResolverInteropTest {

    static final String TLSA = "3 1 1 0C72AC70B745AC19998811B131D662C9AC69DBDBE7CB23E5B514B56664C5D3D6";
    static final String TLSA_TAMPERED = "3 1 1 1C72AC70B745AC19998811B131D662C9AC69DBDBE7CB23E5B514B56664C5D3D6";

    @TempDir
    static Path dir;
    static SignedZones zones;
    static DnssecResolver resolver;

    @BeforeAll
    static void start() {
        zones = new SignedZones(dir, List.of(
                SignedZones.Zone.signed("example.test", "@ IN MX 20 mx2\n@ IN MX 10 mx\nmx IN A 127.0.0.1\nmx2 IN A 127.0.0.1\n"
                        + "_25._tcp.mx IN TLSA " + TLSA + "\n_mta-sts IN TXT \"v=STSv1; id=20261207;\"\n"
                        + "_smtp._tls IN TXT \"v=TLSRPTv1; \" \"rua=mailto:tlsrpt@example.test\"\n"
                        // CNAME expansion (RFC 7672 §2.2.2): records at the target, at the alias only, a loop, an unsigned target
                        + "alias IN CNAME hop\nhop IN CNAME mx\n"
                        + "alias2 IN CNAME mx2\n_25._tcp.alias2 IN TLSA " + TLSA + "\n"
                        + "loop1 IN CNAME loop2\nloop2 IN CNAME loop1\n"
                        + "toplain IN CNAME mx.plain.test.\n_25._tcp.toplain IN TLSA " + TLSA + "\n"),
                SignedZones.Zone.signed("bogus.test", "@ IN MX 10 mx\nmx IN A 127.0.0.1\n_25._tcp.mx IN TLSA " + TLSA + "\n"
                        + "alias IN CNAME mx\n")
                        .tamperedAfterSigning(TLSA.substring(6).toLowerCase(), TLSA_TAMPERED.substring(6).toLowerCase()),
                SignedZones.Zone.unsigned("plain.test", "@ IN MX 10 mx\nmx IN A 127.0.0.1\n_25._tcp.mx IN TLSA " + TLSA + "\n"
                        + "alias IN CNAME mx.example.test.\n")));
        resolver = zones.resolver();
    }

    @AfterAll
    static void stop() {
        zones.close();
    }

    @Test
    void signedMxRecordsAreSecureAndSortedByPreference() {
        assertThat(resolver.mx("example.test")).isEqualTo(new DnsAnswer.Found<>(
                List.of(new MxHost(10, "mx.example.test"), new MxHost(20, "mx2.example.test")), true));
    }

    @Test
    void signedTlsaRecordsAreSecure() {
        assertThat(resolver.tlsa("mx.example.test", 25)).isEqualTo(
                new TlsaLookup.Secure(List.of(Tlsa.parsePresentation(TLSA).valid().orElseThrow())));
    }

    @Test
    void aProvenAbsenceIsSecureNone() {
        assertThat(resolver.tlsa("mx2.example.test", 25)).isEqualTo(new TlsaLookup.SecureNone());
        assertThat(resolver.tlsa("nowhere.example.test", 25)).isEqualTo(new TlsaLookup.SecureNone());
    }

    @Test
    void aRecordChangedAfterSigningIsAFailureNeverAnAbsence() {
        assertThat(resolver.tlsa("mx.bogus.test", 25)).isInstanceOf(TlsaLookup.Failed.class);
    }

    @Test
    void recordsOfAnUnsignedZoneAreInsecure() {
        assertThat(resolver.tlsa("mx.plain.test", 25)).isEqualTo(new TlsaLookup.Insecure());
        assertThat(resolver.mx("plain.test")).isEqualTo(new DnsAnswer.Found<>(List.of(new MxHost(10, "mx.plain.test")), false));
    }

    @Test
    void addressesAreLookedUpAndValidated() throws Exception {
        assertThat(resolver.addresses("mx.example.test")).isEqualTo(
                new DnsAnswer.Found<>(List.of(java.net.InetAddress.getByName("127.0.0.1")), true));
        assertThat(resolver.addresses("none.example.test")).isEqualTo(new DnsAnswer.None<>(true));
        assertThat(resolver.addresses("mx.plain.test")).isInstanceOfSatisfying(DnsAnswer.Found.class,
                found -> assertThat(found.secure()).isFalse());
    }

    @Test
    void txtRecordsJoinTheirStrings() {
        assertThat(resolver.txt("_smtp._tls.example.test"))
                .isEqualTo(new DnsAnswer.Found<>(List.of("v=TLSRPTv1; rua=mailto:tlsrpt@example.test"), true));
        assertThat(resolver.txt("_mta-sts.example.test")).isEqualTo(new DnsAnswer.Found<>(List.of("v=STSv1; id=20261207;"), true));
    }

    @Test
    void aSecureCnameChainIsFollowedToTheTlsaRecordsOfItsTarget() {
        assertThat(resolver.cnameChain("alias.example.test")).isEqualTo(new DnsAnswer.Found<>(
                List.of(new CnameChain("alias.example.test", List.of("hop.example.test", "mx.example.test"), true)), true));
        TlsaBase base = resolver.tlsaBase("alias.example.test", 25);
        assertThat(base.domain()).isEqualTo("mx.example.test");
        assertThat(base.lookup()).isEqualTo(new TlsaLookup.Secure(List.of(Tlsa.parsePresentation(TLSA).valid().orElseThrow())));
        assertThat(base.referenceNames()).containsExactlyInAnyOrder("alias.example.test", "mx.example.test");
    }

    @Test
    void withoutRecordsAtTheTargetTheAliasOwnRecordsCount() {
        TlsaBase base = resolver.tlsaBase("alias2.example.test", 25);
        assertThat(base.domain()).isEqualTo("alias2.example.test");
        assertThat(base.lookup()).isInstanceOf(TlsaLookup.Secure.class);
        assertThat(base.referenceNames()).containsExactlyInAnyOrder("alias2.example.test", "mx2.example.test");
    }

    @Test
    void aSecureAliasOfAnUnsignedHostFallsBackToTheAlias() {
        TlsaBase base = resolver.tlsaBase("toplain.example.test", 25);
        assertThat(base.domain()).isEqualTo("toplain.example.test");
        assertThat(base.lookup()).isInstanceOf(TlsaLookup.Secure.class);
    }

    @Test
    void anInsecureCnameBreaksTheChain() {
        assertThat(resolver.cnameChain("alias.plain.test")).isEqualTo(new DnsAnswer.Found<>(
                List.of(new CnameChain("alias.plain.test", List.of("mx.example.test"), false)), false));
        TlsaBase base = resolver.tlsaBase("alias.plain.test", 25);
        assertThat(base.domain()).as("the signed target's records are not reached through an unsigned alias").isEqualTo("alias.plain.test");
        assertThat(base.lookup()).isEqualTo(new TlsaLookup.Insecure());
        assertThat(base.referenceNames()).containsExactly("alias.plain.test");
    }

    @Test
    void aLoopOrABogusTargetIsAFailure() {
        assertThat(resolver.cnameChain("loop1.example.test")).isInstanceOfSatisfying(DnsAnswer.Failed.class,
                f -> assertThat(f.why()).contains("loops"));
        assertThat(resolver.tlsaBase("loop1.example.test", 25).lookup()).isInstanceOf(TlsaLookup.Failed.class);
        TlsaBase bogus = resolver.tlsaBase("alias.bogus.test", 25);
        assertThat(bogus.domain()).isEqualTo("mx.bogus.test");
        assertThat(bogus.lookup()).isInstanceOf(TlsaLookup.Failed.class);
    }

    @Test
    void aResolverWithoutTheZonesKeyTrustsNothingThere() {
        // the bogus zone's DS alone: example.test's answers are no longer validated to any anchor
        String onlyBogus = zones.trustAnchors().lines().filter(l -> l.startsWith("bogus.test")).findFirst().orElseThrow();
        DnssecResolver other = DnssecResolver.create(zones.address(), onlyBogus, java.time.Clock.systemUTC(), java.time.Duration.ofSeconds(5));
        assertThat(other.tlsa("mx.example.test", 25)).isInstanceOf(TlsaLookup.Insecure.class);
    }
}
