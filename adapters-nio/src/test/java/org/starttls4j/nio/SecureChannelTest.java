package org.starttls4j.nio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.starttls4j.Failure;
import org.starttls4j.ServerConfig;
import org.starttls4j.TlsPolicy;

/** The secured channel over real sockets: data, buffers, allocation, end of stream, close. */
class SecureChannelTest {

    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    private static ChannelPair pair() throws Exception {
        return new ChannelPair(Fixtures.server(TlsPolicy.REQUIRED).build(), Fixtures.client(TlsPolicy.REQUIRED).build());
    }

    @Test
    void bulkDataCrossesBothWaysAtOnceWithOneThreadReadingAndAnotherWriting() throws Exception {
        byte[] up = random(2 << 20, 1);
        byte[] down = random(1 << 20, 2);
        try (ChannelPair p = pair()) {
            p.server.configureBlocking(true);
            Future<byte[]> clientWrites = threads.submit(() -> {
                writeAll(p.client, up, 8192);
                p.client.shutdownOutput();
                return null;
            });
            Future<byte[]> clientReads = threads.submit(() -> readToEnd(p.client, 16 * 1024));
            Future<byte[]> serverReads = threads.submit(() -> readToEnd(p.server, 32 * 1024));
            Future<byte[]> serverWrites = threads.submit(() -> {
                writeAll(p.server, down, 50_000);
                p.server.shutdownOutput();
                return null;
            });
            clientWrites.get(60, TimeUnit.SECONDS);
            serverWrites.get(60, TimeUnit.SECONDS);
            assertThat(sha256(serverReads.get(60, TimeUnit.SECONDS))).isEqualTo(sha256(up));
            assertThat(sha256(clientReads.get(60, TimeUnit.SECONDS))).isEqualTo(sha256(down));
        }
    }

    @Test
    void smallAndPartlyFilledBuffersGetEveryByteInOrder() throws Exception {
        byte[] data = random(100_000, 3);
        try (ChannelPair p = pair()) {
            p.server.configureBlocking(true);
            writeAll(p.server, data, data.length);
            ByteBuffer received = ByteBuffer.allocate(data.length);
            int[] sizes = {1, 7, 100, 5000, 17_000};
            for (int i = 0; received.hasRemaining(); i++) {
                int size = Math.min(sizes[i % sizes.length], received.remaining());
                ByteBuffer dst = ByteBuffer.allocate(size + 20_000);
                dst.position(20_000); // only `size` bytes of room left, at a non-zero position
                int n = p.client.read(dst);
                assertThat(n).isPositive().isLessThanOrEqualTo(size);
                dst.flip().position(20_000);
                received.put(dst);
            }
            assertThat(received.array()).isEqualTo(data);
        }
    }

    @Test
    void scatteringAndGatheringCarryTheBytesAcrossBuffers() throws Exception {
        try (ChannelPair p = pair()) {
            ByteBuffer[] out = {Fixtures.ascii("alpha-"), Fixtures.ascii("beta-"), Fixtures.ascii("gamma")};
            assertThat(p.client.write(out)).isEqualTo(16);
            assertThat(Arrays.stream(out).noneMatch(ByteBuffer::hasRemaining)).isTrue();
            p.server.configureBlocking(true);
            ByteBuffer[] in = {ByteBuffer.allocate(3), ByteBuffer.allocate(4), ByteBuffer.allocate(100)};
            long total = 0;
            while (total < 16) {
                total += p.server.read(in);
            }
            assertThat(total).isEqualTo(16);
            assertThat(new String(in[0].array(), 0, 3)).isEqualTo("alp");
            assertThat(new String(in[1].array(), 0, 4)).isEqualTo("ha-b");
            assertThat(new String(in[2].array(), 0, in[2].position())).isEqualTo("eta-gamma");
        }
    }

