package org.starttls4j.dane;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import javax.security.auth.x500.X500Principal;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.starttls4j.CertificateProblem;
import org.starttls4j.testing.Identity;
import org.starttls4j.testing.TestPki;
import org.starttls4j.testing.TestPki.KeyType;

class DaneVerifierTest {

    static final String MX = "mx.example.test";
    static final Set<String> NAMES = Set.of(MX);
    static final Instant NOW = Instant.now();

    static final Identity LEAF = TestPki.server(KeyType.EC_P256, MX);
    static final X509Certificate CA = TestPki.ca(KeyType.EC_P256);
    static final List<X509Certificate> LEAF_AND_CA = List.of(LEAF.leaf(), CA);

    @Test
    void daneEeMatchesTheLeafKeyOrCertificateByEveryMatchingType() throws Exception {
        X509Certificate leaf = LEAF.leaf();
        for (Tlsa record : List.of(record(3, 1, 1, leaf.getPublicKey().getEncoded()), record(3, 1, 2, leaf.getPublicKey().getEncoded()),
                record(3, 0, 1, leaf.getEncoded()), record(3, 0, 0, leaf.getEncoded()), record(3, 1, 0, leaf.getPublicKey().getEncoded()))) {
            assertThat(DaneVerifier.verify(List.of(record), NAMES, List.of(leaf), NOW))
                    .as(record.toString()).isEqualTo(new DaneVerdict.Authenticated(record, 0));
        }
    }

    @Test
    void daneEeIgnoresNamesAndExpiry() throws Exception {
        // RFC 7672 §3.1.1: with DANE-EE the validity period and the names of the certificate are ignored.
        X509Certificate expiredOtherName = TestPki.expiredServer(KeyType.EC_P256, "elsewhere.invalid").leaf();
        Tlsa record = record(3, 0, 1, expiredOtherName.getEncoded());
        assertThat(DaneVerifier.verify(List.of(record), NAMES, List.of(expiredOtherName), NOW))
                .isInstanceOf(DaneVerdict.Authenticated.class);
    }

    @Test
    void anotherCertificateIsRejectedAsADaneMismatch() throws Exception {
        X509Certificate other = TestPki.server(KeyType.RSA_2048, MX).leaf();
        Tlsa pinned = record(3, 1, 1, other.getPublicKey().getEncoded());
        DaneVerdict v = DaneVerifier.verify(List.of(pinned), NAMES, List.of(LEAF.leaf()), NOW);
        assertThat(v).isInstanceOfSatisfying(DaneVerdict.Rejected.class,
                r -> assertThat(r.problem()).isEqualTo(CertificateProblem.DANE_MISMATCH));
        assertThat(CertificateProblem.DANE_MISMATCH.tlsRptResultType()).isEqualTo("tlsa-invalid");
    }

    @Test
    void daneTaAuthenticatesThroughTheIssuerTheServerSentWhenTheLeafNamesTheHost() throws Exception {
        Tlsa record = record(2, 0, 1, CA.getEncoded());
        assertThat(DaneVerifier.verify(List.of(record), NAMES, LEAF_AND_CA, NOW)).isEqualTo(new DaneVerdict.Authenticated(record, 1));
        Tlsa byKey = record(2, 1, 1, CA.getPublicKey().getEncoded());
        assertThat(DaneVerifier.verify(List.of(byKey), NAMES, LEAF_AND_CA, NOW)).isEqualTo(new DaneVerdict.Authenticated(byKey, 1));
    }

    @Test
    void daneTaChecksTheReferenceIdentifiers() throws Exception {
        Tlsa record = record(2, 0, 1, CA.getEncoded());
        assertThat(DaneVerifier.verify(List.of(record), Set.of("other.example.test"), LEAF_AND_CA, NOW))
                .isInstanceOfSatisfying(DaneVerdict.Rejected.class, r -> assertThat(r.problem()).isEqualTo(CertificateProblem.HOST_MISMATCH));
    }

    @Test
    void daneTaChecksExpiryBelowTheAnchor() throws Exception {
        X509Certificate expired = TestPki.expiredServer(KeyType.EC_P256, MX).leaf();
        Tlsa record = record(2, 0, 1, CA.getEncoded());
        assertThat(DaneVerifier.verify(List.of(record), NAMES, List.of(expired, CA), NOW))
                .isInstanceOfSatisfying(DaneVerdict.Rejected.class, r -> assertThat(r.problem()).isEqualTo(CertificateProblem.EXPIRED));
    }

