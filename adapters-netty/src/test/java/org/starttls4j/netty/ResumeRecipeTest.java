package org.starttls4j.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.starttls4j.netty.Fixtures.ascii;
import static org.starttls4j.netty.Fixtures.drainOutbound;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.starttls4j.Failure.Reason;
import org.starttls4j.ServerConfig;
import org.starttls4j.TlsPolicy;
import org.starttls4j.netty.RecipeServer.Protocol;
import org.starttls4j.netty.interop.NettyInterop;
import org.starttls4j.netty.testing.Leaks;
import org.starttls4j.smtp.Smtp;
import org.starttls4j.testing.TestPki;

/**
 * Resuming a negotiation on a connection the application took over in plaintext, written as the
 * {@link StartTlsServerHandler} javadoc says ({@link RecipeServer}), for SMTP, IMAP and POP3: a
 * late STARTTLS is secured and the next line arrives inside TLS; whatever the client pipelines
 * behind STARTTLS (whole lines the application's decoder already framed, a partial line in its
 * buffer, a later read) is never delivered, never answered, and fails the negotiation with
 * PLAINTEXT_INJECTION before any go-ahead; the application's writes meanwhile fail.
 */
@ExtendWith(Leaks.Check.class)
class ResumeRecipeTest {

    private final List<EmbeddedChannel> channels = new ArrayList<>();
    private RecipeServer app;

    @AfterEach
    void tearDown() {
        for (EmbeddedChannel channel : channels) {
            channel.finishAndReleaseAll();
        }
    }

    static ServerConfig config() {
        return Fixtures.server(TlsPolicy.OPPORTUNISTIC);
    }

    /** A server already handed over in plaintext, with the client's first application command answered. */
    private EmbeddedChannel handedOver(Protocol protocol, boolean strings, boolean answerStartTlsToo) {
        app = new RecipeServer(protocol, config(), strings, answerStartTlsToo);
        EmbeddedChannel server = new EmbeddedChannel(new StartTlsServerHandler(config(), protocol.fresh), app);
        channels.add(server);
        drainOutbound(server);
        server.writeInbound(ascii(protocol.handedOver + "\r\n"));
        assertThat(app.completions).singleElement().isInstanceOf(StartTlsCompletionEvent.Plaintext.class);
        assertThat(drainOutbound(server)).isEqualTo(protocol.answer(protocol.handedOver));
        return server;
    }

    private EmbeddedChannel handedOver(Protocol protocol) {
        return handedOver(protocol, false, false);
    }

    private static SslContext clientContext() {
        try {
            return SslContextBuilder.forClient().sslProvider(SslProvider.JDK).trustManager(TestPki.ca(Fixtures.KEY_TYPE)).build();
        } catch (SSLException e) {
            throw new IllegalStateException(e);
        }
    }