    @Test
    void aCleanCloseReadsAsMinusOneAndReleasesEverything() throws Exception {
        ChannelPair p = pair();
        try {
            p.server.configureBlocking(true);
            Future<Integer> serverRead = threads.submit(() -> {
                int n = p.server.read(ByteBuffer.allocate(100));
                p.server.close(); // answers with its own close_notify
                return n;
            });
            p.client.close(); // sends close_notify, waits (bounded) for the server's
            assertThat(serverRead.get(20, TimeUnit.SECONDS)).isEqualTo(-1);
            assertThat(p.client.isOpen()).isFalse();
            assertThat(p.client.socketChannel().isOpen()).isFalse();
            assertThat(p.server.socketChannel().isOpen()).isFalse();
            assertThatThrownBy(() -> p.client.read(ByteBuffer.allocate(1))).isInstanceOf(ClosedChannelException.class);
            assertThatThrownBy(() -> p.client.write(Fixtures.ascii("x"))).isInstanceOf(ClosedChannelException.class);
        } finally {
            p.close();
        }
        assertThat(p.clientPool.inUse()).isZero();
        assertThat(p.serverPool.inUse()).isZero();
    }

    @Test
    void aPeerThatKeepsSendingDoesNotKeepCloseReading() throws Exception {
        try (ChannelPair p = pair()) {
            p.server.configureBlocking(true);
            p.server.setCloseTimeout(Duration.ofMinutes(1)); // so that only the bound on what close() drops can end it
            byte[] data = random(32 * 1024 * 1024, 5); // far more than the bound and the sockets' buffers
            Future<Void> peerWrites = threads.submit(() -> {
                writeAll(p.client, data, 16_384);
                return null;
            });

            p.server.close();

            assertThat(p.server.socketChannel().isOpen()).isFalse();
            assertThatThrownBy(() -> peerWrites.get(60, TimeUnit.SECONDS)).as("the rest was not read: the peer is reset")
                    .hasCauseInstanceOf(IOException.class);
        }
    }

    @Test
    void closeStopsReadingAPeerThatKeepsSendingAtItsDeadline() throws Exception {
        try (ChannelPair p = pair()) {
            p.server.configureBlocking(true);
            p.server.setCloseTimeout(Duration.ofMinutes(1));
            int records = 12;
            int recordSize = 4096; // 48 KiB in all: under the bound on what close() drops, so only the deadline stops it
            for (int i = 0; i < records; i++) {
                Fixtures.send(p.client, "x".repeat(recordSize));
            }
            // All of it is in the server's socket before close() starts: reads never have to wait.
            InputStream available = p.server.socketChannel().socket().getInputStream();
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (available.available() < records * recordSize) {
                assertThat(System.nanoTime() - until).as("the peer's data arrived").isNegative();
                Thread.onSpinWait();
            }
            // Time as close() sees it: the deadline is read once, and has passed at the next look.
            long start = System.nanoTime();
            AtomicInteger looks = new AtomicInteger();
            p.server.io.ticker(() -> looks.getAndIncrement() == 0 ? start : start + Duration.ofMinutes(2).toNanos());

            p.server.close();

            assertThat(p.server.socketChannel().isOpen()).isFalse();
            assertThat(p.server.droppedAtClose).as("one read's worth dropped, then the deadline: the rest left unread")
                    .isPositive().isLessThanOrEqualTo(p.server.session().minApplicationBufferSize())
                    .isLessThan(records * recordSize);
        }
    }

    @Test
    void closeWaitsForASilentPeersCloseNotifyNoLongerThanItsDeadline() throws Exception {
        try (ChannelPair p = pair()) {
            p.server.setCloseTimeout(Duration.ofHours(1)); // only the clock below can end the wait in time
            long start = System.nanoTime();
            AtomicInteger looks = new AtomicInteger();
            p.server.io.ticker(() -> looks.getAndIncrement() == 0 ? start : start + Duration.ofHours(2).toNanos());

            Future<Void> closing = threads.submit(() -> {
                p.server.close(); // the client never reads, so never answers the close_notify
                return null;
            });

            closing.get(20, TimeUnit.SECONDS);
            assertThat(p.server.socketChannel().isOpen()).isFalse();
            assertThat(p.server.droppedAtClose).isZero();
        }
    }

