package org.starttls4j.nio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.starttls4j.Failure;
import org.starttls4j.ServerConfig;
import org.starttls4j.TlsPolicy;
import org.starttls4j.smtp.Smtp;

/**
 * {@link NioServer} with several selector loops: connections dealt to the loops in turn, each
 * negotiated wholly on its loop; the cap on negotiations one count across loops; close() ending
 * every loop; one loop held up holding up no other.
 */
class SelectorLoopsTest {

    @Test
    void connectionsAreDealtToTheLoopsInTurnAndEachNegotiatesWhollyOnItsLoop() throws Exception {
        ServerConfig config = Fixtures.server(TlsPolicy.REQUIRED).build();
        BlockingQueue<String> startedOn = new LinkedBlockingQueue<>();
        BlockingQueue<String> handedOverOn = new LinkedBlockingQueue<>();
        try (SmtpResponder app = new SmtpResponder(config);
             NioServer server = NioServer.builder(() -> {
                         startedOn.add(Thread.currentThread().getName()); // the negotiation is made where it runs
                         return Smtp.server(config);
                     })
                     .selectorThreads(3)
                     .bind(Fixtures.anyLoopbackPort())
                     .onSession(channel -> {
                         handedOverOn.add(Thread.currentThread().getName());
                         app.accept(channel);
                     })
                     .start()) {
            assertThat(server.selectorThreads()).isEqualTo(3);
            String loop = "starttls4j-nio-server-" + server.localAddress().getPort() + "-loop-";
            List<String> expected = List.of(loop + 0, loop + 1, loop + 2, loop + 0, loop + 1, loop + 2);
            for (String thread : expected) {
                try (NegotiatedChannel channel = NioClient.create().connect(server.localAddress(),
                        Fixtures.client(TlsPolicy.REQUIRED).build(), Smtp::client)) {
                    assertThat(channel.isEncrypted()).isTrue();
                    assertThat(startedOn.poll(20, TimeUnit.SECONDS)).as("started on").isEqualTo(thread);
                    assertThat(handedOverOn.poll(20, TimeUnit.SECONDS)).as("handed over on").isEqualTo(thread);
                }
            }
            assertThat(server.stats()).isEqualTo(new NioServer.Stats(6, 0, 6, 0, 0, 0));
        }
    }

    @Test
    void theCapIsOneCountAcrossLoopsAndASlotFreedOnOneLoopServesTheNextOnAnother() throws Exception {
        try (ServerHarness server = new ServerHarness(Fixtures.server(TlsPolicy.REQUIRED).build(),
                b -> b.selectorThreads(3).maxNegotiating(3))) {
            String loop = "starttls4j-nio-server-" + server.address().getPort() + "-loop-";
            RawPeer a = greeted(server); // loop 0
            RawPeer b = greeted(server); // loop 1
            RawPeer c = greeted(server); // loop 2
            try (RawPeer d = connect(server)) {
                assertThat(d.untilClosed()).isEqualTo("421 4.3.2 mail.example.test Service busy, try again later\r\n");
                ServerHarness.Failed busy = server.nextFailure();
                assertThat(busy.report().failure().orElseThrow().reason()).isEqualTo(Failure.Reason.SERVER_BUSY);
                assertThat(busy.thread()).as("refused where it was accepted").isEqualTo(loop + 0);
            }
            assertThat(server.server.stats()).isEqualTo(new NioServer.Stats(4, 3, 0, 0, 0, 0, 1));

            b.send("QUIT\r\n");
            assertThat(b.reply()).startsWith("221 ");
            ServerHarness.Failed quit = server.nextFailure();
            assertThat(quit.report().failure().orElseThrow().reason()).isEqualTo(Failure.Reason.SERVICE_CLOSING);
            assertThat(quit.thread()).as("released on the loop it ran on").isEqualTo(loop + 1);
            RawPeer e = greeted(server); // the slot loop 1 gave back, taken by loop 0's accept for loop 0
            try (RawPeer f = connect(server)) {
                assertThat(f.untilClosed()).startsWith("421 4.3.2 ");
                assertThat(server.nextFailure().report().failure().orElseThrow().reason()).isEqualTo(Failure.Reason.SERVER_BUSY);
            }
            e.send("QUIT\r\n");
            assertThat(e.reply()).startsWith("221 ");
            assertThat(server.nextFailure().thread()).as("the round robin skipped the refused").isEqualTo(loop + 0);
            assertThat(server.server.stats()).isEqualTo(new NioServer.Stats(6, 2, 0, 0, 2, 0, 2));

            server.server.close();
            assertThat(a.untilClosed()).isEmpty();
            assertThat(c.untilClosed()).isEmpty();
            assertThat(server.server.stats()).isEqualTo(new NioServer.Stats(6, 0, 0, 0, 2, 2, 2));
            a.close();
            b.close();
            c.close();
            e.close();
        }
    }

