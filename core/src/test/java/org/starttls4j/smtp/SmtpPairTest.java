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
import org.starttls4j.PlaintextSession;
import org.starttls4j.Transition;
import org.starttls4j.ServerConfig;
import org.starttls4j.TlsPolicy;
import org.starttls4j.testing.Loopback;
import org.starttls4j.testing.TestPki;
import org.starttls4j.testing.TestPki.KeyType;

class SmtpPairTest {

    static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
    static final String HOST = "mail.example.test";

    @Test
    void theServerHandsOverItsPostTlsCapabilitiesNeverThePreTlsOnes() {
        Capabilities before = new Capabilities(List.of(new Capability("8BITMIME", List.of()), new Capability("X-BEFORE", List.of())));
        Capabilities after = new Capabilities(List.of(new Capability("AUTH", List.of("PLAIN")), new Capability("SIZE", List.of("2000"))));
        ServerConfig server = ServerConfig.builder().hostname(HOST)
                .sslContext(TestPki.server(KeyType.EC_P256, HOST).serverContext())
                .capabilitiesBeforeTls(before).capabilitiesAfterTls(after).build();
        ClientConfig client = ClientConfig.builder(HOST).trustAnchors(List.of(TestPki.ca(KeyType.EC_P256))).build();

        Loopback.Result r = Loopback.run(Smtp.client(client), Smtp.server(server), NOW,
                line -> line.startsWith("EHLO ") ? Smtp.ehloReplyAfterTls(server, line.substring(5)) : null);

        assertThat(r.serverSession().capabilities()).isEqualTo(after);
        assertThat(r.serverSession().capabilities().has("X-BEFORE")).isFalse();
    }

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

    @Test
    void aPlaintextConnectionHandedOverCanBeHandedBackWhenTheClientSendsStartTlsLater() {
        ServerConfig config = ServerConfig.builder().hostname(HOST).policy(TlsPolicy.OPPORTUNISTIC)
                .sslContext(TestPki.server(KeyType.EC_P256, HOST).serverContext()).build();
        Transition t = Smtp.server(config).begin(NOW);
        t = t.next().onReceived(ascii("EHLO client.test\r\nMAIL FROM:<a@b>\r\n"), NOW);
        PlaintextSession handedOver = ((Outcome.Plaintext) t.outcome().orElseThrow()).session();
        assertThat(ascii(handedOver.unread())).isEqualTo("MAIL FROM:<a@b>\r\n");
        // ... the application runs the transaction (MAIL, RCPT, DATA, "."), then the client asks for TLS:

        Transition resumed = Smtp.serverResuming(config).begin(NOW);
        assertThat(resumed.outboundBytes()).isEmpty();
        Transition goAhead = resumed.next().onReceived(ascii("STARTTLS\r\n"), NOW);

        assertThat(ascii(goAhead.outbound())).isEqualTo("220 2.0.0 Ready to start TLS\r\n");
        assertThat(goAhead.next().state()).isEqualTo("Handshaking");
        assertThat(goAhead.events()).contains(new Event.StartTlsAccepted());
    }

    @Test
    void theReadyAnswerToASecondStartTlsIs503AndPostTlsEhloNeverAnnouncesStartTls() {
        ServerConfig config = ServerConfig.builder().hostname(HOST)
                .sslContext(TestPki.server(KeyType.EC_P256, HOST).serverContext())
                .capabilitiesAfterTls(new Capabilities(List.of(new Capability("STARTTLS", List.of()), new Capability("SIZE", List.of("10")))))
                .build();

        assertThat(Smtp.REPLY_TLS_ALREADY_ACTIVE).startsWith("503 ");
        assertThat(Smtp.ehloReplyAfterTls(config, "client.test"))
                .isEqualTo("250-" + HOST + " greets client.test\r\n250 SIZE 10\r\n");
    }

    static java.nio.ByteBuffer ascii(String s) {
        return java.nio.ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
    }

    static String ascii(java.nio.ByteBuffer b) {
        byte[] bytes = new byte[b.remaining()];
        b.duplicate().get(bytes);
        return new String(bytes, StandardCharsets.US_ASCII);
    }
}
