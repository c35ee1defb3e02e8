package org.starttls4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.starttls4j.SecureSessionRecordsTest.secured;

import java.io.ByteArrayOutputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.Test;
import org.starttls4j.SecureSessionRecordsTest.Disguised;
import org.starttls4j.SecureSessionRecordsTest.Engines;
import org.starttls4j.smtp.Smtp;
import org.starttls4j.testing.Loopback;
import org.starttls4j.testing.TestPki;
import org.starttls4j.testing.TestPki.KeyType;

/**
 * The secure session at its edges: every result's counts are the bytes it moved, a destination too
 * small for a record, closes that do not fit or fail, a session after a failure, and engines that
 * behave unlike the JDK's (they need more room than they report, cut records short, report a
 * partial record differently, or are freed once released).
 */
class SecureSessionEdgesTest {

    static final String HOST = SecureSessionRecordsTest.HOST;

    // ---- counts and statuses ----

    @Test
    void aDestinationSmallerThanARecordIsFilledCallAfterCallAndEveryResultSaysWhatMoved() {
        Loopback.Result r = secured(Engines.JDK, "TLSv1.3");
        byte[] data = data(5000);
        ByteBuffer net = encrypted(r.clientSession(), data);
        int recordLength = net.remaining();
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        List<TlsResult> results = new ArrayList<>();

        for (int i = 0; i < 1000 && received.size() < data.length; i++) {
            ByteBuffer tiny = ByteBuffer.allocate(7);
            int before = net.position();
            TlsResult result = r.serverSession().decrypt(net, tiny);
            results.add(result);
            assertThat(result.status()).isEqualTo(TlsResult.Status.OK);
            assertThat(result.consumed()).isEqualTo(net.position() - before);
            assertThat(result.produced()).isEqualTo(tiny.position());
            assertThat(result.wantsToWrite()).isFalse();
            received.write(tiny.array(), 0, tiny.position());
        }

        assertThat(received.toByteArray()).isEqualTo(data);
        assertThat(results.get(0).consumed()).isEqualTo(recordLength);
        assertThat(results.get(1).consumed()).isZero();
        assertThat(results.get(results.size() - 1).produced()).isEqualTo(5000 % 7);
        assertThat(r.serverSession().hasBufferedPlaintext()).isFalse();
        TlsResult none = r.serverSession().decrypt(net, ByteBuffer.allocate(7));
        assertThat(none.status()).isEqualTo(TlsResult.Status.NEEDS_INPUT);
        assertThat(none.produced()).isZero();
    }

    @Test
    void aResultDiffersFromThePreviousOneWhenOnlyItsStatusDiffers() {
        Loopback.Result r = secured(Engines.JDK, "TLSv1.3");
        SecureSession client = r.clientSession();

        TlsResult noRoom = client.encrypt(ByteBuffer.wrap(data(100)), ByteBuffer.allocate(10));
        TlsResult nothing = client.encrypt(ByteBuffer.allocate(0), ByteBuffer.allocate(client.minNetworkBufferSize()));

        assertThat(noRoom).isEqualTo(new TlsResult(TlsResult.Status.NEEDS_OUTPUT_SPACE, 0, 0, false));
        assertThat(nothing).isEqualTo(new TlsResult(TlsResult.Status.OK, 0, 0, false));
    }

    @Test
    void aSecondRecordThatDoesNotFitWhatIsLeftOfTheDestinationWaitsForTheNextCall() {
        Loopback.Result r = secured(Engines.JDK, "TLSv1.3");
        ByteBuffer net = encrypted(r.clientSession(), data(1000));
        net = concat(net, encrypted(r.clientSession(), data(900)));
        SecureSession server = r.serverSession();

        ByteBuffer room = ByteBuffer.allocate(1500);
        TlsResult first = server.decrypt(net, room);
        ByteBuffer full = ByteBuffer.allocate(1500).position(1000);
        TlsResult second = server.decrypt(net, full);
        TlsResult third = server.decrypt(net, ByteBuffer.allocate(1500));

        assertThat(first.status()).isEqualTo(TlsResult.Status.OK);
        assertThat(first.produced()).isEqualTo(1000).isEqualTo(room.position());
        assertThat(second.status()).isEqualTo(TlsResult.Status.NEEDS_OUTPUT_SPACE);
        assertThat(second.consumed()).isZero();
        assertThat(full.position()).isEqualTo(1000);
        assertThat(third.status()).isEqualTo(TlsResult.Status.OK);
        assertThat(third.produced()).isEqualTo(900);
        assertThat(net.hasRemaining()).isFalse();
    }

