package org.starttls4j.internal.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * The reference names the host name check takes without IDN conversion (lowercase ASCII, the
 * usual case) against those it must not take that way: a name in capitals still matches, and a
 * name with a character no host name has, an empty first label or an IP literal matches no DNS
 * identifier, not even a wildcard whose domain it ends in (RFC 6125 §6.4.3, RFC 7817).
 */
class HostNamesFastPathTest {

    @Test
    void aReferenceInCapitalsOrWithATrailingDotMatchesItsLowercaseName() {
        for (String reference : List.of("MAIL.EXAMPLE.TEST", "Mail.Example.Test", "mail.example.test.", "MX9.EXAMPLE.TEST")) {
            String lower = reference.toLowerCase(Locale.ROOT).replaceAll("\\.$", "");
            assertThat(HostNames.dnsIdMatches(lower, reference)).as(reference).isTrue();
            assertThat(HostNames.dnsIdMatches("*.example.test", reference)).as(reference).isTrue();
        }
    }

    @Test
    void aReferenceWithACharacterNoHostNameHasMatchesNoWildcard() {
        for (char c : "*! /@[`{~:=".toCharArray()) {
            String reference = "a" + c + "b.example.test";
            assertThat(HostNames.dnsIdMatches("*.example.test", reference)).as(reference).isFalse();
            assertThat(HostNames.dnsIdMatches(reference, reference)).as(reference).isFalse();
        }
    }

    @Test
    void aReferenceWithAnEmptyFirstLabelMatchesNoWildcard() {
        assertThat(HostNames.dnsIdMatches("*.example.test", ".example.test")).isFalse();
        assertThat(HostNames.dnsIdMatches("*.mail.example.test", ".mail.example.test")).isFalse();
        assertThat(HostNames.dnsIdMatches("mail.example.test", ".mail.example.test")).isFalse();
    }

    @Test
    void anIpv4LiteralMatchesNoDnsIdentifierSpellingIt() {
        assertThat(HostNames.dnsIdMatches("192.0.2.1", "192.0.2.1")).isFalse();
        assertThat(HostNames.dnsIdMatches("*.0.2.1", "192.0.2.1")).isFalse();
        assertThat(HostNames.dnsIdMatches("1.2.3.4", "1.2.3.4.")).isFalse();
    }
}
