package org.starttls4j.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** URL schemes, default ports and what is refused. */
class TargetTest {

    @Test
    void everySchemeHasItsProtocolPortAndTlsMode() {
        assertThat(Target.parse("smtp://mx.example.com")).isEqualTo(new Target("smtp", Protocol.SMTP, "mx.example.com", 25, false));
        assertThat(Target.parse("submission://mx.example.com")).isEqualTo(new Target("submission", Protocol.SMTP, "mx.example.com",
                587, false));
        assertThat(Target.parse("smtps://mx.example.com")).isEqualTo(new Target("smtps", Protocol.SMTP, "mx.example.com", 465, true));
        assertThat(Target.parse("imap://mx.example.com")).isEqualTo(new Target("imap", Protocol.IMAP, "mx.example.com", 143, false));
        assertThat(Target.parse("imaps://mx.example.com")).isEqualTo(new Target("imaps", Protocol.IMAP, "mx.example.com", 993, true));
        assertThat(Target.parse("pop3://mx.example.com")).isEqualTo(new Target("pop3", Protocol.POP3, "mx.example.com", 110, false));
        assertThat(Target.parse("pop3s://mx.example.com")).isEqualTo(new Target("pop3s", Protocol.POP3, "mx.example.com", 995, true));
        assertThat(Target.parse("lmtp://mx.example.com")).isEqualTo(new Target("lmtp", Protocol.LMTP, "mx.example.com", 24, false));
        assertThat(Target.parse("sieve://mx.example.com")).isEqualTo(new Target("sieve", Protocol.SIEVE, "mx.example.com", 4190, false));
        assertThat(Target.parse("nntp://mx.example.com")).isEqualTo(new Target("nntp", Protocol.NNTP, "mx.example.com", 119, false));
        assertThat(Target.parse("nntps://mx.example.com")).isEqualTo(new Target("nntps", Protocol.NNTP, "mx.example.com", 563, true));
    }

    @Test
    void explicitPortsIpLiteralsCaseAndATrailingSlash() {
        assertThat(Target.parse("SMTP://MX.example.com:2525/")).isEqualTo(new Target("smtp", Protocol.SMTP, "MX.example.com", 2525,
                false));
        assertThat(Target.parse("imaps://[2001:db8::1]:1993")).isEqualTo(new Target("imaps", Protocol.IMAP, "2001:db8::1", 1993, true));
        assertThat(Target.parse("imaps://[2001:db8::1]:1993").url()).isEqualTo("imaps://[2001:db8::1]:1993");
        assertThat(Target.parse("pop3://192.0.2.7").url()).isEqualTo("pop3://192.0.2.7:110");
    }

    @Test
    void refusesWhatIsNotAMailUrl() {
        for (String wrong : new String[] {"mx.example.com", "http://mx.example.com", "smtp://", "smtp://user@mx.example.com",
            "smtp://mx.example.com/inbox", "smtp://mx.example.com?x=1", "smtp://mx.example.com:0", "smtp://mx.example.com:65536",
            "smtp://exa mple.com"}) {
            assertThatThrownBy(() -> Target.parse(wrong)).as(wrong).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
