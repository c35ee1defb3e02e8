package org.starttls4j.dane;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.starttls4j.testing.Identity;
import org.starttls4j.testing.TestPki;
import org.starttls4j.testing.TestPki.KeyType;

/** RFC 7672 §2.2.2 and §3.2.2: which name's TLSA records count when the MX host name is an alias, and which names the certificate may carry. */
class TlsaBaseTest {

    static final String MX = "mx.example.test";
    static final String TARGET = "smtp.provider.test";
    static final Tlsa RECORD = TlsaTest.tlsa("3 1 1 0C72AC70B745AC19998811B131D662C9AC69DBDBE7CB23E5B514B56664C5D3D6");

    /** A DNS of TLSA lookups by name that remembers what it was asked. */
    static final class Lookups implements Function<String, TlsaLookup> {
        final Map<String, TlsaLookup> answers = new HashMap<>();
        final List<String> asked = new ArrayList<>();

        Lookups at(String name, TlsaLookup lookup) {
            answers.put(name, lookup);
            return this;
        }

        @Override
        public TlsaLookup apply(String name) {
            asked.add(name);
            return answers.getOrDefault(name, new TlsaLookup.SecureNone());
        }
    }

    @Test
    void aNameThatIsNoAliasIsItsOwnBaseDomain() {
        Lookups dns = new Lookups().at(MX, new TlsaLookup.Secure(List.of(RECORD)));
        TlsaBase base = Dane.tlsaBase(CnameChain.none(MX), dns);
        assertThat(base.domain()).isEqualTo(MX);
        assertThat(base.lookup()).isEqualTo(new TlsaLookup.Secure(List.of(RECORD)));
        assertThat(base.referenceNames()).containsExactly(MX);
        assertThat(dns.asked).containsExactly(MX);
    }

    @Test
    void aSecureChainWithSecureRecordsAtItsEndMakesTheExpandedNameTheBaseDomain() {
        Lookups dns = new Lookups().at(TARGET, new TlsaLookup.Secure(List.of(RECORD))).at(MX, new TlsaLookup.Secure(List.of()));
        TlsaBase base = Dane.tlsaBase(new CnameChain(MX, List.of("hop.example.test", TARGET + "."), true), dns);
        assertThat(base.domain()).isEqualTo(TARGET);
        assertThat(base.lookup()).isEqualTo(new TlsaLookup.Secure(List.of(RECORD)));
        assertThat(base.referenceNames()).containsExactlyInAnyOrder(MX, TARGET);
        assertThat(dns.asked).as("the original name is not asked once the expanded name settled it").containsExactly(TARGET);
    }

    @Test
    void secureButUnusableRecordsAtTheExpandedNameStillSettleIt() {
        Tlsa pkix = TlsaTest.tlsa("1 1 1 0C72AC70B745AC19998811B131D662C9AC69DBDBE7CB23E5B514B56664C5D3D6");
        Lookups dns = new Lookups().at(TARGET, new TlsaLookup.Secure(List.of(pkix))).at(MX, new TlsaLookup.Secure(List.of(RECORD)));
        assertThat(Dane.tlsaBase(new CnameChain(MX, List.of(TARGET), true), dns).domain()).isEqualTo(TARGET);
    }

    @Test
    void noSecureRecordsAtTheExpandedNameFallBackToTheOriginalName() {
        for (TlsaLookup nothing : List.of(new TlsaLookup.SecureNone(), new TlsaLookup.Insecure())) {
            Lookups dns = new Lookups().at(TARGET, nothing).at(MX, new TlsaLookup.Secure(List.of(RECORD)));
            TlsaBase base = Dane.tlsaBase(new CnameChain(MX, List.of(TARGET), true), dns);
            assertThat(base.domain()).isEqualTo(MX);
            assertThat(base.lookup()).isEqualTo(new TlsaLookup.Secure(List.of(RECORD)));
            assertThat(base.referenceNames()).containsExactlyInAnyOrder(MX, TARGET);
            assertThat(dns.asked).containsExactly(TARGET, MX);
        }
    }

