package org.starttls4j.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslCloseCompletionEvent;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.starttls4j.ClientConfig;
import org.starttls4j.DelegatedTasks;
import org.starttls4j.Failure.Reason;
import org.starttls4j.ServerConfig;
import org.starttls4j.Timeouts;
import org.starttls4j.TlsPolicy;
import org.starttls4j.netty.Fixtures.Engine;
import org.starttls4j.netty.interop.NettyInterop;
import org.starttls4j.netty.interop.ResponderHandler;
import org.starttls4j.netty.testing.Leaks;
import org.starttls4j.smtp.Smtp;
import org.starttls4j.testing.interop.MailProtocol;
import org.starttls4j.testing.interop.Responder;

/**
 * Client and server handlers over real sockets on 127.0.0.1 with Netty's NIO transport
 * ({@code MultiThreadIoEventLoopGroup} + {@code NioIoHandler}): SMTP under REQUIRED,
 * OPPORTUNISTIC and IMPLICIT with the JDK engine and with BoringSSL, the deadline on the real
 * clock, delegated tasks on a thread pool, and truncation.
 */
@ExtendWith(Leaks.Check.class)
class LoopbackSocketTest {

    static final Duration WAIT = Duration.ofSeconds(20);

    /** A client application: on hand-over it sends {@code script}, then keeps what it reads until the channel closes. */
    static final class ScriptedClient extends ChannelInboundHandlerAdapter {
        final CompletableFuture<StartTlsCompletionEvent> completion = new CompletableFuture<>();
        final CompletableFuture<String> closed = new CompletableFuture<>();
        final Queue<Object> events = new ConcurrentLinkedQueue<>();
        final Queue<Throwable> exceptions = new ConcurrentLinkedQueue<>();
        private final String script;
        private final boolean abortWithoutCloseNotify;
        private final ByteArrayOutputStream received = new ByteArrayOutputStream();

