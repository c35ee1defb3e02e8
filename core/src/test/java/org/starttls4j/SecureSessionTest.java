package org.starttls4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.starttls4j.smtp.Smtp;
import org.starttls4j.testing.Loopback;
import org.starttls4j.testing.TestPki;
import org.starttls4j.testing.TestPki.KeyType;

/** The TLS pipe handed over after the negotiation: buffers, bytes left from the negotiation, close. */
class SecureSessionTest {

    static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
    static final String HOST = "mail.example.test";

    static ServerConfig server() {
        return ServerConfig.builder().hostname(HOST).sslContext(TestPki.server(KeyType.EC_P256, HOST).serverContext()).build();
    }

    static ClientConfig client() {
        return ClientConfig.builder(HOST).trustAnchors(List.of(TestPki.ca(KeyType.EC_P256))).build();
    }

    static Loopback.Result secured() {
        return Loopback.run(Smtp.client(client()), Smtp.server(server()), NOW,
                line -> line.startsWith("EHLO") ? "250 " + HOST + "\r\n" : null);
    }

    @Test
    void bulkDataCrossesBothWaysIntact() {
        Loopback.Result r = secured();
        byte[] data = new byte[300_000];
        new Random(42).nextBytes(data);

        assertThat(Loopback.send(r.clientSession(), r.serverSession(), data)).isEqualTo(data);
        assertThat(Loopback.send(r.serverSession(), r.clientSession(), data)).isEqualTo(data);
    }

    @Test
    void aDestinationSmallerThanARecordStillReceivesEverything() {
        Loopback.Result r = secured();
        byte[] data = "x".repeat(5000).getBytes(StandardCharsets.US_ASCII);
        ByteBuffer net = ByteBuffer.allocate(r.clientSession().minNetworkBufferSize());
        r.clientSession().encrypt(ByteBuffer.wrap(data), net);
        net.flip();

        ByteArrayOutputStream received = new ByteArrayOutputStream();
        ByteBuffer tiny = ByteBuffer.allocate(7);
        boolean sawBuffered = false;
        for (int i = 0; i < 10_000 && received.size() < data.length; i++) {
            tiny.clear();
            r.serverSession().decrypt(net, tiny);
            sawBuffered |= r.serverSession().hasBufferedPlaintext();
            received.write(tiny.array(), 0, tiny.position());
        }

        assertThat(received.toByteArray()).isEqualTo(data);
        assertThat(sawBuffered).isTrue();
        assertThat(r.serverSession().hasBufferedPlaintext()).isFalse();
    }

    @Test
    void aTooSmallNetworkBufferAsksForSpaceInsteadOfFailing() {
        Loopback.Result r = secured();

        TlsResult result = r.clientSession().encrypt(ByteBuffer.wrap(new byte[100]), ByteBuffer.allocate(10));

        assertThat(result.status()).isEqualTo(TlsResult.Status.NEEDS_OUTPUT_SPACE);
        assertThat(result.consumed()).isZero();
    }

    @Test
    void aPartialRecordIsReportedAsNeedingInputAndLeftInTheSource() {
        Loopback.Result r = secured();
        ByteBuffer net = ByteBuffer.allocate(r.clientSession().minNetworkBufferSize());
        r.clientSession().encrypt(ByteBuffer.wrap("NOOP\r\n".getBytes(StandardCharsets.US_ASCII)), net);
        net.flip();
        ByteBuffer firstHalf = net.duplicate();
        firstHalf.limit(net.limit() / 2);

        TlsResult result = r.serverSession().decrypt(firstHalf, ByteBuffer.allocate(100));

        assertThat(result.status()).isEqualTo(TlsResult.Status.NEEDS_INPUT);
        assertThat(result.consumed()).isZero();
        assertThat(firstHalf.remaining()).isEqualTo(net.limit() / 2);
    }

