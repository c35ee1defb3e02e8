package org.starttls4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.Pipe;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.starttls4j.smtp.Smtp;
import org.starttls4j.smtp.SmtpReply;
import org.starttls4j.smtp.SmtpReplyParser;
import org.starttls4j.testing.Loopback;
import org.starttls4j.text.Received;

/**
 * The core-only pump: two secured sessions, each behind a {@link SecureByteChannel}, over a pair
 * of in-memory pipes (the core's tests open no sockets).
 */
class SecureByteChannelTest {

    /** One end of an in-memory connection: reads one pipe, writes the other. */
    private record End(Pipe.SourceChannel in, Pipe.SinkChannel out) implements ByteChannel {
        @Override
        public int read(ByteBuffer dst) throws IOException {
            return in.read(dst);
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            return out.write(src);
        }

        @Override
        public boolean isOpen() {
            return in.isOpen() || out.isOpen();
        }

        @Override
        public void close() throws IOException {
            out.close();
            in.close();
        }
    }

    private final SecureByteChannel client;
    private final SecureByteChannel server;
    private final End clientEnd;

    SecureByteChannelTest() throws IOException {
        Loopback.Result r = Loopback.run(Smtp.client(SecureSessionTest.client()), Smtp.server(SecureSessionTest.server()),
                SecureSessionTest.NOW, line -> line.startsWith("EHLO") ? "250 " + SecureSessionTest.HOST + "\r\n" : null);
        Pipe toServer = Pipe.open();
        Pipe toClient = Pipe.open();
        clientEnd = new End(toClient.source(), toServer.sink());
        client = new SecureByteChannel(r.clientSession(), clientEnd);
        server = new SecureByteChannel(r.serverSession(), new End(toServer.source(), toClient.sink()));
    }

    private static ByteBuffer ascii(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
    }

    private static String readLine(SecureByteChannel channel) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(200);
        while (buffer.position() < 2 || buffer.get(buffer.position() - 1) != '\n') {
            assertThat(channel.read(buffer)).isPositive();
        }
        return new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII);
    }

    @Test
    void aCommandIsAnsweredInsideTlsAndTheReplyParsed() throws IOException {
        assertThat(client.write(ascii("NOOP\r\n"))).isEqualTo(6);
        assertThat(readLine(server)).isEqualTo("NOOP\r\n");
        server.write(ascii("250-2.0.0 fine\r\n250 2.0.0 OK\r\n"));

        Received<SmtpReply> reply = SmtpReplyParser.create(Limits.DEFAULT).read(client, ByteBuffer.allocate(64).flip());

        assertThat(reply.response()).contains(new SmtpReply(250, List.of("2.0.0 fine", "2.0.0 OK")));
        assertThat(client.session().tls().protocol()).startsWith("TLSv1.");
    }

    @Test
    void writesLargerThanARecordArriveWhole() throws IOException {
        // Two records, under the 64 KiB a pipe holds, so one thread writes all and then reads.
        byte[] data = new byte[30_000];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) i;
        }
        assertThat(client.write(ByteBuffer.wrap(data))).isEqualTo(data.length);

        ByteBuffer received = ByteBuffer.allocate(data.length);
        while (received.hasRemaining()) {
            assertThat(server.read(received)).isPositive();
        }
        assertThat(received.array()).isEqualTo(data);
    }

    @Test
    void closeSendsCloseNotifySoThePeerReadsACleanEnd() throws IOException {
        client.close();

        assertThat(server.read(ByteBuffer.allocate(10))).isEqualTo(-1);
        assertThat(client.isOpen()).isFalse();
        assertThatThrownBy(() -> client.write(ascii("x"))).isInstanceOf(ClosedChannelException.class);
    }

    @Test
    void anEndWithoutCloseNotifyIsATruncationNotAnEnd() throws IOException {
        clientEnd.close(); // the network closes under TLS

        assertThatThrownBy(() -> server.read(ByteBuffer.allocate(10))).isInstanceOf(EOFException.class)
                .hasMessageContaining("close_notify");
    }

    @Test
    void aForgedRecordIsATypedFailure() throws IOException {
        clientEnd.write(ByteBuffer.wrap(new byte[] {23, 3, 3, 0, 20, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
            16, 17, 18, 19, 20}));

        assertThatThrownBy(() -> server.read(ByteBuffer.allocate(10))).isInstanceOf(FailureException.class)
                .satisfies(e -> assertThat(((FailureException) e).failure()).isNotNull());
    }
}
