package org.starttls4j.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.starttls4j.ClientConfig;
import org.starttls4j.ServerConfig;
import org.starttls4j.Timeouts;
import org.starttls4j.TlsPolicy;
import org.starttls4j.netty.interop.NettyInterop;
import org.starttls4j.netty.interop.ResponderHandler;
import org.starttls4j.netty.testing.Leaks;
import org.starttls4j.smtp.Smtp;
import org.starttls4j.testing.interop.MailProtocol;
import org.starttls4j.testing.interop.Responder;

/**
 * 1,000 SMTP clients connect at once to one Netty server: every negotiation is secured on both
 * ends, every client gets its reply and a clean close, nothing is lost, nothing leaks (the leak
 * detector is at PARANOID, as for every test here). Both ends use BoringSSL: a thousand JDK
 * handshakes cost more CPU than this suite's budget on a small machine; the JDK engine is covered
 * over sockets by {@link LoopbackSocketTest}.
 */
@ExtendWith(Leaks.Check.class)
class LoadTest {

    static final int CONNECTIONS = 1_000;
    static final Duration WAIT = Duration.ofSeconds(120);

    @Test
    void aThousandConcurrentNegotiationsAllComplete() throws Exception {
        ServerConfig config = Fixtures.server(TlsPolicy.REQUIRED, Fixtures.Engine.OPENSSL).timeouts(Timeouts.of(WAIT)).build();
        ClientConfig clientConfig = Fixtures.client(TlsPolicy.REQUIRED, Fixtures.Engine.OPENSSL).timeouts(Timeouts.of(WAIT)).build();
        Responder responder = new Responder(MailProtocol.SMTP, config);
        Map<String, AtomicInteger> serverOutcomes = new ConcurrentHashMap<>();
        AtomicInteger serverClosed = new AtomicInteger();
        Map<String, AtomicInteger> clientOutcomes = new ConcurrentHashMap<>();
        Queue<String> clientTranscripts = new ConcurrentLinkedQueue<>();
        Queue<Throwable> clientExceptions = new ConcurrentLinkedQueue<>();
        CountDownLatch clientsClosed = new CountDownLatch(CONNECTIONS);
        Queue<StartTlsHandler> clientHandlers = new ConcurrentLinkedQueue<>();
        Queue<StartTlsHandler> serverHandlers = new ConcurrentLinkedQueue<>();

        try (NettyInterop.Server server = NettyInterop.startServer(() -> List.of(
                track(serverHandlers, new StartTlsServerHandler(config, Smtp::server)), new ResponderHandler(responder),
                new Counting(serverOutcomes, serverClosed)))) {
            Bootstrap bootstrap = new Bootstrap().group(NettyInterop.GROUP).channel(NioSocketChannel.class)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            StartTlsClientHandler h = new StartTlsClientHandler(clientConfig, Smtp::client);
                            clientHandlers.add(h);
                            ch.pipeline().addLast(h,
                                    new QuitClient(clientOutcomes, clientTranscripts, clientExceptions, clientsClosed));
                        }
                    });
            for (int i = 0; i < CONNECTIONS; i++) {
                bootstrap.connect(server.address()).addListener(f -> {
                    if (!f.isSuccess()) {
                        clientExceptions.add(f.cause());
                        clientsClosed.countDown();
                    }
                });
            }

            boolean done = clientsClosed.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(done).as("every client finished; %s left; client handlers by state %s, server handlers %s",
                    clientsClosed.getCount(), byState(clientHandlers), byState(serverHandlers)).isTrue();
            assertThat(clientExceptions).isEmpty();
            assertThat(count(clientOutcomes, "Secured")).as("clients: %s", clientOutcomes).isEqualTo(CONNECTIONS);
            assertThat(clientTranscripts).hasSize(CONNECTIONS).allMatch("221 2.0.0 Bye\r\n"::equals);
            for (int i = 0; i < CONNECTIONS; i++) {
                Responder.ServedSession served = responder.nextSession(WAIT);
                assertThat(served.received()).containsExactly("EHLO client.example.test", "QUIT");
            }
            assertThat(count(serverOutcomes, "Secured")).as("server: %s", serverOutcomes).isEqualTo(CONNECTIONS);
            assertThat(responder.opened()).isEqualTo(CONNECTIONS);
            assertThat(responder.pendingFailures()).isEmpty();
            assertThat(server.exceptions()).isEmpty();
        }
        assertThat(serverClosed.get()).as("every server channel closed").isEqualTo(CONNECTIONS);
    }

    private static Map<String, Integer> byState(Queue<StartTlsHandler> handlers) {
        Map<String, Integer> states = new TreeMap<>();
        handlers.forEach(h -> states.merge(h.state(), 1, Integer::sum));
        return states;
    }

    private static <T> T track(Queue<? super T> all, T one) {
        all.add(one);
        return one;
    }

    private static int count(Map<String, AtomicInteger> outcomes, String kind) {
        AtomicInteger n = outcomes.get(kind);
        return n == null ? 0 : n.get();
    }

    /** Counts the server's completion events and closed channels. */
    private static final class Counting extends ChannelInboundHandlerAdapter {
        private final Map<String, AtomicInteger> outcomes;
        private final AtomicInteger closed;

        Counting(Map<String, AtomicInteger> outcomes, AtomicInteger closed) {
            this.outcomes = outcomes;
            this.closed = closed;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof StartTlsCompletionEvent) {
                outcomes.computeIfAbsent(evt.getClass().getSimpleName(), k -> new AtomicInteger()).incrementAndGet();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            closed.incrementAndGet();
        }
    }

    /** Says QUIT once secured and keeps the reply. */
    private static final class QuitClient extends ChannelInboundHandlerAdapter {
        private final Map<String, AtomicInteger> outcomes;
        private final Queue<String> transcripts;
        private final Queue<Throwable> exceptions;
        private final CountDownLatch closed;
        private final StringBuilder received = new StringBuilder();

        QuitClient(Map<String, AtomicInteger> outcomes, Queue<String> transcripts, Queue<Throwable> exceptions, CountDownLatch closed) {
            this.outcomes = outcomes;
            this.transcripts = transcripts;
            this.exceptions = exceptions;
            this.closed = closed;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof StartTlsCompletionEvent) {
                outcomes.computeIfAbsent(evt.getClass().getSimpleName(), k -> new AtomicInteger()).incrementAndGet();
                if (evt instanceof StartTlsCompletionEvent.Secured) {
                    ctx.writeAndFlush(Unpooled.copiedBuffer("QUIT\r\n", StandardCharsets.ISO_8859_1));
                }
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                received.append(((ByteBuf) msg).toString(StandardCharsets.ISO_8859_1));
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            exceptions.add(cause);
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            transcripts.add(received.toString());
            closed.countDown();
        }
    }
}
