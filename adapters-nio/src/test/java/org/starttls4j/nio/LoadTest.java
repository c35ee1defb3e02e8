package org.starttls4j.nio;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.starttls4j.ClientConfig;
import org.starttls4j.Timeouts;
import org.starttls4j.TlsPolicy;
import org.starttls4j.smtp.Smtp;

/**
 * A thousand clients negotiate STARTTLS with one {@link NioServer} at once, all driven by one
 * client-side selector: every one is secured, handed over, answered and closed cleanly; none is
 * lost, no socket, file descriptor or buffer is left behind.
 */
class LoadTest {

    private static final int CLIENTS = 1000;

    private static final class Client {
        final NonBlockingNegotiation negotiation;
        NegotiatedChannel channel;
        boolean closed;
        IOException error;

        Client(NonBlockingNegotiation negotiation) {
            this.negotiation = negotiation;
        }
    }

    @Test
    void aThousandConcurrentNegotiationsCompleteAndLeaveNothingBehind() throws Exception {
        long fdsBefore = Fixtures.openFileDescriptors();
        BufferPool clientPool = BufferPool.create(BufferPool.DEFAULT_BUFFER_SIZE, 256, false);
        ClientConfig config = Fixtures.client(TlsPolicy.REQUIRED).timeouts(Timeouts.of(Duration.ofSeconds(90))).build();
        List<Client> clients = new ArrayList<>();
        ServerHarness server = new ServerHarness(
                Fixtures.server(TlsPolicy.REQUIRED).timeouts(Timeouts.of(Duration.ofSeconds(90))).build(),
                b -> b.maxNegotiating(CLIENTS).backlog(CLIENTS).closeTimeout(Duration.ZERO));
        try (Selector selector = Selector.open()) {
            for (int i = 0; i < CLIENTS; i++) {
                SocketChannel socket = SocketChannel.open();
                socket.configureBlocking(false);
                socket.connect(server.address());
                NonBlockingNegotiation n = NonBlockingNegotiation.builder(socket, Smtp.client(config))
                        .bufferPool(clientPool).connectTimeout(Duration.ofSeconds(90)).start();
                Client c = new Client(n);
                clients.add(c);
                socket.register(selector, n.interestOps(), c);
            }
            ByteBuffer sink = ByteBuffer.allocate(4096);
            int closed = 0;
            while (closed < CLIENTS) {
                long timeout = 1000;
                for (Client c : clients) {
                    if (c.channel == null && !c.closed) {
                        timeout = Math.min(timeout, c.negotiation.millisUntilDeadline());
                    }
                }
                selector.select(timeout);
                for (SelectionKey key : selector.selectedKeys()) {
                    Client c = (Client) key.attachment();
                    if (c.channel == null) {
                        c.negotiation.handle(key);
                        secured(c, key);
                    } else {
                        drainUntilClosed(c, key, sink);
                    }
                }
                selector.selectedKeys().clear();
                closed = 0;
                for (Client c : clients) {
                    if (c.channel == null && !c.closed) {
                        SelectionKey key = c.negotiation.socketChannel().keyFor(selector);
                        c.negotiation.onTick();
                        c.negotiation.updateInterest(key);
                        secured(c, key);
                    }
                    closed += c.closed ? 1 : 0;
                }
            }
        } finally {
            server.close();
        }

        for (Client c : clients) {
            assertThat(c.error).isNull();
            assertThat(c.channel).isInstanceOf(SecureChannel.class);
            assertThat(c.channel.isOpen()).isFalse();
            assertThat(c.negotiation.socketChannel().isOpen()).isFalse();
        }
        assertThat(server.server.stats()).as("none lost").isEqualTo(new NioServer.Stats(CLIENTS, 0, CLIENTS, 0, 0, 0));
        int clean = 0;
        for (int i = 0; i < CLIENTS; i++) {
            SmtpResponder.Served served = server.nextServed();
            assertThat(served.lines()).containsExactly("EHLO localhost");
            clean += served.error() == null ? 1 : 0;
        }
        assertThat(clean).as("sessions ended by a clean close_notify").isEqualTo(CLIENTS);
        assertThat(server.app.open).as("server-side channels still open").hasValue(0);
        assertThat(clientPool.inUse()).isZero();
        assertThat(server.pool.inUse()).isZero();
        assertThat(Fixtures.openFileDescriptors()).as("file descriptors, before: %d", fdsBefore).isLessThanOrEqualTo(fdsBefore + 16);
    }

    private static void secured(Client c, SelectionKey key) {
        if (c.channel != null || c.closed || !c.negotiation.isFinished()) {
            return;
        }
        try {
            c.channel = c.negotiation.channel();
            c.channel.shutdownOutput(); // close_notify out; wait for the server's
            key.interestOps(SelectionKey.OP_READ);
        } catch (IOException e) {
            c.error = e;
            c.closed = true;
        }
    }

    private static void drainUntilClosed(Client c, SelectionKey key, ByteBuffer sink) {
        try {
            while (true) {
                sink.clear();
                int n = c.channel.read(sink);
                if (n < 0) {
                    break;
                }
                if (n == 0) {
                    return;
                }
            }
        } catch (IOException e) {
            c.error = e;
        }
        key.cancel();
        try {
            c.channel.close();
        } catch (IOException e) {
            c.error = e;
        }
        c.closed = true;
    }
}
