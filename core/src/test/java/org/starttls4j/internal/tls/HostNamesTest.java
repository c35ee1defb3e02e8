package org.starttls4j.internal.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.security.auth.x500.X500Principal;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.starttls4j.testing.CertificateVariants.Leaf;
import org.starttls4j.testing.DelegatingCertificate;

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
        assertThat(HostNames.dnsIdMatches("mail.example.com..", "mail.example.com..")).as("an empty last label: one trailing dot is trimmed, not two").isFalse();
        assertThat(HostNames.dnsIdMatches("mail.example.com", "mail.example.com..")).isFalse();
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
        assertThat(HostNames.ipLiteral("255.255.255.255")).hasValueSatisfying(a -> assertThat(a).containsExactly(-1, -1, -1, -1));
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

    @Test
    void noDnsIdMatchesAnIpv4Literal() {
        // An address is compared with iPAddress entries only (RFC 6125 §1.7.2): "*.0.0.0" is no name for it
        assertThat(HostNames.dnsIdMatches("*.0.0.0", "0.0.0.0")).isFalse();
        assertThat(HostNames.dnsIdMatches("*.0.9.90", "1.0.9.90")).isFalse();
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
        // Not all digits: "0.0.0.0" is an IPv4 literal, which no DNS-ID matches, wildcard or not.
        return Arbitraries.strings().withChars("abcxyz019-").ofMinLength(1).ofMaxLength(6).list().ofMinSize(2).ofMaxSize(5)
                .filter(labels -> !labels.stream().allMatch(label -> label.chars().allMatch(Character::isDigit)));
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

    @Property(tries = 200)
    void aWellFormedNameMatchesItselfWhateverItsCaseAndTrailingDot(@ForAll("hostNames") String name) {
        assertThat(HostNames.dnsIdMatches(name.toUpperCase(Locale.ROOT), name)).isTrue();
        assertThat(HostNames.dnsIdMatches(name, name.toUpperCase(Locale.ROOT) + ".")).isTrue();
    }

    @Property(tries = 300)
    void aNameWithAnyOtherCharacterMatchesNothingNotEvenItself(@ForAll("hostNames") String name, @ForAll("foreign") char c,
                                                                 @ForAll @IntRange(max = 40) int at) {
        int where = Math.min(at, name.length());
        String odd = name.substring(0, where) + c + name.substring(where);

        assertThat(HostNames.dnsIdMatches(odd, odd)).as("%s", odd).isFalse();
        assertThat(HostNames.dnsIdMatches("*." + odd, "mx." + odd)).as("*.%s", odd).isFalse();
    }

    @Provide
    Arbitrary<String> hostNames() {
        return Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyz0123456789-_").ofMinLength(1).ofMaxLength(10)
                .list().ofMinSize(2).ofMaxSize(4).map(labels -> String.join(".", labels));
    }

    @Provide
    Arbitrary<Character> foreign() {
        return Arbitraries.of(' ', '!', '"', '#', '$', '%', '&', '\'', '(', ')', '+', ',', '/', ':', ';', '<', '=', '>', '?',
                '@', '[', '\\', ']', '^', '`', '{', '|', '}', '~', '\u0000', '\u007f', '*', '\u00fc', '\u0430');
    }

    @Test
    void aReferenceThatIsNoHostNameMatchesNoCertificate() {
        X509Certificate certificate = Leaf.rsa().withCommonName("a b").issue().leaf();

        assertThat(HostNames.matches(certificate, "")).isFalse();
        assertThat(HostNames.matches(certificate, ".")).isFalse();
        assertThat(HostNames.matches(certificate, "a b")).isFalse();
        assertThat(HostNames.matches(certificate, "mail..example.test")).isFalse();
    }

    @Test
    void alternativeNamesThatCannotBeReadNameNothingNotEvenThroughTheCommonName() {
        X509Certificate unreadable = new DelegatingCertificate(Leaf.rsa().withCommonName("mail.example.test").issue().leaf()) {
            @Override
            public Collection<List<?>> getSubjectAlternativeNames() throws CertificateParsingException {
                throw new CertificateParsingException("garbled extension");
            }
        };

        assertThat(HostNames.matches(unreadable, "mail.example.test")).isFalse();
    }

    @Property(tries = 60)
    void commonNamesOfEveryLengthAreRead(@ForAll @IntRange(min = 1, max = 400) int length) {
        String cn = "m".repeat(length);

        assertThat(HostNames.commonNames(new X500Principal("CN=" + cn).getEncoded())).containsExactly(cn);
    }

    @Test
    void commonNamesAtTheEdgesOfDerLengthForms() {
        for (int length : new int[] {1, 127, 128, 255, 256, 65_535, 65_536, 70_000}) {
            String cn = "m".repeat(length);
            assertThat(HostNames.commonNames(new X500Principal("CN=" + cn).getEncoded()))
                    .as("a CN of %d characters", length).containsExactly(cn);
        }
    }

    @Test
    void aMalformedNameGivesNoCommonNameAndNoException() {
        // SEQUENCE { SET { SEQUENCE { OID 2.5.4.3, PrintableString of 10 octets, only 2 present } } }
        byte[] truncatedValue = {0x30, 0x0d, 0x31, 0x0b, 0x30, 0x09, 0x06, 0x03, 0x55, 0x04, 0x03, 0x13, 0x0a, 'a', 'b'};
        // the same with the value's length in four octets, beyond any name
        byte[] fourOctetLength = {0x30, 0x11, 0x31, 0x0f, 0x30, 0x0d, 0x06, 0x03, 0x55, 0x04, 0x03, 0x13, (byte) 0x84, 0, 0, 0,
            0x02, 'a', 'b'};
        byte[] wellFormed = {0x30, 0x0e, 0x31, 0x0c, 0x30, 0x0a, 0x06, 0x03, 0x55, 0x04, 0x03, 0x13, (byte) 0x81, 0x02, 'a', 'b'};

        assertThat(HostNames.commonNames(truncatedValue)).isEmpty();
        assertThat(HostNames.commonNames(fourOctetLength)).isEmpty();
        assertThat(HostNames.commonNames(wellFormed)).as("a long form where a short one would do").containsExactly("ab");
    }
}
