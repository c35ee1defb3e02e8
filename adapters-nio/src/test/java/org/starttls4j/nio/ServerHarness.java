package org.starttls4j.nio;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.starttls4j.ServerConfig;
import org.starttls4j.smtp.Smtp;

/**
 * A test SMTP server: {@link NioServer} in front, {@link SmtpResponder} behind, with queues of what
 * was handed over and what failed, and its own buffer pool so tests can check nothing leaks.
 */
final class ServerHarness implements AutoCloseable {

    /**
     * A failed negotiation as the server saw it.
     *
     * @param peer   the client's address
     * @param report the report
     * @param thread the name of the thread the server reported it on
     */
    record Failed(SocketAddress peer, NegotiationReport report, String thread) {
        int port() {
            return ((InetSocketAddress) peer).getPort();
        }
    }

    final ServerConfig config;
    final BufferPool pool = BufferPool.create(BufferPool.DEFAULT_BUFFER_SIZE, 64, false);
    final SmtpResponder app;
    final NioServer server;
    final BlockingQueue<NegotiationReport> handedOver = new LinkedBlockingQueue<>();
    final BlockingQueue<Failed> failures = new LinkedBlockingQueue<>();

    ServerHarness(ServerConfig config) throws IOException {
        this(config, b -> b);
    }

    ServerHarness(ServerConfig config, UnaryOperator<NioServer.Builder> tweak) throws IOException {
        this.config = config;
        this.app = new SmtpResponder(config);
        this.server = tweak.apply(NioServer.builder(config, Smtp::server)
                .bind(Fixtures.anyLoopbackPort())
                .bufferPool(pool)
                .onSession(channel -> {
                    handedOver.add(channel.report());
                    app.accept(channel);
                })
                .onFailure((peer, report) -> failures.add(new Failed(peer, report, Thread.currentThread().getName()))))
                .start();
    }

    InetSocketAddress address() {
        return server.localAddress();
    }

    Failed nextFailure() throws InterruptedException {
        Failed f = failures.poll(20, TimeUnit.SECONDS);
        if (f == null) {
            throw new AssertionError("no failure reported; stats " + server.stats());
        }
        return f;
    }

    SmtpResponder.Served nextServed() throws InterruptedException {
        SmtpResponder.Served s = app.served.poll(20, TimeUnit.SECONDS);
        if (s == null) {
            throw new AssertionError("no conversation finished; stats " + server.stats());
        }
        return s;
    }

    @Override
    public void close() throws IOException {
        server.close();
        app.close();
    }
}
