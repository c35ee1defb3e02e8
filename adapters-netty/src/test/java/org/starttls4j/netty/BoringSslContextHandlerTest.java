package org.starttls4j.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.starttls4j.netty.Fixtures.ascii;
import static org.starttls4j.netty.Fixtures.pump;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.internal.tcnative.SSL;
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
import org.starttls4j.TlsVersion;
import org.starttls4j.netty.interop.ResponderHandler;
import org.starttls4j.smtp.Smtp;
import org.starttls4j.testing.Identity;
import org.starttls4j.testing.TestPki;
import org.starttls4j.testing.interop.MailProtocol;
import org.starttls4j.testing.interop.Responder;

/**
 * Under the Netty handlers, the engines of a {@link BoringSsl#engines} factory come from the
 * context's own {@code SslHandler} ({@code SslContext.newHandler}), as a Netty application makes
 * it, not from {@code SslContext.newEngine}: Netty's OpenSSL engine then works natively (it
 * unwraps all it is given at once) instead of in its "JDK compatibility mode" (one record per
 * call), and the core's set-up and checks still hold on it.
 */
class BoringSslContextHandlerTest {

    private final Fixtures.Recorder clientApp = new Fixtures.Recorder();
    private final Fixtures.Recorder serverApp = new Fixtures.Recorder();
    private final Fixtures.Channels channels = new Fixtures.Channels();
    private final List<SslContext> contexts = new ArrayList<>();

    @AfterEach
    void tearDown() {
        channels.releaseAll();
        contexts.forEach(ReferenceCountUtil::release); // reference-counted contexts, freed by whoever made them
    }

    /** Netty sets partial writes on the engines of its native mode only ({@code ReferenceCountedOpenSslEngine}). */
    private static boolean nativeMode(SSLEngine engine) {
        ReferenceCountedOpenSslEngine openSsl = (ReferenceCountedOpenSslEngine) engine;
        synchronized (openSsl) {
            return (SSL.getMode(openSsl.sslPointer()) & SSL.SSL_MODE_ENABLE_PARTIAL_WRITE) != 0;
        }
    }

    private SslContext refcntServerContext(String name) throws Exception {
        Identity id = TestPki.server(Fixtures.KEY_TYPE, name);
        return kept(SslContextBuilder.forServer(id.key(), id.chain()).sslProvider(SslProvider.OPENSSL_REFCNT).build());
    }

    /** Netty's default for a client context: its own {@code HTTPS} host name check, which the core turns off for its own. */
    private SslContext refcntClientContext() throws Exception {
        return kept(SslContextBuilder.forClient().sslProvider(SslProvider.OPENSSL_REFCNT)
                .trustManager(TestPki.ca(Fixtures.KEY_TYPE)).protocols("TLSv1.3", "TLSv1.2").build());
    }

    private SslContext kept(SslContext context) {
        contexts.add(context);
        return context;
    }

    /** A client and a server over {@code clientEngines} and {@code serverEngines}, the negotiation pumped to its end. */
    private record Pair(EmbeddedChannel client, EmbeddedChannel server) {
    }

    private Pair negotiated(EngineFactory serverEngines, EngineFactory clientEngines, TlsVersion clientFloor) {
        ServerConfig serverConfig = Fixtures.server(TlsPolicy.REQUIRED, Fixtures.Engine.OPENSSL).engineFactory(serverEngines).build();
        EmbeddedChannel server = channels.open(new StartTlsServerHandler(serverConfig, Smtp::server),
                new ResponderHandler(new Responder(MailProtocol.SMTP, serverConfig)), serverApp);
        ClientConfig clientConfig = Fixtures.client(TlsPolicy.REQUIRED, Fixtures.Engine.OPENSSL).engineFactory(clientEngines)
                .tlsFloor(clientFloor).build();
        EmbeddedChannel client = channels.open(new StartTlsClientHandler(clientConfig, Smtp::client), clientApp);
        pump(client, server);
        return new Pair(client, server);
    }

    private Pair negotiated(EngineFactory serverEngines, EngineFactory clientEngines) {
        return negotiated(serverEngines, clientEngines, TlsVersion.TLS_1_2);
    }

    @Test
    void theSslHandlersAreTheContextsOwnInNativeModeAndReleaseTheirEngines() throws Exception {
        Pair pair = negotiated(BoringSsl.engines(refcntServerContext(Fixtures.HOST)), BoringSsl.engines(refcntClientContext()));

        clientApp.completion(StartTlsCompletionEvent.Secured.class);
        serverApp.completion(StartTlsCompletionEvent.Secured.class);
        SSLEngine clientEngine = pair.client().pipeline().get(SslHandler.class).engine();
        assertThat(nativeMode(clientEngine)).as("the client's engine in Netty's native mode").isTrue();
        assertThat(nativeMode(pair.server().pipeline().get(SslHandler.class).engine())).as("the server's too").isTrue();
        assertThat(clientEngine.getSSLParameters().getEndpointIdentificationAlgorithm())
                .as("the context's HTTPS check off: the core checks the name by RFC 7817").isEmpty();
        pair.client().writeAndFlush(ascii("QUIT\r\n"));
        pump(pair.client(), pair.server());
        assertThat(clientApp.received()).isEqualTo("221 2.0.0 Bye\r\n");
        assertThat(pair.server().isOpen()).isFalse();
        pair.client().close();
        assertThat(((ReferenceCounted) clientEngine).refCnt()).as("released by Netty's SslHandler").isZero();
    }

    @Test
    void anOpaqueFactoryOfTheSameContextKeepsItsEnginesInCompatibilityMode() throws Exception {
        Pair pair = negotiated(Fixtures.opaque(refcntServerContext(Fixtures.HOST)), Fixtures.opaque(refcntClientContext()));

        clientApp.completion(StartTlsCompletionEvent.Secured.class);
        assertThat(nativeMode(pair.client().pipeline().get(SslHandler.class).engine())).as("newEngine's JDK compatibility mode").isFalse();
    }

    @Test
    void theFloorIsSetOnTheContextsEngine() throws Exception {
        Pair pair = negotiated(BoringSsl.engines(refcntServerContext(Fixtures.HOST)), BoringSsl.engines(refcntClientContext()), TlsVersion.TLS_1_3);

        StartTlsCompletionEvent.Secured secured = clientApp.completion(StartTlsCompletionEvent.Secured.class);
        assertThat(secured.tls().protocol()).isEqualTo("TLSv1.3");
        assertThat(pair.client().pipeline().get(SslHandler.class).engine().getEnabledProtocols())
                .as("nothing below the client's floor enabled (Netty always lists the SSLv2Hello pseudo-protocol)")
                .contains("TLSv1.3").doesNotContain("TLSv1.2", "TLSv1.1", "TLSv1");
    }

    @Test
    void aServerWithAnotherNameIsRefusedByTheCoresCheck() throws Exception {
        Pair pair = negotiated(BoringSsl.engines(refcntServerContext("other.example.test")), BoringSsl.engines(refcntClientContext()));
        pair.client().runPendingTasks();
        pair.server().runPendingTasks();

        StartTlsCompletionEvent.Failed failed = clientApp.completion(StartTlsCompletionEvent.Failed.class);
        assertThat(failed.failure().certificateProblem()).contains(CertificateProblem.HOST_MISMATCH);
        assertThat(pair.client().isOpen()).isFalse();
    }
}
