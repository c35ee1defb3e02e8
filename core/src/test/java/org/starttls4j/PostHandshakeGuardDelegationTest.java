package org.starttls4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.Test;
import org.starttls4j.internal.tls.PostHandshake;
import org.starttls4j.testing.Dialect;
import org.starttls4j.testing.EnginePair;

/**
 * Beside its rule after the handshake, the guard a transport's TLS stack drives is the engine it
 * wraps: whatever the stack sets through it (client mode, client authentication, suites,
 * protocols, parameters, ALPN) is set on the engine, and whatever it reads (sessions, the
 * negotiated protocol, whether either side is done) is the engine's. A setting lost on the way
 * would, for one, let a server that asks for client certificates stop asking; and the application
 * data the guard sees counts toward the KeyUpdates a long session may have, as in the core's session.
 */
class PostHandshakeGuardDelegationTest {

    @Test
    void everySettingMadeThroughTheGuardIsTheEnginesAndReadsBackTheSame() {
        SSLEngine engine = Dialect.serverContext().createSSLEngine();
        PostHandshakeGuard guard = new PostHandshakeGuard(engine, Limits.DEFAULT_MAX_HANDSHAKE_BYTES);

        guard.setUseClientMode(true);
        assertThat(engine.getUseClientMode()).isTrue();
        assertThat(guard.getUseClientMode()).isTrue();
        guard.setUseClientMode(false);
        assertThat(engine.getUseClientMode()).isFalse();
        assertThat(guard.getUseClientMode()).isFalse();
        guard.setNeedClientAuth(true);
        assertThat(engine.getNeedClientAuth()).isTrue();
        assertThat(guard.getNeedClientAuth()).isTrue();
        assertThat(guard.getWantClientAuth()).isFalse();
        guard.setWantClientAuth(true); // asking replaces requiring
        assertThat(engine.getWantClientAuth()).isTrue();
        assertThat(guard.getWantClientAuth()).isTrue();
        assertThat(guard.getNeedClientAuth()).isFalse();
        guard.setEnableSessionCreation(false);
        assertThat(engine.getEnableSessionCreation()).isFalse();
        assertThat(guard.getEnableSessionCreation()).isFalse();
        guard.setEnableSessionCreation(true);
        assertThat(guard.getEnableSessionCreation()).isTrue();

        String suite = engine.getEnabledCipherSuites()[0];
        guard.setEnabledCipherSuites(new String[] {suite});
        assertThat(engine.getEnabledCipherSuites()).containsExactly(suite);
        assertThat(guard.getEnabledCipherSuites()).containsExactly(suite);
        assertThat(guard.getSupportedCipherSuites()).containsExactly(engine.getSupportedCipherSuites());
        guard.setEnabledProtocols(new String[] {"TLSv1.3"});
        assertThat(engine.getEnabledProtocols()).containsExactly("TLSv1.3");
        assertThat(guard.getEnabledProtocols()).containsExactly("TLSv1.3");
        assertThat(guard.getSupportedProtocols()).containsExactly(engine.getSupportedProtocols());

        SSLParameters parameters = guard.getSSLParameters();
        parameters.setApplicationProtocols(new String[] {"smtp"});
        guard.setSSLParameters(parameters);
        assertThat(engine.getSSLParameters().getApplicationProtocols()).containsExactly("smtp");
        assertThat(guard.getSSLParameters().getApplicationProtocols()).containsExactly("smtp");

        BiFunction<SSLEngine, List<String>, String> selector = (e, offered) -> offered.get(0);
        guard.setHandshakeApplicationProtocolSelector(selector);
        assertThat(engine.getHandshakeApplicationProtocolSelector()).isSameAs(selector);
        assertThat(guard.getHandshakeApplicationProtocolSelector()).isSameAs(selector);
        assertThat(guard.toString()).contains(engine.toString());
    }