    @Test
    void aSessionSaysWhatItIs() {
        Loopback.Result r = secured(Engines.JDK, "TLSv1.3");

        assertThat(r.clientSession().role()).isEqualTo(Role.CLIENT);
        assertThat(r.serverSession().role()).isEqualTo(Role.SERVER);
        assertThat(r.clientSession().toString()).contains("CLIENT", "TLSv1.3", r.clientSession().tls().cipherSuite());
    }

    // ---- close ----

    @Test
    void aCloseSaysHowManyBytesItWroteAndNothingIsEncryptedAfterIt() {
        Loopback.Result r = secured(Engines.JDK, "TLSv1.3");
        ByteBuffer net = ByteBuffer.allocate(2 * r.clientSession().minNetworkBufferSize()).position(3);

        TlsResult closed = r.clientSession().close(net);
        TlsResult after = r.clientSession().encrypt(ByteBuffer.wrap(data(10)), ByteBuffer.allocate(r.clientSession().minNetworkBufferSize()));

        assertThat(closed.status()).isEqualTo(TlsResult.Status.CLOSED);
        assertThat(closed.produced()).isPositive().isEqualTo(net.position() - 3);
        assertThat(after.status()).isEqualTo(TlsResult.Status.CLOSED);
        assertThat(after.consumed()).isZero();
        // Our close is not the peer's: until its close_notify comes, its end would be a truncation.
        assertThat(r.clientSession().isInboundDone()).isFalse();
        assertThat(r.clientSession().onEndOfStream()).isEqualTo(SecureSession.Termination.TRUNCATED);
    }

    @Test
    void aCloseThatDoesNotFitAsksForSpaceAndStillWantsToWrite() {
        Loopback.Result r = secured(Engines.JDK, "TLSv1.3");
        SecureSession client = r.clientSession();
        TlsResult idle = client.decrypt(ByteBuffer.allocate(0), ByteBuffer.allocate(100));

        TlsResult noRoom = client.close(ByteBuffer.allocate(3));
        TlsResult stillIdle = client.decrypt(ByteBuffer.allocate(0), ByteBuffer.allocate(100));
        ByteBuffer net = ByteBuffer.allocate(client.minNetworkBufferSize());
        TlsResult closed = client.close(net);

        assertThat(idle).isEqualTo(new TlsResult(TlsResult.Status.NEEDS_INPUT, 0, 0, false));
        assertThat(noRoom.status()).isEqualTo(TlsResult.Status.NEEDS_OUTPUT_SPACE);
        assertThat(noRoom.wantsToWrite()).isTrue();
        assertThat(stillIdle).isEqualTo(new TlsResult(TlsResult.Status.NEEDS_INPUT, 0, 0, true));
        assertThat(closed.status()).isEqualTo(TlsResult.Status.CLOSED);
        assertThat(closed.produced()).isPositive();
    }

    @Test
    void aCloseTheEngineFailsIsAFailureNotAnException() {
        List<SecureSessionRecordsTest.FailsWhenAsked> engines = new ArrayList<>();
        Loopback.Result r = secured(Engines.JDK, "TLSv1.3", inner -> {
            SecureSessionRecordsTest.FailsWhenAsked engine = new SecureSessionRecordsTest.FailsWhenAsked(inner);
            engines.add(engine);
            return engine;
        });
        engines.get(engines.size() - 1).failNextWrap = true;

        TlsResult result = r.clientSession().close(ByteBuffer.allocate(r.clientSession().minNetworkBufferSize()));

        assertThat(result.status()).isEqualTo(TlsResult.Status.FAILED);
        assertThat(r.clientSession().failure()).isPresent();
    }

    // ---- after a failure ----

