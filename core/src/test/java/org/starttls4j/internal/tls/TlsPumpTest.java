package org.starttls4j.internal.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.starttls4j.internal.tls.TlsPump.Progress;
import org.starttls4j.testing.DelegatingEngine;
import org.starttls4j.testing.TestPki;
import org.starttls4j.testing.TestPki.KeyType;

/**
 * The core's own pump, driven directly: two pumps over real engines wired to each other, and
 * engines that misbehave in one way each (they throw, never finish a record, never progress, or
 * need more room than their session reports, as BoringSSL's does, issue #16).
 */
class TlsPumpTest {

    static final String HOST = "mail.example.test";
    static final SSLContext SERVER = TestPki.server(KeyType.EC_P256, HOST).serverContext();
    static final SSLContext CLIENT = TestPki.clientContextTrusting(TestPki.ca(KeyType.EC_P256));

    // ---- two honest pumps ----

    @Test
    void aPumpOnAThreadThatNeverRanOneHandshakesAndCarriesDialogBytes() {
        // A new thread has no per-thread buffers yet: the pump makes its own.
        String received = onNewThread(() -> {
            Pair p = Pair.handshaken("TLSv1.3", UnaryOperator.identity());
            p.server.encrypt(ascii("250 OK\r\n"), p.toClient);
            assertThat(p.deliverToClient()).isInstanceOf(Progress.Idle.class);
            return new String(p.client.takePlaintext(), StandardCharsets.US_ASCII);
        });

        assertThat(received).isEqualTo("250 OK\r\n");
    }

