package org.starttls4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.starttls4j.smtp.Smtp;
import org.starttls4j.testing.TestPki;
import org.starttls4j.testing.TestPki.KeyType;

/**
 * The outbound bytes written into the caller's buffer ({@code begin(destination, now)} and the
 * other inputs' second forms): from its position, as far as it has room, the rest owned by the
 * transition, and together exactly the bytes the owned form gives.
 */
class DestinationBufferTest {

    private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
    private static final ServerConfig PLAINTEXT = ServerConfig.builder().hostname("mail.example.test")
            .policy(TlsPolicy.PLAINTEXT_ONLY).build();
    private static final Negotiation SERVER = Smtp.server(PLAINTEXT);
    private static final byte[] GREETING = SERVER.begin(NOW).outboundBytes();

    @Test
    void aDestinationWithRoomTakesEveryByteAndMovesItsPosition() {
        ByteBuffer destination = ByteBuffer.allocate(1024).position(7);

        Transition t = SERVER.begin(destination, NOW);

        assertThat(t.outboundWritten()).isEqualTo(GREETING.length);
        assertThat(destination.position()).isEqualTo(7 + GREETING.length);
        assertThat(Arrays.copyOfRange(destination.array(), 7, 7 + GREETING.length)).isEqualTo(GREETING);
        assertThat(t.outbound().hasRemaining()).isFalse();
        assertThat(t.outboundBytes()).isEmpty();
        assertThat(t.hasOutbound()).isTrue();
    }

    @Test
    void exactlyAsMuchRoomAsBytesLeavesNothingOwned() {
        ByteBuffer destination = ByteBuffer.allocate(GREETING.length);

        Transition t = SERVER.begin(destination, NOW);

        assertThat(t.outboundWritten()).isEqualTo(GREETING.length);
        assertThat(destination.hasRemaining()).isFalse();
        assertThat(destination.array()).isEqualTo(GREETING);
        assertThat(t.outboundBytes()).isEmpty();
    }

    @Test
    void oneByteTooFewLeavesTheLastByteOwned() {
        ByteBuffer destination = ByteBuffer.allocate(GREETING.length - 1);

        Transition t = SERVER.begin(destination, NOW);

        assertThat(t.outboundWritten()).isEqualTo(GREETING.length - 1);
        assertThat(destination.array()).isEqualTo(Arrays.copyOf(GREETING, GREETING.length - 1));
        assertThat(t.outboundBytes()).containsExactly(GREETING[GREETING.length - 1]);
        assertThat(t.outbound().remaining()).isEqualTo(1);
    }

    @Test
    void noRoomLeavesEverythingOwnedAndTheDestinationUntouched() {
        ByteBuffer destination = ByteBuffer.allocate(16).position(16);

        Transition t = SERVER.begin(destination, NOW);

        assertThat(t.outboundWritten()).isZero();
        assertThat(destination.position()).isEqualTo(16);
        assertThat(t.outboundBytes()).isEqualTo(GREETING);
        assertThat(t.hasOutbound()).isTrue();
    }

    @Test
    void aDirectDestinationWorksAlike() {
        ByteBuffer destination = ByteBuffer.allocateDirect(10);

        Transition t = SERVER.begin(destination, NOW);

        byte[] written = new byte[10];
        destination.flip().get(written);
        assertThat(t.outboundWritten()).isEqualTo(10);
        assertThat(written).isEqualTo(Arrays.copyOf(GREETING, 10));
        assertThat(t.outboundBytes()).isEqualTo(Arrays.copyOfRange(GREETING, 10, GREETING.length));
    }

    @Test
    void aReadOnlyDestinationIsRefusedBeforeAnythingIsFed() {
        Negotiation unstarted = Smtp.server(PLAINTEXT);

        assertThatThrownBy(() -> unstarted.begin(ByteBuffer.allocate(64).asReadOnlyBuffer(), NOW))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("read-only");
        assertThatThrownBy(() -> unstarted.onReceived(ByteBuffer.allocate(0), null, NOW)).isInstanceOf(NullPointerException.class);
        assertThat(unstarted.begin(ByteBuffer.allocate(64), NOW).outboundWritten())
                .as("the refused call began nothing").isEqualTo(GREETING.length);
    }