    @Test
    void halfCloseLetsThePeerAnswerAfterOurCloseNotify() throws Exception {
        try (ChannelPair p = pair()) {
            p.server.configureBlocking(true);
            Fixtures.send(p.client, "last words");
            p.client.shutdownOutput();
            assertThatThrownBy(() -> p.client.write(Fixtures.ascii("more"))).isInstanceOf(ClosedChannelException.class);

            assertThat(new String(readToEnd(p.server, 1024))).isEqualTo("last words"); // ends with -1: clean
            Fixtures.send(p.server, "an answer after your close_notify");
            p.server.close();

            assertThat(new String(readToEnd(p.client, 1024))).isEqualTo("an answer after your close_notify");
            assertThat(p.client.read(ByteBuffer.allocate(10))).isEqualTo(-1);
        }
    }

    @Test
    void anEndOfStreamWithoutCloseNotifyIsATruncationNotAnEnd() throws Exception {
        ChannelPair p = pair();
        try {
            Fixtures.send(p.server, "partial");
            p.server.socketChannel().close(); // bypass TLS: no close_notify
            assertThat(new String(readExactly(p.client, 7))).isEqualTo("partial");
            assertThatThrownBy(() -> p.client.read(ByteBuffer.allocate(10))).isInstanceOf(TlsTruncationException.class);
            assertThatThrownBy(() -> p.client.read(ByteBuffer.allocate(10))).isInstanceOf(TlsTruncationException.class);
        } finally {
            p.close();
        }
        assertThat(p.clientPool.inUse()).isZero();
        assertThat(p.serverPool.inUse()).isZero();
    }

    @Test
    void garbageInsideTlsBreaksTheSessionWithATypedFailure() throws Exception {
        ChannelPair p = pair();
        try {
            byte[] bogus = new byte[5 + 32];
            bogus[0] = 0x17; // application_data
            bogus[1] = 0x03;
            bogus[2] = 0x03;
            bogus[4] = 32;
            Arrays.fill(bogus, 5, bogus.length, (byte) 0x5a);
            p.server.socketChannel().write(ByteBuffer.wrap(bogus)); // bypass TLS: a forged record
            TlsFailureException e = catchThrowableOfType(TlsFailureException.class, () -> readExactly(p.client, 1));
            // After the hand-over a broken record breaks the session, not the handshake.
            assertThat(e.failure().reason()).isEqualTo(Failure.Reason.TLS_SESSION_BROKEN);
            assertThatThrownBy(() -> p.client.write(Fixtures.ascii("x"))).isInstanceOf(TlsFailureException.class);
        } finally {
            p.close();
        }
        assertThat(p.clientPool.inUse()).isZero();
        assertThat(p.serverPool.inUse()).isZero();
    }

    @Test
    void aBlockingReadWaitsNoLongerThanItsTimeout() throws Exception {
        try (ChannelPair p = pair()) {
            p.client.setTimeout(Duration.ofMillis(300));
            long start = System.nanoTime();
            assertThatThrownBy(() -> p.client.read(ByteBuffer.allocate(10))).isInstanceOf(SocketTimeoutException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(290), Duration.ofSeconds(15));
            // Still usable afterwards.
            Fixtures.send(p.server, "late");
            assertThat(new String(readExactly(p.client, 4))).isEqualTo("late");
        }
    }

    @Test
    void theBlockingClientsChannelWaitsOnItsNegotiationsSelectorAndClosesIt() throws Exception {
        ChannelPair p = pair();
        try {
            // The negotiation's selector stays registered as the channel's read waiter, rather
            // than being closed (which deregisters the socket) and another opened at the first wait.
            assertThat(p.client.socketChannel().isRegistered()).isTrue();
            p.client.setTimeout(Duration.ofSeconds(20));
            Future<byte[]> reading = threads.submit(() -> readExactly(p.client, 5));
            Fixtures.send(p.server, "later");
            assertThat(new String(reading.get(20, TimeUnit.SECONDS))).isEqualTo("later");
            p.client.setTimeout(Duration.ofMillis(100));
            assertThatThrownBy(() -> p.client.read(ByteBuffer.allocate(10))).isInstanceOf(SocketTimeoutException.class);
            // The server answers the close_notify that close() waits for on the same selector.
            Future<Integer> serverEnd = threads.submit(() -> p.server.read(ByteBuffer.allocate(10)));
            p.client.close();
            assertThat(serverEnd.get(20, TimeUnit.SECONDS)).isEqualTo(-1);
            assertThat(p.client.socketChannel().isOpen()).isFalse();
            assertThat(p.client.socketChannel().isRegistered()).as("the waiter closed with the channel").isFalse();
        } finally {
            p.close();
        }
        assertThat(p.clientPool.inUse()).isZero();
    }

