package org.starttls4j.dane;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.starttls4j.dane.TlsaBaseTest.Lookups;
import org.starttls4j.tlsrpt.ResultType;

/**
 * RFC 7672 §2.2.2: TLSA records count only for an MX host whose address records are secure; an
 * alias of an unsigned host keeps its own records; a failed address lookup never turns DANE off.
 */
class AddressRuleTest {

    static final String MX = TlsaBaseTest.MX;
    static final String TARGET = TlsaBaseTest.TARGET;
    static final TlsaLookup SECURE = new TlsaLookup.Secure(List.of(TlsaBaseTest.RECORD));

    @Test
    void aHostWithInsecureAddressesIsNoDaneHostWhateverItsTlsaRecordsSay() {
        // the case of a signed _25._tcp zone below an unsigned host zone: the records validate, the addresses do not
        Lookups dns = new Lookups().at(MX, SECURE);
        TlsaBase base = Dane.tlsaBase(CnameChain.none(MX), new AddressLookup.Insecure(), dns);
        assertThat(dns.asked).as("no TLSA query for the host").isEmpty();
        assertThat(base.lookup()).isEqualTo(new TlsaLookup.Insecure());
        assertThat(Dane.decide(base, DaneLevel.DANE, b -> b)).isInstanceOfSatisfying(DaneDecision.NotApplicable.class,
                n -> assertThat(n.why()).contains("address records"));
        assertThat(Dane.decide(base, DaneLevel.DANE_ONLY, b -> b)).isInstanceOfSatisfying(DaneDecision.DoNotDeliver.class,
                no -> assertThat(no.report()).isEqualTo(ResultType.DANE_REQUIRED));
    }

    @Test
    void aHostWithSecureAddressesHasItsTlsaRecordsApplied() {
        Lookups dns = new Lookups().at(MX, SECURE);
        TlsaBase base = Dane.tlsaBase(CnameChain.none(MX), new AddressLookup.Secure(), dns);
        assertThat(dns.asked).containsExactly(MX);
        assertThat(Dane.decide(base, DaneLevel.DANE_ONLY, b -> b)).isInstanceOfSatisfying(DaneDecision.Deliver.class,
                d -> assertThat(d.authenticated()).isTrue());
    }

    @Test
    void aSignedAliasOfAnUnsignedProvidersHostKeepsTheAliasRecords() {
        // mx.example.test (signed) CNAME smtp.provider.test (unsigned): the target's addresses are insecure
        Lookups dns = new Lookups().at(TARGET, new TlsaLookup.Insecure()).at(MX, SECURE);
        TlsaBase base = Dane.tlsaBase(new CnameChain(MX, List.of(TARGET), true), new AddressLookup.Insecure(), dns);
        assertThat(base.domain()).isEqualTo(MX);
        assertThat(base.lookup()).isEqualTo(SECURE);
        assertThat(dns.asked).containsExactly(TARGET, MX);
    }

    @Test
    void aFailedAddressLookupBlocksTheHostAtEveryLevel() {
        Lookups dns = new Lookups().at(MX, new TlsaLookup.SecureNone());
        TlsaBase base = Dane.tlsaBase(CnameChain.none(MX), new AddressLookup.Failed("SERVFAIL for mx.example.test/A"), dns);
        assertThat(dns.asked).isEmpty();
        for (DaneLevel level : DaneLevel.values()) {
            assertThat(Dane.decide(base, level, b -> b)).isInstanceOfSatisfying(DaneDecision.DoNotDeliver.class, no -> {
                assertThat(no.report()).isEqualTo(ResultType.DNSSEC_INVALID);
                assertThat(no.why()).contains("address records of mx.example.test", "SERVFAIL");
            });
        }
    }

    @Property
    void theAddressRuleDecidesBeforeAnyTlsaQueryAndNeverOnAFailure(@ForAll("chains") CnameChain chain, @ForAll("addresses") AddressLookup addresses,
                                           @ForAll("lookups") TlsaLookup atExpanded, @ForAll("lookups") TlsaLookup atOriginal,
                                           @ForAll DaneLevel level) {
        Lookups gated = new Lookups().at(chain.expanded(), atExpanded);
        Lookups plain = new Lookups().at(chain.expanded(), atExpanded);
        if (!chain.expanded().equals(chain.original())) {
            gated.at(chain.original(), atOriginal);
            plain.at(chain.original(), atOriginal);
        }
        TlsaBase withRule = Dane.tlsaBase(chain, addresses, gated);
        TlsaBase without = Dane.tlsaBase(chain, plain);
        DaneDecision decision = Dane.decide(withRule, level, b -> b);
        if (addresses instanceof AddressLookup.Failed) {
            assertThat(gated.asked).isEmpty();
            assertThat(decision).isInstanceOfSatisfying(DaneDecision.DoNotDeliver.class,
                    no -> assertThat(no.report()).isEqualTo(ResultType.DNSSEC_INVALID));
        } else if (addresses instanceof AddressLookup.Insecure && chain.targets().isEmpty()) {
            assertThat(gated.asked).isEmpty();
            assertThat(withRule.lookup()).isEqualTo(new TlsaLookup.Insecure());
            assertThat(decision).isInstanceOf(level == DaneLevel.DANE ? DaneDecision.NotApplicable.class : DaneDecision.DoNotDeliver.class);
        } else {
            assertThat(withRule).isEqualTo(without);
            assertThat(gated.asked).isEqualTo(plain.asked);
        }
        // a failure never becomes "no DANE": only the validated insecurity of a host that is no alias does that
        if (decision instanceof DaneDecision.NotApplicable && Dane.decide(without, level, b -> b) instanceof DaneDecision.DoNotDeliver) {
            assertThat(addresses).isEqualTo(new AddressLookup.Insecure());
            assertThat(chain.targets()).isEmpty();
        }
    }

    @Provide
    Arbitrary<CnameChain> chains() {
        return new TlsaBaseTest().chains();
    }

    @Provide
    Arbitrary<TlsaLookup> lookups() {
        return new TlsaBaseTest().lookups();
    }

    @Provide
    Arbitrary<AddressLookup> addresses() {
        return Arbitraries.of(new AddressLookup.Secure(), new AddressLookup.Insecure(), new AddressLookup.Failed("bogus"));
    }
}
