package org.starttls4j.netty.interop;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;
import org.starttls4j.ClientConfig;
import org.starttls4j.ServerConfig;
import org.starttls4j.netty.StartTlsClientHandler;
import org.starttls4j.netty.StartTlsCompletionEvent;
import org.starttls4j.netty.StartTlsServerHandler;
import org.starttls4j.testing.Identity;
import org.starttls4j.testing.interop.ClientReport;
import org.starttls4j.testing.interop.FreePort;
import org.starttls4j.testing.interop.InteropPki;
import org.starttls4j.testing.interop.MailProtocol;
import org.starttls4j.testing.interop.Responder;
import org.starttls4j.testing.interop.StartTlsClients;
import org.starttls4j.testing.interop.StartTlsServers;

/**
 * The Netty adapter behind the shared interop scenarios: {@link #SERVERS} runs a
 * {@link ServerBootstrap} with a {@link StartTlsServerHandler} and the {@link Responder} (as a
 * {@link ResponderHandler}) on every accepted channel; {@link #CLIENTS} connects a
 * {@link Bootstrap} with a {@link StartTlsClientHandler} and offers the scenarios a blocking,
 * line-by-line view of it. One NIO event loop group serves every test in the JVM.
 */
public final class NettyInterop {

    /** How long a connect, a negotiation or a write of the glue may take. */
    public static final Duration IO_TIMEOUT = Duration.ofSeconds(20);

    /** Two NIO loops, daemon threads: shared by every server and client of the tests. */
    public static final EventLoopGroup GROUP = new MultiThreadIoEventLoopGroup(2,
            new DefaultThreadFactory("netty-test", true), NioIoHandler.newFactory());

    /** Netty servers on 127.0.0.1 answering with the responder. */
    public static final StartTlsServers SERVERS = NettyInterop::startServer;

    /**
     * Netty servers whose TLS is BoringSSL ({@code SslProvider.OPENSSL}) instead of the JDK: the
     * scenario's configuration is copied with an engine factory over the same identity.
     */
    public static final StartTlsServers SERVERS_BORINGSSL = (protocol, config, responder) ->
            startServer(protocol, withBoringSsl(config), responder);

    /** Netty clients, with a blocking line view for the scenarios. */
    public static final StartTlsClients CLIENTS = NettyInterop::connect;

    private NettyInterop() {
    }

    /** A server the tests own; also reports what went wrong on its channels. */
    public interface Server extends StartTlsServers.Running {
        /** Exceptions that reached the end of a server pipeline (truncations, broken records…). */
        Queue<Throwable> exceptions();
    }