    @Test
    void aFailedLookupAtTheExpandedNameIsNeverSkippedOver() {
        Lookups dns = new Lookups().at(TARGET, new TlsaLookup.Failed("bogus")).at(MX, new TlsaLookup.Secure(List.of(RECORD)));
        TlsaBase base = Dane.tlsaBase(new CnameChain(MX, List.of(TARGET), true), dns);
        assertThat(base.domain()).isEqualTo(TARGET);
        assertThat(base.lookup()).isInstanceOf(TlsaLookup.Failed.class);
        assertThat(Dane.decide(base, DaneLevel.DANE, b -> b)).isInstanceOf(DaneDecision.DoNotDeliver.class);
        assertThat(dns.asked).containsExactly(TARGET);
    }

    @Test
    void anInsecureChainIsNeverFollowedAndItsNamesAreNoReferenceIdentifiers() {
        Lookups dns = new Lookups().at(TARGET, new TlsaLookup.Secure(List.of(RECORD)));
        TlsaBase base = Dane.tlsaBase(new CnameChain(MX, List.of("hop.example.test", TARGET), false), dns);
        assertThat(base.domain()).isEqualTo(MX);
        assertThat(base.lookup()).isEqualTo(new TlsaLookup.SecureNone());
        assertThat(base.referenceNames()).containsExactly(MX);
        assertThat(dns.asked).containsExactly(MX);
    }

    @Test
    void underDaneTaTheCertificateMayNameTheMxHostOrTheExpandedNameButNoIntermediateName() throws Exception {
        X509Certificate ca = TestPki.ca(KeyType.EC_P256);
        Tlsa anchor = DaneVerifierTest.record(2, 0, 1, ca.getEncoded());
        Lookups dns = new Lookups().at(TARGET, new TlsaLookup.Secure(List.of(anchor)));
        TlsaBase base = Dane.tlsaBase(new CnameChain(MX, List.of("hop.example.test", TARGET), true), dns);
        for (String name : List.of(MX, TARGET, "hop.example.test", "other.example.test")) {
            Identity leaf = TestPki.server(KeyType.EC_P256, name);
            DaneVerdict verdict = DaneVerifier.verify(List.of(anchor), base.referenceNames(), List.of(leaf.leaf(), ca), Instant.now());
            assertThat(verdict instanceof DaneVerdict.Authenticated).as(name).isEqualTo(name.equals(MX) || name.equals(TARGET));
        }
        DaneDecision decision = Dane.decide(base, DaneLevel.DANE, b -> b);
        assertThat(decision).isInstanceOfSatisfying(DaneDecision.Deliver.class, d -> {
            assertThat(d.authenticated()).isTrue();
            assertThat(d.config().serverName()).isEqualTo(TARGET);
        });
    }

    @Test
    void theBaseDomainIsAlwaysAReferenceIdentifier() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new TlsaBase(MX, new TlsaLookup.Insecure(), java.util.Set.of(TARGET)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Property
    void theBaseDomainIsTheOriginalOrTheSecurelyExpandedNameAndBothAreReferenceIdentifiers(
            @ForAll("chains") CnameChain chain, @ForAll("lookups") TlsaLookup atExpanded, @ForAll("lookups") TlsaLookup atOriginal) {
        Lookups dns = new Lookups().at(chain.expanded(), atExpanded);
        if (!chain.expanded().equals(chain.original())) {
            dns.at(chain.original(), atOriginal);
        }
        TlsaBase base = Dane.tlsaBase(chain, dns);
        assertThat(base.domain()).isIn(chain.original(), chain.expanded());
        assertThat(base.referenceNames()).contains(base.domain(), chain.original());
        assertThat(dns.asked).hasSizeBetween(1, 2);
        if (!chain.secure()) {
            assertThat(base.domain()).isEqualTo(chain.original());
            assertThat(base.referenceNames()).containsExactly(chain.original());
        }
        if (base.domain().equals(chain.expanded()) && !chain.targets().isEmpty()) {
            assertThat(chain.secure()).isTrue();
        }
    }

    @Provide
    Arbitrary<CnameChain> chains() {
        Arbitrary<String> name = Arbitraries.of("a.test", "b.test", "c.test", "mx.example.test");
        return net.jqwik.api.Combinators.combine(name, name.list().ofMaxSize(3).uniqueElements(), Arbitraries.of(true, false))
                .as(CnameChain::new).filter(c -> !c.targets().contains(c.original()));
    }

    @Provide
    Arbitrary<TlsaLookup> lookups() {
        return Arbitraries.of(new TlsaLookup.Secure(List.of(RECORD)), new TlsaLookup.Secure(List.of()), new TlsaLookup.SecureNone(),
                new TlsaLookup.Insecure(), new TlsaLookup.Failed("servfail"));
    }
}