    @Test
    void closeNotifyIsSentAndSeenAsACleanClose() {
        Loopback.Result r = secured();
        ByteBuffer net = ByteBuffer.allocate(r.clientSession().minNetworkBufferSize());

        TlsResult closing = r.clientSession().close(net);
        net.flip();
        TlsResult seen = r.serverSession().decrypt(net, ByteBuffer.allocate(100));

        assertThat(closing.status()).isEqualTo(TlsResult.Status.CLOSED);
        assertThat(r.clientSession().isOutboundDone()).isTrue();
        assertThat(seen.status()).isEqualTo(TlsResult.Status.CLOSED);
        assertThat(r.serverSession().isInboundDone()).isTrue();
        assertThat(r.serverSession().onEndOfStream()).isEqualTo(SecureSession.Termination.CLEAN);
    }

    @Test
    void endOfStreamWithoutCloseNotifyIsTruncation() {
        Loopback.Result r = secured();

        assertThat(r.serverSession().onEndOfStream()).isEqualTo(SecureSession.Termination.TRUNCATED);
    }

    @Test
    void garbageAfterTheHandOverIsATypedFailureNotAnException() {
        Loopback.Result r = secured();
        // A well-formed application-data record header followed by bytes that fail authentication.
        byte[] garbage = new byte[5 + 32];
        Arrays.fill(garbage, (byte) 0x5a);
        garbage[0] = 0x17;
        garbage[1] = 0x03;
        garbage[2] = 0x03;
        garbage[3] = 0x00;
        garbage[4] = 0x20;

        TlsResult result = r.serverSession().decrypt(ByteBuffer.wrap(garbage), ByteBuffer.allocate(1000));

        assertThat(result.status()).isEqualTo(TlsResult.Status.FAILED);
        assertThat(r.serverSession().failure()).isPresent();
    }

    @Test
    void recordsThatArrivedWithTheLastHandshakeFlightComeOutOfTheServerSessionFirst() {
        // The client's Finished and its first command inside TLS travel together; the server hands
        // over at the first byte after the handshake, so whole records become buffered plaintext and
        // a partial record is carried into the session.
        for (int cut = 1; cut < 40; cut += 7) {
            Carried carried = serverSecuredWithoutTheLastBytes(cut);
            byte[] lastFlight = carried.lastFlight();
            SecureSession session = carried.session();
            ByteBuffer app = ByteBuffer.allocate(session.minApplicationBufferSize());
            TlsResult result = session.decrypt(ByteBuffer.wrap(lastFlight, lastFlight.length - cut, cut), app);

            assertThat(result.status()).isIn(TlsResult.Status.OK, TlsResult.Status.NEEDS_INPUT);
            assertThat(new String(app.array(), 0, app.position(), StandardCharsets.US_ASCII)).isEqualTo("EHLO localhost\r\n");
        }
    }

    @Test
    void aRecordCarriedIntoTheSessionMayCompleteAByteAtATime() {
        // The rest of the carried record trickles in, one byte per read, from inside its body
        // and from inside its header: the record comes out whole, once, at its last byte.
        for (int cut = 1; cut < 40; cut++) {
            Carried carried = serverSecuredWithoutTheLastBytes(cut);
            byte[] lastFlight = carried.lastFlight();
            SecureSession session = carried.session();
            ByteBuffer app = ByteBuffer.allocate(session.minApplicationBufferSize());

            for (int at = lastFlight.length - cut; at < lastFlight.length; at++) {
                ByteBuffer one = ByteBuffer.wrap(lastFlight, at, 1);
                TlsResult result = session.decrypt(one, app);
                assertThat(one.hasRemaining()).as("byte %d taken", at).isFalse();
                assertThat(result.status()).isIn(TlsResult.Status.OK, TlsResult.Status.NEEDS_INPUT);
                assertThat(app.position()).as("nothing before the record's last byte (cut %d, byte %d)", cut, at)
                        .isEqualTo(at == lastFlight.length - 1 ? "EHLO localhost\r\n".length() : 0);
            }
            assertThat(new String(app.array(), 0, app.position(), StandardCharsets.US_ASCII)).isEqualTo("EHLO localhost\r\n");
        }
    }

