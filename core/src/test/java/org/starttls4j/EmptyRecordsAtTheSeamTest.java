package org.starttls4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.Test;
import org.starttls4j.testing.RecordWritingClient;

/**
 * The engine a transport's TLS stack drives ({@link TransportTls#engine()}, Netty's
 * {@code SslHandler} over a JDK engine) bounds records without application data as the core's own
 * session does: the unwrap that reads the 33rd in a row throws. The test plays the stack.
 */
class EmptyRecordsAtTheSeamTest {

    /** Feeds {@code records} to {@code engine} as a stack would, until they are all read; the application bytes. */
    static String unwrapAll(SSLEngine engine, byte[] records) throws SSLException {
        ByteBuffer net = ByteBuffer.wrap(records);
        ByteBuffer app = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
        while (net.hasRemaining()) {
            SSLEngineResult r = engine.unwrap(net, app);
            if (r.bytesConsumed() == 0) {
                break;
            }
        }
        return new String(app.array(), 0, app.position(), StandardCharsets.ISO_8859_1);
    }

    static SSLEngine handshaken(RecordWritingClient client) throws SSLException {
        SSLEngine engine = PostHandshakeGuardTest.serverSeam("TLSv1.2", new ArrayList<>()).engine();
        ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        for (int i = 0; i < 20 && (client.isHandshaking() || engine.getHandshakeStatus() != SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING); i++) {
            ByteBuffer in = ByteBuffer.wrap(client.output());
            do {
                engine.unwrap(in, ByteBuffer.allocate(engine.getSession().getApplicationBufferSize()));
                for (Runnable task = engine.getDelegatedTask(); task != null; task = engine.getDelegatedTask()) {
                    task.run();
                }
            } while (in.hasRemaining() && engine.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_UNWRAP);
            while (engine.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_WRAP) {
                engine.wrap(ByteBuffer.allocate(0), out.clear());
                byte[] flight = new byte[out.flip().remaining()];
                out.get(flight);
                client.offer(flight);
            }
        }
        assertThat(client.isHandshaking()).isFalse();
        return engine;
    }

    @Test
    void theUnwrapOfThe33rdEmptyRecordInARowThrows() throws SSLException {
        RecordWritingClient client = RecordWritingClient.connect("TLSv1.2");
        SSLEngine engine = handshaken(client);
        assertThat(unwrapAll(engine, client.emptyRecords(32))).isEmpty();
        assertThat(unwrapAll(engine, client.data("NOOP\r\n"))).as("data resets the count").isEqualTo("NOOP\r\n");
        assertThat(unwrapAll(engine, client.emptyRecords(32))).isEmpty();

        byte[] more = client.emptyRecords(10_000);

        assertThatThrownBy(() -> unwrapAll(engine, more)).isInstanceOf(SSLException.class)
                .hasMessageContaining("more than 32 TLS records in a row without application data");
    }
}
