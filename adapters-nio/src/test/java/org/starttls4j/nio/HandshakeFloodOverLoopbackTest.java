package org.starttls4j.nio;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.starttls4j.Failure;
import org.starttls4j.Limits;
import org.starttls4j.TlsPolicy;

/**
 * A client that sends STARTTLS, a TLS 1.2 ClientHello, then warning alerts without end, against
 * {@link NioServer}: the server reads no more than {@link Limits#maxHandshakeBytes()} of them and
 * hangs up with {@code TLS_HANDSHAKE_FAILED}, instead of handing seven-byte records to its engine
 * until its deadline.
 */
class HandshakeFloodOverLoopbackTest {

    private static final long GIVE_UP = 64L * 1024 * 1024;
    private final ExecutorService writer = Executors.newSingleThreadExecutor();

    @AfterEach
    void stop() {
        writer.shutdownNow();
    }

    static byte[] tls12ClientHello() throws IOException, NoSuchAlgorithmException {
        SSLEngine engine = SSLContext.getDefault().createSSLEngine(Fixtures.HOST, 25);
        engine.setUseClientMode(true);
        engine.setEnabledProtocols(new String[] {"TLSv1.2"});
        engine.beginHandshake();
        ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        engine.wrap(ByteBuffer.allocate(0), out);
        byte[] hello = new byte[out.flip().remaining()];
        out.get(hello);
        return hello;
    }

    @Test
    void aClientThatFloodsItsHandshakeWithWarningAlertsIsCutOffAtTheBound() throws Exception {
        byte[] alert = {0x15, 0x03, 0x03, 0x00, 0x02, 0x01, 90}; // a TLS 1.2 warning alert (user_canceled), in plaintext
        byte[] chunk = new byte[16 * 1024 / alert.length * alert.length];
        for (int i = 0; i < chunk.length; i += alert.length) {
            System.arraycopy(alert, 0, chunk, i, alert.length);
        }
        try (ServerHarness server = new ServerHarness(Fixtures.server(TlsPolicy.REQUIRED).build());
             RawPeer client = new RawPeer(new Socket(server.address().getAddress(), server.address().getPort()))) {
            assertThat(client.line()).startsWith("220 ");
            client.send("EHLO flood.example.test\r\n");
            assertThat(client.reply()).startsWith("250 ");
            client.send("STARTTLS\r\n");
            assertThat(client.reply()).startsWith("220 ");
            client.send(tls12ClientHello());

            Future<Long> sent = writer.submit(() -> {
                long n = 0;
                while (n < GIVE_UP && client.send(chunk)) {
                    n += chunk.length;
                }
                return n;
            });
            client.untilClosed();

            ServerHarness.Failed failed = server.nextFailure();
            Failure failure = failed.report().failure().orElseThrow();
            assertThat(failure.reason()).as("%s", failure).isEqualTo(Failure.Reason.TLS_HANDSHAKE_FAILED);
            assertThat(failure.message()).contains("more than " + Limits.DEFAULT.maxHandshakeBytes() + " bytes");
            assertThat(sent.get(60, TimeUnit.SECONDS)).as("the server hung up long before the client gave up").isLessThan(GIVE_UP);
        }
    }
}