    @Test
    void aReplyThatArrivesWithTheServersCloseNotifyIsStillRead() {
        // The server answers the post-TLS EHLO and closes TLS in the same flight: the client must
        // act on the reply (here: secured with its capabilities), not just report PEER_CLOSED.
        Walk walk = walkToTheClientsLastFlight();
        Transition s = walk.server();
        Transition c = walk.client(); // Finished + encrypted EHLO
        s = s.next().onReceived(c.outbound(), NOW); // server secured; EHLO buffered in its session
        SecureSession serverSession = ((Outcome.Secured) s.outcome().orElseThrow()).session();
        ByteBuffer net = ByteBuffer.allocate(serverSession.minNetworkBufferSize() * 2);
        net.put(s.outbound()); // what the server's handshake still had to say (a TLS 1.3 session ticket)
        serverSession.encrypt(ByteBuffer.wrap("250-mail.example.test\r\n250 SIZE 10\r\n".getBytes(StandardCharsets.US_ASCII)), net);
        serverSession.close(net);
        net.flip();

        Transition last = c.next().onReceived(net, NOW);

        assertThat(last.outcome()).containsInstanceOf(Outcome.Secured.class);
        SecureSession clientSession = ((Outcome.Secured) last.outcome().orElseThrow()).session();
        assertThat(clientSession.capabilities().has("SIZE")).isTrue();
        assertThat(clientSession.isInboundDone()).isTrue();
    }

    @Test
    void aServerThatClosesTlsWithoutAnsweringTheEhloFailsTheClientAsPeerClosed() {
        Walk walk = walkToTheClientsLastFlight();
        Transition s = walk.server();
        Transition c = walk.client(); // Finished + encrypted EHLO
        s = s.next().onReceived(c.outbound(), NOW); // server secured; EHLO unanswered
        SecureSession serverSession = ((Outcome.Secured) s.outcome().orElseThrow()).session();
        ByteBuffer net = ByteBuffer.allocate(serverSession.minNetworkBufferSize() * 2);
        net.put(s.outbound());
        serverSession.close(net);
        net.flip();

        Transition last = c.next().onReceived(net, NOW);

        Failure failure = ((Outcome.Failed) last.outcome().orElseThrow()).failure();
        assertThat(failure.reason()).isEqualTo(Failure.Reason.PEER_CLOSED);
        assertThat(failure.message()).contains("AwaitingEhloReply");
    }

    /** Both ends through STARTTLS and the handshake, up to the client's last flight (Finished + encrypted EHLO). */
    private static Walk walkToTheClientsLastFlight() {
        Transition s = Smtp.server(server()).begin(NOW);
        Transition c = Smtp.client(client()).begin(NOW);
        c = c.next().onReceived(s.outbound(), NOW);
        s = s.next().onReceived(c.outbound(), NOW); // EHLO
        c = c.next().onReceived(s.outbound(), NOW); // → STARTTLS
        s = s.next().onReceived(c.outbound(), NOW); // → 220
        c = c.next().onReceived(s.outbound(), NOW); // → ClientHello
        s = s.next().onReceived(c.outbound(), NOW); // → server flight
        c = c.next().onReceived(s.outbound(), NOW); // → Finished + encrypted EHLO
        return new Walk(s, c);
    }

    /**
     * A walk whose server is fed the client's last flight (Finished + encrypted EHLO) but for its
     * last {@code cut} bytes: secured, with the partial record carried into its session.
     */
    private static Carried serverSecuredWithoutTheLastBytes(int cut) {
        Walk walk = walkToTheClientsLastFlight();
        byte[] lastFlight = walk.client().outboundBytes();
        Transition s = walk.server().next().onReceived(ByteBuffer.wrap(lastFlight, 0, lastFlight.length - cut), NOW);
        return new Carried(((Outcome.Secured) s.outcome().orElseThrow()).session(), lastFlight);
    }

    /** The server's session from {@link #serverSecuredWithoutTheLastBytes}, and the whole flight it was fed part of. */
    private record Carried(SecureSession session, byte[] lastFlight) {
    }

    /** Where {@link #walkToTheClientsLastFlight} leaves the two ends: the server waits for {@code client}'s outbound bytes. */
    private record Walk(Transition server, Transition client) {
    }
}