    @Test
    void anEngineThatThrowsUncheckedBreaksTheSessionAndNoApplicationDataLeavesAfterIt() {
        List<ThrowsOnUnwrap> engines = new ArrayList<>();
        Loopback.Result r = secured(Engines.JDK, "TLSv1.3", inner -> {
            ThrowsOnUnwrap engine = new ThrowsOnUnwrap(inner);
            engines.add(engine);
            return engine;
        });
        ByteBuffer net = encrypted(r.serverSession(), data(100));
        engines.get(engines.size() - 1).armed = true;

        TlsResult broken = r.clientSession().decrypt(net, ByteBuffer.allocate(1000));
        ByteBuffer out = ByteBuffer.allocate(r.clientSession().minNetworkBufferSize());
        TlsResult after = r.clientSession().encrypt(ByteBuffer.wrap(data(100)), out);

        assertThat(broken.status()).isEqualTo(TlsResult.Status.FAILED);
        assertThat(broken.wantsToWrite()).isTrue();
        assertThat(r.clientSession().failure()).isPresent();
        assertThat(after.consumed()).as("no application data after a failure").isZero();
    }

    // ---- engines unlike the JDK's ----

    @Test
    void theApplicationBufferAskedForIsTheEnginesOwnForTheJdkAndARecordsBodyForOthers() {
        List<SSLEngine> engines = new ArrayList<>();
        Loopback.Result jdk = secured(Engines.JDK, "TLSv1.3", engine -> {
            engines.add(engine);
            return engine;
        });
        Loopback.Result foreign = secured(Engines.JDK, "TLSv1.3", ReportsTooLittleRoom::new);

        assertThat(jdk.clientSession().minApplicationBufferSize())
                .isEqualTo(engines.get(engines.size() - 1).getSession().getApplicationBufferSize());
        // The foreign engine says 1,000 bytes; a whole record's body is the packet less its 5-byte header.
        assertThat(foreign.clientSession().minApplicationBufferSize()).isEqualTo(foreign.clientSession().minNetworkBufferSize() - 5);
        byte[] data = data(16_000);
        ByteBuffer plain = ByteBuffer.allocate(foreign.clientSession().minApplicationBufferSize());
        TlsResult result = foreign.clientSession().decrypt(encrypted(foreign.serverSession(), data), plain);
        assertThat(result.produced()).isEqualTo(16_000);
        assertThat(foreign.clientSession().hasBufferedPlaintext()).isFalse();
    }

    @Test
    void anEngineThatCutsRecordsShortTeachesItsLimitOnlyWhenTheDestinationHadRoomForTheRest() {
        // 2,000 bytes; the engine takes 1,000 into a record of 1,000 + overhead bytes, and the rest
        // would need as much again: with room for it the cut teaches the limit, with a byte less not.
        assertThat(limitLearnedWithRoomAfterTheFirstRecord(0)).isEqualTo(ShortRecords.LIMIT);
        assertThat(limitLearnedWithRoomAfterTheFirstRecord(-1)).isNotEqualTo(ShortRecords.LIMIT);
    }

    private static int limitLearnedWithRoomAfterTheFirstRecord(int beyondTheRest) {
        Loopback.Result r = secured(Engines.JDK, "TLSv1.3", ShortRecords::new);
        SecureSession client = r.clientSession();
        // A write of one short record shows the engine's overhead and teaches nothing.
        int overhead = encrypted(client, data(ShortRecords.LIMIT)).remaining() - ShortRecords.LIMIT;
        assertThat(client.maxRecordPlaintext()).isGreaterThan(2_000);
        int record = ShortRecords.LIMIT + overhead;
        ByteBuffer net = ByteBuffer.allocate(record + (2_000 - ShortRecords.LIMIT) + overhead + beyondTheRest);

        TlsResult result = client.encrypt(ByteBuffer.wrap(data(2_000)), net);

        assertThat(result.status()).isEqualTo(TlsResult.Status.OK);
        assertThat(result.produced()).isEqualTo(net.position());
        return client.maxRecordPlaintext();
    }

    @Test
    void anEngineThatReportsAPartialRecordAsNothingDoneLeavesTheSessionWaitingForInput() {
        Loopback.Result r = secured(Engines.JDK, "TLSv1.3", QuietAboutPartialRecords::new);
        ByteBuffer net = encrypted(r.serverSession(), data(100));
        ByteBuffer half = net.duplicate().limit(net.limit() / 2);

        TlsResult result = r.clientSession().decrypt(half, ByteBuffer.allocate(1000));

        assertThat(result.status()).isEqualTo(TlsResult.Status.NEEDS_INPUT);
        assertThat(result.consumed()).isZero();
    }

