package org.starttls4j.nio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.starttls4j.Failure;
import org.starttls4j.TlsPolicy;
import org.starttls4j.smtp.Smtp;
import org.starttls4j.testing.RecordWritingClient;

/**
 * What {@link NioServer} hands the application when the client, once secured, sends TLS 1.2
 * records without application data: a blocking read gives the application the session's failure
 * at the 33rd in a row. The JDK's engine decrypts any number of them, and the channel's read went
 * on reading them as long as they came, neither returning nor minding its timeout.
 */
class EmptyRecordsOverLoopbackTest {

    /** A client greeted, its EHLO answered and its STARTTLS accepted: what it sends next is TLS. */
    static RawPeer afterStartTls(InetSocketAddress server) throws IOException {
        return afterStartTls(server, "", 0, "", 0);
    }

    /** {@link #afterStartTls(InetSocketAddress)}, with {@code n} times {@code command} and then {@code m} times {@code other} after EHLO, each answered. */
    static RawPeer afterStartTls(InetSocketAddress server, String command, int n, String other, int m) throws IOException {
        RawPeer peer = new RawPeer(new Socket(server.getAddress(), server.getPort()));
        assertThat(peer.line()).startsWith("220 ");
        peer.send("EHLO client.example.test\r\n");
        assertThat(peer.reply()).startsWith("250 ");
        for (int i = 0; i < n + m; i++) {
            peer.send(i < n ? command : other);
            assertThat(peer.reply()).startsWith("250 ");
        }
        peer.send("STARTTLS\r\n");
        assertThat(peer.reply()).startsWith("220 ");
        return peer;
    }

    /** A TLS 1.2 client that writes any record, its handshake done over {@code peer}'s socket after STARTTLS. */
    static RecordWritingClient handshake(RawPeer peer) throws IOException {
        RecordWritingClient client = RecordWritingClient.connect("TLSv1.2");
        OutputStream out = peer.socket.getOutputStream();
        InputStream in = peer.socket.getInputStream();
        out.write(client.output());
        byte[] buffer = new byte[16_384];
        while (client.isHandshaking()) {
            int n = in.read(buffer);
            assertThat(n).as("the server's flights").isPositive();
            client.offer(Arrays.copyOf(buffer, n));
            out.write(client.output());
        }
        return client;
    }

    @Test
    void aReadGivesTheFailureAtThe33rdEmptyRecordInARow() throws Exception {
        BlockingQueue<NegotiatedChannel> handed = new LinkedBlockingQueue<>();
        try (NioServer server = NioServer.builder(Fixtures.server(TlsPolicy.REQUIRED).build(), Smtp::server)
                .bind(Fixtures.anyLoopbackPort()).onSession(handed::add).start();
             RawPeer peer = afterStartTls(server.localAddress())) {
            RecordWritingClient client = handshake(peer);
            OutputStream out = peer.socket.getOutputStream();
            NegotiatedChannel channel = handed.poll(30, TimeUnit.SECONDS);
            assertThat(channel).isNotNull();
            try (channel) {
                channel.configureBlocking(true);
                ((SecureChannel) channel).setTimeout(Duration.ofSeconds(30));
                out.write(client.data("NOOP\r\n"));
                assertThat(Fixtures.readLine(channel)).isEqualTo("NOOP");

                out.write(client.emptyRecords(1_000));

                assertThatThrownBy(() -> channel.read(ByteBuffer.allocate(16_384))).isInstanceOfSatisfying(TlsFailureException.class,
                        e -> assertThat(e.failure().reason()).isEqualTo(Failure.Reason.TLS_SESSION_BROKEN));
            }
        }
    }
}
