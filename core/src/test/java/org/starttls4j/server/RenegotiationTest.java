package org.starttls4j.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.starttls4j.server.ServerBoundsTest.HOST;
import static org.starttls4j.server.ServerBoundsTest.NOW;
import static org.starttls4j.server.ServerBoundsTest.feed;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.Test;
import org.starttls4j.ClientConfig;
import org.starttls4j.Failure;
import org.starttls4j.Negotiation;
import org.starttls4j.Outcome;
import org.starttls4j.SecureSession;
import org.starttls4j.ServerConfig;
import org.starttls4j.TlsPolicy;
import org.starttls4j.TlsResult;
import org.starttls4j.Transition;
import org.starttls4j.smtp.Smtp;
import org.starttls4j.testing.TestPki;
import org.starttls4j.testing.TestPki.KeyType;

/**
 * Renegotiation is refused, in a core-only loop with real engines: the JDK's client engine
 * renegotiates TLS 1.2 (and updates TLS 1.3 keys) when {@code beginHandshake()} is called again.
 */
class RenegotiationTest {

    static final SSLContext CLIENT_CONTEXT = TestPki.clientContextTrusting(TestPki.ca(KeyType.EC_P256));

    record Secured(SecureSession session, RawEngine client) {
    }

    static RawEngine clientEngine(SSLContext context, String protocol) {
        SSLEngine engine = context.createSSLEngine(HOST, 25);
        engine.setUseClientMode(true);
        engine.setEnabledProtocols(new String[] {protocol});
        return new RawEngine(engine);
    }

    /** An SMTP server negotiation through STARTTLS and the handshake with {@code client}, up to the last bytes. */
    static Transition negotiate(ServerConfig config, RawEngine client, boolean renegotiateAtOnce) throws SSLException {
        Negotiation n = feed(Smtp.server(config).begin(NOW).next(), "EHLO client.example.test\r\n").next();
        Transition t = feed(n, "STARTTLS\r\n");
        assertThat(new String(t.outboundBytes(), StandardCharsets.US_ASCII)).isEqualTo("220 2.0.0 Ready to start TLS\r\n");
        client.engine.beginHandshake();
        byte[] toServer = client.wrap(new byte[0]);
        for (int i = 0; i < 20 && !t.isFinished(); i++) {
            if (renegotiateAtOnce && client.engine.getHandshakeStatus() == javax.net.ssl.SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING) {
                // The client is done first (a resumed TLS 1.2 session): its ClientHello rides behind its Finished.
                client.engine.beginHandshake();
                toServer = concat(toServer, client.wrap(new byte[0]));
                renegotiateAtOnce = false;
            }
            t = t.next().onReceived(ByteBuffer.wrap(toServer), NOW);
            if (t.outcome().orElse(null) instanceof Outcome.Failed) {
                return t; // what the server sent is its close; the client's view of it is not the test's
            }
            client.unwrap(t.outboundBytes());
            toServer = client.wrap(new byte[0]);
        }
        return t;
    }

    static Secured secured(String protocol) throws SSLException {
        RawEngine client = clientEngine(CLIENT_CONTEXT, protocol);
        Transition t = negotiate(ServerBoundsTest.config(TlsPolicy.REQUIRED).build(), client, false);
        return new Secured(((Outcome.Secured) t.outcome().orElseThrow()).session(), client);
    }

    static TlsResult decrypt(SecureSession session, byte[] net, ByteBuffer app) {
        return session.decrypt(ByteBuffer.wrap(net), app);
    }