        ScriptedClient(String script, boolean abortWithoutCloseNotify) {
            this.script = script;
            this.abortWithoutCloseNotify = abortWithoutCloseNotify;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            events.add(evt);
            if (evt instanceof StartTlsCompletionEvent) {
                completion.complete((StartTlsCompletionEvent) evt);
                if (abortWithoutCloseNotify) {
                    ctx.pipeline().remove(SslHandler.class); // the raw socket, no close_notify
                    ctx.close();
                } else if (!(evt instanceof StartTlsCompletionEvent.Failed)) {
                    ctx.writeAndFlush(Unpooled.copiedBuffer(script, StandardCharsets.ISO_8859_1));
                }
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                ByteBuf buf = (ByteBuf) msg;
                synchronized (received) {
                    buf.readBytes(received, buf.readableBytes());
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            exceptions.add(cause);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            synchronized (received) {
                closed.complete(received.toString(StandardCharsets.ISO_8859_1));
            }
        }
    }

    static Channel connect(InetSocketAddress address, StartTlsClientHandler handler, ChannelInboundHandlerAdapter app) {
        Channel channel = new Bootstrap().group(NettyInterop.GROUP).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(handler, app);
                    }
                })
                .connect(address).syncUninterruptibly().channel();
        return channel;
    }

    static NettyInterop.Server smtpServer(ServerConfig config, Responder responder) throws IOException {
        return NettyInterop.startServer(() -> List.of(new StartTlsServerHandler(config, Smtp::server), new ResponderHandler(responder)));
    }

    static Stream<Arguments> engines() {
        List<Arguments> all = new ArrayList<>();
        for (Engine client : Engine.values()) {
            for (Engine server : Engine.values()) {
                all.add(Arguments.of(client, server));
            }
        }
        return all.stream();
    }

    private static String runClient(InetSocketAddress address, ClientConfig config, ScriptedClient app) throws Exception {
        connect(address, new StartTlsClientHandler(config, Smtp::client), app);
        return app.closed.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    @ParameterizedTest(name = "REQUIRED: client {0}, server {1}")
    @MethodSource("engines")
    void requiredStartTlsOverLoopback(Engine clientEngine, Engine serverEngine) throws Exception {
        ServerConfig config = Fixtures.server(TlsPolicy.REQUIRED, serverEngine).build();
        Responder responder = new Responder(MailProtocol.SMTP, config);
        try (NettyInterop.Server server = smtpServer(config, responder)) {
            ScriptedClient app = new ScriptedClient("MAIL FROM:<a@example.test>\r\nQUIT\r\n", false);

            String received = runClient(server.address(), Fixtures.client(TlsPolicy.REQUIRED, clientEngine).build(), app);

            StartTlsCompletionEvent.Secured secured = (StartTlsCompletionEvent.Secured) app.completion.getNow(null);
            assertThat(secured.tls().protocol()).isEqualTo("TLSv1.3");
            assertThat(secured.capabilities().has("AUTH")).isTrue();
            assertThat(received).isEqualTo("250 2.1.0 Ok\r\n221 2.0.0 Bye\r\n");
            assertThat(app.events).contains(SslCloseCompletionEvent.SUCCESS);
            Responder.ServedSession served = responder.nextSession(WAIT);
            assertThat(served.facts().encrypted()).isTrue();
            assertThat(served.received()).containsExactly("EHLO client.example.test", "MAIL FROM:<a@example.test>", "QUIT");
            assertThat(app.exceptions).isEmpty();
            assertThat(server.exceptions()).isEmpty();
        }
    }

    @ParameterizedTest(name = "IMPLICIT: {0}")
    @EnumSource(Engine.class)
    void implicitTlsOverLoopback(Engine engine) throws Exception {
        ServerConfig config = Fixtures.server(TlsPolicy.IMPLICIT, engine).build();
        Responder responder = new Responder(MailProtocol.SMTP, config);
        try (NettyInterop.Server server = smtpServer(config, responder)) {
            ScriptedClient app = new ScriptedClient("QUIT\r\n", false);

            String received = runClient(server.address(), Fixtures.client(TlsPolicy.IMPLICIT, engine).build(), app);

            assertThat(app.completion.getNow(null)).isInstanceOf(StartTlsCompletionEvent.Secured.class);
            assertThat(received).isEqualTo("221 2.0.0 Bye\r\n");
            assertThat(responder.nextSession(WAIT).firstReceived()).isEqualTo("EHLO client.example.test");
        }
    }

    @ParameterizedTest(name = "OPPORTUNISTIC: {0}")
    @EnumSource(Engine.class)
    void opportunisticTakesTlsWhenOffered(Engine engine) throws Exception {
        ServerConfig config = Fixtures.server(TlsPolicy.OPPORTUNISTIC, engine).build();
        Responder responder = new Responder(MailProtocol.SMTP, config);
        try (NettyInterop.Server server = smtpServer(config, responder)) {
            ScriptedClient app = new ScriptedClient("QUIT\r\n", false);

            String received = runClient(server.address(), Fixtures.client(TlsPolicy.OPPORTUNISTIC, engine).build(), app);

            assertThat(app.completion.getNow(null)).isInstanceOf(StartTlsCompletionEvent.Secured.class);
            assertThat(received).isEqualTo("221 2.0.0 Bye\r\n");
        }
    }

    @Test
    void opportunisticFallsBackToPlaintextWhenTheServerOffersNoTls() throws Exception {
        ServerConfig config = ServerConfig.builder().policy(TlsPolicy.PLAINTEXT_ONLY).hostname(Fixtures.HOST)
                .capabilitiesBeforeTls(Fixtures.SMTP_BEFORE).build();
        Responder responder = new Responder(MailProtocol.SMTP, config);
        try (NettyInterop.Server server = smtpServer(config, responder)) {
            ScriptedClient app = new ScriptedClient("MAIL FROM:<a@example.test>\r\nQUIT\r\n", false);

            String received = runClient(server.address(), Fixtures.client(TlsPolicy.OPPORTUNISTIC), app);

            StartTlsCompletionEvent.Plaintext plain = (StartTlsCompletionEvent.Plaintext) app.completion.getNow(null);
            assertThat(plain.session().fallbackCause()).hasValueSatisfying(f -> assertThat(f.reason()).isEqualTo(Reason.STARTTLS_NOT_OFFERED));
            assertThat(received).isEqualTo("250 2.1.0 Ok\r\n221 2.0.0 Bye\r\n");
            Responder.ServedSession served = responder.nextSession(WAIT);
            assertThat(served.facts().encrypted()).isFalse();
            assertThat(served.received()).containsExactly("MAIL FROM:<a@example.test>", "QUIT");
        }
    }

    @Test
    void requiredClientRefusesAServerWithoutTls() throws Exception {
        ServerConfig config = ServerConfig.builder().policy(TlsPolicy.PLAINTEXT_ONLY).hostname(Fixtures.HOST).build();
        Responder responder = new Responder(MailProtocol.SMTP, config);
        try (NettyInterop.Server server = smtpServer(config, responder)) {
            ScriptedClient app = new ScriptedClient("MAIL FROM:<secret@example.test>\r\n", false);

            String received = runClient(server.address(), Fixtures.client(TlsPolicy.REQUIRED), app);

            StartTlsCompletionEvent.Failed failed = (StartTlsCompletionEvent.Failed) app.completion.getNow(null);
            assertThat(failed.failure().reason()).isEqualTo(Reason.STARTTLS_NOT_OFFERED);
            assertThat(received).isEmpty();
            assertThat(responder.nextFailure(WAIT).failure().reason()).as("the server saw the client leave")
                    .isIn(Reason.SERVICE_CLOSING, Reason.PEER_CLOSED);
        }
    }

    @Test
    void delegatedTasksRunOnAThreadPoolAndTheLoopNeverBlocks() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            ServerConfig config = Fixtures.server(TlsPolicy.REQUIRED, Engine.JDK).delegatedTasks(DelegatedTasks.HAND_TO_CALLER).build();
            Responder responder = new Responder(MailProtocol.SMTP, config);
            List<String> taskThreads = new java.util.concurrent.CopyOnWriteArrayList<>();
            java.util.concurrent.Executor recording = task -> pool.execute(() -> {
                taskThreads.add(Thread.currentThread().getName());
                task.run();
            });
            try (NettyInterop.Server server = NettyInterop.startServer(() -> List.of(
                    new StartTlsServerHandler(config, Smtp::server, recording), new ResponderHandler(responder)))) {
                ScriptedClient app = new ScriptedClient("QUIT\r\n", false);
                ClientConfig clientConfig = Fixtures.client(TlsPolicy.REQUIRED, Engine.JDK).delegatedTasks(DelegatedTasks.HAND_TO_CALLER).build();
                connect(server.address(), new StartTlsClientHandler(clientConfig, Smtp::client, recording), app);

                assertThat(app.closed.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo("221 2.0.0 Bye\r\n");
                assertThat(taskThreads).isNotEmpty().noneMatch(name -> name.startsWith("netty-test"));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aClientThatDropsTlsWithoutCloseNotifyIsReportedAsTruncationOnTheServer() throws Exception {
        ServerConfig config = Fixtures.server(TlsPolicy.REQUIRED, Engine.JDK).build();
        Responder responder = new Responder(MailProtocol.SMTP, config);
        try (NettyInterop.Server server = smtpServer(config, responder)) {
            ScriptedClient app = new ScriptedClient("", true);

            runClient(server.address(), Fixtures.client(TlsPolicy.REQUIRED), app);

            Responder.ServedSession served = responder.nextSession(WAIT);
            assertThat(served.endedBy()).as("Netty's SslCloseCompletionEvent, failed: no close_notify came")
                    .startsWith("truncated:").contains("ClosedChannelException");
            assertThat(server.exceptions()).isEmpty();
        }
    }

    @Test
    void theServersDeadlineRunsOnTheRealClock() throws Exception {
        ServerConfig config = Fixtures.server(TlsPolicy.REQUIRED, Engine.JDK).timeouts(Timeouts.of(Duration.ofMillis(300))).build();
        Responder responder = new Responder(MailProtocol.SMTP, config);
        try (NettyInterop.Server server = smtpServer(config, responder);
             Socket socket = new Socket()) {
            socket.connect(server.address(), (int) WAIT.toMillis());
            socket.setSoTimeout((int) WAIT.toMillis());

            String said = new String(readToEnd(socket.getInputStream()), StandardCharsets.ISO_8859_1);

            assertThat(said).isEqualTo("220 mail.example.test ESMTP starttls4j\r\n421 4.4.2 mail.example.test Error: timeout exceeded\r\n");
            assertThat(responder.nextFailure(WAIT).failure().reason()).isEqualTo(Reason.TIMEOUT);
        }
    }

    private static byte[] readToEnd(InputStream in) throws IOException {
        return in.readAllBytes();
    }
}
