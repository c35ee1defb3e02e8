package org.starttls4j.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.starttls4j.netty.Fixtures.ascii;
import static org.starttls4j.netty.Fixtures.pump;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.ReferenceCounted;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.starttls4j.CertificateProblem;
import org.starttls4j.ClientConfig;
import org.starttls4j.EngineFactory;
import org.starttls4j.ServerConfig;
import org.starttls4j.TlsPolicy;
import org.starttls4j.netty.interop.ResponderHandler;
import org.starttls4j.smtp.Smtp;
import org.starttls4j.testing.Identity;
import org.starttls4j.testing.TestPki;
import org.starttls4j.testing.interop.MailProtocol;
import org.starttls4j.testing.interop.Responder;

/**
 * The Netty handlers with {@link BoringSsl#engines} over reference-counted BoringSSL engines
 * ({@code SslProvider.OPENSSL_REFCNT}): every engine made is freed once the connection ends,
 * secured or failed: the engine the negotiation set up is the one Netty's {@code SslHandler}
 * drives, holds while the session lives, and releases when it leaves the closed channel.
 */
class BoringSslHandlersTest {

    private final Fixtures.Recorder clientApp = new Fixtures.Recorder();
    private final Fixtures.Recorder serverApp = new Fixtures.Recorder();
    private final Fixtures.Channels channels = new Fixtures.Channels();
    private final List<SslContext> contexts = new ArrayList<>();

    @AfterEach
    void tearDown() {
        channels.releaseAll();
        contexts.forEach(ReferenceCountUtil::release); // reference-counted contexts, freed by whoever made them
    }

    /** Keeps every engine it makes, to check their reference counts afterwards. */
    static final class Kept implements EngineFactory {
        private final EngineFactory inner;
        final List<SSLEngine> made = new ArrayList<>();

        Kept(EngineFactory inner) {
            this.inner = inner;
        }

        @Override
        public SSLEngine create(String peerHost, int peerPort) {
            SSLEngine engine = inner.create(peerHost, peerPort);
            made.add(engine);
            return engine;
        }

        @Override
        public void release(SSLEngine engine) {
            inner.release(engine);
        }

        void assertAllFreed() {
            assertThat(made).isNotEmpty();
            assertThat(made).allSatisfy(e -> assertThat(((ReferenceCounted) e).refCnt()).as("freed").isZero());
        }
    }

    private Kept refcntServer(String name) throws Exception {
        Identity id = TestPki.server(Fixtures.KEY_TYPE, name);
        SslContext context = SslContextBuilder.forServer(id.key(), id.chain()).sslProvider(SslProvider.OPENSSL_REFCNT).build();
        contexts.add(context);
        return new Kept(BoringSsl.engines(context));
    }

    private Kept refcntClient() throws Exception {
        SslContext context = SslContextBuilder.forClient().sslProvider(SslProvider.OPENSSL_REFCNT)
                .trustManager(TestPki.ca(Fixtures.KEY_TYPE)).endpointIdentificationAlgorithm(null).build();
        contexts.add(context);
        return new Kept(BoringSsl.engines(context));
    }

    @Test
    void aSecuredConnectionFreesBothEnginesWhenItCloses() throws Exception {
        BoringSsl.requireAvailable();
        Kept serverEngines = refcntServer(Fixtures.HOST);
        Kept clientEngines = refcntClient();
        ServerConfig config = Fixtures.server(TlsPolicy.REQUIRED, Fixtures.Engine.OPENSSL).engineFactory(serverEngines).build();
        Responder responder = new Responder(MailProtocol.SMTP, config);
        EmbeddedChannel server = channels.open(new StartTlsServerHandler(config, Smtp::server), new ResponderHandler(responder), serverApp);
        ClientConfig clientConfig = Fixtures.client(TlsPolicy.REQUIRED, Fixtures.Engine.OPENSSL).engineFactory(clientEngines).build();
        EmbeddedChannel client = channels.open(new StartTlsClientHandler(clientConfig, Smtp::client), clientApp);

        pump(client, server);
        clientApp.completion(StartTlsCompletionEvent.Secured.class);
        assertThat(client.pipeline().get(SslHandler.class).engine()).as("the factory's engine, as made")
                .isSameAs(clientEngines.made.get(clientEngines.made.size() - 1));
        assertThat(((ReferenceCounted) client.pipeline().get(SslHandler.class).engine()).refCnt())
                .as("held by the SslHandler while the session lives").isEqualTo(1);
        client.writeAndFlush(ascii("QUIT\r\n"));
        pump(client, server);

        assertThat(clientApp.received()).isEqualTo("221 2.0.0 Bye\r\n");
        assertThat(server.isOpen()).isFalse();
        serverEngines.assertAllFreed();
        client.close(); // Netty's SslHandler releases its engine when it leaves the closed channel's pipeline
        clientEngines.assertAllFreed();
    }

    @Test
    void aServerWithAnotherNameIsRefusedAndBothEnginesAreFreed() throws Exception {
        Kept serverEngines = refcntServer("other.example.test");
        Kept clientEngines = refcntClient();
        ServerConfig config = Fixtures.server(TlsPolicy.REQUIRED, Fixtures.Engine.OPENSSL).engineFactory(serverEngines).build();
        EmbeddedChannel server = channels.open(new StartTlsServerHandler(config, Smtp::server), serverApp);
        ClientConfig clientConfig = Fixtures.client(TlsPolicy.REQUIRED, Fixtures.Engine.OPENSSL).engineFactory(clientEngines).build();
        EmbeddedChannel client = channels.open(new StartTlsClientHandler(clientConfig, Smtp::client), clientApp);

        pump(client, server);
        client.runPendingTasks();
        server.runPendingTasks();

        StartTlsCompletionEvent.Failed failed = clientApp.completion(StartTlsCompletionEvent.Failed.class);
        assertThat(failed.failure().certificateProblem()).contains(CertificateProblem.HOST_MISMATCH);
        clientEngines.assertAllFreed();
        assertThat(client.isOpen()).isFalse();
    }
}