    static byte[] encrypt(SecureSession session, byte[] data) {
        ByteBuffer net = ByteBuffer.allocate(session.minNetworkBufferSize() * 2);
        session.encrypt(ByteBuffer.wrap(data), net);
        return Arrays.copyOf(net.array(), net.position());
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    @Test
    void aClientInitiatedTls12RenegotiationAfterTheHandOverEndsTheSession() throws SSLException {
        Secured s = secured("TLSv1.2");
        ByteBuffer app = ByteBuffer.allocate(s.session().minApplicationBufferSize());
        assertThat(decrypt(s.session(), s.client().wrap("NOOP\r\n".getBytes(StandardCharsets.US_ASCII)), app).status())
                .isEqualTo(TlsResult.Status.OK);
        assertThat(app.flip().remaining()).as("honest data passes").isEqualTo(6);

        s.client().engine.beginHandshake();
        byte[] clientHello = s.client().wrap(new byte[0]);
        assertThat(clientHello).isNotEmpty();
        TlsResult r = decrypt(s.session(), clientHello, ByteBuffer.allocate(s.session().minApplicationBufferSize()));

        assertThat(r.status()).isEqualTo(TlsResult.Status.FAILED);
        assertThat(s.session().failure()).hasValueSatisfying(f -> assertThat(f.reason()).isEqualTo(Failure.Reason.RENEGOTIATION_REFUSED));
        ByteBuffer net = ByteBuffer.allocate(s.session().minNetworkBufferSize());
        s.session().close(net);
        assertThat(net.position()).as("an alert, never a ServerHello and certificate").isLessThan(100);
    }

    @Test
    void aTls12RenegotiationPipelinedBehindTheClientsFinishedFailsTheNegotiation() throws SSLException {
        // A resumed session: the server sends its Finished first, so the client is done first and
        // can pipeline a ClientHello behind its own Finished, into the core's pump.
        ServerConfig config = ServerBoundsTest.config(TlsPolicy.REQUIRED).build();
        SSLContext clientContext = TestPki.clientContextTrusting(TestPki.ca(KeyType.EC_P256));
        Transition first = negotiate(config, clientEngine(clientContext, "TLSv1.2"), false);
        assertThat(first.outcome()).containsInstanceOf(Outcome.Secured.class);

        Transition t = negotiate(config, clientEngine(clientContext, "TLSv1.2"), true);

        Failure failure = ((Outcome.Failed) t.outcome().orElseThrow()).failure();
        assertThat(failure.reason()).isEqualTo(Failure.Reason.RENEGOTIATION_REFUSED);
    }

    @Test
    void tls13KeyUpdatesAreAnsweredUpToTheirAllowanceThenRefused() throws SSLException {
        Secured s = secured("TLSv1.3");
        int answered = 0;
        TlsResult r = null;
        for (int i = 0; i < 40; i++) {
            s.client().engine.beginHandshake(); // the JDK's way to send a KeyUpdate under TLS 1.3
            byte[] keyUpdate = s.client().wrap("NOOP\r\n".getBytes(StandardCharsets.US_ASCII));
            ByteBuffer app = ByteBuffer.allocate(s.session().minApplicationBufferSize());
            r = decrypt(s.session(), keyUpdate, app);
            if (r.status() == TlsResult.Status.FAILED) {
                break;
            }
            assertThat(app.flip().remaining()).isEqualTo(6);
            s.client().unwrap(encrypt(s.session(), "250 2.0.0 OK\r\n".getBytes(StandardCharsets.US_ASCII)));
            assertThat(new String(s.client().takeReceived(), StandardCharsets.US_ASCII)).isEqualTo("250 2.0.0 OK\r\n");
            answered++;
        }

        assertThat(answered).isEqualTo(16);
        assertThat(r.status()).isEqualTo(TlsResult.Status.FAILED);
        assertThat(s.session().failure()).hasValueSatisfying(f -> assertThat(f.reason()).isEqualTo(Failure.Reason.RENEGOTIATION_REFUSED));
    }

    @Test
    void aClientNegotiationRefusesAServersHelloRequestInsteadOfRenegotiating() throws SSLException {
        ClientConfig config = ClientConfig.builder(HOST).trustAnchors(java.util.List.of(TestPki.ca(KeyType.EC_P256))).build();
        Transition t = Smtp.client(config).begin(NOW);
        t = t.next().onReceived(bytes("220 " + HOST + " ESMTP\r\n"), NOW);
        t = t.next().onReceived(bytes("250-" + HOST + "\r\n250 STARTTLS\r\n"), NOW);
        t = t.next().onReceived(bytes("220 go ahead\r\n"), NOW);
        SSLEngine engine = ServerBoundsTest.context().createSSLEngine();
        engine.setUseClientMode(false);
        engine.setEnabledProtocols(new String[] {"TLSv1.2"});
        RawEngine server = new RawEngine(engine);
        server.unwrap(t.outboundBytes());
        for (int i = 0; i < 20 && server.takeReceived().length == 0; i++) {
            t = t.next().onReceived(ByteBuffer.wrap(server.wrap(new byte[0])), NOW);
            server.unwrap(t.outboundBytes());
        }
        assertThat(t.isFinished()).isFalse(); // the client sent EHLO inside TLS and waits for the answer

        engine.beginHandshake(); // a HelloRequest
        t = t.next().onReceived(ByteBuffer.wrap(server.wrap(new byte[0])), NOW);

        Failure failure = ((Outcome.Failed) t.outcome().orElseThrow()).failure();
        assertThat(failure.reason()).isEqualTo(Failure.Reason.RENEGOTIATION_REFUSED);
        // The client closed instead of answering: the server's engine, mid-renegotiation, sees close_notify.
        byte[] closing = t.outboundBytes();
        assertThatThrownBy(() -> server.unwrap(closing)).isInstanceOf(SSLException.class);
    }

    static ByteBuffer bytes(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
    }
}
