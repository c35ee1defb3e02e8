package org.starttls4j.nio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.starttls4j.ServerConfig;
import org.starttls4j.TlsPolicy;
import org.starttls4j.smtp.Smtp;

/**
 * What a thread-per-session server pays in file descriptors for each session blocked in a read or
 * a write, beside its socket, and that it gets every one back when the channel closes. Counted,
 * not timed: the process's open file descriptors before and after {@value #SESSIONS} sessions block.
 *
 * <p>A blocking channel waits on a private selector per direction, opened at its first wait and
 * kept for its life (an epoll descriptor and an eventfd: 2); a blocking client's channel keeps its
 * negotiation's selector as its read waiter. Measured here on 2026-12-07 (JDK 17, Linux): 2
 * descriptors per channel blocked in a read, 2 per channel blocked in a write. One selector shared
 * by the whole JVM would cost none, but every wait would then pass through its thread and back:
 * the NIO adapter's loopback benchmark lost 4-6 % with it (bench/PROFILE.md), so the waiters stay
 * per channel, and this test holds their cost to what it says and their release to the close.
 */
class BlockedSessionDescriptorsTest {

    private static final int SESSIONS = 16;

    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    /** An epoll descriptor and its eventfd: one selector. */
    private static final int PER_SELECTOR = 2;

    @Test
    void sessionsBlockedInReadsHoldOneSelectorPerChannelAndGiveItBackAtClose() throws Exception {
        try (Sessions s = new Sessions()) {
            long established = Fixtures.openFileDescriptors();
            assertThat(established - s.before).as("both ends' sockets, each client's negotiation selector and each server's "
                    + "read waiter (it waited for the EHLO)").isLessThanOrEqualTo((2L + 2 * PER_SELECTOR) * SESSIONS + Sessions.SLACK);

            List<Thread> readers = new ArrayList<>();
            List<Future<Integer>> reads = new ArrayList<>();
            for (NegotiatedChannel channel : s.all()) {
                CountDownLatch started = new CountDownLatch(1);
                Thread[] self = new Thread[1];
                reads.add(threads.submit(() -> {
                    self[0] = Thread.currentThread();
                    started.countDown();
                    return channel.read(ByteBuffer.allocate(64)); // nobody writes: blocks
                }));
                assertThat(started.await(20, TimeUnit.SECONDS)).isTrue();
                readers.add(self[0]);
            }
            awaitWaiting(readers);

            long blocked = Fixtures.openFileDescriptors();
            assertThat(blocked - established).as("%d channels blocked in reads, both ends: at most one selector each", 2 * SESSIONS)
                    .isLessThanOrEqualTo(2L * SESSIONS * PER_SELECTOR + Sessions.SLACK);

            s.closeAll();
            for (Future<Integer> read : reads) {
                // Its own channel's close, or the peer's close_notify before it.
                try {
                    assertThat(read.get(20, TimeUnit.SECONDS)).as("the peer's clean end").isEqualTo(-1);
                } catch (ExecutionException e) {
                    assertThat(e).as("a close wakes the reader").hasCauseInstanceOf(ClosedChannelException.class);
                }
            }
            assertThat(Fixtures.openFileDescriptors() - s.before).as("every socket and selector given back by the close")
                    .isLessThanOrEqualTo(Sessions.SLACK);
        }
    }

    @Test
    void sessionsBlockedInWritesHoldOneSelectorPerChannelAndGiveItBackAtClose() throws Exception {
        try (Sessions s = new Sessions()) {
            long established = Fixtures.openFileDescriptors();
            List<Thread> writers = new ArrayList<>();
            List<Future<Void>> writes = new ArrayList<>();
            for (SecureChannel channel : s.servers) {
                CountDownLatch started = new CountDownLatch(1);
                Thread[] self = new Thread[1];
                writes.add(threads.submit(() -> {
                    self[0] = Thread.currentThread();
                    started.countDown();
                    ByteBuffer data = ByteBuffer.allocate(1 << 20);
                    while (true) { // the client never reads: the sockets' buffers fill, then it waits
                        data.clear();
                        channel.write(data);
                    }
                }));
                assertThat(started.await(20, TimeUnit.SECONDS)).isTrue();
                writers.add(self[0]);
            }
            awaitWaiting(writers);

            long blocked = Fixtures.openFileDescriptors();
            assertThat(blocked - established).as("%d sessions blocked in writes: at most one write selector each", SESSIONS)
                    .isLessThanOrEqualTo((long) SESSIONS * PER_SELECTOR + Sessions.SLACK);

            for (SecureChannel channel : s.servers) {
                channel.setCloseTimeout(Duration.ZERO);
                channel.close();
            }
            for (Future<Void> write : writes) {
                assertThatThrownBy(() -> write.get(20, TimeUnit.SECONDS)).as("a close wakes the writer")
                        .hasCauseInstanceOf(ClosedChannelException.class);
            }
            assertThat(Fixtures.openFileDescriptors() - established).as("the servers' sockets and selectors given back")
                    .isLessThanOrEqualTo(Sessions.SLACK - (long) SESSIONS);
        }
    }