    private void assertInjectionRefused(EmbeddedChannel server, Protocol protocol) {
        assertThat(app.lines).as("the application saw STARTTLS and nothing after it")
                .containsExactly("plain:" + protocol.handedOver, "plain:" + protocol.startTls);
        assertThat(drainOutbound(server)).as("no go-ahead, no answer").isEmpty();
        assertThat(app.completions).hasSize(2).last().isInstanceOfSatisfying(StartTlsCompletionEvent.Failed.class,
                failed -> assertThat(failed.failure().reason()).isEqualTo(Reason.PLAINTEXT_INJECTION));
        assertThat(server.isOpen()).isFalse();
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void aLateStartTlsIsSecuredAndTheNextLineArrivesInsideTls(Protocol protocol) {
        EmbeddedChannel server = handedOver(protocol);

        server.writeInbound(ascii(protocol.startTls + "\r\n"));

        assertThat(drainOutbound(server)).as("the negotiation's go-ahead, and nothing of the application's")
                .startsWith(protocol == Protocol.SMTP ? "220 " : protocol == Protocol.IMAP ? "a3 OK" : "+OK")
                .doesNotContain("done:");
        assertThat(server.pipeline().first()).as("Netty's SslHandler, closest to the socket").isInstanceOf(SslHandler.class);
        assertThat(List.copyOf(server.pipeline().toMap().values()).get(1)).as("the negotiation, right behind it")
                .isInstanceOf(StartTlsServerHandler.class);
        assertThat(server.pipeline().get(LineBasedFrameDecoder.class)).as("the plaintext decoder is gone").isNull();
        assertThat(server.pipeline().get(ResumeGuard.class)).as("a guard in front of the application").isNotNull();

        Fixtures.Recorder clientApp = new Fixtures.Recorder();
        EmbeddedChannel client = new EmbeddedChannel(clientContext().newHandler(ByteBufAllocator.DEFAULT, Fixtures.HOST, 25), clientApp);
        channels.add(client);
        Fixtures.pump(client, server);
        assertThat(app.completions).hasSize(2).last().isInstanceOf(StartTlsCompletionEvent.Secured.class);
        assertThat(server.pipeline().get(ResumeGuard.class)).as("gone with the completion event").isNull();
        assertThat(server.pipeline().get(LineBasedFrameDecoder.class)).as("a fresh one, installed on the event").isNotNull();
        assertThat(server.pipeline().get(StartTlsServerHandler.class)).isNull();
        assertThat(server.pipeline().get(SslHandler.class)).as("the SslHandler stays").isNotNull();

        client.writeAndFlush(ascii(protocol.firstInsideTls + "\r\n"));
        Fixtures.pump(client, server);

        assertThat(app.lines).containsExactly("plain:" + protocol.handedOver, "plain:" + protocol.startTls,
                "tls:" + protocol.firstInsideTls);
        assertThat(clientApp.received()).isEqualTo(protocol.answer(protocol.firstInsideTls));
        assertThat(app.exceptions).isEmpty();
    }

    @Test
    void aResumedNegotiationPicksTheContextByTheClientHellosServerName() throws Exception {
        app = new RecipeServer(Protocol.SMTP, config(), false, false).serverNames(ServerNamesTest.twoNames(ServerNamesTest.Provider.OPENSSL));
        EmbeddedChannel server = new EmbeddedChannel(new StartTlsServerHandler(config(), Protocol.SMTP.fresh), app);
        channels.add(server);
        drainOutbound(server);
        server.writeInbound(ascii(Protocol.SMTP.handedOver + "\r\n"));
        drainOutbound(server);

        server.writeInbound(ascii("STARTTLS\r\n"));

        assertThat(drainOutbound(server)).startsWith("220 ");
        assertThat(server.pipeline().first()).as("Netty's SniHandler, closest to the socket until the ClientHello")
                .isInstanceOf(SniHandler.class);
        Fixtures.Recorder clientApp = new Fixtures.Recorder();
        SslHandler clientTls = clientContext().newHandler(ByteBufAllocator.DEFAULT, ServerNamesTest.MX, 25);
        EmbeddedChannel client = new EmbeddedChannel(clientTls, clientApp);
        channels.add(client);
        Fixtures.pump(client, server);

        assertThat(app.completions).hasSize(2).last().isInstanceOf(StartTlsCompletionEvent.Secured.class);
        StartTlsCompletionEvent.Secured secured = (StartTlsCompletionEvent.Secured) app.completions.get(1);
        assertThat(ServerNamesTest.certifies(secured.tls().localCertificates().get(0), ServerNamesTest.MX))
                .as("the server's facts: the certificate of the name the client asked for").isTrue();
        assertThat(ServerNamesTest.certifies((X509Certificate) clientTls.engine().getSession().getPeerCertificates()[0], ServerNamesTest.MX)).isTrue();
        assertThat(server.pipeline().get(SniHandler.class)).isNull();
        assertThat(server.pipeline().get(SslHandler.class).engine()).isInstanceOf(ReferenceCountedOpenSslEngine.class);

        client.writeAndFlush(ascii("EHLO c\r\n"));
        Fixtures.pump(client, server);

        assertThat(app.lines).containsExactly("plain:" + Protocol.SMTP.handedOver, "plain:STARTTLS", "tls:EHLO c");
        assertThat(clientApp.received()).isEqualTo(Protocol.SMTP.answer("EHLO c"));
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void aCommandPipelinedBehindStartTlsInTheSamePacketIsNeverDeliveredNorAnswered(Protocol protocol) {
        EmbeddedChannel server = handedOver(protocol);

        server.writeInbound(ascii(protocol.startTls + "\r\n" + protocol.injected + "\r\n"));

        assertInjectionRefused(server, protocol);
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void aPartialLineLeftInTheApplicationsDecoderFailsToo(Protocol protocol) {
        EmbeddedChannel server = handedOver(protocol);

        server.writeInbound(ascii(protocol.startTls + "\r\n" + protocol.injected.substring(0, 6)));

        assertInjectionRefused(server, protocol);
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void linesDecodedToStringsAreCaughtAsWell(Protocol protocol) {
        EmbeddedChannel server = handedOver(protocol, true, false);

        server.writeInbound(ascii(protocol.startTls + "\r\n" + protocol.injected + "\r\n\r\n"));

        assertInjectionRefused(server, protocol);
    }

    @Test
    void plaintextInALaterReadOfTheSameBatchFailsToo() {
        EmbeddedChannel server = handedOver(Protocol.SMTP);

        server.writeInbound(ascii("STARTTLS\r\n"), ascii("RCPT TO:<evil@example.test>\r\n"));

        assertInjectionRefused(server, Protocol.SMTP);
    }

    @Test
    void anEmptyLineBehindStartTlsIsPlaintextToo() {
        EmbeddedChannel server = handedOver(Protocol.SMTP);

        server.writeInbound(ascii("STARTTLS\r\n\r\n"));

        assertInjectionRefused(server, Protocol.SMTP);
    }

    @Test
    void plaintextReachingTheGuardAfterTheGoAheadStillFailsTheNegotiation() {
        EmbeddedChannel server = handedOver(Protocol.SMTP);
        server.writeInbound(ascii("STARTTLS\r\n"));
        assertThat(drainOutbound(server)).isEqualTo("220 2.0.0 Ready to start TLS\r\n");

        // as a handler of the application's that held a line back would deliver it, late
        server.pipeline().context(StartTlsServerHandler.class).fireChannelRead(ascii("RCPT TO:<evil@example.test>"));

        assertThat(app.lines).containsExactly("plain:" + Protocol.SMTP.handedOver, "plain:STARTTLS");
        assertThat(app.completions).last().isInstanceOfSatisfying(StartTlsCompletionEvent.Failed.class,
                failed -> assertThat(failed.failure().reason()).isEqualTo(Reason.PLAINTEXT_INJECTION));
        assertThat(server.isOpen()).isFalse();
    }

    @Test
    void theApplicationsWritesFailWhileTheNegotiationRuns() {
        EmbeddedChannel server = handedOver(Protocol.SMTP, false, true);

        server.writeInbound(ascii("STARTTLS\r\n"));

        assertThat(app.writes).hasSize(2).last().satisfies(f -> assertThat(f.cause())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("negotiation is running"));
        assertThat(drainOutbound(server)).isEqualTo("220 2.0.0 Ready to start TLS\r\n");
    }

    @Test
    void overLoopbackACommandPipelinedBehindStartTlsInOneWriteIsNeitherDeliveredNorAnswered() throws Exception {
        Queue<RecipeServer> apps = new ConcurrentLinkedQueue<>();
        CompletableFuture<StartTlsCompletionEvent> last = new CompletableFuture<>();
        try (NettyInterop.Server server = NettyInterop.startServer(() -> {
            RecipeServer recipe = new RecipeServer(Protocol.SMTP, config(), false, false);
            apps.add(recipe);
            return List.of(new StartTlsServerHandler(config(), Smtp::server), recipe, new ChannelInboundHandlerAdapter() {
                @Override
                public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                    if (evt instanceof StartTlsCompletionEvent.Failed) {
                        last.complete((StartTlsCompletionEvent) evt);
                    }
                }
            });
        }); Socket client = new Socket()) {
            client.connect(server.address(), (int) NettyInterop.IO_TIMEOUT.toMillis());
            client.setSoTimeout((int) NettyInterop.IO_TIMEOUT.toMillis()); // a guard against a hang only
            InputStream in = client.getInputStream();
            assertThat(Renegotiator.readReply(in)).startsWith("220 ");
            client.getOutputStream().write("MAIL FROM:<a@example.test>\r\n".getBytes(StandardCharsets.ISO_8859_1));
            assertThat(Renegotiator.readLine(in)).isEqualTo("250 2.0.0 done: MAIL FROM:<a@example.test>");

            client.getOutputStream().write("STARTTLS\r\nRCPT TO:<evil@example.test>\r\n".getBytes(StandardCharsets.ISO_8859_1));

            assertThat(in.readAllBytes()).as("no go-ahead, no answer: the connection just ends").isEmpty();
            StartTlsCompletionEvent outcome = last.get(NettyInterop.IO_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            assertThat(((StartTlsCompletionEvent.Failed) outcome).failure().reason()).isEqualTo(Reason.PLAINTEXT_INJECTION);
            assertThat(apps).singleElement().satisfies(app -> assertThat(app.lines)
                    .containsExactly("plain:MAIL FROM:<a@example.test>", "plain:STARTTLS"));
        }
    }

    @Test
    void aResumingEntryPointCannotBeAddedByHandNorAFreshOneResumed() {
        assertThatThrownBy(() -> new StartTlsServerHandler(config(), Smtp::serverResuming))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("StartTlsServerHandler.resume");

        EmbeddedChannel server = new EmbeddedChannel(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                io.netty.util.ReferenceCountUtil.release(msg);
                assertThatThrownBy(() -> StartTlsServerHandler.resume(ctx, "STARTTLS", config(), Smtp::server))
                        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("serverResuming");
                StartTlsServerHandler.resume(ctx, "STARTTLS", config(), Smtp::serverResuming);
                assertThatThrownBy(() -> StartTlsServerHandler.resume(ctx, "STARTTLS", config(), Smtp::serverResuming))
                        .isInstanceOf(IllegalStateException.class).hasMessageContaining("already runs");
            }
        });
        channels.add(server);
        server.writeInbound(ascii("STARTTLS"));

        assertThat(drainOutbound(server)).isEqualTo("220 2.0.0 Ready to start TLS\r\n");
    }

    @Test
    void aDecoderCannotResumeForItWouldGoOnDecodingWhatItHolds() {
        EmbeddedChannel server = new EmbeddedChannel(new io.netty.handler.codec.ByteToMessageDecoder() {
            @Override
            protected void decode(ChannelHandlerContext ctx, io.netty.buffer.ByteBuf in, List<Object> out) {
                in.skipBytes(in.readableBytes());
                assertThatThrownBy(() -> StartTlsServerHandler.resume(ctx, "STARTTLS", config(), Smtp::serverResuming))
                        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("after your decoder");
            }
        });
        channels.add(server);

        server.writeInbound(ascii("STARTTLS\r\n"));

        assertThat(server.pipeline().get(StartTlsServerHandler.class)).isNull();
    }
}
