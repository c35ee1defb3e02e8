package org.starttls4j.nio;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.starttls4j.Limits;
import org.starttls4j.ServerConfig;
import org.starttls4j.TlsPolicy;
import org.starttls4j.smtp.Smtp;

/**
 * A server negotiation reads no more than it can answer: while a client that does not read its
 * answers leaves more than {@link NonBlockingNegotiation#PENDING_OUTPUT_BOUND} bytes waiting, the
 * negotiation asks for no {@code OP_READ}; once the client reads, it asks again.
 */
class BackPressureTest {

    @Test
    void aClientThatDoesNotReadIsNotReadEither() throws Exception {
        // A cap on commands high enough that replies, not the cap, are what piles up.
        ServerConfig config = Fixtures.server(TlsPolicy.REQUIRED).limits(Limits.DEFAULT.withMaxCommandsBeforeTls(100_000)).build();
        try (ServerSocketChannel listener = ServerSocketChannel.open().bind(Fixtures.anyLoopbackPort());
             SocketChannel client = SocketChannel.open()) {
            client.setOption(StandardSocketOptions.SO_RCVBUF, 4096); // a tiny receive window
            client.connect(listener.getLocalAddress());
            SocketChannel accepted = listener.accept();
            accepted.setOption(StandardSocketOptions.SO_SNDBUF, 4096);
            NonBlockingNegotiation n = NonBlockingNegotiation.builder(accepted, Smtp.server(config)).start();
            assertThat(n.interestOps() & SelectionKey.OP_READ).isNotZero();

            // 16 KiB of EHLO (2,048 commands, about 150 KB of replies), all in the server's socket buffer.
            ByteBuffer flood = ByteBuffer.wrap("EHLO x\r\n".repeat(2048).getBytes(StandardCharsets.US_ASCII));
            client.configureBlocking(false);
            int reads = 0;
            while ((n.interestOps() & SelectionKey.OP_READ) != 0) {
                client.write(flood);
                n.onReadable();
                reads++;
            }

            assertThat(n.isFinished()).isFalse();
            assertThat(n.interestOps()).as("write interest only: the socket is not read").isEqualTo(SelectionKey.OP_WRITE);
            assertThat(flood.hasRemaining() || reads < 2048).as("stopped before the client was done").isTrue();

            // The client reads: the server's replies drain, and reading resumes.
            client.configureBlocking(true);
            ByteBuffer sink = ByteBuffer.allocate(64 * 1024);
            long drained = 0;
            while ((n.interestOps() & SelectionKey.OP_READ) == 0) {
                drained += client.read(sink.clear());
                n.onWritable();
            }
            assertThat(drained).isPositive();
            assertThat(n.isFinished()).isFalse();
            n.abort();
        }
    }
}
