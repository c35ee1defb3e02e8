package org.starttls4j.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.handler.ssl.SslHandler;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.starttls4j.ClientConfig;
import org.starttls4j.Failure;
import org.starttls4j.ServerConfig;
import org.starttls4j.TlsPolicy;
import org.starttls4j.netty.interop.NettyInterop;
import org.starttls4j.netty.interop.ResponderHandler;
import org.starttls4j.netty.testing.Leaks;
import org.starttls4j.smtp.Smtp;
import org.starttls4j.testing.interop.MailProtocol;
import org.starttls4j.testing.interop.Responder;

/**
 * What BoringSSL engines refuse or bound by themselves after the handshake under the Netty
 * handlers, where Netty's {@code SslHandler} drives them unwrapped (see {@link BoringSsl}), over
 * 127.0.0.1 with the JDK's {@code SSLSocket} as the peer: a TLS 1.2 renegotiation asked of a
 * server is refused by BoringSSL; one asked of a client is refused because the handler turned
 * Netty's renegotiate-once off; TLS 1.3 KeyUpdates end the session at BoringSSL's 33rd in a row.
 */
@ExtendWith(Leaks.Check.class)
class BoringSslPostHandshakeTest {

    static final long GUARD_SECONDS = 60;
    /** BoringSSL's {@code kMaxKeyUpdates} (ssl/tls13_both.cc). */
    static final int MAX_KEY_UPDATES_IN_A_ROW = 32;

    static NettyInterop.Server boringSslServer(RenegotiationTest.FirstException seen) throws Exception {
        Fixtures.requireOpenSsl();
        ServerConfig config = Fixtures.server(TlsPolicy.REQUIRED, Fixtures.Engine.OPENSSL).build();
        Responder responder = new Responder(MailProtocol.SMTP, config);
        return NettyInterop.startServer(() -> List.of(
                new StartTlsServerHandler(config, Smtp::server), new ResponderHandler(responder), seen));
    }

    @Test
    void aBoringSslServerRefusesATls12RenegotiationWithItsNoRenegotiationError() throws Exception {
        RenegotiationTest.FirstException seen = new RenegotiationTest.FirstException();
        try (NettyInterop.Server server = boringSslServer(seen)) {

            assertThat(Renegotiator.run(server.address(), true)).isEqualTo(Renegotiator.Outcome.ENDED);

            Throwable cause = seen.cause.get(GUARD_SECONDS, TimeUnit.SECONDS);
            assertThat(rootSslException(cause)).as("BoringSSL's own refusal, fired by the SslHandler")
                    .hasMessageContaining("NO_RENEGOTIATION");
        }
    }

    @Test
    void aBoringSslServerAnswersThirtyTwoKeyUpdatesInARowAndEndsTheSessionAtTheNext() throws Exception {
        RenegotiationTest.FirstException seen = new RenegotiationTest.FirstException();
        try (NettyInterop.Server server = boringSslServer(seen)) {

            assertThat(Renegotiator.run(server.address(), "TLSv1.3", MAX_KEY_UPDATES_IN_A_ROW))
                    .isEqualTo(Renegotiator.Outcome.ANSWERED);
            assertThat(seen.cause).isNotDone();
            assertThat(Renegotiator.run(server.address(), "TLSv1.3", MAX_KEY_UPDATES_IN_A_ROW + 1))
                    .isEqualTo(Renegotiator.Outcome.ENDED);

            assertThat(rootSslException(seen.cause.get(GUARD_SECONDS, TimeUnit.SECONDS))).hasMessageContaining("TOO_MANY_KEY_UPDATES");
        }
    }

    /** The client's application: sends NOOP once secured, keeps what it reads and the first exception. */
    static final class NoopClient extends ChannelInboundHandlerAdapter {
        final StringBuilder read = new StringBuilder();
        final CompletableFuture<Throwable> failed = new CompletableFuture<>();
        final CompletableFuture<Boolean> unwrappedEngine = new CompletableFuture<>();

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof StartTlsCompletionEvent.Secured) {
                unwrappedEngine.complete(ctx.pipeline().get(SslHandler.class).engine() instanceof ReferenceCountedOpenSslEngine);
                ctx.writeAndFlush(Fixtures.ascii("NOOP\r\n"));
            }
            ctx.fireUserEventTriggered(event);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            read.append(((ByteBuf) msg).toString(StandardCharsets.US_ASCII));
            ((ByteBuf) msg).release();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            failed.complete(cause);
        }
    }

    @Test
    void aBoringSslClientRefusesTheServersRenegotiationWhichNettyWouldAllowOnce() throws Exception {
        Fixtures.requireOpenSsl();
        ClientConfig config = Fixtures.client(TlsPolicy.REQUIRED, Fixtures.Engine.OPENSSL).build();
        NoopClient app = new NoopClient();
        try (HelloRequestServer server = new HelloRequestServer(Fixtures.jdkServerContext(), false)) {
            Channel channel = new Bootstrap().group(NettyInterop.GROUP).channel(NioSocketChannel.class)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new StartTlsClientHandler(config, Smtp::client), app);
                        }
                    })
                    .connect(server.address()).syncUninterruptibly().channel();

            Throwable cause = app.failed.get(GUARD_SECONDS, TimeUnit.SECONDS);
            channel.closeFuture().await(GUARD_SECONDS, TimeUnit.SECONDS);

            assertThat(app.unwrappedEngine.getNow(false)).as("BoringSSL's engine, driven natively").isTrue();
            assertThat(rootSslException(cause)).hasMessageContaining("NO_RENEGOTIATION");
            assertThat(app.read.toString()).as("the answer after the HelloRequest never arrives").isEmpty();
            assertThat(channel.isOpen()).isFalse();
        }
    }

    @Test
    void aBoringSslClientsRefusalWhileItStillNegotiatesIsRenegotiationRefused() throws Exception {
        Fixtures.requireOpenSsl();
        StartTlsClientHandler handler = new StartTlsClientHandler(Fixtures.client(TlsPolicy.REQUIRED, Fixtures.Engine.OPENSSL).build(), Smtp::client);
        try (HelloRequestServer server = new HelloRequestServer(Fixtures.jdkServerContext(), true)) {
            Channel channel = new Bootstrap().group(NettyInterop.GROUP).channel(NioSocketChannel.class).handler(handler)
                    .connect(server.address()).syncUninterruptibly().channel();

            StartTlsCompletionEvent event = handler.completionFuture().get(GUARD_SECONDS, TimeUnit.SECONDS);

            assertThat(event).isInstanceOfSatisfying(StartTlsCompletionEvent.Failed.class, failed -> {
                assertThat(failed.failure().reason()).as("BoringSSL's NO_RENEGOTIATION, not TLS_SESSION_BROKEN")
                        .isEqualTo(Failure.Reason.RENEGOTIATION_REFUSED);
                assertThat(failed.failure().message()).contains("NO_RENEGOTIATION");
            });
            assertThat(channel.closeFuture().await(GUARD_SECONDS, TimeUnit.SECONDS)).isTrue();
        }
    }

    /** The innermost {@link SSLException} in {@code t}'s causes. */
    static Throwable rootSslException(Throwable t) {
        Throwable found = null;
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SSLException) {
                found = c;
            }
        }
        assertThat(found).as("an SSLException among the causes of " + t).isNotNull();
        return found;
    }
}
