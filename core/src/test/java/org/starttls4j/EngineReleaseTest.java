package org.starttls4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.Test;
import org.starttls4j.smtp.Smtp;
import org.starttls4j.testing.Loopback;
import org.starttls4j.testing.TestPki;
import org.starttls4j.testing.TestPki.KeyType;

/**
 * {@link EngineFactory#release}: every engine the core makes goes back to its factory exactly
 * once, whichever way the negotiation or session ends, and never while it is still in use.
 */
class EngineReleaseTest {

    static final String HOST = TlsPairTest.HOST;

    /** Makes JDK engines and counts, per engine, how often each came back. */
    static final class Counting implements EngineFactory {
        private final SSLContext context;
        private final boolean server;
        final Map<SSLEngine, Integer> released = new IdentityHashMap<>();
        final List<SSLEngine> made = new ArrayList<>();

        Counting(SSLContext context, boolean server) {
            this.context = context;
            this.server = server;
        }

        @Override
        public SSLEngine create(String peerHost, int peerPort) {
            SSLEngine engine = server ? context.createSSLEngine() : context.createSSLEngine(peerHost, peerPort);
            made.add(engine);
            return engine;
        }

        @Override
        public void release(SSLEngine engine) {
            assertThat(made).as("released an engine this factory made").containsOnlyOnce(engine);
            released.merge(engine, 1, Integer::sum);
        }

        /** Every engine made came back, each once. */
        void assertAllReleasedOnce() {
            assertThat(made).isNotEmpty();
            assertThat(released).hasSize(made.size());
            assertThat(released.values()).containsOnly(1);
        }

        int releasedCount() {
            return released.size();
        }
    }

    static Counting serverEngines(String name) {
        return new Counting(TestPki.server(KeyType.EC_P256, name).serverContext(), true);
    }

    static Counting clientEngines() {
        return new Counting(TestPki.clientContextTrusting(TestPki.ca(KeyType.EC_P256)), false);
    }

    static Loopback.Result negotiate(Counting client, Counting server, TlsPolicy policy) {
        return TlsPairTest.run(ClientConfig.builder(HOST).policy(policy).engineFactory(client).build(),
                ServerConfig.builder().hostname(HOST).policy(policy).engineFactory(server).build());
    }

    @Test
    void configurationsReleaseTheEngineTheyCheckTheirVersionsWith() {
        Counting client = clientEngines();
        Counting server = serverEngines(HOST);

        ClientConfig.builder(HOST).engineFactory(client).build();
        ServerConfig.builder().hostname(HOST).engineFactory(server).build();

        client.assertAllReleasedOnce();
        server.assertAllReleasedOnce();
    }

    @Test
    void aSecuredSessionReleasesAtCloseAndNotAgainAtEndOfStream() {
        Counting client = clientEngines();
        Counting server = serverEngines(HOST);
        Loopback.Result r = negotiate(client, server, TlsPolicy.REQUIRED);
        assertThat(r.clientOutcome()).isInstanceOf(Outcome.Secured.class);
        int beforeClose = client.releasedCount();
        byte[] data = "NOOP\r\n".getBytes();
        assertThat(Loopback.send(r.clientSession(), r.serverSession(), data)).isEqualTo(data);
        assertThat(client.releasedCount()).as("not released while in use").isEqualTo(beforeClose);

        ByteBuffer net = ByteBuffer.allocate(r.clientSession().minNetworkBufferSize());
        assertThat(r.clientSession().close(net).status()).isEqualTo(TlsResult.Status.CLOSED);
        assertThat(client.releasedCount()).isEqualTo(beforeClose + 1);
        net.flip();
        r.serverSession().decrypt(net, ByteBuffer.allocate(r.serverSession().minApplicationBufferSize()));
        assertThat(r.serverSession().onEndOfStream()).isEqualTo(SecureSession.Termination.CLEAN);
        assertThat(r.clientSession().onEndOfStream()).isEqualTo(SecureSession.Termination.TRUNCATED);
        r.serverSession().close(ByteBuffer.allocate(r.serverSession().minNetworkBufferSize()));

        client.assertAllReleasedOnce();
        server.assertAllReleasedOnce();
    }