    @Test
    void daneTaNeverMatchesTheLeafItself() throws Exception {
        Tlsa record = record(2, 0, 1, LEAF.leaf().getEncoded());
        assertThat(DaneVerifier.verify(List.of(record), NAMES, LEAF_AND_CA, NOW)).isInstanceOf(DaneVerdict.Rejected.class);
    }

    @Test
    void aBareIssuerKeyAuthenticatesAChainThatLeavesTheIssuerOut() {
        // RFC 7671 §5.2.3: "2 1 0" carries the whole key, so the server need not send the issuer.
        Tlsa record = new Tlsa(2, 1, 0, CA.getPublicKey().getEncoded());
        assertThat(DaneVerifier.verify(List.of(record), NAMES, List.of(LEAF.leaf()), NOW))
                .isEqualTo(new DaneVerdict.Authenticated(record, 1));
        Tlsa otherKey = new Tlsa(2, 1, 0, TestPki.ca(KeyType.RSA_2048).getPublicKey().getEncoded());
        assertThat(DaneVerifier.verify(List.of(otherKey), NAMES, List.of(LEAF.leaf()), NOW)).isInstanceOf(DaneVerdict.Rejected.class);
    }

    @Test
    void aWholeIssuerCertificateAuthenticatesAChainThatLeavesTheIssuerOut() throws Exception {
        // "2 0 0" carries the whole issuer certificate, as "2 1 0" the whole key: the server need not
        // send it (RFC 7671 §5.2.2); Postfix (OpenSSL) authenticates such a chain, PosttlsFingerComparisonTest
        Tlsa record = new Tlsa(2, 0, 0, CA.getEncoded());
        assertThat(DaneVerifier.verify(List.of(record), NAMES, List.of(LEAF.leaf()), NOW))
                .isEqualTo(new DaneVerdict.Authenticated(record, 1));
        // the name and validity rules below the anchor still hold
        assertThat(DaneVerifier.verify(List.of(record), Set.of("other.example.test"), List.of(LEAF.leaf()), NOW))
                .isInstanceOfSatisfying(DaneVerdict.Rejected.class, r -> assertThat(r.problem()).isEqualTo(CertificateProblem.HOST_MISMATCH));
        X509Certificate expired = TestPki.expiredServer(KeyType.EC_P256, MX).leaf();
        assertThat(DaneVerifier.verify(List.of(record), NAMES, List.of(expired), NOW))
                .isInstanceOfSatisfying(DaneVerdict.Rejected.class, r -> assertThat(r.problem()).isEqualTo(CertificateProblem.EXPIRED));
        // another issuer's certificate, or data that is no certificate, anchors nothing
        Tlsa otherIssuer = new Tlsa(2, 0, 0, TestPki.ca(KeyType.RSA_2048).getEncoded());
        assertThat(DaneVerifier.verify(List.of(otherIssuer), NAMES, List.of(LEAF.leaf()), NOW))
                .isInstanceOfSatisfying(DaneVerdict.Rejected.class, r -> assertThat(r.problem()).isEqualTo(CertificateProblem.DANE_MISMATCH));
        Tlsa garbage = new Tlsa(2, 0, 0, new byte[] {0x30, 0x03, 0x02, 0x01, 0x00});
        assertThat(DaneVerifier.verify(List.of(garbage), NAMES, List.of(LEAF.leaf()), NOW))
                .isInstanceOfSatisfying(DaneVerdict.Rejected.class, r -> assertThat(r.problem()).isEqualTo(CertificateProblem.DANE_MISMATCH));
        // nor is the leaf's own certificate an anchor for itself
        assertThat(DaneVerifier.verify(List.of(new Tlsa(2, 0, 0, LEAF.leaf().getEncoded())), NAMES, List.of(LEAF.leaf()), NOW))
                .isInstanceOf(DaneVerdict.Rejected.class);
    }

