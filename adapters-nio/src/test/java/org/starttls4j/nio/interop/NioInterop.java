package org.starttls4j.nio.interop;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.starttls4j.ClientConfig;
import org.starttls4j.ServerConfig;
import org.starttls4j.nio.NegotiatedChannel;
import org.starttls4j.nio.NegotiationException;
import org.starttls4j.nio.NioClient;
import org.starttls4j.nio.NioServer;
import org.starttls4j.testing.interop.ClientReport;
import org.starttls4j.testing.interop.FreePort;
import org.starttls4j.testing.interop.MailProtocol;
import org.starttls4j.testing.interop.Responder;
import org.starttls4j.testing.interop.StartTlsClients;
import org.starttls4j.testing.interop.StartTlsServers;

/**
 * The NIO adapter behind the shared interop scenarios: {@link #SERVERS} runs a {@link NioServer}
 * whose sessions a worker thread answers with the {@link Responder} over the blocking channel;
 * {@link #CLIENTS} connects with the blocking {@link NioClient}. This is all the adapter-specific
 * code the scenarios need; the Netty adapter provides the same two values.
 */
final class NioInterop {

    /** How long a blocking read or write of the glue may wait. */
    static final Duration IO_TIMEOUT = Duration.ofSeconds(20);

    private NioInterop() {
    }

    /** A {@link NioServer} on 127.0.0.1 with a free port, answering with the responder. */
    static final StartTlsServers SERVERS = NioInterop::startServer;

    /** The blocking {@link NioClient}. */
    static final StartTlsClients CLIENTS = NioInterop::connect;

    private static StartTlsServers.Running startServer(MailProtocol protocol, ServerConfig config, Responder responder)
            throws IOException {
        AtomicInteger threads = new AtomicInteger();
        ExecutorService workers = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "interop-" + protocol + "-worker-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        Set<NegotiatedChannel> open = ConcurrentHashMap.newKeySet();
        NioServer server = NioServer.builder(config, protocol::server)
                .bind(new InetSocketAddress(FreePort.LOOPBACK, 0))
                .onSession(channel -> {
                    open.add(channel);
                    workers.execute(() -> serve(channel, responder, open));
                })
                .onFailure((peer, report) -> responder.negotiationFailed(report.failure().orElseThrow(), report.events()))
                .start();
        return new StartTlsServers.Running() {
            @Override
            public InetSocketAddress address() {
                return server.localAddress();
            }

            @Override
            public void close() {
                server.close();
                for (NegotiatedChannel channel : open) {
                    closeQuietly(channel);
                }
                workers.shutdownNow();
                try {
                    workers.awaitTermination(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
    }

    private static void serve(NegotiatedChannel channel, Responder responder, Set<NegotiatedChannel> open) {
        Responder.Conversation conversation = responder.open(
                Responder.SessionFacts.of(channel.session(), channel.report().events()));
        try {
            channel.configureBlocking(true);
            channel.setTimeout(IO_TIMEOUT);
            conversation.serve(channel, channel, new byte[0]);
        } catch (IOException | RuntimeException e) {
            conversation.end("failed: " + e);
        } finally {
            closeQuietly(channel);
            open.remove(channel);
        }
    }

    private static StartTlsClients.Connection connect(MailProtocol protocol, InetSocketAddress address, ClientConfig config)
            throws IOException {
        try {
            NegotiatedChannel channel = NioClient.builder().connectTimeout(IO_TIMEOUT).build()
                    .connect(address, config, protocol::client);
            channel.configureBlocking(true);
            return new Connection(channel, new ClientReport(channel.report().events()));
        } catch (NegotiationException e) {
            return new Connection(null, new ClientReport(e.report().events()));
        }
    }

    private static void closeQuietly(NegotiatedChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // closing is best effort here; the scenario checks what it needs before
        }
    }

    /** A client connection: line reads over the blocking channel, bounded by the channel's timeout. */
    private static final class Connection implements StartTlsClients.Connection {
        private final NegotiatedChannel channel;
        private final ClientReport report;
        private final ByteBuffer in = ByteBuffer.allocate(64 * 1024).flip();

        Connection(NegotiatedChannel channel, ClientReport report) {
            this.channel = channel;
            this.report = report;
        }

        @Override
        public ClientReport report() {
            return report;
        }

        @Override
        public void send(String text) throws IOException {
            ByteBuffer out = ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1));
            channel().setTimeout(IO_TIMEOUT);
            while (out.hasRemaining()) {
                channel().write(out);
            }
        }

        @Override
        public String readLine(Duration timeout) throws IOException {
            channel().setTimeout(timeout);
            while (true) {
                for (int i = in.position(); i < in.limit(); i++) {
                    if (in.get(i) == '\n') {
                        int end = i > in.position() && in.get(i - 1) == '\r' ? i - 1 : i;
                        byte[] line = new byte[end - in.position()];
                        in.get(line);
                        in.position(i + 1);
                        return new String(line, StandardCharsets.ISO_8859_1);
                    }
                }
                in.compact();
                if (!in.hasRemaining()) {
                    throw new IOException("a line longer than " + in.capacity() + " bytes");
                }
                int n;
                try {
                    n = channel().read(in);
                } catch (SocketTimeoutException e) {
                    in.flip();
                    throw e;
                }
                in.flip();
                if (n < 0) {
                    throw new IOException("the server closed the connection; unread: "
                            + StandardCharsets.ISO_8859_1.decode(in.duplicate()));
                }
            }
        }

        private NegotiatedChannel channel() throws IOException {
            if (channel == null) {
                throw new IOException("the negotiation failed: " + report.failure().orElseThrow());
            }
            return channel;
        }

        @Override
        public void close() {
            if (channel != null) {
                closeQuietly(channel);
            }
        }

        @Override
        public String toString() {
            return "NioInterop.Connection[" + report.describe() + "]";
        }
    }
}
