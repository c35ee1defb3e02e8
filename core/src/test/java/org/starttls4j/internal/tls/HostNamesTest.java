package org.starttls4j.internal.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.starttls4j.testing.CertificateVariants.Leaf;

/** RFC 6125 / RFC 7817 §3 host name matching, case by case ({@link HostNameCases}). */
class HostNamesTest {

    static List<HostNameCases.Case> cases() {
        return HostNameCases.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void eachCaseGetsTheVerdictOfRfc7817(HostNameCases.Case c) {
        assertThat(HostNames.matches(HostNameCases.certificate(c), c.reference()))
                .as("%s: %s for %s", c.name(), c.leaf().dnsNames(), c.reference()).isEqualTo(c.expected());
    }

    @Test
    void presentedIdentifiersFollowTheWildcardRules() {
        assertThat(HostNames.dnsIdMatches("*.example.com", "mx.example.com")).isTrue();
        assertThat(HostNames.dnsIdMatches("*.example.com", "example.com")).isFalse();
        assertThat(HostNames.dnsIdMatches("*.com", "example.com")).isFalse();
        assertThat(HostNames.dnsIdMatches("mail.*.com", "mail.x.com")).isFalse();
        assertThat(HostNames.dnsIdMatches("m*.example.com", "mx.example.com")).isFalse();
        assertThat(HostNames.dnsIdMatches("*x.example.com", "mx.example.com")).isFalse();
        assertThat(HostNames.dnsIdMatches("*", "com")).isFalse();
        assertThat(HostNames.dnsIdMatches("mail.example.com.", "MAIL.example.com")).as("a trailing dot on either side").isTrue();
        assertThat(HostNames.dnsIdMatches("mail.example.com", "mail.example.com.")).isTrue();
        assertThat(HostNames.dnsIdMatches("mail..example.com", "mail..example.com")).as("an empty label").isFalse();
        assertThat(HostNames.dnsIdMatches("*.example.com", ".example.com")).isFalse();
        assertThat(HostNames.dnsIdMatches("bücher.example.com", "bücher.example.com"))
                .as("a certificate must carry A-labels: a U-label entry names nothing").isFalse();
        assertThat(HostNames.dnsIdMatches("xn--bcher-kva.example.com", "BÜCHER.example.com")).isTrue();
    }

    @Test
    void ipLiteralsAreParsedWithoutLookupsAndStrictly() {
        assertThat(HostNames.ipLiteral("127.0.0.1")).hasValueSatisfying(a -> assertThat(a).containsExactly(127, 0, 0, 1));
        assertThat(HostNames.ipLiteral("[::1]")).hasValueSatisfying(a -> assertThat(a).hasSize(16));
        assertThat(HostNames.ipLiteral("256.0.0.1")).isEmpty();
        assertThat(HostNames.ipLiteral("010.0.0.1")).as("ambiguous: octal or decimal").isEmpty();
        assertThat(HostNames.ipLiteral("1.2.3")).isEmpty();
        assertThat(HostNames.ipLiteral("mail.example.test")).isEmpty();
        assertThat(HostNames.ipLiteral("fe80::1%eth0")).as("a scope would need an interface").isEmpty();
        assertThat(HostNames.ipLiteral("mail:25")).isEmpty();
    }

    @Test
    void commonNamesAreReadFromTheEncodedSubject() {
        assertThat(HostNames.commonNames(Leaf.rsa().withCommonName("mail.example.test").issue().leaf()
                .getSubjectX500Principal().getEncoded())).containsExactly("mail.example.test");
        assertThat(HostNames.commonNames(new byte[] {0x30, 0x05, 0x31})).isEmpty();
    }

    @Property(tries = 500)
    void aWildcardNeverMatchesMoreOrFewerThanOneLabel(@ForAll("labels") List<String> labels) {
        String parent = String.join(".", labels.subList(1, labels.size()));
        String name = String.join(".", labels);
        boolean oneMoreLabel = labels.size() >= 3;
        assertThat(HostNames.dnsIdMatches("*." + parent, name)).isEqualTo(oneMoreLabel);
        assertThat(HostNames.dnsIdMatches("*." + name, parent)).isFalse();
        assertThat(HostNames.dnsIdMatches("*." + name, name)).isFalse();
    }

    @Provide
    Arbitrary<List<String>> labels() {
        return Arbitraries.strings().withChars("abcxyz019-").ofMinLength(1).ofMaxLength(6).list().ofMinSize(2).ofMaxSize(5);
    }

    /**
     * A lowercase ASCII reference skips the conversions (IDN, lowercase, IP literal) that any other
     * spelling of it goes through: both must give the same verdict, long labels included.
     */
    @Property(tries = 500)
    void aLowercaseReferenceGetsTheVerdictOfItsOtherSpellings(@ForAll("asciiNames") String reference, @ForAll("asciiNames") String presented) {
        String upper = reference.toUpperCase(java.util.Locale.ROOT);
        assertThat(HostNames.dnsIdMatches(presented, reference)).isEqualTo(HostNames.dnsIdMatches(presented, upper));
        assertThat(HostNames.dnsIdMatches(reference, reference)).isEqualTo(HostNames.dnsIdMatches(reference, upper));
        assertThat(HostNames.dnsIdMatches("*." + reference, "mx." + reference)).isEqualTo(HostNames.dnsIdMatches("*." + reference, "MX." + upper));
    }

    @Provide
    Arbitrary<String> asciiNames() {
        Arbitrary<String> label = Arbitraries.oneOf(Arbitraries.strings().withChars("abz09-_").ofMinLength(0).ofMaxLength(4),
                Arbitraries.strings().withChars("ab").ofMinLength(62).ofMaxLength(65));
        return label.list().ofMinSize(1).ofMaxSize(4).map(labels -> String.join(".", labels))
                .flatMap(name -> Arbitraries.of(name, name + ".", "1.2.3." + name, name.replace('a', '1')));
    }

    @Property(tries = 300)
    void garbageNeverThrows(@ForAll String presented, @ForAll String reference) {
        HostNames.dnsIdMatches(presented, reference);
        HostNames.ipLiteral(reference);
    }
}