    @Test
    void manyClientsAtOnceNeverNegotiateBeyondTheCapAndAllAreCountedOnce() throws Exception {
        int cap = 4;
        int clients = 64;
        ServerConfig config = Fixtures.server(TlsPolicy.REQUIRED).build();
        AtomicInteger highest = new AtomicInteger();
        AtomicInteger overCap = new AtomicInteger();
        CountDownLatch outcomes = new CountDownLatch(clients);
        NioServer[] holder = new NioServer[1];
        ExecutorService threads = Executors.newFixedThreadPool(16);
        try (SmtpResponder app = new SmtpResponder(config);
             NioServer server = NioServer.builder(() -> {
                         // called as a connection starts on its loop, its slot reserved (or for a refusal's busy reply)
                         int now = holder[0].stats().negotiating();
                         highest.accumulateAndGet(now, Math::max);
                         if (now > cap) {
                             overCap.incrementAndGet();
                         }
                         return Smtp.server(config);
                     })
                     .selectorThreads(2).maxNegotiating(cap)
                     .bind(Fixtures.anyLoopbackPort())
                     .onSession(channel -> {
                         app.accept(channel);
                         outcomes.countDown();
                     })
                     .onFailure((peer, report) -> outcomes.countDown())
                     .start()) {
            holder[0] = server;
            List<Future<Boolean>> secured = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                secured.add(threads.submit(() -> {
                    try (NegotiatedChannel channel = NioClient.create().connect(server.localAddress(),
                            Fixtures.client(TlsPolicy.REQUIRED).build(), Smtp::client)) {
                        return channel.isEncrypted();
                    } catch (IOException refused) { // the busy reply, as NegotiationException; anything else shows in the counts
                        return false;
                    }
                }));
            }
            int securedByClients = 0;
            for (Future<Boolean> f : secured) {
                securedByClients += f.get(60, TimeUnit.SECONDS) ? 1 : 0;
            }
            assertThat(outcomes.await(60, TimeUnit.SECONDS)).as("every connection ended on the server").isTrue();

            NioServer.Stats stats = server.stats();
            assertThat(overCap).as("starts seen above the cap").hasValue(0);
            assertThat(highest.get()).isBetween(1, cap);
            assertThat(stats.negotiating()).isZero();
            assertThat(stats.accepted()).isEqualTo(clients);
            assertThat(stats.secured()).isEqualTo(securedByClients);
            assertThat(stats.secured() + stats.refused()).isEqualTo(clients);
            assertThat(stats.finished()).isEqualTo(stats.accepted());
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void closeEndsEveryLoopAndClosesTheConnectionsOnEach() throws Exception {
        List<Thread> made = new ArrayList<>();
        ServerHarness server = new ServerHarness(Fixtures.server(TlsPolicy.REQUIRED).build(),
                b -> b.selectorThreads(3).threadFactory(r -> {
                    Thread t = new Thread(r, "closing-loop-" + made.size());
                    t.setDaemon(true);
                    made.add(t);
                    return t;
                }));
        List<RawPeer> peers = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            peers.add(greeted(server)); // two on each loop
        }
        peers.get(4).send("EHLO mid.example.test\r\n");
        assertThat(peers.get(4).reply()).startsWith("250 ");
        peers.get(5).send("EHLO half a comm"); // a line the loop holds unfinished
        assertThat(made).hasSize(3).allMatch(Thread::isAlive);

        server.close();

        for (RawPeer p : peers) {
            assertThat(p.untilClosed()).isEmpty();
            p.close();
        }
        for (Thread t : made) {
            t.join(TimeUnit.SECONDS.toMillis(10));
            assertThat(t.isAlive()).as(t.getName()).isFalse();
        }
        assertThat(server.server.isOpen()).isFalse();
        assertThat(server.server.stats()).isEqualTo(new NioServer.Stats(6, 0, 0, 0, 0, 6));
        assertThat(server.pool.inUse()).isZero();
        assertThatThrownBy(() -> new Socket(server.address().getAddress(), server.address().getPort()).close())
                .isInstanceOf(java.net.ConnectException.class);
    }

