package org.starttls4j.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.starttls4j.Capabilities;
import org.starttls4j.Capability;
import org.starttls4j.ClientConfig;
import org.starttls4j.Event;
import org.starttls4j.Outcome;
import org.starttls4j.ServerConfig;
import org.starttls4j.TlsPolicy;
import org.starttls4j.testing.Loopback;
import org.starttls4j.testing.TestPki;
import org.starttls4j.testing.TestPki.KeyType;

class SmtpPairTest {

    static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
    static final String HOST = "mail.example.test";

    @Test
    void requiredClientAndServerEndSecuredWithPostTlsCapabilities() {
        ServerConfig server = ServerConfig.builder().hostname(HOST)
                .sslContext(TestPki.server(KeyType.EC_P256, HOST).serverContext())
                .capabilitiesBeforeTls(new Capabilities(List.of(new Capability("8BITMIME", List.of()))))
                .capabilitiesAfterTls(new Capabilities(List.of(new Capability("AUTH", List.of("PLAIN")))))
                .build();
        ClientConfig client = ClientConfig.builder(HOST).trustAnchors(List.of(TestPki.ca(KeyType.EC_P256))).build();

        Loopback.Result r = Loopback.run(Smtp.client(client), Smtp.server(server), NOW,
                line -> line.startsWith("EHLO ") ? Smtp.ehloReplyAfterTls(server, line.substring(5)) : null);

        assertThat(r.clientOutcome()).isInstanceOf(Outcome.Secured.class);
        assertThat(r.serverOutcome()).isInstanceOf(Outcome.Secured.class);
        assertThat(r.clientSession().capabilities().has("AUTH")).isTrue();
        assertThat(r.clientSession().capabilities().has("STARTTLS")).isFalse();
        assertThat(r.clientSession().tls().protocol()).isEqualTo("TLSv1.3");
        assertThat(new String(r.clientSent(), StandardCharsets.ISO_8859_1)).startsWith("EHLO localhost\r\nSTARTTLS\r\n");
        assertThat(r.clientEvents()).anySatisfy(e -> assertThat(e).isInstanceOf(Event.TlsEstablished.class));
        byte[] echoed = Loopback.send(r.clientSession(), r.serverSession(), "MAIL FROM:<a@b>\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(new String(echoed, StandardCharsets.US_ASCII)).isEqualTo("MAIL FROM:<a@b>\r\n");
    }
}
