package org.starttls4j.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.DecoderException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.starttls4j.Failure.Reason;
import org.starttls4j.RenegotiationRefusedException;
import org.starttls4j.ServerConfig;
import org.starttls4j.TlsPolicy;
import org.starttls4j.netty.interop.NettyInterop;
import org.starttls4j.netty.interop.ResponderHandler;
import org.starttls4j.netty.testing.Leaks;
import org.starttls4j.smtp.Smtp;
import org.starttls4j.testing.interop.MailProtocol;
import org.starttls4j.testing.interop.Responder;

/**
 * A real TLS 1.2 client (the JDK's {@code SSLSocket}) over 127.0.0.1 renegotiates after STARTTLS
 * against a Netty server: the session ends with {@code RENEGOTIATION_REFUSED}, reported through
 * {@code exceptionCaught} by the {@code SslHandler} the handler left in place; without the
 * renegotiation the same client is answered. Under TLS 1.3 a few KeyUpdates go through and a flood
 * of them ends the session the same way.
 */
@ExtendWith(Leaks.Check.class)
class RenegotiationTest {

    static final long GUARD_SECONDS = 60;
    /** The core's free TLS 1.3 post-handshake episodes in a session (PostHandshake.FREE_IN_SESSION, not exported). */
    static final int FREE_IN_SESSION = 16;

    /** Completes with the first exception that reaches it, on any of the server's channels. */
    @ChannelHandler.Sharable
    static final class FirstException extends ChannelInboundHandlerAdapter {
        final CompletableFuture<Throwable> cause = new CompletableFuture<>();

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable t) {
            cause.complete(t);
            ctx.fireExceptionCaught(t);
        }
    }

    @Test
    void aClientInitiatedRenegotiationEndsTheSessionWithRenegotiationRefused() throws Exception {
        ServerConfig config = Fixtures.server(TlsPolicy.REQUIRED);
        Responder responder = new Responder(MailProtocol.SMTP, config);
        FirstException seen = new FirstException();
        try (NettyInterop.Server server = NettyInterop.startServer(() -> List.of(
                new StartTlsServerHandler(config, Smtp::server), new ResponderHandler(responder), seen))) {

            Renegotiator.Outcome outcome = Renegotiator.run(server.address(), true);

            assertThat(outcome).as("the NOOP after the renegotiation is never answered").isEqualTo(Renegotiator.Outcome.ENDED);
            Throwable cause = seen.cause.get(GUARD_SECONDS, TimeUnit.SECONDS);
            assertThat(cause).as("the SslHandler fires what its engine threw inside a DecoderException")
                    .isInstanceOf(DecoderException.class).cause().isInstanceOf(RenegotiationRefusedException.class);
            assertThat(((RenegotiationRefusedException) cause.getCause()).failure().reason()).isEqualTo(Reason.RENEGOTIATION_REFUSED);
        }
    }

    @Test
    void aServersHelloRequestWhileTheClientStillNegotiatesFailsItWithRenegotiationRefused() throws Exception {
        StartTlsClientHandler handler = new StartTlsClientHandler(Fixtures.client(TlsPolicy.REQUIRED), Smtp::client);
        try (HelloRequestServer server = new HelloRequestServer(Fixtures.jdkServerContext(), true)) {
            Channel channel = new Bootstrap().group(NettyInterop.GROUP).channel(NioSocketChannel.class).handler(handler)
                    .connect(server.address()).syncUninterruptibly().channel();

            StartTlsCompletionEvent event = handler.completionFuture().get(GUARD_SECONDS, TimeUnit.SECONDS);

            assertThat(event).isInstanceOfSatisfying(StartTlsCompletionEvent.Failed.class,
                    failed -> assertThat(failed.failure().reason()).as("not TLS_SESSION_BROKEN").isEqualTo(Reason.RENEGOTIATION_REFUSED));
            assertThat(channel.closeFuture().await(GUARD_SECONDS, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void withServerNamesTheEngineOfThePickedContextRefusesARenegotiationToo() throws Exception {
        ServerConfig config = Fixtures.server(TlsPolicy.REQUIRED);
        Responder responder = new Responder(MailProtocol.SMTP, config);
        FirstException seen = new FirstException();
        try (NettyInterop.Server server = NettyInterop.startServer(() -> {
            try {
                return List.of(new StartTlsServerHandler(config, Smtp::server).serverNames(ServerNamesTest.twoNames(ServerNamesTest.Provider.JDK)),
                        new ResponderHandler(responder), seen);
            } catch (javax.net.ssl.SSLException e) {
                throw new AssertionError(e);
            }
        })) {

            assertThat(Renegotiator.run(server.address(), true)).isEqualTo(Renegotiator.Outcome.ENDED);
            Throwable cause = seen.cause.get(GUARD_SECONDS, TimeUnit.SECONDS);
            assertThat(cause).isInstanceOf(DecoderException.class).cause().isInstanceOf(RenegotiationRefusedException.class);
        }
    }

    @Test
    void underTls13AFewKeyUpdatesAreAnsweredAndAFloodEndsTheSession() throws Exception {
        ServerConfig config = Fixtures.server(TlsPolicy.REQUIRED);
        Responder responder = new Responder(MailProtocol.SMTP, config);
        FirstException seen = new FirstException();
        try (NettyInterop.Server server = NettyInterop.startServer(() -> List.of(
                new StartTlsServerHandler(config, Smtp::server), new ResponderHandler(responder), seen))) {

            assertThat(Renegotiator.run(server.address(), "TLSv1.3", 3)).as("a few: the engine's business")
                    .isEqualTo(Renegotiator.Outcome.ANSWERED);
            assertThat(seen.cause).isNotDone();

            assertThat(Renegotiator.run(server.address(), "TLSv1.3", 10 * FREE_IN_SESSION))
                    .isEqualTo(Renegotiator.Outcome.ENDED);
            Throwable cause = seen.cause.get(GUARD_SECONDS, TimeUnit.SECONDS);
            assertThat(cause).isInstanceOf(DecoderException.class).cause().isInstanceOf(RenegotiationRefusedException.class);
            assertThat(((RenegotiationRefusedException) cause.getCause()).failure().reason()).isEqualTo(Reason.RENEGOTIATION_REFUSED);
            assertThat(cause.getCause()).hasMessageContaining("post-handshake");
        }
    }

    @Test
    void theSameClientWithoutRenegotiatingIsAnswered() throws Exception {
        ServerConfig config = Fixtures.server(TlsPolicy.REQUIRED);
        Responder responder = new Responder(MailProtocol.SMTP, config);
        try (NettyInterop.Server server = NettyInterop.startServer(() -> List.of(
                new StartTlsServerHandler(config, Smtp::server), new ResponderHandler(responder)))) {

            assertThat(Renegotiator.run(server.address(), false)).isEqualTo(Renegotiator.Outcome.ANSWERED);
            assertThat(server.exceptions()).isEmpty();
        }
    }
}