    @Test
    void onlyUnusableRecordsMeanNoAuthenticationAtAll() throws Exception {
        byte[] leafKey = LEAF.leaf().getPublicKey().getEncoded();
        // PKIX-EE would match, but RFC 7672 §3.1.3 makes it unusable: it must not authenticate.
        List<Tlsa> unusable = List.of(record(1, 1, 1, leafKey), record(0, 0, 1, CA.getEncoded()), new Tlsa(3, 1, 1, new byte[] {1}));
        assertThat(DaneVerifier.verify(unusable, NAMES, LEAF_AND_CA, NOW)).isEqualTo(new DaneVerdict.NoUsableRecords());
    }

    @Test
    void anUnusableMatchDoesNotRescueAUsableMismatch() throws Exception {
        X509Certificate other = TestPki.server(KeyType.RSA_2048, MX).leaf();
        List<Tlsa> records = List.of(record(1, 1, 1, LEAF.leaf().getPublicKey().getEncoded()),
                record(3, 1, 1, other.getPublicKey().getEncoded()));
        assertThat(DaneVerifier.verify(records, NAMES, List.of(LEAF.leaf()), NOW)).isInstanceOf(DaneVerdict.Rejected.class);
    }

    @Test
    void aStrongerDigestForTheSameUsageAndSelectorSetsTheWeakerAside() throws Exception {
        // RFC 7671 §9: per usage and selector, only Full(0) and the strongest digest published count,
        // so a SHA2-256 match does not stand beside a SHA2-512 record that names another key
        byte[] key = LEAF.leaf().getPublicKey().getEncoded();
        byte[] otherKey = TestPki.server(KeyType.RSA_2048, MX).leaf().getPublicKey().getEncoded();
        Tlsa sha256 = record(3, 1, 1, key);
        Tlsa otherSha512 = record(3, 1, 2, otherKey);
        assertThat(DaneVerifier.verify(List.of(sha256, otherSha512), NAMES, List.of(LEAF.leaf()), NOW))
                .isInstanceOfSatisfying(DaneVerdict.Rejected.class, r -> assertThat(r.problem()).isEqualTo(CertificateProblem.DANE_MISMATCH));
        Tlsa sha512 = record(3, 1, 2, key);
        assertThat(DaneVerifier.verify(List.of(record(3, 1, 1, otherKey), sha512), NAMES, List.of(LEAF.leaf()), NOW))
                .isEqualTo(new DaneVerdict.Authenticated(sha512, 0));
        // the same for DANE-TA: a SHA2-512 of another issuer sets the matching SHA2-256 aside
        assertThat(DaneVerifier.verify(List.of(record(2, 0, 1, CA.getEncoded()),
                        record(2, 0, 2, TestPki.ca(KeyType.RSA_2048).getEncoded())), NAMES, LEAF_AND_CA, NOW))
                .isInstanceOf(DaneVerdict.Rejected.class);
    }

    @Test
    void digestAgilityLeavesFullDataOtherSelectorsOtherUsagesAndUnusableRecordsAlone() throws Exception {
        byte[] key = LEAF.leaf().getPublicKey().getEncoded();
        X509Certificate other = TestPki.server(KeyType.RSA_2048, MX).leaf();
        Tlsa sha256 = record(3, 1, 1, key);
        Tlsa full = record(3, 1, 0, key);
        assertThat(DaneVerifier.verify(List.of(full, record(3, 1, 2, other.getPublicKey().getEncoded())), NAMES, List.of(LEAF.leaf()), NOW))
                .as("Full(0) is always held against the chain").isEqualTo(new DaneVerdict.Authenticated(full, 0));
        assertThat(DaneVerifier.verify(List.of(sha256, record(3, 0, 2, other.getEncoded())), NAMES, List.of(LEAF.leaf()), NOW))
                .as("another selector").isEqualTo(new DaneVerdict.Authenticated(sha256, 0));
        assertThat(DaneVerifier.verify(List.of(sha256, record(2, 1, 2, other.getPublicKey().getEncoded())), NAMES, List.of(LEAF.leaf()), NOW))
                .as("another usage").isEqualTo(new DaneVerdict.Authenticated(sha256, 0));
        Tlsa shortSha512 = new Tlsa(3, 1, 2, new byte[32]);
        assertThat(shortSha512.unusable()).contains(Unusable.BAD_DIGEST_LENGTH);
        assertThat(DaneVerifier.verify(List.of(sha256, shortSha512), NAMES, List.of(LEAF.leaf()), NOW))
                .as("agility applies after unusable records are gone").isEqualTo(new DaneVerdict.Authenticated(sha256, 0));
        assertThat(DaneVerifier.verify(List.of(sha256, new Tlsa(1, 1, 2, new byte[64])), NAMES, List.of(LEAF.leaf()), NOW))
                .as("a PKIX usage is unusable, not stronger").isEqualTo(new DaneVerdict.Authenticated(sha256, 0));
    }

