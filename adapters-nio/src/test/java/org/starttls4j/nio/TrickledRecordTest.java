package org.starttls4j.nio;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.starttls4j.TlsPolicy;
import org.starttls4j.smtp.Smtp;
import org.starttls4j.testing.RecordWritingClient;

/**
 * A secured channel reads a record that arrives a byte at a time, each byte read on its own while
 * nothing of the record can be decrypted yet: the channel appends each to what it holds (it used to
 * move all it held to the buffer's start at every read, once per byte of a record).
 */
class TrickledRecordTest {

    @Test
    void aRecordTrickledAByteAtATimeIsReadWhole() throws Exception {
        BlockingQueue<NegotiatedChannel> handed = new LinkedBlockingQueue<>();
        try (NioServer server = NioServer.builder(Fixtures.server(TlsPolicy.REQUIRED).build(), Smtp::server)
                .bind(Fixtures.anyLoopbackPort()).onSession(handed::add).start();
             RawPeer peer = EmptyRecordsOverLoopbackTest.afterStartTls(server.localAddress())) {
            RecordWritingClient client = EmptyRecordsOverLoopbackTest.handshake(peer);
            OutputStream out = peer.socket.getOutputStream();
            NegotiatedChannel channel = handed.poll(30, TimeUnit.SECONDS);
            assertThat(channel).isNotNull();
            try (channel) {
                String line = "EHLO " + "a".repeat(3000) + ".example\r\n";
                byte[] record = client.data(line);
                ByteBuffer received = ByteBuffer.allocate(line.length());
                for (int i = 0; i < record.length - 1; i++) {
                    out.write(record[i]);
                    out.flush();
                    assertThat(channel.read(received)).as("nothing before the record's last byte").isZero();
                }
                out.write(record[record.length - 1]);
                out.flush();
                channel.configureBlocking(true);
                ((SecureChannel) channel).setTimeout(Duration.ofSeconds(30));
                while (received.hasRemaining() && channel.read(received) > 0) {
                    // the record's plaintext, once its last byte is in
                }
                assertThat(new String(received.array(), StandardCharsets.US_ASCII)).isEqualTo(line);
            }
        }
    }
}
