package org.starttls4j.resolvers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.starttls4j.dane.Tlsa;
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
                        + "_smtp._tls IN TXT \"v=TLSRPTv1; \" \"rua=mailto:tlsrpt@example.test\"\n"),
                SignedZones.Zone.signed("bogus.test", "@ IN MX 10 mx\nmx IN A 127.0.0.1\n_25._tcp.mx IN TLSA " + TLSA + "\n")
                        .tamperedAfterSigning(TLSA.substring(6).toLowerCase(), TLSA_TAMPERED.substring(6).toLowerCase()),
                SignedZones.Zone.unsigned("plain.test", "@ IN MX 10 mx\nmx IN A 127.0.0.1\n_25._tcp.mx IN TLSA " + TLSA + "\n")));
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
    void aResolverWithoutTheZonesKeyTrustsNothingThere() {
        // the bogus zone's DS alone: example.test's answers are no longer validated to any anchor
        String onlyBogus = zones.trustAnchors().lines().filter(l -> l.startsWith("bogus.test")).findFirst().orElseThrow();
        DnssecResolver other = DnssecResolver.create(zones.address(), onlyBogus, java.time.Clock.systemUTC(), java.time.Duration.ofSeconds(5));
        assertThat(other.tlsa("mx.example.test", 25)).isInstanceOf(TlsaLookup.Insecure.class);
    }
}
