package org.starttls4j.nio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.starttls4j.Event;
import org.starttls4j.Failure;
import org.starttls4j.TlsPolicy;
import org.starttls4j.smtp.Smtp;

/** The acceptor: its cap on negotiations, its shutdown, its counts, and a failing application callback. */
class NioServerTest {

    @Test
    void overTheCapAConnectionGetsTheBusyReplyAtOnceAndAFreedSlotServesTheNext() throws Exception {
        try (ServerHarness server = new ServerHarness(Fixtures.server(TlsPolicy.REQUIRED).build(), b -> b.maxNegotiating(2))) {
            RawPeer a = greeted(server);
            RawPeer b = greeted(server);
            try (RawPeer c = new RawPeer(new Socket(server.address().getAddress(), server.address().getPort()))) {
                assertThat(c.untilClosed()).as("answered at once, then closed")
                        .isEqualTo("421 4.3.2 mail.example.test Service busy, try again later\r\n");
                assertThat(server.nextFailure().report().failure().orElseThrow().reason()).isEqualTo(Failure.Reason.SERVER_BUSY);
                assertThat(server.server.stats()).isEqualTo(new NioServer.Stats(3, 2, 0, 0, 0, 0, 1));

                a.send("QUIT\r\n");
                assertThat(a.reply()).startsWith("221 ");
                assertThat(server.nextFailure().report().failure().orElseThrow().reason()).isEqualTo(Failure.Reason.SERVICE_CLOSING);
                try (RawPeer d = greeted(server)) {
                    assertThat(server.server.stats()).isEqualTo(new NioServer.Stats(4, 2, 0, 0, 1, 0, 1));

                    server.server.close();
                    assertThat(b.untilClosed()).isEmpty();
                    assertThat(d.untilClosed()).isEmpty();
                }
                NioServer.Stats stats = server.server.stats();
                assertThat(stats).isEqualTo(new NioServer.Stats(4, 0, 0, 0, 1, 2, 1));
                assertThat(stats.finished()).isEqualTo(stats.accepted());
            } finally {
                a.close();
                b.close();
            }
        }
    }

    @Test
    void closeStopsListeningAndClosesEveryNegotiatingConnection() throws Exception {
        ServerHarness server = new ServerHarness(Fixtures.server(TlsPolicy.REQUIRED).build());
        RawPeer a = greeted(server);
        RawPeer b = greeted(server);
        b.send("EHLO b.example.test\r\n");
        assertThat(b.reply()).startsWith("250 ");
        assertThat(server.server.isOpen()).isTrue();

        server.close();
        server.close(); // idempotent

        assertThat(server.server.isOpen()).isFalse();
        assertThat(a.untilClosed()).isEmpty();
        assertThat(b.untilClosed()).isEmpty();
        assertThatThrownBy(() -> new Socket(server.address().getAddress(), server.address().getPort()).close())
                .isInstanceOf(ConnectException.class);
        assertThat(server.server.stats()).isEqualTo(new NioServer.Stats(2, 0, 0, 0, 0, 2));
        assertThat(server.pool.inUse()).isZero();
        a.close();
        b.close();
    }

    @Test
    void aCallbackThatThrowsClosesItsChannelAndTheServerGoesOn() throws Exception {
        BlockingQueue<Throwable> uncaught = new LinkedBlockingQueue<>();
        AtomicBoolean first = new AtomicBoolean(true);
        var config = Fixtures.server(TlsPolicy.REQUIRED).build();
        try (SmtpResponder app = new SmtpResponder(config);
             NioServer server = NioServer.builder(config, Smtp::server)
                     .bind(Fixtures.anyLoopbackPort())
                     .onSession(channel -> {
                         if (first.getAndSet(false)) {
                             throw new IllegalStateException("the application broke");
                         }
                         app.accept(channel);
                     })
                     .threadFactory(reportingTo(uncaught))
                     .start()) {
            NioClient client = NioClient.create();
            NegotiationException e = catchThrowableOfType(NegotiationException.class,
                    () -> client.connect(server.localAddress(), Fixtures.client(TlsPolicy.REQUIRED).build(), Smtp::client));
            assertThat(e.failure().reason()).isEqualTo(Failure.Reason.PEER_CLOSED);
            assertThat(uncaught.poll(20, TimeUnit.SECONDS)).hasMessage("the application broke");

            try (NegotiatedChannel second = client.connect(server.localAddress(), Fixtures.client(TlsPolicy.REQUIRED).build(), Smtp::client)) {
                Fixtures.send(second, "NOOP\r\n");
                assertThat(Fixtures.readReply(second)).startsWith("250 ");
            }
            assertThat(server.stats().secured()).isEqualTo(2);
            assertThat(server.localAddress().getAddress().isLoopbackAddress()).isTrue();
        }
    }

    /** Daemon loop threads whose uncaught exceptions land in {@code uncaught}, for the test to read. */
    private static ThreadFactory reportingTo(BlockingQueue<Throwable> uncaught) {
        return r -> {
            Thread t = new Thread(r, "test-loop");
            t.setDaemon(true);
            t.setUncaughtExceptionHandler((thread, e) -> uncaught.add(e));
            return t;
        };
    }

    /** An Error the application throws from its callback (its own, or the JVM's). */
    private static final class ApplicationError extends Error {
        private static final long serialVersionUID = 1L;

        ApplicationError() {
            super("the application's Error");
        }
    }

