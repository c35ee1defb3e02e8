package org.starttls4j.nio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.starttls4j.TlsPolicy;
import org.starttls4j.smtp.Smtp;

/**
 * The plaintext channel keeps the contract both channels share (their common shell): scatter and
 * gather, the bytes the negotiation left unread coming out first, the timeout of a blocking read,
 * non-blocking reads, and close.
 */
class PlaintextChannelTest {

    private static final String COMMANDS = "MAIL FROM:<a@example.test>\r\nRCPT TO:<b@example.test>\r\nDATA\r\n";

    /** A client's and a server's plaintext channel over 127.0.0.1, the server's handed over at the client's first command. */
    private record Pair(NioServer server, PlaintextChannel client, PlaintextChannel handed) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            client.close();
            handed.close();
            server.close();
        }
    }

    private static Pair pair() throws Exception {
        BlockingQueue<NegotiatedChannel> handed = new LinkedBlockingQueue<>();
        NioServer server = NioServer.builder(Fixtures.server(TlsPolicy.PLAINTEXT_ONLY).build(), Smtp::server)
                .bind(Fixtures.anyLoopbackPort()).onSession(handed::add).start();
        try {
            PlaintextChannel client = (PlaintextChannel) NioClient.create()
                    .connect(server.localAddress(), Fixtures.client(TlsPolicy.OPPORTUNISTIC).build(), Smtp::client);
            // Gathered: three buffers, one call, every byte out in order (blocking mode).
            ByteBuffer[] parts = {Fixtures.ascii("MAIL FROM:<a@example.test>\r\n"), Fixtures.ascii("RCPT TO:<b@example.test>\r\n"),
                    Fixtures.ascii("DATA\r\n")};
            assertThat(client.write(parts)).isEqualTo(COMMANDS.length());
            NegotiatedChannel channel = handed.poll(20, TimeUnit.SECONDS);
            assertThat(channel).as("handed over at MAIL").isInstanceOf(PlaintextChannel.class);
            return new Pair(server, client, (PlaintextChannel) channel);
        } catch (Exception | Error e) {
            server.close();
            throw e;
        }
    }

    @Test
    void scatteredReadsGiveTheUnreadCommandFirstThenTheSocketsBytesInOrder() throws Exception {
        try (Pair p = pair()) {
            assertThat(p.handed().hasBufferedInput()).as("the negotiation left MAIL FROM unread").isTrue();
            assertThat(p.handed().isEncrypted()).isFalse();
            assertThat(p.handed().session().unread().remaining()).isPositive();
            p.handed().configureBlocking(true);
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            while (got.size() < COMMANDS.length()) {
                ByteBuffer[] dsts = {ByteBuffer.allocate(7), ByteBuffer.allocate(0), ByteBuffer.allocate(11)};
                long n = p.handed().read(dsts);
                assertThat(n).isPositive();
                for (ByteBuffer dst : dsts) {
                    got.write(dst.array(), 0, dst.position());
                }
            }
            assertThat(got.toString(StandardCharsets.ISO_8859_1)).isEqualTo(COMMANDS);
            assertThat(p.handed().hasBufferedInput()).isFalse();
        }
    }

    @Test
    void aNonBlockingReadWithNothingThereReturnsZeroAndABlockingOneTimesOut() throws Exception {
        try (Pair p = pair()) {
            p.client().configureBlocking(false);
            assertThat(p.client().isBlocking()).isFalse();
            assertThat(p.client().read(ByteBuffer.allocate(10))).isZero();
            p.client().configureBlocking(true).setTimeout(Duration.ofMillis(50));
            assertThatThrownBy(() -> p.client().read(ByteBuffer.allocate(10))).isInstanceOf(SocketTimeoutException.class);
            // Still usable afterwards: the server's bytes arrive.
            Fixtures.send(p.handed(), "250 ok\r\n");
            assertThat(Fixtures.readLine(p.client())).isEqualTo("250 ok");
        }
    }

    @Test
    void aClosedChannelRefusesEverythingAndClosesOnce() throws Exception {
        try (Pair p = pair()) {
            p.client().close();
            assertThat(p.client().isOpen()).isFalse();
            assertThat(p.client().socketChannel().isOpen()).as("the socket is closed with it").isFalse();
            assertThat(p.client().hasBufferedInput()).isFalse();
            assertThatThrownBy(() -> p.client().read(ByteBuffer.allocate(1))).isInstanceOf(ClosedChannelException.class);
            assertThatThrownBy(() -> p.client().write(Fixtures.ascii("x"))).isInstanceOf(ClosedChannelException.class);
            assertThatThrownBy(() -> p.client().flush()).isInstanceOf(ClosedChannelException.class);
            p.client().close(); // idempotent
            assertThat(p.client().toString()).startsWith("PlaintextChannel[").endsWith(", closed]");
            // The peer sees the end of the stream once MAIL's bytes are read.
            p.handed().configureBlocking(true);
            ByteBuffer sink = ByteBuffer.allocate(256);
            long total = 0;
            for (int n = p.handed().read(sink); n >= 0; n = p.handed().read(sink.clear())) {
                total += n;
            }
            assertThat(total).isEqualTo(COMMANDS.length());
        }
    }
}