    @Test
    void anEngineFreedAtOurCloseDoesNotTurnThePeersSilenceIntoACleanEnd() {
        // Netty's OPENSSL_REFCNT engine, once released, reports CLOSED without reading anything.
        SSLContext clientContext = TestPki.clientContextTrusting(TestPki.ca(KeyType.EC_P256));
        EngineFactory freeing = new EngineFactory() {
            @Override
            public SSLEngine create(String peerHost, int peerPort) {
                return new FreedOnRelease(clientContext.createSSLEngine(peerHost, peerPort));
            }

            @Override
            public void release(SSLEngine engine) {
                ((FreedOnRelease) engine).freed = true;
            }
        };
        ClientConfig config = ClientConfig.builder(HOST).engineFactory(freeing).build();
        ServerConfig server = ServerConfig.builder().hostname(HOST).sslContext(TestPki.server(KeyType.EC_P256, HOST).serverContext()).build();
        Loopback.Result r = Loopback.run(Smtp.client(config), Smtp.server(server), SecureSessionRecordsTest.NOW,
                line -> line.startsWith("EHLO") ? "250 " + HOST + "\r\n" : null);
        SecureSession client = r.clientSession();
        ByteBuffer late = encrypted(r.serverSession(), data(50));

        assertThat(client.close(ByteBuffer.allocate(client.minNetworkBufferSize())).status()).isEqualTo(TlsResult.Status.CLOSED);
        TlsResult read = client.decrypt(late, ByteBuffer.allocate(1000));

        assertThat(read.status()).isEqualTo(TlsResult.Status.CLOSED);
        assertThat(client.isInboundDone()).isFalse();
        assertThat(client.onEndOfStream()).isEqualTo(SecureSession.Termination.TRUNCATED);
    }

    @Test
    void delegatedTasksAnEngineAsksForAfterTheHandshakeRunInline() {
        List<AsksForATaskOnce> engines = new ArrayList<>();
        Loopback.Result r = secured(Engines.JDK, "TLSv1.3", inner -> {
            AsksForATaskOnce engine = new AsksForATaskOnce(inner);
            engines.add(engine);
            return engine;
        });
        AsksForATaskOnce engine = engines.get(engines.size() - 1);
        engine.armed = true;
        ByteBuffer plain = ByteBuffer.allocate(1000);

        TlsResult result = r.clientSession().decrypt(encrypted(r.serverSession(), data(100)), plain);

        assertThat(result.status()).isEqualTo(TlsResult.Status.OK);
        assertThat(result.produced()).isEqualTo(100);
        assertThat(engine.taskRan).isTrue();
        assertThat(result.wantsToWrite()).isFalse();
        assertThat(r.clientSession().failure()).isEmpty();
    }

    // ---- fixtures ----

    static byte[] data(int n) {
        return SecureSessionRecordsTest.data(n);
    }

    /** What {@code session} encrypts of {@code data}, ready to read. */
    static ByteBuffer encrypted(SecureSession session, byte[] data) {
        ByteBuffer net = ByteBuffer.allocate(data.length + 2 * session.minNetworkBufferSize());
        TlsResult result = session.encrypt(ByteBuffer.wrap(data), net);
        assertThat(result.consumed()).isEqualTo(data.length);
        return net.flip();
    }

    static ByteBuffer concat(ByteBuffer a, ByteBuffer b) {
        return ByteBuffer.allocate(a.remaining() + b.remaining()).put(a).put(b).flip();
    }

    /** An engine whose next unwrap throws an unchecked exception, when a test arms it. */
    static final class ThrowsOnUnwrap extends Disguised {
        boolean armed;

        ThrowsOnUnwrap(SSLEngine inner) {
            super(inner);
        }

        @Override
        public SSLEngineResult unwrap(ByteBuffer source, ByteBuffer[] destinations, int offset, int length) throws SSLException {
            if (armed) {
                armed = false;
                throw new IllegalStateException("failing as asked");
            }
            return super.unwrap(source, destinations, offset, length);
        }
    }

    /** An engine whose session reports an application buffer of 1,000 bytes (BoringSSL reports too little too, issue #16). */
    static final class ReportsTooLittleRoom extends Disguised {
        ReportsTooLittleRoom(SSLEngine inner) {
            super(inner);
        }

