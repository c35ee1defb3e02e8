package org.starttls4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.Test;
import org.starttls4j.testing.Dialect;
import org.starttls4j.testing.EnginePair;
import org.starttls4j.testing.TestPki;

/**
 * The engine {@link TransportTls#engine()} hands a transport's TLS stack applies the core's rule
 * after the handshake, with the same count as the core's own session: a TLS 1.2 renegotiation is
 * refused, TLS 1.3 KeyUpdates go through up to their allowance. The test plays the stack (a loop
 * over wrap and unwrap, as Netty's {@code SslHandler} runs) and the peer (a bare JDK engine).
 */
class PostHandshakeGuardTest {

    /** A server-side seam over a JDK engine with only {@code protocol}, as the core's pump would set it up. */
    static TransportTls serverSeam(String protocol, List<SSLEngine> released) {
        return new TransportTls(() -> {
            SSLEngine engine = Dialect.serverContext().createSSLEngine();
            engine.setUseClientMode(false);
            engine.setEnabledProtocols(new String[] {protocol});
            return engine;
        }, made -> made, new EngineFactory() {
            @Override
            public SSLEngine create(String peerHost, int peerPort) {
                throw new AssertionError("the seam makes its engines with its set-up");
            }

            @Override
            public void release(SSLEngine engine) {
                released.add(engine);
            }
        });
    }

    static SSLEngine peer(String protocol) {
        SSLEngine engine = TestPki.clientContextTrusting(TestPki.ca(Dialect.KEY)).createSSLEngine(Dialect.HOST, 25);
        engine.setUseClientMode(true);
        engine.setEnabledProtocols(new String[] {protocol});
        return engine;
    }

    static SSLEngine established(TransportTls seam, SSLEngine peer) throws SSLException {
        SSLEngine engine = seam.engine();
        EnginePair.handshake(peer, engine);
        return engine;
    }

    @Test
    void aTls12RenegotiationIsRefusedByTheUnwrapThatReadsItsClientHello() throws SSLException {
        SSLEngine peer = peer("TLSv1.2");
        SSLEngine engine = established(serverSeam("TLSv1.2", new ArrayList<>()), peer);
        assertThat(text(unwrap(engine, wrap(peer, "NOOP\r\n")))).as("honest data passes").isEqualTo("NOOP\r\n");

        peer.beginHandshake();
        byte[] clientHello = wrap(peer, "");

        assertThatThrownBy(() -> unwrap(engine, clientHello)).isInstanceOfSatisfying(RenegotiationRefusedException.class,
                e -> assertThat(e.failure().reason()).isEqualTo(Failure.Reason.RENEGOTIATION_REFUSED));
        engine.closeOutbound();
        assertThat(wrap(engine, "")).as("an alert, never a ServerHello and certificate").hasSizeLessThan(100);
    }

    @Test
    void theApplicationAskingForATls12RenegotiationIsRefusedToo() throws SSLException {
        SSLEngine engine = established(serverSeam("TLSv1.2", new ArrayList<>()), peer("TLSv1.2"));

        assertThatThrownBy(engine::beginHandshake).isInstanceOf(RenegotiationRefusedException.class);
    }

    @Test
    void tls13KeyUpdatesAreAnsweredUpToTheSessionsAllowanceThenRefused() throws SSLException {
        SSLEngine peer = peer("TLSv1.3");
        SSLEngine engine = established(serverSeam("TLSv1.3", new ArrayList<>()), peer);
        int answered = 0;
        SSLException refused = null;
        for (int i = 0; i < 40 && refused == null; i++) {
            peer.beginHandshake(); // the JDK's way to send a KeyUpdate under TLS 1.3, asking for one back
            byte[] keyUpdate = wrap(peer, "NOOP\r\n");
            try {
                assertThat(text(unwrap(engine, keyUpdate))).isEqualTo("NOOP\r\n");
                unwrap(peer, wrap(engine, "250 OK\r\n"));
                answered++;
            } catch (RenegotiationRefusedException e) {
                refused = e;
            }
        }

        assertThat(answered).isEqualTo(16);
        assertThat(refused).isNotNull().hasMessageContaining("post-handshake");
    }

