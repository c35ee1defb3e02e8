package org.starttls4j.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.starttls4j.Limits;
import org.starttls4j.TlsPolicy;
import org.starttls4j.lmtp.Lmtp;

/**
 * The first line of the server's EHLO (and LHLO) reply echoes the client's argument only where
 * that keeps the reply within RFC 5321's grammar: a reply line of at most 512 octets
 * (§4.5.3.1.5), of printable text. The argument is whatever the client sent, up to
 * {@link Limits#maxLineLength()} (1000 by default) bytes.
 */
class EhloReplyLineTest {

    private static final int MAX_REPLY_LINE = 512;

    private static String firstLine(String reply) {
        return reply.substring(0, reply.indexOf("\r\n") + 2);
    }

    @Test
    void aLongArgumentIsNotEchoedIntoAReplyLineLongerThan512Octets() {
        String argument = "a".repeat(990); // "EHLO " + 990 + CRLF: 997 bytes, within the default line bound
        Wire s = Wire.server(TlsPolicy.REQUIRED).receive("EHLO " + argument + "\r\n");

        assertThat(firstLine(s.lastSent())).isEqualTo("250-mail.example.test\r\n");
        assertThat(s.lastSent()).endsWith("250 STARTTLS\r\n");
    }

    @Test
    void theLongestArgumentThatFitsIsStillEchoed() {
        String prefix = "250-mail.example.test greets ";
        String fits = "d".repeat(MAX_REPLY_LINE - prefix.length() - 2);
        Wire s = Wire.server(TlsPolicy.REQUIRED).receive("EHLO " + fits + "\r\n");
        assertThat(firstLine(s.lastSent())).isEqualTo(prefix + fits + "\r\n").hasSize(MAX_REPLY_LINE);

        Wire over = Wire.server(TlsPolicy.REQUIRED).receive("EHLO " + fits + "d\r\n");
        assertThat(firstLine(over.lastSent())).isEqualTo("250-mail.example.test\r\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"c\u0001d", "c\u001b[2Jd", "\u00ffc", "caf\u00e9.example", "a b", "c\td"})
    void anArgumentThatIsNotPrintableAsciiIsNotSentBack(String argument) {
        Wire s = Wire.server(TlsPolicy.REQUIRED).receive("EHLO " + argument + "\r\n");

        assertThat(firstLine(s.lastSent())).isEqualTo("250-mail.example.test\r\n");
    }

    @Test
    void domainsAndAddressLiteralsAreEchoedAsBefore() {
        assertThat(firstLine(Wire.server(TlsPolicy.REQUIRED).receive("EHLO client.example.test\r\n").lastSent()))
                .isEqualTo("250-mail.example.test greets client.example.test\r\n");
        assertThat(firstLine(Wire.server(TlsPolicy.REQUIRED).receive("EHLO [IPv6:2001:db8::1]\r\n").lastSent()))
                .isEqualTo("250-mail.example.test greets [IPv6:2001:db8::1]\r\n");
    }

    @Test
    void lmtpsLhloReplyAndTheApplicationsEhloRepliesHoldTheSameBound() {
        String argument = "l".repeat(600);
        Wire lmtp = Wire.of(Lmtp.server(Wire.serverConfig(TlsPolicy.REQUIRED)).begin(Wire.NOW)).receive("LHLO " + argument + "\r\n");
        assertThat(firstLine(lmtp.lastSent())).isEqualTo("250-mail.example.test\r\n");

        assertThat(Smtp.ehloReplyAfterTls(Wire.serverConfig(TlsPolicy.REQUIRED), argument)).isEqualTo("250 mail.example.test\r\n");
        // An application that passes a line it did not frame cannot make the reply carry a line of its own.
        assertThat(Smtp.ehloReplyInPlaintext(Wire.serverConfig(TlsPolicy.REQUIRED), "c\r\n250 AUTH PLAIN"))
                .isEqualTo("250-mail.example.test\r\n250 STARTTLS\r\n");
    }

    @Property(tries = 300)
    void everyLineOfTheEhloReplyIsAtMost512PrintableOctets(
            @ForAll @StringLength(min = 1, max = 989) @CharRange(from = '\u0001', to = '\u00ff') String argument) {
        String clean = "c" + argument.replace('\r', 'r').replace('\n', 'n'); // never blank, which 501 answers
        Wire s = Wire.server(TlsPolicy.REQUIRED).receive("EHLO " + clean + "\r\n");

        String reply = s.lastSent();
        assertThat(reply).startsWith("250-mail.example.test").endsWith("250 STARTTLS\r\n");
        for (String line : reply.split("\r\n")) {
            assertThat(line.length() + 2).as("a reply line with its CRLF").isLessThanOrEqualTo(MAX_REPLY_LINE);
            assertThat(line.chars().allMatch(c -> c >= ' ' && c <= '~')).as("printable: %s", line).isTrue();
        }
    }
}