    @Test
    void aCallbackThatThrowsAnErrorClosesItsChannelBeforeTheServerStops() throws Exception {
        BlockingQueue<Throwable> uncaught = new LinkedBlockingQueue<>();
        var config = Fixtures.server(TlsPolicy.REQUIRED).build();
        try (NioServer server = NioServer.builder(config, Smtp::server)
                .bind(Fixtures.anyLoopbackPort())
                .selectorThreads(1)
                .onSession(channel -> {
                    throw new ApplicationError();
                })
                .threadFactory(reportingTo(uncaught))
                .start()) {
            NegotiationException e = catchThrowableOfType(NegotiationException.class, () -> NioClient.create()
                    .connect(server.localAddress(), Fixtures.client(TlsPolicy.REQUIRED).build(), Smtp::client));

            // The handed-over channel was closed, not left open with nobody to close it: the client
            // hears the close at once instead of waiting out its deadline.
            assertThat(e.failure().reason()).isEqualTo(Failure.Reason.PEER_CLOSED);
            assertThat(uncaught.poll(20, TimeUnit.SECONDS)).isInstanceOf(ApplicationError.class);
        }
    }

    @Test
    void theBuilderRefusesAnIncompleteSetup() {
        var config = Fixtures.server(TlsPolicy.REQUIRED).build();
        assertThatThrownBy(() -> NioServer.builder(config, Smtp::server).onSession(c -> { }).start())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("bind");
        assertThatThrownBy(() -> NioServer.builder(config, Smtp::server).bind(Fixtures.anyLoopbackPort()).start())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("onSession");
        assertThatThrownBy(() -> NioServer.builder(config, Smtp::server).maxNegotiating(0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theBufferPoolCountsWhatIsOutAndKeepsABoundedFew() {
        BufferPool pool = BufferPool.create(2048, 2, false);
        var a = pool.acquire(100);
        var b = pool.acquire(2048);
        var c = pool.acquire(2048);
        var big = pool.acquire(5000);
        assertThat(List.of(a.capacity(), b.capacity(), c.capacity(), big.capacity())).containsExactly(2048, 2048, 2048, 5000);
        assertThat(pool.inUse()).isEqualTo(4);
        a.put((byte) 1);
        pool.release(a);
        pool.release(b);
        pool.release(c); // over maxRetained: dropped
        pool.release(big); // one-off: dropped
        pool.release(null);
        assertThat(pool.inUse()).isZero();
        assertThat(pool.retained()).isEqualTo(2);
        assertThat(pool.allocations()).isEqualTo(4);
        var again = pool.acquire(10);
        assertThat(again.position()).isZero();
        assertThat(again.limit()).isEqualTo(2048);
        assertThat(pool.allocations()).as("reused, not allocated").isEqualTo(4);
        assertThatThrownBy(() -> BufferPool.create(10, 1, false)).isInstanceOf(IllegalArgumentException.class);
        assertThat(BufferPool.shared().bufferSize()).isEqualTo(BufferPool.DEFAULT_BUFFER_SIZE);
    }

    @Test
    void withoutTheTranscriptNothingIsRecordedAndAReportKeepsItsFacts() throws Exception {
        try (ServerHarness server = new ServerHarness(Fixtures.server(TlsPolicy.REQUIRED).build(), b -> b.keepTranscript(false))) {
            NioClient client = NioClient.create();
            try (NegotiatedChannel channel = client.connect(server.address(), Fixtures.client(TlsPolicy.REQUIRED).build(), Smtp::client)) {
                NegotiationReport handedOver = server.handedOver.poll(20, TimeUnit.SECONDS);
                assertThat(handedOver).isNotNull();
                assertThat(handedOver.transcript()).isEmpty();
                assertThat(handedOver.events()).noneMatch(e -> e instanceof Event.Line || e instanceof Event.TranscriptTruncated)
                        .anyMatch(e -> e instanceof Event.StartTlsAccepted).anyMatch(e -> e instanceof Event.TlsEstablished)
                        .anyMatch(e -> e instanceof Event.Secured);
                assertThat(handedOver.encrypted()).isTrue();
                assertThat(handedOver.summary()).startsWith("encrypted: TLSv1.3 ");
                assertThat(handedOver.tls().orElseThrow().cipherSuite()).isEqualTo(channel.report().tls().orElseThrow().cipherSuite());
                assertThat(handedOver.tls().orElseThrow().localCertificates()).isNotEmpty();
                assertThat(channel.report().transcript()).as("the client's own report is whole").isNotEmpty();
                Fixtures.send(channel, "NOOP\r\n");
                assertThat(Fixtures.readReply(channel)).startsWith("250 ");
            }
            try (RawPeer p = greeted(server)) {
                p.send("QUIT\r\n");
                assertThat(p.reply()).startsWith("221 ");
                NegotiationReport failed = server.nextFailure().report();
                assertThat(failed.transcript()).as("the negotiations recorded none").isEmpty();
                assertThat(failed.events()).anyMatch(e -> e instanceof Event.Failed);
            }
        }
    }

    @Test
    void byDefaultAHandedOverReportKeepsTheTranscript() throws Exception {
        try (ServerHarness server = new ServerHarness(Fixtures.server(TlsPolicy.REQUIRED).build())) {
            try (NegotiatedChannel channel = NioClient.create().connect(server.address(),
                    Fixtures.client(TlsPolicy.REQUIRED).build(), Smtp::client)) {
                NegotiationReport handedOver = server.handedOver.poll(20, TimeUnit.SECONDS);
                assertThat(handedOver).isNotNull();
                assertThat(handedOver.transcript()).extracting(Event.Line::text).contains("STARTTLS");
                assertThat(channel.isEncrypted()).isTrue();
            }
        }
    }

    private static RawPeer greeted(ServerHarness server) throws IOException {
        RawPeer p = new RawPeer(new Socket(server.address().getAddress(), server.address().getPort()));
        assertThat(p.line()).startsWith("220 ");
        return p;
    }
}