    @Test
    void anEngineThatAppliesItsOwnRuleComesAsMadeAndTheFirstCallDecides() {
        List<SSLEngine> released = new ArrayList<>();
        TransportTls seam = serverSeam("TLSv1.3", released);

        SSLEngine engine = seam.engine(made -> true);

        assertThat(engine).isNotInstanceOf(PostHandshakeGuard.class);
        assertThat(seam.engine()).isSameAs(engine);
        seam.release();
        seam.release();
        assertThat(released).containsExactly(engine);
    }

    @Test
    void anUnusedGuardedEngineGoesBackToItsFactoryAsItWasMade() {
        List<SSLEngine> released = new ArrayList<>();
        TransportTls seam = serverSeam("TLSv1.3", released);
        SSLEngine engine = seam.engine();
        assertThat(engine).isInstanceOf(PostHandshakeGuard.class);

        seam.release();

        assertThat(released).containsExactly(((PostHandshakeGuard) engine).engine());
    }

    @Test
    void anEngineTheTransportMadeItselfIsAdoptedUnderTheSameRule() throws SSLException {
        TransportTls seam = serverSeam("TLSv1.2", new ArrayList<>());
        SSLEngine own = Dialect.serverContext().createSSLEngine();
        own.setUseClientMode(false);
        own.setEnabledProtocols(new String[] {"TLSv1.2"});

        SSLEngine engine = seam.adopt(own, made -> false);
        SSLEngine peer = peer("TLSv1.2");
        EnginePair.handshake(peer, engine);
        peer.beginHandshake();
        byte[] clientHello = wrap(peer, "");

        assertThat(seam.engine()).isSameAs(engine);
        assertThatThrownBy(() -> unwrap(engine, clientHello)).isInstanceOf(RenegotiationRefusedException.class);
        assertThatThrownBy(() -> seam.adopt(own, made -> true)).isInstanceOf(IllegalStateException.class);
        assertThat(serverSeam("TLSv1.2", new ArrayList<>()).adopt(own, made -> true)).isSameAs(own);
    }

    // ---------------------------------------------------------------- a stack's loop, in miniature

    static byte[] wrap(SSLEngine engine, String text) throws SSLException {
        ByteBuffer app = ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
        ByteArrayOutputStream net = new ByteArrayOutputStream();
        ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        for (int i = 0; i < 10; i++) {
            out.clear();
            SSLEngineResult r = engine.wrap(app, out);
            net.write(out.array(), 0, out.position());
            runTasks(engine, r);
            if (!app.hasRemaining() && engine.getHandshakeStatus() != SSLEngineResult.HandshakeStatus.NEED_WRAP) {
                break;
            }
        }
        return net.toByteArray();
    }

    static byte[] unwrap(SSLEngine engine, byte[] bytes) throws SSLException {
        ByteBuffer net = ByteBuffer.wrap(bytes);
        ByteArrayOutputStream app = new ByteArrayOutputStream();
        ByteBuffer in = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
        while (net.hasRemaining()) {
            in.clear();
            SSLEngineResult r = engine.unwrap(net, in);
            app.write(in.array(), 0, in.position());
            runTasks(engine, r);
            if (r.bytesConsumed() == 0 && r.bytesProduced() == 0) {
                break;
            }
        }
        return app.toByteArray();
    }

    private static void runTasks(SSLEngine engine, SSLEngineResult r) {
        if (r.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_TASK) {
            for (Runnable task = engine.getDelegatedTask(); task != null; task = engine.getDelegatedTask()) {
                task.run();
            }
        }
    }

    static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.US_ASCII);
    }
}
