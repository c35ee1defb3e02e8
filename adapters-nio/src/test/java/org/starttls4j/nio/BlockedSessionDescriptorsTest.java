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
 * a write, beside its socket: nothing (one selector for the whole JVM does the waiting). Counted,
 * not timed: {@code /proc/self/fd} before and after {@value #SESSIONS} sessions block.
 *
 * <p>Before: every blocking channel opened a private selector per direction on its first wait and
 * kept it for its life, an epoll descriptor and an eventfd each; a blocking client's channel also
 * kept its negotiation's. Measured here on 2026-12-07 (JDK 17, Linux): 2 descriptors per session
 * blocked in a read, 2 per session blocked in a write, and 2 per idle client channel.
 */
class BlockedSessionDescriptorsTest {

    private static final int SESSIONS = 16;

    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    @Test
    void sessionsBlockedInReadsHoldNoDescriptorBeyondTheirSockets() throws Exception {
        try (Sessions s = new Sessions()) {
            long established = Fixtures.openFileDescriptors();
            assertThat(established - s.before).as("both ends' sockets and nothing else per session")
                    .isLessThanOrEqualTo(2L * SESSIONS + Sessions.SLACK);

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
            assertThat(blocked - established).as("%d sessions blocked in reads, both ends", 2 * SESSIONS)
                    .isLessThanOrEqualTo(Sessions.SLACK);

            s.closeAll();
            for (Future<Integer> read : reads) {
                // Its own channel's close, or the peer's close_notify before it.
                try {
                    assertThat(read.get(20, TimeUnit.SECONDS)).as("the peer's clean end").isEqualTo(-1);
                } catch (ExecutionException e) {
                    assertThat(e).as("a close wakes the reader").hasCauseInstanceOf(ClosedChannelException.class);
                }
            }
        }
    }

    @Test
    void sessionsBlockedInWritesHoldNoDescriptorBeyondTheirSockets() throws Exception {
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
            assertThat(blocked - established).as("%d sessions blocked in writes", SESSIONS)
                    .isLessThanOrEqualTo(Sessions.SLACK);

            for (SecureChannel channel : s.servers) {
                channel.setCloseTimeout(Duration.ZERO);
                channel.close();
            }
            for (Future<Void> write : writes) {
                assertThatThrownBy(() -> write.get(20, TimeUnit.SECONDS)).as("a close wakes the writer")
                        .hasCauseInstanceOf(ClosedChannelException.class);
            }
        }
    }

    @Test
    void aSocketClosedBehindItsChannelsBackStillGivesItsDescriptorBack() throws Exception {
        try (Sessions s = new Sessions()) {
            long established = Fixtures.openFileDescriptors();
            for (SecureChannel channel : s.servers) {
                channel.setTimeout(Duration.ofMillis(1));
                assertThatThrownBy(() -> channel.read(ByteBuffer.allocate(1))).as("a wait registers the socket with the waiter")
                        .isInstanceOf(java.net.SocketTimeoutException.class);
                channel.socketChannel().close(); // not through the channel: its endpoint does not wake the waiter
            }
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (Fixtures.openFileDescriptors() > established - SESSIONS) {
                assertThat(System.nanoTime() - until).as("the sockets' descriptors released; %d open, %d before",
                        Fixtures.openFileDescriptors(), established).isNegative();
                Thread.onSpinWait();
                Thread.yield();
            }
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

        /** Descriptors the JVM may open meanwhile on its own (a jar, the shared waiter once). */
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
            // One session first, so that what the first one opens once (classes, the shared waiter) is in "before".
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
