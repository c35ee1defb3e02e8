package org.starttls4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.starttls4j.smtp.Smtp;
import org.starttls4j.testing.Loopback;
import org.starttls4j.testing.TestPki;
import org.starttls4j.testing.TestPki.KeyType;

/** {@link ConfigBuilder#recordTranscript}: off, no line and no truncation marker is reported, every other event is. */
class TranscriptSettingTest {

    private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
    private static final String HOST = "mail.example.test";

    private static ServerConfig.Builder server() {
        return ServerConfig.builder().hostname(HOST).sslContext(TestPki.server(KeyType.EC_P256, HOST).serverContext());
    }

    private static ClientConfig.Builder client() {
        return ClientConfig.builder(HOST).trustAnchors(List.of(TestPki.ca(KeyType.EC_P256)));
    }

    @Test
    void theTranscriptIsRecordedByDefault() {
        assertThat(server().build().recordsTranscript()).isTrue();
        assertThat(client().build().recordsTranscript()).isTrue();

        Loopback.Result r = Loopback.run(Smtp.client(client().build()), Smtp.server(server().build()), NOW);

        assertThat(r.clientEvents()).filteredOn(Event.Line.class::isInstance).isNotEmpty();
        assertThat(r.serverEvents()).filteredOn(Event.Line.class::isInstance).isNotEmpty();
    }

    @Test
    void withoutATranscriptEveryOtherEventIsStillReported() {
        ClientConfig clientConfig = client().recordTranscript(false).build();
        ServerConfig serverConfig = server().recordTranscript(false).build();

        Loopback.Result r = Loopback.run(Smtp.client(clientConfig), Smtp.server(serverConfig), NOW,
                line -> Smtp.ehloReplyAfterTls(serverConfig, line.substring("EHLO ".length())));

        assertThat(r.clientOutcome()).isInstanceOf(Outcome.Secured.class);
        for (List<Event> events : List.of(r.clientEvents(), r.serverEvents())) {
            assertThat(events).noneMatch(e -> e instanceof Event.Line || e instanceof Event.TranscriptTruncated);
            assertThat(events).anyMatch(Event.StartTlsAccepted.class::isInstance).anyMatch(Event.TlsEstablished.class::isInstance)
                    .anyMatch(Event.Secured.class::isInstance);
        }
        assertThat(r.clientEvents()).anyMatch(Event.CapabilitiesReceived.class::isInstance);
        assertThat(clientConfig.toBuilder().build().recordsTranscript()).as("kept by toBuilder").isFalse();
    }

    @Test
    void withoutATranscriptNoMarkerEvenPastTheBounds() {
        Limits tiny = Limits.DEFAULT.withTranscript(0, 0);
        byte[] ehlo = "EHLO client.example.test\r\n".getBytes(StandardCharsets.US_ASCII);
        Negotiation recording = Smtp.server(server().limits(tiny).build()).begin(NOW).next();
        Negotiation silent = Smtp.server(server().limits(tiny).recordTranscript(false).build()).begin(NOW).next();

        assertThat(recording.onReceived(ByteBuffer.wrap(ehlo), NOW).events()).anyMatch(Event.TranscriptTruncated.class::isInstance);
        Transition t = silent.onReceived(ByteBuffer.wrap(ehlo), NOW);
        assertThat(t.events()).isEmpty();
        assertThat(t.outboundBytes()).isEqualTo(recording.onReceived(ByteBuffer.wrap(ehlo), NOW).outboundBytes());
    }
}
