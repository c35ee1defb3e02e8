package org.starttls4j.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.starttls4j.netty.Fixtures.ascii;
import static org.starttls4j.netty.Fixtures.drainOutbound;
import static org.starttls4j.netty.Fixtures.pump;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.starttls4j.ClientConfig;
import org.starttls4j.Failure.Reason;
import org.starttls4j.ServerConfig;
import org.starttls4j.TlsPolicy;
import org.starttls4j.netty.Fixtures.Engine;
import org.starttls4j.netty.interop.ResponderHandler;
import org.starttls4j.netty.testing.Leaks;
import org.starttls4j.smtp.Smtp;
import org.starttls4j.testing.TestPki;
import org.starttls4j.testing.interop.MailProtocol;
import org.starttls4j.testing.interop.Responder;

/**
 * What a Netty user sees: after STARTTLS the pipeline holds Netty's own {@link SslHandler} and
 * none of ours, Netty's {@link SslHandshakeCompletionEvent} reaches the application's handlers
 * before the {@link StartTlsCompletionEvent}, the server's go-ahead leaves in plaintext before
 * the {@code SslHandler} exists, a failed handshake is Netty's failed event and then ours, and each
 * way a negotiation can stop mid-handshake has its own honest reason.
 */
@ExtendWith(Leaks.Check.class)
class SslHandlerHandOverTest {

    private final Fixtures.Recorder clientApp = new Fixtures.Recorder();
    private final Fixtures.Recorder serverApp = new Fixtures.Recorder();
    private final Fixtures.Channels channels = new Fixtures.Channels();

    @AfterEach
    void tearDown() {
        channels.releaseAll();
    }

    private EmbeddedChannel[] securedPair(Engine engine) {
        ServerConfig config = Fixtures.server(TlsPolicy.REQUIRED, engine).build();
        EmbeddedChannel server = channels.open(new StartTlsServerHandler(config, Smtp::server),
                new ResponderHandler(new Responder(MailProtocol.SMTP, config)), serverApp);
        EmbeddedChannel client = channels.open(new StartTlsClientHandler(Fixtures.client(TlsPolicy.REQUIRED, engine).build(), Smtp::client),
                clientApp);
        pump(client, server);
        return new EmbeddedChannel[] {client, server};
    }

    /** A client that has read the go-ahead: its SslHandler sent a ClientHello nobody answered yet. */
    private EmbeddedChannel clientAtTheGoAhead(ClientConfig config) {
        EmbeddedChannel client = channels.open(new StartTlsClientHandler(config, Smtp::client), clientApp);
        client.writeInbound(ascii("220 mail.example.test ESMTP\r\n"));
        client.writeInbound(ascii("250-mail.example.test\r\n250 STARTTLS\r\n"));
        client.writeInbound(ascii("220 2.0.0 Ready to start TLS\r\n"));
        assertThat(client.pipeline().get(StartTlsClientHandler.class).state()).isEqualTo("AwaitingTransportTls");
        return client;
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Engine.class)
    void afterStartTlsThePipelineHoldsNettysSslHandlerAndNoneOfOurs(Engine engine) {
        EmbeddedChannel[] pair = securedPair(engine);

        for (EmbeddedChannel end : pair) {
            assertThat(end.pipeline().first()).isInstanceOf(SslHandler.class);
            assertThat(end.pipeline().get(StartTlsHandler.class)).as("it removed itself").isNull();
            SslHandler tls = end.pipeline().get(SslHandler.class);
            assertThat(tls.handshakeFuture().isSuccess()).isTrue();
            assertThat(tls.engine().getSession().getProtocol()).isEqualTo("TLSv1.3");
        }
        assertThat(clientApp.completion(StartTlsCompletionEvent.Secured.class).tls().cipherSuite())
                .isEqualTo(pair[0].pipeline().get(SslHandler.class).engine().getSession().getCipherSuite());
    }

    @Test
    void nettysHandshakeEventReachesTheApplicationBeforeOursAndBothFireOnce() {
        securedPair(Engine.JDK);

        assertThat(clientApp.order).containsExactly("event:" + SslHandshakeCompletionEvent.SUCCESS, "completion:Secured");
        assertThat(serverApp.order).startsWith("event:" + SslHandshakeCompletionEvent.SUCCESS, "completion:Secured");
        assertThat(clientApp.exceptions).isEmpty();
        assertThat(serverApp.exceptions).isEmpty();
    }

