package org.starttls4j.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.starttls4j.netty.Fixtures.ascii;
import static org.starttls4j.netty.Fixtures.drainOutbound;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.starttls4j.Failure;
import org.starttls4j.Limits;
import org.starttls4j.TlsPolicy;
import org.starttls4j.netty.testing.Leaks;
import org.starttls4j.smtp.Smtp;
import org.starttls4j.testing.HandshakeFiller;

/**
 * What a client can make a server's {@code SslHandler} read during the handshake over a JDK
 * engine: the JDK's engine takes any number of TLS 1.2 warning alerts, seven bytes and one engine
 * call each, between the ClientHello and the client's key exchange (Netty's {@code SslHandler}
 * refuses empty records before its engine sees them, not these). The engine the handler gets from
 * the core ({@code TransportTls.engine()}) bounds the handshake's bytes as the core's own pump
 * does, by {@link Limits#maxHandshakeBytes()}: the negotiation fails, it does not wait for its
 * deadline. (BoringSSL refuses the 5th warning alert itself.)
 */
@ExtendWith(Leaks.Check.class)
class HandshakeFloodTest {

    static final int CHUNK = 16 * 1024;
    private final Fixtures.Recorder app = new Fixtures.Recorder();
    private EmbeddedChannel channel;

    @AfterEach
    void tearDown() {
        channel.finishAndReleaseAll();
    }

    @Test
    void warningAlertsPastTheBoundFailTheNegotiationOverAJdkEngine() throws SSLException {
        channel = new EmbeddedChannel(new StartTlsServerHandler(Fixtures.server(TlsPolicy.REQUIRED), Smtp::server), app);
        channel.writeInbound(ascii("EHLO client.example.test\r\n"), ascii("STARTTLS\r\n"));
        assertThat(drainOutbound(channel)).endsWith("220 2.0.0 Ready to start TLS\r\n");
        channel.writeInbound(Unpooled.wrappedBuffer(HandshakeFiller.tls12ClientHello(Fixtures.HOST)));
        assertThat(app.completions).as("the handshake goes on").isEmpty();

        byte[] chunk = HandshakeFiller.warningAlerts(CHUNK);
        long fed = 0;
        while (app.completions.isEmpty() && channel.isOpen() && fed < 64L * 1024 * 1024) {
            channel.writeInbound(Unpooled.wrappedBuffer(chunk));
            fed += chunk.length;
        }

        assertThat(fed).as("the bytes read before the handshake failed").isLessThanOrEqualTo(Limits.DEFAULT.maxHandshakeBytes() + CHUNK);
        assertThat(app.completions).singleElement().isInstanceOfSatisfying(StartTlsCompletionEvent.Failed.class, failed -> {
            assertThat(failed.failure().reason()).isEqualTo(Failure.Reason.TLS_HANDSHAKE_FAILED);
            assertThat(failed.failure().message()).contains("more than " + Limits.DEFAULT.maxHandshakeBytes() + " bytes");
        });
    }
}