    /** Waits until each thread is inside the endpoint's wait for its socket. */
    private static void awaitWaiting(List<Thread> waiting) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        for (Thread t : waiting) {
            while (!inEndpointWait(t)) {
                assertThat(System.nanoTime() - deadline).as("%s reached its wait", t.getName()).isNegative();
                Thread.onSpinWait();
                Thread.yield();
            }
        }
    }

    private static boolean inEndpointWait(Thread t) {
        StackTraceElement[] stack = t.getStackTrace();
        boolean inAwait = Arrays.stream(stack).anyMatch(f -> f.getClassName().equals(Endpoint.class.getName())
                && f.getMethodName().equals("await"));
        // Parked or in the selector's native wait, not on the way to it.
        return inAwait && stack.length > 0 && (t.getState() == Thread.State.WAITING
                || t.getState() == Thread.State.TIMED_WAITING || stack[0].isNativeMethod());
    }

    /** {@value #SESSIONS} secured SMTP sessions over loopback, both ends blocking and idle. */
    private static final class Sessions implements AutoCloseable {

        /** Descriptors the JVM may open meanwhile on its own (a jar). */
        static final int SLACK = 4;

        final long before;
        final NioServer server;
        final List<SecureChannel> clients = new ArrayList<>();
        final List<SecureChannel> servers = new ArrayList<>();
        private final ExecutorService app = Executors.newSingleThreadExecutor();

        Sessions() throws IOException, InterruptedException {
            BlockingQueue<NegotiatedChannel> handed = new LinkedBlockingQueue<>();
            ServerConfig config = Fixtures.server(TlsPolicy.REQUIRED).build();
            server = NioServer.builder(config, Smtp::server).bind(Fixtures.anyLoopbackPort()).selectorThreads(1)
                    .onSession(channel -> app.execute(() -> {
                        try { // the client's negotiation ends with our answer to its EHLO inside TLS
                            channel.configureBlocking(true);
                            String ehlo = Fixtures.readLine(channel);
                            Fixtures.send(channel, Smtp.ehloReplyAfterTls(config, ehlo.substring(5)));
                            handed.add(channel);
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    })).start();
            NioClient client = NioClient.create();
            // One session first, so that what the first one opens once (classes, jars) is in "before".
            SecureChannel warmClient = (SecureChannel) client.connect(server.localAddress(),
                    Fixtures.client(TlsPolicy.REQUIRED).build(), Smtp::client);
            NegotiatedChannel warmServer = handed.poll(20, TimeUnit.SECONDS);
            assertThat(warmServer).isNotNull();
            warmServer.configureBlocking(true);
            warmClient.setTimeout(Duration.ofMillis(1));
            warmServer.setTimeout(Duration.ofMillis(1));
            assertThatThrownBy(() -> warmClient.read(ByteBuffer.allocate(1))).isInstanceOf(java.net.SocketTimeoutException.class);
            assertThatThrownBy(() -> warmServer.read(ByteBuffer.allocate(1))).isInstanceOf(java.net.SocketTimeoutException.class);
            warmClient.setCloseTimeout(Duration.ZERO);
            warmClient.close();
            warmServer.close();
            before = Fixtures.openFileDescriptors();
            for (int i = 0; i < SESSIONS; i++) {
                clients.add((SecureChannel) client.connect(server.localAddress(), Fixtures.client(TlsPolicy.REQUIRED).build(),
                        Smtp::client));
                NegotiatedChannel s = handed.poll(20, TimeUnit.SECONDS);
                assertThat(s).isInstanceOf(SecureChannel.class);
                s.configureBlocking(true);
                servers.add((SecureChannel) s);
            }
        }

        List<NegotiatedChannel> all() {
            List<NegotiatedChannel> all = new ArrayList<>(clients);
            all.addAll(servers);
            return all;
        }

        void closeAll() throws IOException {
            for (NegotiatedChannel c : all()) {
                ((SecureChannel) c).setCloseTimeout(Duration.ZERO);
                c.close();
            }
        }

        @Override
        public void close() throws IOException {
            closeAll();
            server.close();
            app.shutdownNow();
        }
    }
}