    @Test
    void everyInputHasItsDestinationForm() {
        Negotiation greeted = SERVER.begin(NOW).next();
        byte[] ehlo = "EHLO client.example.test\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] reply = greeted.onReceived(ByteBuffer.wrap(ehlo), NOW).outboundBytes();

        ByteBuffer destination = ByteBuffer.allocate(4);
        Transition t = greeted.onReceived(ByteBuffer.wrap(ehlo), destination, NOW);
        assertThat(concat(destination, t)).isEqualTo(reply);

        Transition late = greeted.onTick(ByteBuffer.allocate(256), NOW.plusSeconds(3600));
        assertThat(late.outboundWritten()).isEqualTo(greeted.onTick(NOW.plusSeconds(3600)).outboundBytes().length).isPositive();
        assertThat(greeted.onTick(ByteBuffer.allocate(256), NOW).hasOutbound()).isFalse();
        assertThat(greeted.onEndOfStream(ByteBuffer.allocate(256), NOW).isFinished()).isTrue();
        assertThat(Smtp.server(PLAINTEXT).beginAtCapacity(ByteBuffer.allocate(256), NOW).outboundWritten())
                .isEqualTo(Smtp.server(PLAINTEXT).beginAtCapacity(NOW).outboundBytes().length);
        assertThatThrownBy(() -> greeted.onTasksCompleted(ByteBuffer.allocate(8), NOW)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> greeted.onTlsFailed(new RuntimeException("x"), ByteBuffer.allocate(8), NOW))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void equalTransitionsWroteAsMuchIntoTheirDestinations() {
        byte[] rest = {1, 2};
        Transition wroteThree = new Transition(SERVER, rest, 3, null, java.util.List.of());
        Transition wroteNone = new Transition(SERVER, rest, 0, null, java.util.List.of());

        assertThat(wroteThree).isEqualTo(new Transition(SERVER, rest, 3, null, java.util.List.of())).isNotEqualTo(wroteNone);
        assertThat(wroteThree.hashCode()).isNotEqualTo(wroteNone.hashCode());
        assertThat(wroteThree.toString()).contains("written=3 bytes");
        assertThat(wroteNone.toString()).doesNotContain("written");
    }

    @Test
    void theTransportsInputsAndTheTasksHaveTheirDestinationFormsToo() throws Exception {
        String host = "mail.example.test";
        ServerConfig serverConfig = ServerConfig.builder().hostname(host)
                .sslContext(TestPki.server(KeyType.EC_P256, host).serverContext()).delegatedTasks(DelegatedTasks.HAND_TO_CALLER).build();
        ClientConfig clientConfig = ClientConfig.builder(host).trustAnchors(java.util.List.of(TestPki.ca(KeyType.EC_P256))).build();

        // A client whose transport owns TLS, at the go-ahead: told of a failure, or of a session that never completed.
        Negotiation awaiting = Smtp.client(clientConfig).withTransportTls().begin(NOW).next();
        for (String reply : new String[] {"220 hi\r\n", "250-hi\r\n250 STARTTLS\r\n", "220 go\r\n"}) {
            awaiting = awaiting.onReceived(ByteBuffer.wrap(reply.getBytes(StandardCharsets.US_ASCII)), NOW).next();
        }
        assertThat(awaiting.state()).isEqualTo("AwaitingTransportTls");
        Transition failed = awaiting.onTlsFailed(new javax.net.ssl.SSLException("no"), ByteBuffer.allocate(64), NOW);
        assertThat(failed.outcome()).get().isInstanceOf(Outcome.Failed.class);
        javax.net.ssl.SSLSession placeholder = javax.net.ssl.SSLContext.getDefault().createSSLEngine().getSession();
        Transition unfinished = awaiting.onTlsEstablished(placeholder, ByteBuffer.allocate(64), NOW);
        assertThat(((Outcome.Failed) unfinished.outcome().orElseThrow()).failure().reason()).isEqualTo(Failure.Reason.TLS_HANDSHAKE_FAILED);

        // A server handing its engine's tasks out: the flight after them goes into the destination.
        java.io.ByteArrayOutputStream toServer = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream toClient = new java.io.ByteArrayOutputStream();
        Transition c = Smtp.client(clientConfig).begin(NOW);
        toServer.writeBytes(c.outboundBytes());
        Transition s = Smtp.server(serverConfig).begin(NOW);
        toClient.writeBytes(s.outboundBytes());
        int resumedWithBytes = 0;
        for (int round = 0; round < 30 && !s.isFinished(); round++) {
            if (!s.delegatedTasks().isEmpty()) {
                s.delegatedTasks().forEach(Runnable::run);
                ByteBuffer destination = ByteBuffer.allocate(8192);
                s = s.next().onTasksCompleted(destination, NOW);
                resumedWithBytes += s.outboundWritten() > 0 ? 1 : 0;
                toClient.writeBytes(concat(destination, s));
            } else if (toServer.size() > 0) {
                s = s.next().onReceived(ByteBuffer.wrap(toServer.toByteArray()), NOW);
                toServer.reset();
                toClient.writeBytes(s.outboundBytes());
            }
            if (toClient.size() > 0 && !c.isFinished()) {
                c = c.next().onReceived(ByteBuffer.wrap(toClient.toByteArray()), NOW);
                toClient.reset();
                toServer.writeBytes(c.outboundBytes());
            }
        }
        assertThat(s.outcome()).get().isInstanceOf(Outcome.Secured.class);
        assertThat(resumedWithBytes).as("a flight written into the destination after the tasks").isPositive();
    }

    /** The destination's bytes (it was empty before the call), then the owned ones. */
    static byte[] concat(ByteBuffer destination, Transition t) {
        byte[] all = new byte[destination.position() + t.outbound().remaining()];
        destination.duplicate().flip().get(all, 0, destination.position());
        t.outbound().get(all, destination.position(), all.length - destination.position());
        return all;
    }
}
