package org.starttls4j.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.starttls4j.netty.Fixtures.ascii;
import static org.starttls4j.netty.Fixtures.drainOutbound;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.starttls4j.Failure;
import org.starttls4j.Limits;
import org.starttls4j.TlsPolicy;
import org.starttls4j.netty.testing.Leaks;
import org.starttls4j.smtp.Smtp;

/**
 * With server names ({@link StartTlsServerHandler#serverNames}) Netty's {@code SniHandler} holds the
 * ClientHello until it is whole, before any engine reads it: it holds no more of it than the
 * configuration's {@link Limits#maxHandshakeBytes()}, as the engine after it reads no more, rather
 * than Netty's own 64 KiB.
 */
@ExtendWith(Leaks.Check.class)
class ServerNameHelloBoundTest {

    private final Fixtures.Recorder app = new Fixtures.Recorder();
    private EmbeddedChannel channel;

    @AfterEach
    void tearDown() {
        channel.finishAndReleaseAll();
    }

    /** A TLS record of {@code 16 KiB} that begins a ClientHello of {@code claimed} bytes (handshake type 1). */
    static byte[] helloClaiming(int claimed) {
        byte[] record = new byte[5 + 16 * 1024];
        record[0] = 0x16;
        record[1] = 0x03;
        record[2] = 0x01;
        record[3] = 0x40; // 16,384 bytes of record
        record[5] = 0x01;
        record[6] = (byte) (claimed >>> 16);
        record[7] = (byte) (claimed >>> 8);
        record[8] = (byte) claimed;
        record[9] = 0x03;
        record[10] = 0x03;
        return record;
    }

    @Test
    void aClientHelloLongerThanTheBoundFailsTheNegotiationBeforeItIsWhole() throws Exception {
        channel = new EmbeddedChannel(new StartTlsServerHandler(Fixtures.server(TlsPolicy.REQUIRED, Fixtures.Engine.JDK)
                .limits(Limits.DEFAULT.withMaxHandshakeBytes(4096)).build(), Smtp::server)
                .serverNames(ServerNamesTest.twoNames(ServerNamesTest.Provider.JDK)), app);
        channel.writeInbound(ascii("EHLO c\r\n"), ascii("STARTTLS\r\n"));
        assertThat(drainOutbound(channel)).endsWith("220 2.0.0 Ready to start TLS\r\n");

        channel.writeInbound(Unpooled.wrappedBuffer(helloClaiming(60_000)));

        assertThat(app.completions).singleElement().isInstanceOfSatisfying(StartTlsCompletionEvent.Failed.class, failed -> {
            assertThat(failed.failure().reason()).isEqualTo(Failure.Reason.TLS_HANDSHAKE_FAILED);
            assertThat(failed.failure().message()).contains("exceeds 4096");
        });
        assertThat(channel.isOpen()).isFalse();
    }
}