        @Override
        public SSLSession getSession() {
            SSLSession real = super.getSession();
            return (SSLSession) Proxy.newProxyInstance(SSLSession.class.getClassLoader(), new Class<?>[] {SSLSession.class},
                    (proxy, method, args) -> {
                        if (method.getName().equals("getApplicationBufferSize")) {
                            return 1_000;
                        }
                        try {
                            return method.invoke(real, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
        }
    }

    /**
     * An engine whose records carry at most {@link #LIMIT} bytes (as after a peer's
     * record_size_limit), and that asks only for the room the record it writes takes.
     */
    static final class ShortRecords extends Disguised {
        static final int LIMIT = 1_000;
        /** What a record adds to its plaintext, as the first record showed; until then, a generous guess. */
        private int overhead = 64;

        ShortRecords(SSLEngine inner) {
            super(inner);
        }

        @Override
        public SSLEngineResult wrap(ByteBuffer[] sources, int offset, int length, ByteBuffer destination) throws SSLException {
            if (length != 1 || getHandshakeStatus() != SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING) {
                return super.wrap(sources, offset, length, destination);
            }
            ByteBuffer source = sources[offset];
            int take = Math.min(LIMIT, source.remaining());
            if (take > 0 && destination.remaining() < take + overhead) {
                return new SSLEngineResult(SSLEngineResult.Status.BUFFER_OVERFLOW, getHandshakeStatus(), 0, 0);
            }
            int end = source.limit();
            source.limit(source.position() + take);
            ByteBuffer record = ByteBuffer.allocate(inner.getSession().getPacketBufferSize());
            try {
                SSLEngineResult r = super.wrap(new ByteBuffer[] {source}, 0, 1, record);
                if (r.bytesConsumed() > 0) {
                    overhead = r.bytesProduced() - r.bytesConsumed();
                }
                destination.put(record.flip());
                return r;
            } finally {
                source.limit(end);
            }
        }
    }

    /** An engine that reports a partial record as OK with nothing consumed, not as an underflow. */
    static final class QuietAboutPartialRecords extends Disguised {
        QuietAboutPartialRecords(SSLEngine inner) {
            super(inner);
        }

        @Override
        public SSLEngineResult unwrap(ByteBuffer source, ByteBuffer[] destinations, int offset, int length) throws SSLException {
            SSLEngineResult r = super.unwrap(source, destinations, offset, length);
            if (r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW
                    && r.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING) {
                return new SSLEngineResult(SSLEngineResult.Status.OK, r.getHandshakeStatus(), 0, 0);
            }
            return r;
        }
    }

    /** An engine that, when armed, asks for one delegated task after the next record it decrypts. */
    static final class AsksForATaskOnce extends Disguised {
        boolean armed;
        boolean taskRan;
        private boolean pending;

        AsksForATaskOnce(SSLEngine inner) {
            super(inner);
        }

        @Override
        public SSLEngineResult unwrap(ByteBuffer source, ByteBuffer[] destinations, int offset, int length) throws SSLException {
            SSLEngineResult r = super.unwrap(source, destinations, offset, length);
            if (armed && r.bytesProduced() > 0) {
                armed = false;
                pending = true;
                return new SSLEngineResult(r.getStatus(), SSLEngineResult.HandshakeStatus.NEED_TASK, r.bytesConsumed(), r.bytesProduced());
            }
            return r;
        }

        @Override
        public Runnable getDelegatedTask() {
            if (pending) {
                pending = false;
                return () -> taskRan = true;
            }
            return super.getDelegatedTask();
        }

        @Override
        public SSLEngineResult.HandshakeStatus getHandshakeStatus() {
            return pending ? SSLEngineResult.HandshakeStatus.NEED_TASK : super.getHandshakeStatus();
        }
    }

    /** An engine that, once released, claims both directions done and reads nothing (a freed native engine). */
    static final class FreedOnRelease extends Disguised {
        boolean freed;

        FreedOnRelease(SSLEngine inner) {
            super(inner);
        }

        @Override
        public SSLEngineResult unwrap(ByteBuffer source, ByteBuffer[] destinations, int offset, int length) throws SSLException {
            if (freed) {
                return new SSLEngineResult(SSLEngineResult.Status.CLOSED, SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING, 0, 0);
            }
            return super.unwrap(source, destinations, offset, length);
        }

        @Override
        public boolean isInboundDone() {
            return freed || super.isInboundDone();
        }
    }
}
