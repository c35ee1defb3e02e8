package org.starttls4j.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.starttls4j.ClientConfig;
import org.starttls4j.Negotiation;
import org.starttls4j.ServerConfig;
import org.starttls4j.Transition;
import org.starttls4j.testing.TestPki;
import org.starttls4j.testing.TestPki.KeyType;

/** {@link Negotiation#state()} tells the EHLO reply awaited before TLS from the one awaited inside it. */
class SmtpStateLayerTest {

    static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
    static final String HOST = "mail.example.test";

    @Test
    void theClientsTwoEhloRepliesAreTheSameDialogStateInDifferentLayers() {
        ServerConfig server = ServerConfig.builder().hostname(HOST)
                .sslContext(TestPki.server(KeyType.EC_P256, HOST).serverContext()).build();
        ClientConfig client = ClientConfig.builder(HOST).trustAnchors(List.of(TestPki.ca(KeyType.EC_P256))).build();

        List<String> states = new ArrayList<>();
        Transition s = Smtp.server(server).begin(NOW);
        Transition c = Smtp.client(client).begin(NOW);
        states.add(c.next().state());
        for (int step = 0; step < 40 && !c.next().state().startsWith(Negotiation.INSIDE_TLS); step++) {
            ByteBuffer toClient = s.outbound();
            c = c.next().onReceived(toClient, NOW);
            states.add(c.next().state());
            ByteBuffer toServer = c.outbound();
            if (toServer.hasRemaining() && !s.next().isFinished()) {
                s = s.next().onReceived(toServer, NOW);
            }
        }

        assertThat(states).contains("AwaitingEhloReply", "Handshaking", "Tls/AwaitingEhloReply");
        assertThat(states.indexOf("AwaitingEhloReply")).isLessThan(states.indexOf("Handshaking"));
        assertThat(states.indexOf("Handshaking")).isLessThan(states.indexOf("Tls/AwaitingEhloReply"));
        assertThat(states).filteredOn(st -> st.startsWith(Negotiation.INSIDE_TLS)).containsOnly("Tls/AwaitingEhloReply");
    }
}
