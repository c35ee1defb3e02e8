package org.starttls4j.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.starttls4j.server.ServerBoundsTest.NOW;
import static org.starttls4j.server.ServerBoundsTest.feed;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.starttls4j.Failure;
import org.starttls4j.Negotiation;
import org.starttls4j.Outcome;
import org.starttls4j.SecureSession;
import org.starttls4j.TlsPolicy;
import org.starttls4j.TlsResult;
import org.starttls4j.Transition;
import org.starttls4j.internal.tls.PostHandshake;
import org.starttls4j.smtp.Smtp;

/**
 * The server's session takes over mid-stream: the client's first records inside TLS ride behind its
 * Finished, and wherever the stream is cut at the hand-over, and however the rest arrives, the
 * session reads each byte once. A bare JDK engine plays the client.
 */
class SessionAcrossTheHandOverTest {

    // ---- properties ----

    /**
     * Any cut of the client's records between the negotiation and the session, the rest in pieces
     * of any size and a destination of any size: the plaintext comes out once and in order, and
     * every result's counts are the bytes it moved.
     */
    @Property(tries = 25)
    void anyCutAndAnyPiecesGiveThePlaintextOnce(@ForAll("messageSizes") List<Integer> sizes,
                                                @ForAll @IntRange(min = 0, max = 1000) int cutPerMille,
                                                @ForAll("pieceSizes") int piece,
                                                @ForAll @IntRange(min = 1, max = 20_000) int room) throws SSLException {
        LastFlight flight = LastFlight.tls13();
        ByteArrayOutputStream plain = new ByteArrayOutputStream();
        ByteArrayOutputStream records = new ByteArrayOutputStream();
        for (int size : sizes) {
            byte[] message = data(size, plain.size());
            plain.writeBytes(message);
            records.writeBytes(flight.client().wrap(message));
        }
        byte[] wire = records.toByteArray();
        int cut = (int) ((long) wire.length * cutPerMille / 1000);

        SecureSession session = flight.secure(Arrays.copyOf(wire, cut));
        Reader reader = new Reader(session, room);
        for (int at = cut; at < wire.length; at += piece) {
            reader.feed(Arrays.copyOfRange(wire, at, Math.min(wire.length, at + piece)));
        }
        reader.feed(new byte[0]);

        assertThat(reader.received.toByteArray()).isEqualTo(plain.toByteArray());
        assertThat(session.hasBufferedPlaintext()).isFalse();
    }

    @Provide
    Arbitrary<List<Integer>> messageSizes() {
        return Arbitraries.integers().between(1, 5_000).list().ofMinSize(1).ofMaxSize(3);
    }