    @Test
    void recordsDecryptedInOneCallAreTakenAsExactlyTheirBytes() {
        Pair p = Pair.handshaken("TLSv1.3", UnaryOperator.identity());
        // A short line, a longer one, a short one: the waiting bytes grow past their first array twice.
        String lines = "250-a\r\n" + "250-" + "b".repeat(40) + "\r\n" + "250 c\r\n";
        p.server.encrypt(ascii("250-a\r\n"), p.toClient);
        p.server.encrypt(ascii("250-" + "b".repeat(40) + "\r\n"), p.toClient);
        p.server.encrypt(ascii("250 c\r\n"), p.toClient);

        assertThat(p.deliverToClient()).isInstanceOf(Progress.Idle.class);

        assertThat(p.client.plaintextAvailable()).isEqualTo(lines.length());
        assertThat(new String(p.client.takePlaintext(), StandardCharsets.US_ASCII)).isEqualTo(lines);
        assertThat(p.client.plaintextAvailable()).isZero();
        assertThat(p.client.takePlaintext()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void aPeersCloseNotifyIsReportedAsPeerClosed(String version) {
        Pair p = Pair.handshaken(version, UnaryOperator.identity());
        assertThat(p.client.isInboundDone()).isFalse();

        p.server.closeOutbound(p.toClient);

        assertThat(p.deliverToClient()).isInstanceOf(Progress.PeerClosed.class);
        assertThat(p.client.isInboundDone()).isTrue();
    }

    @Test
    void theCloseNotifyATls12EngineOwesInAnswerIsSentAndIsNoRenegotiation() {
        Pair p = Pair.handshaken("TLSv1.2", UnaryOperator.identity());
        p.server.closeOutbound(p.toClient);
        assertThat(p.deliverToClient()).isInstanceOf(Progress.PeerClosed.class);

        // The engine goes back to NEED_WRAP for its own close_notify: a close, not a handshake.
        assertThat(p.client.resume(p.toServer)).isInstanceOf(Progress.PeerClosed.class);
        assertThat(p.sentByClient.size()).as("our close_notify").isPositive();
        assertThat(p.clientEngine.isOutboundDone()).isTrue();
    }

    @Test
    void aRecordArrivingInPiecesAfterTheHandshakeWaitsForItsRest() {
        Pair p = Pair.handshaken("TLSv1.3", UnaryOperator.identity());
        p.server.encrypt(ascii("250 " + "x".repeat(500) + "\r\n"), p.toClient);
        byte[] record = p.sentByServer.toByteArray();
        p.sentByServer.reset();

        assertThat(p.client.receive(ByteBuffer.wrap(record, 0, 3), p.toServer)).isInstanceOf(Progress.Idle.class);
        assertThat(p.client.receive(ByteBuffer.wrap(record, 3, 100), p.toServer)).isInstanceOf(Progress.Idle.class);
        assertThat(p.client.plaintextAvailable()).isZero();
        assertThat(p.client.receive(ByteBuffer.wrap(record, 103, record.length - 103), p.toServer)).isInstanceOf(Progress.Idle.class);

        assertThat(new String(p.client.takePlaintext(), StandardCharsets.US_ASCII)).isEqualTo("250 " + "x".repeat(500) + "\r\n");
    }

    @Test
    void nothingIsEncryptedAfterOurClose() {
        Pair p = Pair.handshaken("TLSv1.3", UnaryOperator.identity());
        p.client.closeOutbound(p.toServer);
        p.sentByClient.reset();

        Progress progress = p.client.encrypt(ascii("QUIT\r\n"), p.toServer);

        assertThat(progress).isInstanceOf(Progress.PeerClosed.class);
        assertThat(p.sentByClient.size()).isZero();
    }

    @Test
    void tls13PostHandshakeMessagesDuringTheDialogAreAllowedUpToTheirAllowanceThenRefused() {
        Pair p = Pair.handshaken("TLSv1.3", UnaryOperator.identity());
        int answered = 0;
        Progress last = null;
        for (int i = 0; i < 20; i++) {
            beginHandshake(p.clientEngine); // the JDK's way to send a KeyUpdate under TLS 1.3
            p.client.encrypt(ascii("NOOP\r\n"), p.toServer);
            last = p.deliverToServer();
            if (!(last instanceof Progress.Idle)) {
                break;
            }
            assertThat(new String(p.server.takePlaintext(), StandardCharsets.US_ASCII)).isEqualTo("NOOP\r\n");
            p.deliverToClient(); // the server's KeyUpdate in answer
            answered++;
        }

        assertThat(answered).isEqualTo(PostHandshake.FREE_DURING_NEGOTIATION);
        assertThat(last).isInstanceOfSatisfying(Progress.Refused.class,
                r -> assertThat(r.failure().kind()).isEqualTo(TlsFailure.Kind.RENEGOTIATION_REFUSED));
    }

    // ---- engines that fail ----

    @Test
    void anEngineThatCannotBeginIsAFailureNotAnException() {
        TlsPump checked = TlsPump.over(new Faulty(clientEngine("TLSv1.3"), Fault.BEGIN_CHECKED), true, e -> { });
        TlsPump unchecked = TlsPump.over(new Faulty(clientEngine("TLSv1.3"), Fault.BEGIN_UNCHECKED), true, e -> { });

        assertThat(checked.start(b -> { })).isInstanceOfSatisfying(Progress.Failed.class,
                f -> assertThat(f.cause()).hasMessage("refused as asked"));
        assertThat(unchecked.start(b -> { })).isInstanceOfSatisfying(Progress.Failed.class,
                f -> assertThat(f.cause()).hasCauseInstanceOf(IllegalStateException.class));
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void anEngineThatThrowsWhileEncryptingIsAFailureNotAnException(boolean checked) {
        Pair p = Pair.handshaken("TLSv1.3", UnaryOperator.identity());
        p.clientEngine.fault = checked ? Fault.WRAP_CHECKED : Fault.WRAP_UNCHECKED;

        Progress progress = p.client.encrypt(ascii("NOOP\r\n"), p.toServer);

        assertThat(progress).isInstanceOf(Progress.Failed.class);
        SSLException cause = ((Progress.Failed) progress).cause();
        if (checked) {
            assertThat(cause).hasMessage("refused as asked");
        } else {
            assertThat(cause).hasCauseInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void anEngineThatThrowsUncheckedOnThePeersBytesIsAFailureNotAnException() {
        Pair p = Pair.handshaken("TLSv1.3", UnaryOperator.identity());
        p.clientEngine.fault = Fault.UNWRAP_UNCHECKED;
        p.server.encrypt(ascii("250 OK\r\n"), p.toClient);

        assertThat(p.deliverToClient()).isInstanceOfSatisfying(Progress.Failed.class,
                f -> assertThat(f.cause()).hasCauseInstanceOf(IllegalStateException.class));
    }

    @Test
    void anEngineThatReportsThePeerClosedInTheMiddleOfTheHandshakeIsPeerClosed() {
        // The JDK's engine throws at a close_notify before its handshake is done; an engine that
        // answers CLOSED instead (another provider may) ends the handshake as the peer's close.
        SSLEngine closing = new DelegatingEngine(clientEngine("TLSv1.3")) {
            @Override
            public SSLEngineResult unwrap(ByteBuffer source, ByteBuffer[] destinations, int offset, int length) throws SSLException {
                if (!source.hasRemaining()) {
                    return super.unwrap(source, destinations, offset, length); // nothing yet: asks for more
                }
                int consumed = source.remaining();
                source.position(source.limit());
                return new SSLEngineResult(SSLEngineResult.Status.CLOSED, SSLEngineResult.HandshakeStatus.NEED_UNWRAP, consumed, 0);
            }
        };
        TlsPump pump = TlsPump.over(closing, true, e -> { });
        assertThat(pump.start(b -> { })).as("the ClientHello is out; the server's answer awaited")
                .isNotInstanceOf(Progress.Failed.class).isNotInstanceOf(Progress.PeerClosed.class);

        Progress progress = pump.receive(ByteBuffer.wrap(new byte[] {21, 3, 3, 0, 2, 1, 0}), b -> { });

        assertThat(progress).isInstanceOf(Progress.PeerClosed.class);
    }

    @Test
    void anEngineThatNeverProgressesFailsAfterABoundedNumberOfSteps() {
        SSLEngine stuck = new DelegatingEngine(clientEngine("TLSv1.3")) {
            @Override
            public SSLEngineResult.HandshakeStatus getHandshakeStatus() {
                return SSLEngineResult.HandshakeStatus.NEED_TASK; // and never a task to run
            }

            @Override
            public Runnable getDelegatedTask() {
                return null;
            }
        };

        Progress progress = TlsPump.over(stuck, true, e -> { }).start(b -> { });

        assertThat(progress).isInstanceOfSatisfying(Progress.Failed.class,
                f -> assertThat(f.cause()).hasMessageContaining("no progress"));
    }

    // ---- bounds ----

    @Test
    void unprocessedBytesAreHeldUpToTheBoundAndNoFurther() {
        TlsPump pump = TlsPump.over(new NeverWhole(serverEngine("TLSv1.3")), true, e -> { });
        assertThat(pump.start(b -> { })).isInstanceOf(Progress.NeedsInput.class);

        // More than any per-thread buffer keeps, in one piece, then to the byte of the bound.
        assertThat(pump.receive(ByteBuffer.allocate(TlsPump.MAX_INBOX - 1), b -> { })).isInstanceOf(Progress.NeedsInput.class);
        assertThat(pump.receive(ByteBuffer.allocate(1), b -> { })).isInstanceOf(Progress.NeedsInput.class);
        assertThat(pump.receive(ByteBuffer.allocate(1), b -> { })).isInstanceOfSatisfying(Progress.Failed.class,
                f -> assertThat(f.cause()).hasMessageContaining("more than " + TlsPump.MAX_INBOX));
    }

    @Test
    void bytesHeldWhileTasksRunAreBoundedToo() {
        TlsPump pump = TlsPump.over(new NeverWhole(serverEngine("TLSv1.3")), false, e -> { });

        assertThat(pump.hold(ByteBuffer.allocate(TlsPump.MAX_INBOX))).isTrue();
        assertThat(pump.hold(ByteBuffer.allocate(0))).isTrue();
        assertThat(pump.hold(ByteBuffer.allocate(1))).isFalse();
    }

    @Test
    void anEngineThatNeedsMoreRoomThanItsSessionReportsIsGivenIt() {
        // BoringSSL reports buffer sizes it then refuses to work with (issue #16); the pump grows
        // its buffers until the engine takes them. On a new thread, so no bigger buffer is at hand.
        String received = onNewThread(() -> {
            Pair p = Pair.handshaken("TLSv1.3", RoomHungry::new);
            p.server.encrypt(ascii("250 " + "x".repeat(3000) + "\r\n"), p.toClient);
            assertThat(p.deliverToClient()).isInstanceOf(Progress.Idle.class);
            p.client.encrypt(ascii("QUIT\r\n"), p.toServer);
            assertThat(p.deliverToServer()).isInstanceOf(Progress.Idle.class);
            return new String(p.client.takePlaintext(), StandardCharsets.US_ASCII)
                    + new String(p.server.takePlaintext(), StandardCharsets.US_ASCII);
        });

        assertThat(received).isEqualTo("250 " + "x".repeat(3000) + "\r\nQUIT\r\n");
    }

    // ---- fixtures ----

    /** Two pumps over real engines; what each sends waits until a test delivers it. */
    static final class Pair {
        final Faulty clientEngine;
        final TlsPump client;
        final TlsPump server;
        final ByteArrayOutputStream sentByClient = new ByteArrayOutputStream();
        final ByteArrayOutputStream sentByServer = new ByteArrayOutputStream();
        final Consumer<ByteBuffer> toServer = b -> write(b, sentByClient);
        final Consumer<ByteBuffer> toClient = b -> write(b, sentByServer);

        private Pair(String version, UnaryOperator<SSLEngine> wrap) {
            clientEngine = new Faulty(wrap.apply(clientEngine(version)), Fault.NONE);
            client = TlsPump.over(clientEngine, true, e -> { });
            server = TlsPump.over(wrap.apply(serverEngine(version)), true, e -> { });
        }

        /** A pair whose handshake is done and whose flights (a TLS 1.3 ticket) are delivered. */
        static Pair handshaken(String version, UnaryOperator<SSLEngine> wrap) {
            Pair p = new Pair(version, wrap);
            assertThat(p.server.start(p.toClient)).isInstanceOf(Progress.NeedsInput.class);
            p.client.start(p.toServer);
            for (int i = 0; i < 20 && (p.sentByClient.size() > 0 || p.sentByServer.size() > 0); i++) {
                assertThat(p.deliverToServer()).isNotInstanceOf(Progress.Failed.class);
                assertThat(p.deliverToClient()).isNotInstanceOf(Progress.Failed.class);
            }
            assertThat(p.client.handshakeDone()).isTrue();
            assertThat(p.server.handshakeDone()).isTrue();
            assertThat(p.client.plaintextAvailable()).isZero();
            return p;
        }

        Progress deliverToServer() {
            byte[] bytes = sentByClient.toByteArray();
            sentByClient.reset();
            return server.receive(ByteBuffer.wrap(bytes), toClient);
        }

        Progress deliverToClient() {
            byte[] bytes = sentByServer.toByteArray();
            sentByServer.reset();
            return client.receive(ByteBuffer.wrap(bytes), toServer);
        }

        private static void write(ByteBuffer b, ByteArrayOutputStream to) {
            byte[] copy = new byte[b.remaining()];
            b.get(copy);
            to.writeBytes(copy);
        }
    }

    static SSLEngine clientEngine(String version) {
        SSLEngine engine = CLIENT.createSSLEngine(HOST, 25);
        engine.setUseClientMode(true);
        engine.setEnabledProtocols(new String[] {version});
        return engine;
    }

    static SSLEngine serverEngine(String version) {
        SSLEngine engine = SERVER.createSSLEngine();
        engine.setUseClientMode(false);
        engine.setEnabledProtocols(new String[] {version});
        return engine;
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    static void beginHandshake(SSLEngine engine) {
        try {
            engine.beginHandshake();
        } catch (SSLException e) {
            throw new AssertionError(e);
        }
    }

    /** Runs {@code work} on a thread of its own and waits for it. */
    static <T> T onNewThread(Supplier<T> work) {
        return CompletableFuture.supplyAsync(work, r -> new Thread(r, "fresh").start()).join();
    }

    enum Fault { NONE, BEGIN_CHECKED, BEGIN_UNCHECKED, WRAP_CHECKED, WRAP_UNCHECKED, UNWRAP_UNCHECKED }

    /** An engine that throws where a test tells it to. */
    static final class Faulty extends DelegatingEngine {
        Fault fault;

        Faulty(SSLEngine inner, Fault fault) {
            super(inner);
            this.fault = fault;
        }

        @Override
        public void beginHandshake() throws SSLException {
            if (fault == Fault.BEGIN_CHECKED) {
                throw new SSLException("refused as asked");
            }
            if (fault == Fault.BEGIN_UNCHECKED) {
                throw new IllegalStateException("refused as asked");
            }
            super.beginHandshake();
        }

        @Override
        public SSLEngineResult wrap(ByteBuffer[] sources, int offset, int length, ByteBuffer destination) throws SSLException {
            if (fault == Fault.WRAP_CHECKED) {
                throw new SSLException("refused as asked");
            }
            if (fault == Fault.WRAP_UNCHECKED) {
                throw new IllegalStateException("refused as asked");
            }
            return super.wrap(sources, offset, length, destination);
        }

        @Override
        public SSLEngineResult unwrap(ByteBuffer source, ByteBuffer[] destinations, int offset, int length) throws SSLException {
            if (fault == Fault.UNWRAP_UNCHECKED) {
                throw new IllegalStateException("refused as asked");
            }
            return super.unwrap(source, destinations, offset, length);
        }
    }

    /** An engine that never sees a whole record: it keeps asking for more. */
    static final class NeverWhole extends DelegatingEngine {
        NeverWhole(SSLEngine inner) {
            super(inner);
        }

        @Override
        public SSLEngineResult unwrap(ByteBuffer source, ByteBuffer[] destinations, int offset, int length) {
            return new SSLEngineResult(SSLEngineResult.Status.BUFFER_UNDERFLOW, SSLEngineResult.HandshakeStatus.NEED_UNWRAP, 0, 0);
        }
    }

    /** An engine that wants twice the room its session reports for a wrap and for an unwrap. */
    static final class RoomHungry extends DelegatingEngine {
        RoomHungry(SSLEngine inner) {
            super(inner);
        }

        @Override
        public SSLEngineResult wrap(ByteBuffer[] sources, int offset, int length, ByteBuffer destination) throws SSLException {
            if (destination.remaining() < 2 * getSession().getPacketBufferSize()) {
                return new SSLEngineResult(SSLEngineResult.Status.BUFFER_OVERFLOW, getHandshakeStatus(), 0, 0);
            }
            return super.wrap(sources, offset, length, destination);
        }

        @Override
        public SSLEngineResult unwrap(ByteBuffer source, ByteBuffer[] destinations, int offset, int length) throws SSLException {
            if (destinations[offset].remaining() < 2 * getSession().getApplicationBufferSize()) {
                return new SSLEngineResult(SSLEngineResult.Status.BUFFER_OVERFLOW, getHandshakeStatus(), 0, 0);
            }
            return super.unwrap(source, destinations, offset, length);
        }
    }
}