    /**
     * Starts a server whose channels run {@code handlers} (a {@link StartTlsServerHandler} first).
     *
     * @param handlers makes the handlers of one accepted channel
     * @return the running server
     * @throws IOException when it cannot listen
     */
    public static Server startServer(Supplier<List<ChannelHandler>> handlers) throws IOException {
        ChannelGroup children = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
        Queue<Throwable> exceptions = new ConcurrentLinkedQueue<>();
        ServerBootstrap bootstrap = new ServerBootstrap().group(GROUP).channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        children.add(ch);
                        for (ChannelHandler h : handlers.get()) {
                            ch.pipeline().addLast(h);
                        }
                        ch.pipeline().addLast(new ExceptionSink(exceptions));
                    }
                });
        ChannelFuture bound = bootstrap.bind(new InetSocketAddress(FreePort.LOOPBACK, 0));
        await(bound, "bind");
        Channel listener = bound.channel();
        return new Server() {
            @Override
            public InetSocketAddress address() {
                return (InetSocketAddress) listener.localAddress();
            }

            @Override
            public Queue<Throwable> exceptions() {
                return exceptions;
            }

            @Override
            public void close() {
                listener.close().awaitUninterruptibly(IO_TIMEOUT.toMillis());
                children.close().awaitUninterruptibly(IO_TIMEOUT.toMillis());
            }
        };
    }

    private static StartTlsServers.Running startServer(MailProtocol protocol, ServerConfig config, Responder responder)
            throws IOException {
        return startServer(() -> List.of(new StartTlsServerHandler(config, protocol::server), new ResponderHandler(responder)));
    }

    private static SslContext boringSsl;

    private static synchronized SslContext boringSsl() {
        if (boringSsl == null) {
            Identity id = InteropPki.serverIdentity();
            try {
                boringSsl = SslContextBuilder.forServer(id.key(), id.chain()).sslProvider(SslProvider.OPENSSL).build();
            } catch (SSLException e) {
                throw new IllegalStateException("BoringSSL is not usable", e);
            }
        }
        return boringSsl;
    }

    /** {@code config} with BoringSSL engines presenting the interop identity. */
    static ServerConfig withBoringSsl(ServerConfig config) {
        SslContext context = boringSsl();
        return ServerConfig.builder().policy(config.policy()).hostname(config.hostname()).tlsFloor(config.tlsFloor())
                .capabilitiesBeforeTls(config.capabilitiesBeforeTls()).capabilitiesAfterTls(config.capabilitiesAfterTls())
                .allowAuthBeforeTls(config.allowAuthBeforeTls()).limits(config.limits()).timeouts(config.timeouts())
                .delegatedTasks(config.delegatedTasks())
                .engineFactory((host, port) -> context.newEngine(ByteBufAllocator.DEFAULT))
                .build();
    }

    private static StartTlsClients.Connection connect(MailProtocol protocol, InetSocketAddress address, ClientConfig config)
            throws IOException {
        LineCollector lines = new LineCollector();
        StartTlsClientHandler handler = new StartTlsClientHandler(config, protocol::client);
        ChannelFuture connected = new Bootstrap().group(GROUP).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) IO_TIMEOUT.toMillis())
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(handler, lines);
                    }
                })
                .connect(address);
        await(connected, "connect to " + address);
        StartTlsCompletionEvent outcome;
        try {
            outcome = handler.completionFuture().get(IO_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            connected.channel().close();
            throw new IOException("interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            connected.channel().close();
            throw new IOException("the negotiation did not end within " + IO_TIMEOUT, e);
        }
        ClientReport report = new ClientReport(outcome.events());
        if (outcome instanceof StartTlsCompletionEvent.Failed) {
            connected.channel().closeFuture().awaitUninterruptibly(IO_TIMEOUT.toMillis());
            return new Connection(null, report, lines);
        }
        return new Connection(connected.channel(), report, lines);
    }

    private static void await(ChannelFuture future, String what) throws IOException {
        if (!future.awaitUninterruptibly(IO_TIMEOUT.toMillis())) {
            future.cancel(false);
            throw new IOException(what + " did not complete within " + IO_TIMEOUT);
        }
        if (!future.isSuccess()) {
            throw new IOException(what + " failed", future.cause());
        }
    }

    /** The end of a test server's pipeline: keeps what would otherwise be logged as unhandled. */
    private static final class ExceptionSink extends ChannelInboundHandlerAdapter {
        private final Queue<Throwable> exceptions;

        ExceptionSink(Queue<Throwable> exceptions) {
            this.exceptions = exceptions;
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            exceptions.add(cause);
        }
    }

    /** Puts every byte that reaches the application into a queue, and the end of stream as a marker. */
    private static final class LineCollector extends ChannelInboundHandlerAdapter {
        static final byte[] END = new byte[0];
        final LinkedBlockingQueue<byte[]> chunks = new LinkedBlockingQueue<>();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                ByteBuf buf = (ByteBuf) msg;
                byte[] bytes = new byte[buf.readableBytes()];
                buf.readBytes(bytes);
                if (bytes.length > 0) {
                    chunks.add(bytes);
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            chunks.add(END);
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            chunks.add(END);
            ctx.close();
        }
    }

    /** A negotiated client channel seen line by line, from the test's thread. */
    private static final class Connection implements StartTlsClients.Connection {
        private final Channel channel;
        private final ClientReport report;
        private final LineCollector lines;
        private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
        private byte[] pending = new byte[0];
        private int pendingAt;
        private boolean ended;

        Connection(Channel channel, ClientReport report, LineCollector lines) {
            this.channel = channel;
            this.report = report;
            this.lines = lines;
        }

        @Override
        public ClientReport report() {
            return report;
        }

        @Override
        public void send(String text) throws IOException {
            await(channel().writeAndFlush(Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1)), "write");
        }

        @Override
        public String readLine(Duration timeout) throws IOException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                while (pendingAt < pending.length) {
                    byte b = pending[pendingAt++];
                    if (b == '\n') {
                        byte[] raw = partial.toByteArray();
                        partial.reset();
                        int end = raw.length > 0 && raw[raw.length - 1] == '\r' ? raw.length - 1 : raw.length;
                        return new String(raw, 0, end, StandardCharsets.ISO_8859_1);
                    }
                    partial.write(b);
                }
                if (ended) {
                    throw new IOException("the server closed the connection; unread: " + partial.toString(StandardCharsets.ISO_8859_1));
                }
                channel();
                long left = deadline - System.nanoTime();
                byte[] next;
                try {
                    next = left <= 0 ? null : lines.chunks.poll(left, TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                }
                if (next == null) {
                    throw new IOException("no line within " + timeout + "; partial: " + partial.toString(StandardCharsets.ISO_8859_1));
                }
                if (next == LineCollector.END) {
                    ended = true;
                }
                pending = next;
                pendingAt = 0;
            }
        }

        private Channel channel() throws IOException {
            if (channel == null) {
                throw new IOException("the negotiation failed: " + report.failure().orElseThrow());
            }
            return channel;
        }

        @Override
        public void close() {
            if (channel != null) {
                channel.close().awaitUninterruptibly(IO_TIMEOUT.toMillis());
            }
        }

        @Override
        public String toString() {
            return "NettyInterop.Connection[" + report.describe() + "]";
        }
    }
}
