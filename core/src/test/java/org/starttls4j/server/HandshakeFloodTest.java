package org.starttls4j.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.starttls4j.server.ServerBoundsTest.NOW;
import static org.starttls4j.server.ServerBoundsTest.failure;
import static org.starttls4j.server.ServerBoundsTest.feed;

import java.nio.ByteBuffer;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.Test;
import org.starttls4j.Failure;
import org.starttls4j.Limits;
import org.starttls4j.Negotiation;
import org.starttls4j.Outcome;
import org.starttls4j.ServerConfig;
import org.starttls4j.TlsPolicy;
import org.starttls4j.Transition;
import org.starttls4j.smtp.Smtp;
import org.starttls4j.testing.HandshakeFiller;

/**
 * What a client can make the server's handshake read. Under TLS 1.2 the JDK's engine takes any
 * number of warning alerts between the ClientHello and the client's key exchange (JDK 17 empty
 * handshake records too; JDK 25 refuses those), each one a call into the engine for seven bytes:
 * only the deadline ended such a handshake, ten minutes of it at the client's pace (BoringSSL
 * refuses the 5th warning alert and the 33rd empty record). The handshake's bytes are bounded by
 * {@link Limits#maxHandshakeBytes()}.
 */
class HandshakeFloodTest {

    static final int CHUNK = 16 * 1024;

    /** After STARTTLS, the JDK client's ClientHello and the server's answer to it: the server waits for the client's key exchange. */
    static Transition midHandshake(ServerConfig config, RawEngine client) throws SSLException {
        Negotiation n = feed(Smtp.server(config).begin(NOW).next(), "EHLO client.example.test\r\n").next();
        Transition t = feed(n, "STARTTLS\r\n");
        client.engine.beginHandshake();
        t = t.next().onReceived(ByteBuffer.wrap(client.wrap(new byte[0])), NOW);
        client.unwrap(t.outboundBytes());
        assertThat(t.next().state()).isEqualTo("Handshaking");
        return t;
    }

    /** Feeds alerts a chunk at a time until the negotiation ends (or far past any bound); the bytes fed. */
    static long flood(Transition[] t) {
        byte[] chunk = HandshakeFiller.warningAlerts(CHUNK);
        long fed = 0;
        while (!t[0].isFinished() && fed < 64L * 1024 * 1024) {
            t[0] = t[0].next().onReceived(ByteBuffer.wrap(chunk), NOW);
            fed += chunk.length;
        }
        return fed;
    }

    @Test
    void aHandshakeThatTakesMoreBytesThanTheBoundFails() throws SSLException {
        ServerConfig config = ServerBoundsTest.config(TlsPolicy.REQUIRED).build();
        Transition[] t = {midHandshake(config, RenegotiationTest.clientEngine(RenegotiationTest.CLIENT_CONTEXT, "TLSv1.2"))};

        long fed = flood(t);

        assertThat(t[0].outcome()).containsInstanceOf(Outcome.Failed.class);
        assertThat(fed).as("the bytes read before the handshake failed").isLessThanOrEqualTo(Limits.DEFAULT.maxHandshakeBytes() + CHUNK);
        Failure failure = failure(t[0]);
        assertThat(failure.reason()).isEqualTo(Failure.Reason.TLS_HANDSHAKE_FAILED);
        assertThat(failure.message()).contains("more than " + Limits.DEFAULT.maxHandshakeBytes() + " bytes");
    }

    @Test
    void theBoundIsTheConfiguredOneAndAnHonestHandshakeFitsASmallOne() throws SSLException {
        int bound = 4 * 1024;
        ServerConfig config = ServerBoundsTest.config(TlsPolicy.REQUIRED).limits(Limits.DEFAULT.withMaxHandshakeBytes(bound)).build();

        Transition honest = RenegotiationTest.negotiate(config, RenegotiationTest.clientEngine(RenegotiationTest.CLIENT_CONTEXT, "TLSv1.2"), false);
        assertThat(honest.outcome()).containsInstanceOf(Outcome.Secured.class);

        Transition[] t = {midHandshake(config, RenegotiationTest.clientEngine(RenegotiationTest.CLIENT_CONTEXT, "TLSv1.2"))};
        t[0] = t[0].next().onReceived(ByteBuffer.wrap(HandshakeFiller.warningAlerts(bound / 2)), NOW);
        assertThat(t[0].outcome()).as("within the bound").isEmpty();
        t[0] = t[0].next().onReceived(ByteBuffer.wrap(HandshakeFiller.warningAlerts(2048)), NOW);
        assertThat(failure(t[0]).message()).contains("more than " + bound + " bytes");
    }

    @Test
    void theBoundIsIndependentOfThePlaintextBoundAndPositive() {
        Limits limits = Limits.DEFAULT.withMaxPlaintextBytes(1000).withMaxHandshakeBytes(20_000);

        assertThat(limits.maxPlaintextBytes()).isEqualTo(1000);
        assertThat(limits.maxHandshakeBytes()).isEqualTo(20_000);
        assertThat(limits.withMaxLineLength(100).maxHandshakeBytes()).as("kept by every copy").isEqualTo(20_000);
        assertThat(new Limits(1000, 100, 65536, 8192, 20, 100, 16384).maxHandshakeBytes()).isEqualTo(Limits.DEFAULT_MAX_HANDSHAKE_BYTES);
        assertThatThrownBy(() -> Limits.DEFAULT.withMaxHandshakeBytes(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