    @Test
    void anEmptyChainIsRejected() throws Exception {
        assertThat(DaneVerifier.verify(List.of(record(3, 1, 1, LEAF.leaf().getPublicKey().getEncoded())), NAMES, List.of(), NOW))
                .isInstanceOf(DaneVerdict.Rejected.class);
    }

    @Test
    void wildcardsCoverExactlyOneWholeLeftmostLabel() {
        // RFC 7672 §3.2.3
        assertThat(DaneVerifier.nameMatches("*.example.test", "mx.example.test")).isTrue();
        assertThat(DaneVerifier.nameMatches("*.example.test", "MX.Example.Test.")).isTrue();
        assertThat(DaneVerifier.nameMatches("*.example.test", "a.mx.example.test")).isFalse();
        assertThat(DaneVerifier.nameMatches("*.example.test", "example.test")).isFalse();
        assertThat(DaneVerifier.nameMatches("m*.example.test", "mx.example.test")).isFalse();
        assertThat(DaneVerifier.nameMatches("*.*.test", "a.b.test")).isFalse();
        assertThat(DaneVerifier.nameMatches("mx.example.test.", "mx.example.test")).isTrue();
    }

    @Test
    void theCommonNameIsReadWithEscapes() {
        assertThat(DaneVerifier.commonNames(new X500Principal("CN=mx.example.test, O=Example\\, Inc.")))
                .containsExactly("mx.example.test");
        assertThat(DaneVerifier.commonNames(new X500Principal("O=x+CN=a.test"))).containsExactly("a.test");
    }

    @Property(tries = 200)
    void noRecordsMakeTheVerifierThrow(@ForAll("anyRecords") List<Tlsa> records) {
        assertThat(DaneVerifier.verify(records, NAMES, LEAF_AND_CA, NOW)).isNotNull();
    }

    @Property(tries = 100)
    void pkixUsagesNeverAuthenticateEvenWhenTheyMatch(@ForAll("pkixRecordsOfThisChain") List<Tlsa> records) {
        // RFC 7672 §3.1.3: usages 0 and 1 are unusable for SMTP, however well they match.
        assertThat(DaneVerifier.verify(records, NAMES, LEAF_AND_CA, NOW)).isEqualTo(new DaneVerdict.NoUsableRecords());
    }

    @Provide
    Arbitrary<List<Tlsa>> pkixRecordsOfThisChain() throws Exception {
        List<Tlsa> matching = new java.util.ArrayList<>();
        for (int usage : new int[] {0, 1}) {
            for (X509Certificate cert : LEAF_AND_CA) {
                for (int selector : new int[] {0, 1}) {
                    byte[] selected = selector == 0 ? cert.getEncoded() : cert.getPublicKey().getEncoded();
                    for (int type : new int[] {0, 1, 2}) {
                        matching.add(record(usage, selector, type, selected));
                    }
                }
            }
        }
        return Arbitraries.of(matching).list().ofMinSize(1).ofMaxSize(6);
    }

    @Provide
    Arbitrary<List<Tlsa>> anyRecords() {
        Arbitrary<Integer> small = Arbitraries.integers().between(0, 4);
        Arbitrary<byte[]> data = Arbitraries.oneOf(Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(100),
                Arbitraries.bytes().array(byte[].class).ofSize(32), Arbitraries.bytes().array(byte[].class).ofSize(64));
        return Combinators.combine(small, small, small, data).as(Tlsa::new).list().ofMaxSize(5);
    }

    static Tlsa record(int usage, int selector, int matchingType, byte[] selected) throws Exception {
        byte[] data = matchingType == 0 ? selected
                : MessageDigest.getInstance(matchingType == 1 ? "SHA-256" : "SHA-512").digest(selected);
        return Tlsa.parsePresentation(usage + " " + selector + " " + matchingType + " " + HexFormat.of().formatHex(data))
                .valid().orElseThrow();
    }
}