    @Test
    void theServersGoAheadLeavesInPlaintextAndThenOnlyTlsIsRead() {
        EmbeddedChannel server = channels.open(new StartTlsServerHandler(Fixtures.server(TlsPolicy.REQUIRED), Smtp::server), serverApp);
        drainOutbound(server);

        server.writeInbound(ascii("EHLO c\r\n"));
        drainOutbound(server);
        server.writeInbound(ascii("STARTTLS\r\n"));

        assertThat(drainOutbound(server)).isEqualTo("220 2.0.0 Ready to start TLS\r\n");
        assertThat(server.pipeline().first()).isInstanceOf(SslHandler.class);

        server.writeInbound(ascii("MAIL FROM:<a@example.test>\r\n")); // plaintext, after the go-ahead, in a later read

        StartTlsCompletionEvent.Failed failed = serverApp.completion(StartTlsCompletionEvent.Failed.class);
        assertThat(failed.failure().reason()).as(failed.failure().toString()).isEqualTo(Reason.TLS_HANDSHAKE_FAILED);
        assertThat(serverApp.otherEvents).filteredOn(SslHandshakeCompletionEvent.class::isInstance).singleElement()
                .satisfies(e -> assertThat(((SslHandshakeCompletionEvent) e).isSuccess()).isFalse());
        assertThat(serverApp.order.get(0)).as("Netty's event first").startsWith("event:");
        assertThat(serverApp.reads).as("never delivered").isZero();
        assertThat(serverApp.exceptions).as("the handshake's exception is the Failed event's, not thrown again").isEmpty();
        assertThat(server.isOpen()).isFalse();
    }

    @Test
    void aLocalCloseMidHandshakeIsALocalAbort() {
        EmbeddedChannel client = clientAtTheGoAhead(Fixtures.client(TlsPolicy.REQUIRED));

        client.close();

        assertThat(clientApp.completion(StartTlsCompletionEvent.Failed.class).failure().reason()).isEqualTo(Reason.LOCAL_ABORT);
    }

    @Test
    void thePeerLeavingMidHandshakeIsPeerClosed() {
        EmbeddedChannel client = clientAtTheGoAhead(Fixtures.client(TlsPolicy.REQUIRED));

        client.pipeline().fireChannelInactive();

        assertThat(clientApp.completion(StartTlsCompletionEvent.Failed.class).failure().reason()).isEqualTo(Reason.PEER_CLOSED);
    }

    @Test
    void theHandshakesDeadlineIsTheNegotiationsAndEndsItWithTimeout() {
        EmbeddedChannel client = clientAtTheGoAhead(Fixtures.client(TlsPolicy.REQUIRED));

        client.advanceTimeBy(1, java.util.concurrent.TimeUnit.HOURS);
        client.runScheduledPendingTasks();

        assertThat(clientApp.completion(StartTlsCompletionEvent.Failed.class).failure().reason()).isEqualTo(Reason.TIMEOUT);
        assertThat(client.isOpen()).isFalse();
    }

    @Test
    void aForgedRecordInsideTlsBeforeTheOutcomeIsABrokenSessionNotAHandshakeFailure() {
        ServerConfig config = Fixtures.server(TlsPolicy.REQUIRED, Engine.JDK).build();
        EmbeddedChannel server = channels.open(new StartTlsServerHandler(config, Smtp::server), serverApp);
        EmbeddedChannel client = channels.open(new StartTlsClientHandler(Fixtures.client(TlsPolicy.REQUIRED), Smtp::client), clientApp);
        pump(client, server);
        assertThat(client.pipeline().get(StartTlsClientHandler.class).state()).as("TLS is up, the EHLO inside it unanswered")
                .isEqualTo("Tls/AwaitingEhloReply");
        client.writeInbound(Fixtures.forgedRecord());

        assertThat(clientApp.completion(StartTlsCompletionEvent.Failed.class).failure().reason()).isEqualTo(Reason.TLS_SESSION_BROKEN);
        assertThat(clientApp.exceptions).as("reported as the Failed event").isEmpty();
        assertThat(client.isOpen()).isFalse();
    }

    @Test
    void anEngineFactoryThatBreaksIsALocalAbortNotAHandshakeFailure() {
        SSLContext context = TestPki.clientContextTrusting(TestPki.ca(Fixtures.KEY_TYPE));
        AtomicInteger calls = new AtomicInteger();
        ClientConfig config = ClientConfig.builder(Fixtures.HOST).policy(TlsPolicy.REQUIRED).clientName(Fixtures.CLIENT_NAME)
                .engineFactory((host, port) -> {
            if (calls.incrementAndGet() > 1) { // the first is the configuration's own check of its versions
                throw new IllegalStateException("no engine today");
            }
            SSLEngine engine = context.createSSLEngine(host, port);
            engine.setUseClientMode(true);
            return engine;
        }).build();

        clientAtTheGoAheadOrFailed(config);

        StartTlsCompletionEvent.Failed failed = clientApp.completion(StartTlsCompletionEvent.Failed.class);
        assertThat(failed.failure().reason()).isEqualTo(Reason.LOCAL_ABORT);
        assertThat(failed.failure().message()).contains("no engine today");
        assertThat(clientApp.exceptions).singleElement().isInstanceOf(IllegalStateException.class);
    }

    private void clientAtTheGoAheadOrFailed(ClientConfig config) {
        EmbeddedChannel client = channels.open(new StartTlsClientHandler(config, Smtp::client), clientApp);
        client.writeInbound(ascii("220 mail.example.test ESMTP\r\n"));
        client.writeInbound(ascii("250-mail.example.test\r\n250 STARTTLS\r\n"));
        client.writeInbound(ascii("220 2.0.0 Ready to start TLS\r\n"));
    }
}