    @Test
    void aBlockingWriteToAPeerThatStopsReadingEndsWithinItsTimeout() throws Exception {
        try (ChannelPair p = pair()) {
            p.client.setTimeout(Duration.ofMillis(200));
            ByteBuffer data = ByteBuffer.allocate(1 << 20);
            assertThatThrownBy(() -> {
                while (true) { // the server never reads: the sockets' buffers fill, then the write waits
                    data.clear();
                    p.client.write(data);
                }
            }).isInstanceOf(SocketTimeoutException.class).hasMessageContaining("took no data");
            p.client.setCloseTimeout(Duration.ZERO);
        }
    }

    @Test
    void closingWakesAThreadBlockedInRead() throws Exception {
        ChannelPair p = pair();
        try {
            p.client.setCloseTimeout(Duration.ZERO);
            CompletableFuture<Void> reading = new CompletableFuture<>();
            threads.execute(() -> {
                try {
                    p.client.read(ByteBuffer.allocate(10));
                    reading.complete(null);
                } catch (Throwable t) {
                    reading.completeExceptionally(t);
                }
            });
            // The reader is blocked (no data will come); closing must release it. Closing is
            // safe whether or not the reader has reached its wait yet.
            p.client.close();
            assertThatThrownBy(() -> reading.get(20, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(ClosedChannelException.class);
        } finally {
            p.close();
        }
        assertThat(p.clientPool.inUse()).isZero();
    }

    @Test
    void anIdleChannelHoldsNoNetworkBuffers() throws Exception {
        try (ChannelPair p = pair()) {
            assertThat(p.clientPool.inUse()).isZero();
            Fixtures.send(p.client, "ping");
            p.server.configureBlocking(true);
            assertThat(new String(readExactly(p.server, 4))).isEqualTo("ping");
            Fixtures.send(p.server, "pong");
            assertThat(new String(readExactly(p.client, 4))).isEqualTo("pong");
            assertThat(p.clientPool.inUse()).isZero();
            assertThat(p.serverPool.inUse()).isZero();
            assertThat(p.clientPool.retained()).as("given back to the pool, not dropped").isPositive();
        }
    }

    @Test
    void theSteadyStateTakesNoNewBuffersAndAllocatesLittle() throws Exception {
        try (ChannelPair p = pair()) {
            p.server.configureBlocking(true);
            ByteBuffer out = ByteBuffer.wrap(random(16 * 1024, 5));
            ByteBuffer in = ByteBuffer.allocate(p.server.session().minApplicationBufferSize());
            for (int i = 0; i < 300; i++) { // warm up: JIT, pools, the engine's own caches
                roundTrip(p, out, in);
            }
            long poolAllocations = p.clientPool.allocations() + p.serverPool.allocations();
            long before = allocatedByThisThread();
            int rounds = 500;
            for (int i = 0; i < rounds; i++) {
                roundTrip(p, out, in);
            }
            long perRecord = (allocatedByThisThread() - before) / rounds;
            assertThat(p.clientPool.allocations() + p.serverPool.allocations()).as("no new network buffers").isEqualTo(poolAllocations);
            // A network buffer per call would cost over 16 KiB a direction, 32 KiB a round trip.
            // What is left (about 6 KiB on JDK 17) is the JDK engine's own per-record garbage
            // (cipher re-initialisation, results) and the selector's when the socket is full.
            assertThat(perRecord).as("bytes allocated per 16 KiB record, written and read").isLessThan(8192);
        }
    }

    @Test
    void aSelectorLoopNeverStallsOnBytesTheChannelAlreadyHolds() throws Exception {
        try (ChannelPair p = pair(); Selector selector = Selector.open()) {
            Fixtures.send(p.server, "x".repeat(300)); // one record
            p.client.configureBlocking(false);
            SelectionKey key = p.client.socketChannel().register(selector, SelectionKey.OP_READ);
            ByteBuffer small = ByteBuffer.allocate(100);
            int total = 0;
            int selects = 0;
            while (total < 300) {
                if (!p.client.hasBufferedInput()) {
                    assertThat(selector.select(20_000)).as("the socket has the record").isPositive();
                    selector.selectedKeys().clear();
                    selects++;
                }
                small.clear();
                int n = p.client.read(small);
                assertThat(n).isNotNegative();
                total += n;
            }
            assertThat(total).isEqualTo(300);
            assertThat(selects).as("one readiness event for one record read in three pieces").isLessThanOrEqualTo(2);
            assertThat(p.client.hasBufferedInput()).isFalse();
            small.clear();
            assertThat(p.client.read(small)).as("non-blocking: nothing more yet").isZero();
            key.cancel();
        }
    }

    @Test
    void tls12SessionsCloseCleanlyToo() throws Exception {
        javax.net.ssl.SSLContext context = Fixtures.serverContext();
        ServerConfig tls12 = Fixtures.server(TlsPolicy.REQUIRED).engineFactory((host, port) -> {
            SSLEngine engine = context.createSSLEngine();
            engine.setEnabledProtocols(new String[] {"TLSv1.2"});
            return engine;
        }).build();
        ChannelPair p = new ChannelPair(tls12, Fixtures.client(TlsPolicy.REQUIRED).build());
        try {
            assertThat(p.client.tls().protocol()).isEqualTo("TLSv1.2");
            Fixtures.send(p.client, "over 1.2");
            p.server.configureBlocking(true);
            assertThat(new String(readExactly(p.server, 8))).isEqualTo("over 1.2");
            Future<Integer> serverRead = threads.submit(() -> p.server.read(ByteBuffer.allocate(10)));
            p.client.close();
            assertThat(serverRead.get(20, TimeUnit.SECONDS)).isEqualTo(-1);
        } finally {
            p.close();
        }
        assertThat(p.clientPool.inUse()).isZero();
        assertThat(p.serverPool.inUse()).isZero();
    }

    // ---- helpers ----

    private static void roundTrip(ChannelPair p, ByteBuffer out, ByteBuffer in) throws IOException {
        out.clear();
        while (out.hasRemaining()) {
            p.client.write(out);
        }
        int got = 0;
        while (got < out.capacity()) {
            in.clear();
            got += p.server.read(in);
        }
    }

    /**
     * The bytes this thread has allocated, from com.sun.management.ThreadMXBean. Reflection because
     * the tests compile inside the module, which does not read java.management; they run on the
     * class path, where it is visible.
     */
    private static long allocatedByThisThread() throws Exception {
        Object bean = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
        Method allocated = Class.forName("com.sun.management.ThreadMXBean").getMethod("getCurrentThreadAllocatedBytes");
        return (Long) allocated.invoke(bean);
    }

    private static void writeAll(NegotiatedChannel channel, byte[] data, int chunk) throws IOException {
        for (int off = 0; off < data.length; off += chunk) {
            ByteBuffer b = ByteBuffer.wrap(data, off, Math.min(chunk, data.length - off));
            while (b.hasRemaining()) {
                channel.write(b);
            }
        }
    }

    private static byte[] readToEnd(NegotiatedChannel channel, int bufferSize) throws IOException {
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        ByteBuffer b = ByteBuffer.allocate(bufferSize);
        while (true) {
            b.clear();
            int n = channel.read(b);
            if (n < 0) {
                return all.toByteArray();
            }
            all.write(b.array(), 0, n);
        }
    }

    private static byte[] readExactly(NegotiatedChannel channel, int count) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(count);
        while (b.hasRemaining()) {
            if (channel.read(b) < 0) {
                throw new AssertionError("end of stream after " + b.position() + " bytes");
            }
        }
        return b.array();
    }

    private static byte[] random(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    private static byte[] sha256(byte[] data) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(data);
    }

    static {
        // AsynchronousCloseException is a ClosedChannelException: referenced for readers of the test.
        assert ClosedChannelException.class.isAssignableFrom(AsynchronousCloseException.class);
    }
}
