package org.starttls4j.nio;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.Test;
import org.starttls4j.TlsPolicy;
import org.starttls4j.smtp.Smtp;

/** What {@link NioServer#close()} does with the connections its loops still hold. */
class NioServerCloseTest {

    /** The system's clock that, once armed, closes the server the next time a loop reads it: in the middle of a step. */
    private static final class ClosingClock extends Clock {
        volatile NioServer server;
        volatile boolean armed;

        @Override
        public Instant instant() {
            if (armed) {
                armed = false;
                server.close(); // from the loop's own thread: it only tells the loops to stop
            }
            return Instant.now();
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }

    @Test
    void aNegotiationThatFinishesAsTheServerClosesIsClosedWithItNotLeftOpen() throws Exception {
        ClosingClock clock = new ClosingClock();
        BlockingQueue<NegotiatedChannel> handed = new LinkedBlockingQueue<>();
        NioServer server = NioServer.builder(Fixtures.server(TlsPolicy.OPPORTUNISTIC).build(), Smtp::server)
                .bind(Fixtures.anyLoopbackPort()).selectorThreads(1).clock(clock).onSession(handed::add).start();
        clock.server = server;
        InetSocketAddress address = server.localAddress();
        try (RawPeer peer = new RawPeer(new Socket(address.getAddress(), address.getPort()))) {
            assertThat(peer.line()).startsWith("220 ");
            peer.send("EHLO client.example.test\r\n");
            assertThat(peer.reply()).startsWith("250 ");

            clock.armed = true;
            peer.send("MAIL FROM:<a@example.test>\r\n"); // not STARTTLS: the plaintext session's first command ends the negotiation

            // The step that finished the negotiation also closed the server, before the session was handed over.
            assertThat(peer.socket.getInputStream().read()).as("the connection closes with the server").isEqualTo(-1);
        } finally {
            server.close();
        }
        assertThat(handed).as("nothing handed over by a closed server").isEmpty();
    }
}
