package org.starttls4j.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.starttls4j.netty.Fixtures.ascii;
import static org.starttls4j.netty.Fixtures.drainOutbound;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.starttls4j.Failure.Reason;
import org.starttls4j.TlsPolicy;
import org.starttls4j.netty.testing.Leaks;
import org.starttls4j.smtp.Smtp;

/**
 * The client handler with SMTP on an {@link EmbeddedChannel}, playing the server by hand:
 * downgrade (STARTTLS stripped or refused) and injection after the go-ahead.
 */
@ExtendWith(Leaks.Check.class)
class SmtpClientHandlerTest {

    static final String GREETING = "220 mail.example.test ESMTP test\r\n";
    static final String EHLO = "EHLO client.example.test\r\n";

    private final Fixtures.Recorder app = new Fixtures.Recorder();
    private EmbeddedChannel channel;

    private void open(TlsPolicy policy) {
        channel = new EmbeddedChannel(new StartTlsClientHandler(Fixtures.client(policy), Smtp::client), app);
    }

    @AfterEach
    void tearDown() {
        if (channel != null) {
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void sendsNothingBeforeTheGreetingThenEhlo() {
        open(TlsPolicy.REQUIRED);
        assertThat(drainOutbound(channel)).isEmpty();

        channel.writeInbound(ascii(GREETING));

        assertThat(drainOutbound(channel)).isEqualTo(EHLO);
    }

    @Test
    void underRequiredAStrippedStartTlsFailsAndOnlyEhloAndQuitAreEverSent() {
        open(TlsPolicy.REQUIRED);
        StringBuilder wire = new StringBuilder();

        channel.writeInbound(ascii(GREETING));
        wire.append(drainOutbound(channel));
        channel.writeInbound(ascii("250-mail.example.test\r\n250-AUTH PLAIN LOGIN\r\n250 8BITMIME\r\n"));
        wire.append(drainOutbound(channel));

        StartTlsCompletionEvent.Failed failed = app.completion(StartTlsCompletionEvent.Failed.class);
        assertThat(failed.failure().reason()).isEqualTo(Reason.STARTTLS_NOT_OFFERED);
        assertThat(failed.failure().tlsRptResultType()).isEqualTo("starttls-not-supported");
        assertThat(wire.toString()).isEqualTo(EHLO + "QUIT\r\n");
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void underRequiredARefusedStartTlsFails() {
        open(TlsPolicy.REQUIRED);
        channel.writeInbound(ascii(GREETING));
        channel.writeInbound(ascii("250-mail.example.test\r\n250 STARTTLS\r\n"));
        assertThat(drainOutbound(channel)).isEqualTo(EHLO + "STARTTLS\r\n");

        channel.writeInbound(ascii("454 4.7.0 TLS not available due to temporary reason\r\n"));

        assertThat(app.completion(StartTlsCompletionEvent.Failed.class).failure().reason()).isEqualTo(Reason.STARTTLS_REFUSED);
        assertThat(drainOutbound(channel)).isEqualTo("QUIT\r\n");
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void underOpportunisticAStrippedStartTlsHandsOverInPlaintextAndTheHandlerStepsAside() {
        open(TlsPolicy.OPPORTUNISTIC);
        channel.writeInbound(ascii(GREETING));
        channel.writeInbound(ascii("250-mail.example.test\r\n250 8BITMIME\r\n"));

        StartTlsCompletionEvent.Plaintext plain = app.completion(StartTlsCompletionEvent.Plaintext.class);
        assertThat(plain.session().fallbackCause()).hasValueSatisfying(f -> assertThat(f.reason()).isEqualTo(Reason.STARTTLS_NOT_OFFERED));
        assertThat(plain.session().capabilities().has("8BITMIME")).isTrue();
        assertThat(plain.isEncrypted()).isFalse();
        assertThat(channel.pipeline().get(StartTlsClientHandler.class)).isNull();
        assertThat(drainOutbound(channel)).isEqualTo(EHLO);

        channel.writeAndFlush(ascii("MAIL FROM:<a@example.test>\r\n"));
        assertThat(drainOutbound(channel)).isEqualTo("MAIL FROM:<a@example.test>\r\n");
    }

    @Test
    void bytesAfterTheGoAheadInTheSameReadAreAnInjectionAndNoHandshakeStarts() {
        open(TlsPolicy.REQUIRED);
        channel.writeInbound(ascii(GREETING));
        channel.writeInbound(ascii("250-mail.example.test\r\n250 STARTTLS\r\n"));
        drainOutbound(channel);

        channel.writeInbound(ascii("220 2.0.0 Ready to start TLS\r\n250 injected\r\n"));

        assertThat(app.completion(StartTlsCompletionEvent.Failed.class).failure().reason()).isEqualTo(Reason.PLAINTEXT_INJECTION);
        assertThat(drainOutbound(channel)).as("no ClientHello, no QUIT").isEmpty();
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void theGoAheadAloneStartsTheHandshake() {
        open(TlsPolicy.REQUIRED);
        channel.writeInbound(ascii(GREETING));
        channel.writeInbound(ascii("250-mail.example.test\r\n250 STARTTLS\r\n"));
        drainOutbound(channel);

        channel.writeInbound(ascii("220 2.0.0 Ready to start TLS\r\n"));

        ByteBuf hello = channel.readOutbound();
        try {
            assertThat(hello.getByte(0)).as("a TLS handshake record").isEqualTo((byte) 0x16);
            assertThat(hello.getByte(5)).as("ClientHello").isEqualTo((byte) 0x01);
        } finally {
            ReferenceCountUtil.release(hello);
        }
        assertThat(app.completions).isEmpty();
        assertThat(channel.pipeline().get(StartTlsClientHandler.class).state()).isEqualTo("AwaitingTransportTls");
        assertThat(channel.pipeline().first()).as("Netty's SslHandler, in front of the negotiation").isInstanceOf(SslHandler.class);
    }

    @Test
    void aGreetingRefusingServiceFailsWithQuit() {
        open(TlsPolicy.OPPORTUNISTIC);

        channel.writeInbound(ascii("554 no service for you\r\n"));

        assertThat(app.completion(StartTlsCompletionEvent.Failed.class).failure().reason()).isEqualTo(Reason.GREETING_REJECTED);
        assertThat(drainOutbound(channel)).isEqualTo("QUIT\r\n");
    }
}
