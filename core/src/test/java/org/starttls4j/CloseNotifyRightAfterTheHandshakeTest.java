package org.starttls4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.Test;
import org.starttls4j.smtp.Smtp;
import org.starttls4j.testing.TestPki;
import org.starttls4j.testing.TestPki.KeyType;

/**
 * A TLS 1.3 peer whose last handshake flight, its first data and its close_notify arrive in one
 * read: RFC 8446 lets a client send data right after its Finished (§4.4.4) and close only its own
 * side (§6.1). {@code openssl s_client -starttls smtp </dev/null} and gnutls-cli at the end of their
 * input do just that (seen with gnutls-cli against the NIO adapter, which called it a handshake the
 * client closed). TLS was established: the server hands over what came with it, the end of the
 * stream behind it; a client still waiting for the server's reply fails, but not "during the
 * handshake".
 */
class CloseNotifyRightAfterTheHandshakeTest {

    static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");
    static final String HOST = "mail.example.test";

    @Test
    void theServerHandsOverWhatCameWithTheClientsFinishedAndTheEndBehindIt() throws SSLException {
        SSLEngine client = clientEngine();
        Transition t = serverAtTheGoAhead();

        t = t.next().onReceived(flight(client, null), NOW);             // the ClientHello; the server's flight back
        t = t.next().onReceived(lastFlight(client, t, "EHLO x\r\nQUIT\r\n"), NOW); // Finished, data, close_notify

        assertThat(t.events()).hasAtLeastOneElementOfType(Event.TlsEstablished.class);
        assertThat(t.outcome()).containsInstanceOf(Outcome.Secured.class);
        SecureSession session = ((Outcome.Secured) t.outcome().orElseThrow()).session();
        assertThat(session.isInboundDone()).as("the client's close_notify, for the application's next read").isTrue();
        ByteBuffer plain = ByteBuffer.allocate(session.minApplicationBufferSize());
        session.decrypt(ByteBuffer.allocate(0), plain);
        assertThat(StandardCharsets.ISO_8859_1.decode(plain.flip()).toString()).isEqualTo("EHLO x\r\nQUIT\r\n");
    }

    @Test
    void aClientThatClosesRightAfterItsFinishedIsSecuredAndEndsThere() throws SSLException {
        SSLEngine client = clientEngine();
        Transition t = serverAtTheGoAhead();

        t = t.next().onReceived(flight(client, null), NOW);
        t = t.next().onReceived(lastFlight(client, t, ""), NOW); // a certificate probe: Finished and close_notify

        assertThat(t.events()).hasAtLeastOneElementOfType(Event.TlsEstablished.class);
        SecureSession session = ((Outcome.Secured) t.outcome().orElseThrow()).session();
        assertThat(session.hasBufferedPlaintext()).isFalse();
        assertThat(session.isInboundDone()).isTrue();
    }

    @Test
    void aClientThatClosesInsteadOfItsFinishedClosedDuringTheHandshake() throws SSLException {
        SSLEngine client = clientEngine();
        Transition t = serverAtTheGoAhead();
        t = t.next().onReceived(flight(client, null), NOW);
        ByteBuffer serverFlight = ByteBuffer.wrap(t.outboundBytes());
        ByteBuffer ignored = ByteBuffer.allocate(1 << 16);
        while (serverFlight.hasRemaining() && client.unwrap(serverFlight, ignored).bytesConsumed() > 0) {
            runTasks(client);
        }
        client.closeOutbound(); // instead of the Finished it owes
        ByteBuffer close = ByteBuffer.allocate(1 << 16);
        while (!client.isOutboundDone() && client.wrap(ByteBuffer.allocate(0), close).bytesProduced() > 0) {
            runTasks(client);
        }

        t = t.next().onReceived(close.flip(), NOW);

        assertThat(t.events()).noneMatch(e -> e instanceof Event.TlsEstablished);
        Failure failure = ((Outcome.Failed) t.outcome().orElseThrow()).failure();
        assertThat(failure.reason()).as(failure.message()).isEqualTo(Failure.Reason.PEER_CLOSED);
        assertThat(failure.message()).isEqualTo("the client closed TLS during the handshake");
    }

    @Test
    void aClientWhoseServerClosesWithItsFinishedIsEstablishedThenFailsSendingItsEhlo() throws SSLException {
        SSLEngine server = TestPki.server(KeyType.EC_P256, HOST).serverContext().createSSLEngine();
        server.setUseClientMode(false);
        ClientConfig config = ClientConfig.builder(HOST).trustAnchors(List.of(TestPki.ca(KeyType.EC_P256))).build();
        Transition t = Smtp.client(config).begin(NOW);
        t = t.next().onReceived(ascii("220 mail.example.test ESMTP\r\n"), NOW);
        t = t.next().onReceived(ascii("250-mail.example.test\r\n250 STARTTLS\r\n"), NOW);
        t = t.next().onReceived(ascii("220 go ahead\r\n"), NOW);

        t = t.next().onReceived(flightThenClose(server, t), NOW); // its Finished, then close_notify without waiting for ours

        assertThat(t.events()).hasAtLeastOneElementOfType(Event.TlsEstablished.class);
        Failure failure = ((Outcome.Failed) t.outcome().orElseThrow()).failure();
        assertThat(failure.reason()).isEqualTo(Failure.Reason.PEER_CLOSED);
        // the JDK's engine closes both directions at the server's close_notify: the EHLO inside TLS cannot leave
        assertThat(failure.message()).isEqualTo("TLS closed while sending");
    }