    @Test
    void sessionsTheNegotiatedProtocolAndTheEndsAreTheEngines() throws SSLException {
        SSLEngine engine = Dialect.serverContext().createSSLEngine();
        engine.setUseClientMode(false);
        PostHandshakeGuard guard = new PostHandshakeGuard(engine, Limits.DEFAULT_MAX_HANDSHAKE_BYTES);
        guard.setHandshakeApplicationProtocolSelector((e, offered) -> offered.contains("smtp") ? "smtp" : null);
        SSLEngine client = PostHandshakeGuardTest.peer("TLSv1.3");
        SSLParameters alpn = client.getSSLParameters();
        alpn.setApplicationProtocols(new String[] {"smtp"});
        client.setSSLParameters(alpn);

        // the client's hello, unwrapped by the guard: the handshake is under way on the engine
        ByteBuffer hello = ByteBuffer.allocate(client.getSession().getPacketBufferSize());
        client.beginHandshake();
        client.wrap(ByteBuffer.allocate(0), hello);
        hello.flip();
        guard.unwrap(hello, ByteBuffer.allocate(guard.getSession().getApplicationBufferSize()));
        for (Runnable task = guard.getDelegatedTask(); task != null; task = guard.getDelegatedTask()) {
            task.run();
        }
        assertThat(guard.getHandshakeSession()).isNotNull().isSameAs(engine.getHandshakeSession());

        SSLEngine fresh = Dialect.serverContext().createSSLEngine();
        fresh.setUseClientMode(false);
        PostHandshakeGuard finished = new PostHandshakeGuard(fresh, Limits.DEFAULT_MAX_HANDSHAKE_BYTES);
        finished.setHandshakeApplicationProtocolSelector((e, offered) -> offered.contains("smtp") ? "smtp" : null);
        SSLEngine other = PostHandshakeGuardTest.peer("TLSv1.3");
        other.setSSLParameters(alpn);
        EnginePair.handshake(other, finished);
        assertThat(finished.getApplicationProtocol()).isEqualTo("smtp").isEqualTo(fresh.getApplicationProtocol());
        assertThat(finished.getHandshakeApplicationProtocol()).isEqualTo(fresh.getHandshakeApplicationProtocol());
        assertThat(finished.getSession()).isSameAs(fresh.getSession());

        assertThat(finished.isOutboundDone()).isFalse();
        assertThat(finished.isInboundDone()).isFalse();
        finished.closeOutbound();
        ByteBuffer closeNotify = ByteBuffer.allocate(fresh.getSession().getPacketBufferSize());
        while (!finished.isOutboundDone()) {
            finished.wrap(ByteBuffer.allocate(0), closeNotify);
        }
        assertThat(fresh.isOutboundDone()).isTrue();
        try {
            finished.closeInbound(); // no close_notify came: the JDK says so, and closes the inbound side all the same
        } catch (SSLException expected) {
            assertThat(expected).hasMessageContaining("close_notify");
        }
        assertThat(fresh.isInboundDone()).isTrue();
        assertThat(finished.isInboundDone()).isTrue();
    }

    @Test
    void eachMebibyteReceivedThroughTheGuardEarnsOneMoreKeyUpdate() throws SSLException {
        SSLEngine peer = PostHandshakeGuardTest.peer("TLSv1.3");
        SSLEngine engine = PostHandshakeGuardTest.established(PostHandshakeGuardTest.serverSeam("TLSv1.3", new ArrayList<>()), peer);
        for (int i = 0; i < PostHandshake.FREE_IN_SESSION; i++) {
            keyUpdate(peer, engine);
        }
        String chunk = "x".repeat(16 * 1024);
        long sent = 0;
        while (sent < PostHandshake.BYTES_PER_EPISODE) {
            assertThat(PostHandshakeGuardTest.unwrap(engine, PostHandshakeGuardTest.wrap(peer, chunk))).hasSize(chunk.length());
            sent += chunk.length();
        }
        keyUpdate(peer, engine); // earned by the mebibyte
        assertThatThrownBy(() -> keyUpdate(peer, engine))
                .isInstanceOf(RenegotiationRefusedException.class);
    }

    private static void keyUpdate(SSLEngine peer, SSLEngine engine) throws SSLException {
        peer.beginHandshake(); // the JDK's way to send a KeyUpdate under TLS 1.3
        assertThat(PostHandshakeGuardTest.text(PostHandshakeGuardTest.unwrap(engine, PostHandshakeGuardTest.wrap(peer, "NOOP\r\n"))))
                .isEqualTo("NOOP\r\n");
        PostHandshakeGuardTest.unwrap(peer, PostHandshakeGuardTest.wrap(engine, "250 OK\r\n"));
    }

    @Test
    void theApplicationStartsTheHandshakeOnTheEngine() throws SSLException {
        SSLEngine engine = PostHandshakeGuardTest.peer("TLSv1.3");
        PostHandshakeGuard guard = new PostHandshakeGuard(engine, Limits.DEFAULT_MAX_HANDSHAKE_BYTES);
        assertThat(engine.getHandshakeStatus()).isEqualTo(SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING);
        guard.beginHandshake();
        assertThat(engine.getHandshakeStatus()).isEqualTo(SSLEngineResult.HandshakeStatus.NEED_WRAP);
    }

    @Test
    void theBytesReadDuringTheHandshakeAreBoundExactly() throws SSLException {
        byte[] hello = clientHello();
        PostHandshakeGuard exact = serverGuard(hello.length);
        exact.unwrap(ByteBuffer.wrap(hello), ByteBuffer.allocate(exact.getSession().getApplicationBufferSize()));

        PostHandshakeGuard oneShort = serverGuard(hello.length - 1);
        assertThatThrownBy(() -> oneShort.unwrap(ByteBuffer.wrap(hello), ByteBuffer.allocate(oneShort.getSession().getApplicationBufferSize())))
                .isInstanceOf(SSLException.class).hasMessageContaining("more than " + (hello.length - 1) + " bytes");
    }

    private static PostHandshakeGuard serverGuard(int maxHandshakeBytes) {
        SSLEngine engine = Dialect.serverContext().createSSLEngine();
        engine.setUseClientMode(false);
        return new PostHandshakeGuard(engine, maxHandshakeBytes);
    }

    private static byte[] clientHello() throws SSLException {
        SSLEngine client = PostHandshakeGuardTest.peer("TLSv1.3");
        ByteBuffer hello = ByteBuffer.allocate(client.getSession().getPacketBufferSize());
        client.beginHandshake();
        client.wrap(ByteBuffer.allocate(0), hello);
        hello.flip();
        byte[] bytes = new byte[hello.remaining()];
        hello.get(bytes);
        return bytes;
    }
}
