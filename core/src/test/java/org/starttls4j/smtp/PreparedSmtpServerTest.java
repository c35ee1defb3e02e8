package org.starttls4j.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.starttls4j.smtp.Wire.NOW;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.starttls4j.Negotiation;
import org.starttls4j.ServerConfig;
import org.starttls4j.TlsPolicy;
import org.starttls4j.Transition;

/**
 * A prepared server makes its greeting, its go-ahead and its one-state dialog once and shares them
 * between its negotiations: what one negotiation is fed never shows in another, and two
 * configurations never share what was made for one of them.
 */
class PreparedSmtpServerTest {

    private static String sent(Transition t) {
        return Wire.text(t.outbound());
    }

    private static Transition feed(Negotiation n, String text) {
        return n.onReceived(ByteBuffer.wrap(Wire.latin1(text)), NOW);
    }

    @Test
    void negotiationsOfOnePreparedServerDoNotSeeEachOther() {
        PreparedSmtpServer prepared = PreparedSmtpServer.of(Wire.serverConfig(TlsPolicy.OPPORTUNISTIC));
        Transition first = prepared.negotiation().begin(NOW);
        Transition ehlo = feed(first.next(), "EHLO one.example\r\n");
        Transition quit = feed(ehlo.next(), "QUIT\r\n");

        Transition second = prepared.negotiation().begin(NOW);
        Transition secondEhlo = feed(second.next(), "EHLO two.example\r\n");

        assertThat(quit.next().isFinished()).isTrue();
        assertThat(second.next().isFinished()).isFalse();
        assertThat(sent(second)).isEqualTo(sent(first)).startsWith("220 ");
        assertThat(sent(secondEhlo)).contains("greets two.example").doesNotContain("one.example");
        assertThat(feed(secondEhlo.next(), "STARTTLS\r\n").outcome()).isEqualTo(feed(ehlo.next(), "STARTTLS\r\n").outcome());
        assertThat(sent(feed(secondEhlo.next(), "STARTTLS\r\n"))).isEqualTo("220 2.0.0 Ready to start TLS\r\n");
    }

    @Test
    void twoConfigurationsGreetEachInTheirOwnWords() {
        ServerConfig a = Wire.serverBuilder(TlsPolicy.REQUIRED).hostname("a.example").build();
        ServerConfig b = Wire.serverBuilder(TlsPolicy.REQUIRED).hostname("b.example").greeting("b says hello").build();

        String greetsA = sent(PreparedSmtpServer.of(a).negotiation().begin(NOW));
        String greetsB = sent(PreparedSmtpServer.of(b).negotiation().begin(NOW));

        assertThat(greetsA).isEqualTo("220 a.example ESMTP starttls4j\r\n");
        assertThat(greetsB).isEqualTo("220 b says hello\r\n");
        assertThat(sent(Smtp.server(a).begin(NOW))).isEqualTo(greetsA);
        assertThat(sent(Smtp.server(b).begin(NOW))).isEqualTo(greetsB);
        assertThat(SmtpServerDialog.create(a).start()).isNotSameAs(SmtpServerDialog.create(b).start());
    }
}