    /** Single bytes, a few bytes (a header cut anywhere), or larger pieces. */
    @Provide
    Arbitrary<Integer> pieceSizes() {
        return Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.just(1)), Tuple.of(2, Arbitraries.integers().between(2, 9)),
                Tuple.of(3, Arbitraries.integers().between(10, 6_000)));
    }

    // ---- examples ----

    @Test
    void aCarriedRecordCompletedByteByByteAsksForInputUntilWholeThenComesOut() throws SSLException {
        LastFlight flight = LastFlight.tls13();
        byte[] record = flight.client().wrap(ascii("EHLO client.example.test\r\n"));
        SecureSession session = flight.secure(Arrays.copyOf(record, 3));
        ByteBuffer app = ByteBuffer.allocate(1000);

        for (int at = 3; at < record.length - 1; at++) {
            TlsResult r = session.decrypt(ByteBuffer.wrap(record, at, 1), app);
            assertThat(r.status()).as("byte %d", at).isEqualTo(TlsResult.Status.NEEDS_INPUT);
            assertThat(r.consumed()).as("byte %d", at).isEqualTo(1);
            assertThat(r.produced()).isZero();
        }
        TlsResult last = session.decrypt(ByteBuffer.wrap(record, record.length - 1, 1), app);

        assertThat(last).isEqualTo(new TlsResult(TlsResult.Status.OK, 1, 26, false));
        assertThat(text(app)).isEqualTo("EHLO client.example.test\r\n");
    }

    @Test
    void aCarriedRecordAndTheWholeRecordsBehindItComeOutInOneCall() throws SSLException {
        LastFlight flight = LastFlight.tls13();
        byte[] first = flight.client().wrap(ascii("EHLO client.example.test\r\n"));
        byte[] more = RenegotiationTest.concat(flight.client().wrap(ascii("MAIL FROM:<a@example.test>\r\n")),
                flight.client().wrap(ascii("RCPT TO:<b@example.test>\r\n")));
        SecureSession session = flight.secure(Arrays.copyOf(first, 10));
        ByteBuffer rest = ByteBuffer.wrap(RenegotiationTest.concat(Arrays.copyOfRange(first, 10, first.length), more));
        ByteBuffer app = ByteBuffer.allocate(1000);

        TlsResult r = session.decrypt(rest, app);

        assertThat(r.status()).isEqualTo(TlsResult.Status.OK);
        assertThat(r.consumed()).isEqualTo(rest.position()).isEqualTo(rest.limit());
        assertThat(text(app)).isEqualTo("EHLO client.example.test\r\nMAIL FROM:<a@example.test>\r\nRCPT TO:<b@example.test>\r\n");
        assertThat(r.produced()).isEqualTo(app.position());
    }

    @Test
    void aCarriedRecordWaitsWhileTheDestinationHasNoRoomForIt() throws SSLException {
        LastFlight flight = LastFlight.tls13();
        byte[] record = flight.client().wrap(ascii("EHLO client.example.test\r\n"));
        SecureSession session = flight.secure(Arrays.copyOf(record, 10));
        ByteBuffer almostFull = ByteBuffer.allocate(100).position(95);

        TlsResult waiting = session.decrypt(ByteBuffer.wrap(record, 10, record.length - 10), almostFull);
        ByteBuffer app = ByteBuffer.allocate(1000);
        TlsResult out = session.decrypt(ByteBuffer.allocate(0), app);

        assertThat(waiting.consumed()).isEqualTo(record.length - 10);
        assertThat(waiting.produced()).isZero();
        assertThat(almostFull.position()).isEqualTo(95);
        assertThat(out.status()).isEqualTo(TlsResult.Status.OK);
        assertThat(text(app)).isEqualTo("EHLO client.example.test\r\n");
    }

    @Test
    void aCloseNotifyCutAcrossTheHandOverIsACleanClose() throws SSLException {
        LastFlight flight = LastFlight.tls13();
        flight.client().engine.closeOutbound();
        byte[] closeNotify = flight.client().wrap(new byte[0]);
        SecureSession session = flight.secure(Arrays.copyOf(closeNotify, 3));

        TlsResult r = session.decrypt(ByteBuffer.wrap(closeNotify, 3, closeNotify.length - 3), ByteBuffer.allocate(1000));

        assertThat(r.status()).isEqualTo(TlsResult.Status.CLOSED);
        assertThat(r.consumed()).isEqualTo(closeNotify.length - 3);
        assertThat(session.isInboundDone()).isTrue();
        assertThat(session.onEndOfStream()).isEqualTo(SecureSession.Termination.CLEAN);
    }

    @Test
    void anEmptyRecordCutAcrossTheHandOverIsAFailureNotAWaitForMore() throws SSLException {
        LastFlight flight = LastFlight.tls13();
        SecureSession session = flight.secure(new byte[] {0x17, 0x03, 0x03});

        TlsResult r = session.decrypt(ByteBuffer.wrap(new byte[] {0x00, 0x00}), ByteBuffer.allocate(1000));

        assertThat(r.status()).isEqualTo(TlsResult.Status.FAILED);
        assertThat(session.failure()).isPresent();
    }

    @Test
    void aRenegotiationIsRefusedWhenItArrivesForADestinationTooSmallForARecord() throws SSLException {
        RenegotiationTest.Secured s = RenegotiationTest.secured("TLSv1.2");
        s.client().engine.beginHandshake();
        byte[] clientHello = s.client().wrap(new byte[0]);

        TlsResult r = s.session().decrypt(ByteBuffer.wrap(clientHello), ByteBuffer.allocate(7));

        assertThat(r.status()).isEqualTo(TlsResult.Status.FAILED);
        assertThat(s.session().failure()).hasValueSatisfying(f -> assertThat(f.reason()).isEqualTo(Failure.Reason.RENEGOTIATION_REFUSED));
    }

    /**
     * Each MiB of application data received earns the peer one more post-handshake episode, whether
     * the records were decrypted into the caller's buffer or aside, for a buffer too small for them.
     */
    @ParameterizedTest
    @ValueSource(ints = {1_000, 1 << 15})
    void everyMebibyteReceivedEarnsOneMoreKeyUpdate(int room) throws SSLException {
        RenegotiationTest.Secured s = RenegotiationTest.secured("TLSv1.3");
        int mebibytes = 3;
        long received = 0;
        for (int i = 0; i < mebibytes; i++) {
            Reader reader = new Reader(s.session(), room);
            reader.feed(s.client().wrap(new byte[1 << 20]));
            received += reader.received.size();
        }
        assertThat(received).isEqualTo((long) mebibytes << 20);

        int answered = 0;
        for (int i = 0; i < 40; i++) {
            s.client().engine.beginHandshake(); // a KeyUpdate under TLS 1.3
            TlsResult r = s.session().decrypt(ByteBuffer.wrap(s.client().wrap(new byte[0])), ByteBuffer.allocate(room));
            if (r.status() == TlsResult.Status.FAILED) {
                break;
            }
            s.client().unwrap(RenegotiationTest.encrypt(s.session(), new byte[0]));
            answered++;
        }

        assertThat(answered).isEqualTo(PostHandshake.FREE_IN_SESSION + mebibytes);
    }

    // ---- fixtures ----

    /** A server negotiation waiting for the client's Finished, and the client that sends it. */
    record LastFlight(Negotiation server, byte[] finished, RawEngine client) {

        static LastFlight tls13() throws SSLException {
            RawEngine client = RenegotiationTest.clientEngine(RenegotiationTest.CLIENT_CONTEXT, "TLSv1.3");
            Negotiation n = feed(Smtp.server(ServerBoundsTest.config(TlsPolicy.REQUIRED).build()).begin(NOW).next(),
                    "EHLO client.example.test\r\n").next();
            Transition t = feed(n, "STARTTLS\r\n");
            client.engine.beginHandshake();
            byte[] toServer = client.wrap(new byte[0]);
            for (int i = 0; i < 10; i++) {
                t = t.next().onReceived(ByteBuffer.wrap(toServer), NOW);
                client.unwrap(t.outboundBytes());
                toServer = client.wrap(new byte[0]);
                if (client.engine.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING) {
                    return new LastFlight(t.next(), toServer, client);
                }
            }
            throw new AssertionError("the client never finished its handshake");
        }

        /** The server's session after the Finished and {@code then} arrived together. */
        SecureSession secure(byte[] then) {
            Transition t = server.onReceived(ByteBuffer.wrap(RenegotiationTest.concat(finished, then)), NOW);
            return ((Outcome.Secured) t.outcome().orElseThrow()).session();
        }
    }

    /** Reads a session as a caller would: bytes it left in the source stay for the next call. */
    static final class Reader {
        final SecureSession session;
        final ByteBuffer app;
        final ByteArrayOutputStream received = new ByteArrayOutputStream();
        ByteBuffer inbound = ByteBuffer.allocate(0);

        Reader(SecureSession session, int room) {
            this.session = session;
            this.app = ByteBuffer.allocate(room);
        }

        void feed(byte[] bytes) {
            inbound = ByteBuffer.allocate(inbound.remaining() + bytes.length).put(inbound).put(bytes).flip();
            for (int calls = 0; ; calls++) {
                assertThat(calls).as("calls for one piece").isLessThan(100_000);
                app.clear();
                int before = inbound.position();
                TlsResult r = session.decrypt(inbound, app);
                assertThat(r.status()).isIn(TlsResult.Status.OK, TlsResult.Status.NEEDS_INPUT);
                assertThat(r.consumed()).isEqualTo(inbound.position() - before);
                assertThat(r.produced()).isEqualTo(app.position());
                received.write(app.array(), 0, app.position());
                if (r.status() == TlsResult.Status.NEEDS_INPUT) {
                    assertThat(holdsAWholeRecord(inbound)).as("asked for input while holding a whole record").isFalse();
                }
                if (r.status() == TlsResult.Status.NEEDS_INPUT || (r.consumed() == 0 && r.produced() == 0)) {
                    return;
                }
            }
        }
    }

    static boolean holdsAWholeRecord(ByteBuffer b) {
        return b.remaining() >= 5 && b.remaining() >= 5 + (((b.get(b.position() + 3) & 0xff) << 8) | (b.get(b.position() + 4) & 0xff));
    }

    static byte[] data(int n, long seed) {
        byte[] data = new byte[n];
        new Random(seed).nextBytes(data);
        return data;
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    static String text(ByteBuffer app) {
        return new String(app.array(), 0, app.position(), StandardCharsets.US_ASCII);
    }
}