    @Test
    void anImplicitClientWhoseServerClosesWithItsFinishedFailsWaitingForTheGreeting() throws SSLException {
        SSLEngine server = TestPki.server(KeyType.EC_P256, HOST).serverContext().createSSLEngine();
        server.setUseClientMode(false);
        ClientConfig config = ClientConfig.builder(HOST).policy(TlsPolicy.IMPLICIT).trustAnchors(List.of(TestPki.ca(KeyType.EC_P256))).build();
        Transition t = Smtp.client(config).begin(NOW); // the ClientHello at once (RFC 8314)

        t = t.next().onReceived(flightThenClose(server, t), NOW);

        assertThat(t.events()).hasAtLeastOneElementOfType(Event.TlsEstablished.class);
        Failure failure = ((Outcome.Failed) t.outcome().orElseThrow()).failure();
        assertThat(failure.reason()).isEqualTo(Failure.Reason.PEER_CLOSED);
        assertThat(failure.message()).isEqualTo("the server closed TLS (close_notify) right after the handshake, in state Tls/AwaitingGreeting");
    }

    /** The server's answer to the client's flight in {@code t}, then its close_notify, without waiting for the client's Finished. */
    private static ByteBuffer flightThenClose(SSLEngine server, Transition t) throws SSLException {
        ByteBuffer out = ByteBuffer.allocate(1 << 16).put(flight(server, ByteBuffer.wrap(t.outboundBytes())));
        server.closeOutbound();
        while (!server.isOutboundDone() && server.wrap(ByteBuffer.allocate(0), out).bytesProduced() > 0) {
            runTasks(server); // the JDK says user_canceled first, the handshake being unfinished on its side, then close_notify
        }
        return out.flip();
    }

    /** An SMTP server that has just sent its go-ahead. */
    private static Transition serverAtTheGoAhead() {
        ServerConfig config = ServerConfig.builder().hostname(HOST)
                .sslContext(TestPki.server(KeyType.EC_P256, HOST).serverContext()).build();
        Transition t = Smtp.server(config).begin(NOW);
        t = t.next().onReceived(ascii("EHLO c.example.test\r\n"), NOW);
        t = t.next().onReceived(ascii("STARTTLS\r\n"), NOW);
        assertThat(t.events()).contains(new Event.StartTlsAccepted());
        return new Transition(t.next(), ByteBuffer.allocate(0), List.of(), List.of());
    }

    private static SSLEngine clientEngine() throws SSLException {
        SSLEngine client = TestPki.clientContextTrusting(TestPki.ca(KeyType.EC_P256)).createSSLEngine(HOST, 25);
        client.setUseClientMode(true);
        client.setEnabledProtocols(new String[] {"TLSv1.3"});
        client.beginHandshake();
        return client;
    }

    /** Feeds {@code fromPeer} (null: nothing yet) to {@code engine}; returns what it wraps until it waits for more. */
    private static ByteBuffer flight(SSLEngine engine, ByteBuffer fromPeer) throws SSLException {
        ByteBuffer in = fromPeer == null ? ByteBuffer.allocate(0) : fromPeer;
        ByteBuffer ignored = ByteBuffer.allocate(1 << 16);
        ByteBuffer out = ByteBuffer.allocate(1 << 16);
        for (int step = 0; step < 100; step++) {
            SSLEngineResult.HandshakeStatus status = engine.getHandshakeStatus();
            if (status == SSLEngineResult.HandshakeStatus.NEED_TASK) {
                runTasks(engine);
            } else if (status == SSLEngineResult.HandshakeStatus.NEED_WRAP) {
                engine.wrap(ByteBuffer.allocate(0), out);
            } else if (in.hasRemaining() && engine.unwrap(in, ignored).bytesConsumed() > 0) {
                continue;
            } else {
                break;
            }
        }
        return out.flip();
    }

    /** The client's Finished (answering the server's flight, in {@code serverFlight}'s bytes), then {@code data}, then its close_notify. */
    private static ByteBuffer lastFlight(SSLEngine client, Transition serverFlight, String data) throws SSLException {
        ByteBuffer out = ByteBuffer.allocate(1 << 16).put(flight(client, ByteBuffer.wrap(serverFlight.outboundBytes())));
        assertThat(client.getSession().getProtocol()).isEqualTo("TLSv1.3");
        if (!data.isEmpty()) {
            client.wrap(ascii(data), out);
        }
        client.closeOutbound();
        client.wrap(ByteBuffer.allocate(0), out);
        return out.flip();
    }

    private static void runTasks(SSLEngine engine) {
        for (Runnable task = engine.getDelegatedTask(); task != null; task = engine.getDelegatedTask()) {
            task.run();
        }
    }

    private static ByteBuffer ascii(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1));
    }
}