    @Test
    void theTerminationIsStillTheEnginesWordAfterOurCloseReleasedIt() {
        Counting client = clientEngines();
        Counting server = serverEngines(HOST);
        Loopback.Result r = negotiate(client, server, TlsPolicy.REQUIRED);
        ByteBuffer ours = ByteBuffer.allocate(r.clientSession().minNetworkBufferSize());
        r.clientSession().close(ours); // released here

        ByteBuffer theirs = ByteBuffer.allocate(r.serverSession().minNetworkBufferSize());
        assertThat(r.serverSession().close(theirs).status()).isEqualTo(TlsResult.Status.CLOSED);
        theirs.flip();
        TlsResult read = r.clientSession().decrypt(theirs, ByteBuffer.allocate(r.clientSession().minApplicationBufferSize()));

        assertThat(read.status()).isEqualTo(TlsResult.Status.CLOSED);
        assertThat(r.clientSession().isInboundDone()).isTrue();
        assertThat(r.clientSession().onEndOfStream()).isEqualTo(SecureSession.Termination.CLEAN);
        client.assertAllReleasedOnce();
    }

    @Test
    void aSessionEndedByTheStreamReleasesOnceThoughClosedAfterwards() {
        Counting client = clientEngines();
        Counting server = serverEngines(HOST);
        Loopback.Result r = negotiate(client, server, TlsPolicy.IMPLICIT);

        assertThat(r.serverSession().onEndOfStream()).isEqualTo(SecureSession.Termination.TRUNCATED);
        assertThat(r.serverSession().isInboundDone()).isTrue();
        r.serverSession().close(ByteBuffer.allocate(r.serverSession().minNetworkBufferSize()));
        r.clientSession().onEndOfStream();
        r.clientSession().onEndOfStream();

        client.assertAllReleasedOnce();
        server.assertAllReleasedOnce();
    }

    @Test
    void aNegotiationFailedAfterTheHandshakeReleasesBothEngines() {
        Counting client = clientEngines();
        Counting server = serverEngines("other.example.test"); // a name the client does not accept

        Loopback.Result r = negotiate(client, server, TlsPolicy.REQUIRED);

        assertThat(r.clientOutcome()).isInstanceOf(Outcome.Failed.class);
        assertThat(((Outcome.Failed) r.clientOutcome()).failure().reason()).isEqualTo(Failure.Reason.CERTIFICATE_REJECTED);
        client.assertAllReleasedOnce();
        // The client refused after its Finished and closed TLS: the server's handshake completed, so it
        // handed over a session whose peer is gone (as it does when the close_notify comes a read later);
        // its engine goes back when that session ends.
        SecureSession served = ((Outcome.Secured) r.serverOutcome()).session();
        assertThat(served.isInboundDone()).isTrue();
        served.close(ByteBuffer.allocate(served.minNetworkBufferSize()));
        server.assertAllReleasedOnce();
    }

    @Test
    void aNegotiationFailedDuringTheHandshakeReleasesBothEngines() {
        Counting client = new Counting(TestPki.clientContextTrusting(TestPki.ca(KeyType.RSA_2048)), false); // trusts another CA
        Counting server = serverEngines(HOST);

        Loopback.Result r = negotiate(client, server, TlsPolicy.REQUIRED);

        assertThat(r.clientOutcome()).isInstanceOf(Outcome.Failed.class);
        assertThat(r.serverOutcome()).isInstanceOf(Outcome.Failed.class);
        client.assertAllReleasedOnce();
        server.assertAllReleasedOnce();
    }

    @Test
    void aHandshakeThatTimesOutReleasesItsEngine() {
        Counting client = clientEngines();
        ClientConfig config = ClientConfig.builder(HOST).policy(TlsPolicy.IMPLICIT).engineFactory(client).build();
        Transition t = Smtp.client(config).begin(TlsPairTest.NOW);
        assertThat(t.outbound().hasRemaining()).isTrue(); // the ClientHello: an engine is at work

        Transition late = t.next().onTick(TlsPairTest.NOW.plus(Duration.ofHours(1)));

        assertThat(late.next().outcome()).containsInstanceOf(Outcome.Failed.class);
        client.assertAllReleasedOnce();
    }

    @Test
    void aHandshakeWhosePeerVanishesReleasesItsEngine() {
        Counting server = serverEngines(HOST);
        ServerConfig config = ServerConfig.builder().hostname(HOST).policy(TlsPolicy.IMPLICIT).engineFactory(server).build();
        Transition t = Smtp.server(config).begin(TlsPairTest.NOW);

        Transition gone = t.next().onEndOfStream(TlsPairTest.NOW);

        assertThat(gone.next().outcome()).containsInstanceOf(Outcome.Failed.class);
        server.assertAllReleasedOnce();
    }
}