    @Test
    void aLoopThatDiesStopsTheWholeServerAsItsOneThreadDidBefore() throws Exception {
        BlockingQueue<Throwable> uncaught = new LinkedBlockingQueue<>();
        List<Thread> made = new ArrayList<>();
        ServerHarness server = new ServerHarness(Fixtures.server(TlsPolicy.REQUIRED).build(),
                b -> b.selectorThreads(2).threadFactory(r -> {
                    Thread t = new Thread(r, "dying-loop-" + made.size());
                    t.setDaemon(true);
                    t.setUncaughtExceptionHandler((thread, e) -> uncaught.add(e));
                    made.add(t);
                    return t;
                }).onSession(channel -> {
                    try {
                        channel.close();
                    } catch (IOException ignored) {
                        // the error below is the point
                    }
                    throw new AssertionError("loop 1 broke"); // not an exception the loop catches: it ends
                }));
        try (RawPeer onLoop0 = greeted(server)) {
            ExecutorService side = Executors.newSingleThreadExecutor();
            try {
                side.submit(() -> negotiateAndNoop(server.server)); // loop 1; its client sees the close
                assertThat(uncaught.poll(20, TimeUnit.SECONDS)).hasMessage("loop 1 broke");
                assertThat(onLoop0.untilClosed()).as("loop 0 closed its connection too").isEmpty();
            } finally {
                side.shutdownNow();
            }
        }
        for (Thread t : made) {
            t.join(TimeUnit.SECONDS.toMillis(10));
            assertThat(t.isAlive()).as(t.getName()).isFalse();
        }
        assertThat(server.server.isOpen()).isFalse();
        NioServer.Stats stats = server.server.stats();
        assertThat(stats).isEqualTo(new NioServer.Stats(2, 0, 1, 0, 0, 1));
        server.close(); // returns at once: nothing left to stop
        assertThat(server.pool.inUse()).isZero();
    }

    @Test
    void aLoopHeldUpHoldsUpNoOtherLoop() throws Exception {
        ServerConfig config = Fixtures.server(TlsPolicy.REQUIRED).build();
        CountDownLatch loop1Held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService side = Executors.newSingleThreadExecutor();
        try (SmtpResponder app = new SmtpResponder(config);
             NioServer server = NioServer.builder(config, Smtp::server)
                     .selectorThreads(2)
                     .bind(Fixtures.anyLoopbackPort())
                     .onSession(channel -> {
                         if (Thread.currentThread().getName().endsWith("-loop-1") && loop1Held.getCount() > 0) {
                             // stands in for whatever keeps a loop busy: a burst of handshakes, a callback that blocks
                             loop1Held.countDown();
                             await(release);
                         }
                         app.accept(channel);
                     })
                     .start()) {
            assertThat(negotiateAndNoop(server)).as("first, on loop 0").isTrue();
            Future<Boolean> onLoop1 = side.submit(() -> negotiateAndNoop(server));
            assertThat(loop1Held.await(20, TimeUnit.SECONDS)).isTrue();

            assertThat(negotiateAndNoop(server)).as("on loop 0, while loop 1 is held").isTrue();
            assertThat(onLoop1).isNotDone();
            assertThat(server.stats().secured()).isEqualTo(3);

            release.countDown();
            assertThat(onLoop1.get(20, TimeUnit.SECONDS)).isTrue();
        } finally {
            release.countDown();
            side.shutdownNow();
        }
    }

    @Test
    void theBuilderBoundsTheLoopsAndDefaultsToTheProcessors() {
        var builder = NioServer.builder(Fixtures.server(TlsPolicy.REQUIRED).build(), Smtp::server);
        assertThatThrownBy(() -> builder.selectorThreads(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.selectorThreads(NioServer.MAX_SELECTOR_THREADS + 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(builder.selectorThreads(NioServer.MAX_SELECTOR_THREADS)).isSameAs(builder);
        assertThat(NioServer.Builder.defaultSelectorThreads())
                .isEqualTo(Math.min(Runtime.getRuntime().availableProcessors(), 32));
    }

    /** Negotiates, then a NOOP inside TLS answered by the application: true when all of it worked. */
    private static boolean negotiateAndNoop(NioServer server) throws IOException {
        try (NegotiatedChannel channel = NioClient.create().connect(server.localAddress(),
                Fixtures.client(TlsPolicy.REQUIRED).build(), Smtp::client)) {
            Fixtures.send(channel, "NOOP\r\n");
            return channel.isEncrypted() && Fixtures.readReply(channel).startsWith("250 ");
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static RawPeer connect(ServerHarness server) throws IOException {
        return new RawPeer(new Socket(server.address().getAddress(), server.address().getPort()));
    }

    private static RawPeer greeted(ServerHarness server) throws IOException {
        RawPeer p = connect(server);
        assertThat(p.line()).startsWith("220 ");
        return p;
    }
}
