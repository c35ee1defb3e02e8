package org.starttls4j.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.ssl.SslHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.starttls4j.ClientConfig;
import org.starttls4j.Negotiation;
import org.starttls4j.ServerConfig;
import org.starttls4j.netty.StartTlsClientHandler;
import org.starttls4j.netty.StartTlsCompletionEvent;
import org.starttls4j.netty.StartTlsServerHandler;
import org.starttls4j.nio.NegotiatedChannel;
import org.starttls4j.nio.NioClient;
import org.starttls4j.nio.NioServer;
import org.starttls4j.smtp.PreparedSmtpServer;
import org.starttls4j.smtp.Smtp;

/**
 * Benchmark 3: whole SMTP STARTTLS negotiations over loopback TCP, through each adapter, beside a
 * plain Netty pipeline that does the same dialog with Netty's own {@link SslHandler} (line decoder,
 * EHLO, STARTTLS, {@code SslHandler} added in front, EHLO again: the way Netty users do it today).
 *
 * <p>One operation is one connection: connect, greeting, EHLO, STARTTLS, handshake, EHLO inside
 * TLS and its reply, both ends secured, the client closes (close_notify), the server follows. {@code connections1} runs one connection at a time,
 * {@code connections64} keeps 64 in flight (64 JMH threads, each waiting for its own). Every
 * variant uses the same {@code SSLEngine}s from the same contexts (TLS 1.3, ECDSA P-256,
 * chain and host name checked, no resumption): the JDK's, or with {@code engine=boringssl}
 * Netty's BoringSSL engines ({@link Fixture.Engine#BORINGSSL}, as in benchmarks 1 and 2), and the
 * same client and server each time:
 * <ul>
 * <li>{@code nio}: {@link NioServer} with its default selector loops (one per processor: loop 0
 *     accepts and deals the connections out; the application answers the EHLO inside TLS on a
 *     worker) and {@link NioClient} (blocking, one call per connection);</li>
 * <li>{@code netty}: {@link StartTlsServerHandler} and {@link StartTlsClientHandler}, one event
 *     loop thread each;</li>
 * <li>{@code sslhandler}: the plain Netty pipeline, one event loop thread each.</li>
 * </ul>
 *
 * <p>Two system properties vary the servers' threads for a like-for-like reading:
 * {@code -Dstarttls4j.bench.nioLoops} sets {@code NioServer}'s selector loops (e.g. 1, as before it had several),
 * {@code -Dstarttls4j.bench.nettyServerLoops} the Netty servers' event loops (default 1). Two more make the
 * NIO pair do what the pipeline does, for the like-for-like row: {@code -Dstarttls4j.bench.nioApp=loop} answers
 * the sessions on one selector thread ({@link NioIdleSessions}) rather than a blocking worker each, {@code -Dstarttls4j.bench.nioCloseWait=false}
 * closes the client without waiting for the server's {@code close_notify}, as {@code SslHandler} closes, and
 * {@code -Dstarttls4j.bench.nioClient=loop} makes the client one selector thread driving every connection
 * ({@link NioLoopClient}, which never waits for the server's {@code close_notify}) rather than a blocking thread each.
 */
@Warmup(iterations = 3, time = 2)
public class AdapterLoopbackBenchmark extends HandshakeBenchmark {

    private static final long TIMEOUT_SECONDS = 30;

    /** System property: {@code NioServer}'s selector loops; unset, its default. */
    static final String NIO_LOOPS = "starttls4j.bench.nioLoops";

    /** System property: the event loops of the Netty servers ({@code netty}, {@code sslhandler}); default 1. */
    static final String NETTY_SERVER_LOOPS = "starttls4j.bench.nettyServerLoops";

    /**
     * System property: {@code loop} answers the NIO server's sessions on one selector thread
     * ({@link NioIdleSessions}, the scale run's application), as the pipeline's server answers on its
     * event loop; unset, a blocking worker per session, as {@code NioServer}'s Javadoc shows.
     */
    static final String NIO_APP = "starttls4j.bench.nioApp";

    /**
     * System property: {@code false} closes the NIO client without waiting for the server's
     * {@code close_notify} ({@code closeTimeout(Duration.ZERO)}), as the pipeline's client closes
     * ({@code SslHandler} does not wait for it); unset, the adapter's default wait.
     */
    static final String NIO_CLOSE_WAIT = "starttls4j.bench.nioCloseWait";

    /**
     * System property: {@code loop} makes the NIO pair's client one selector thread driving every connection
     * ({@link NioLoopClient}), as the pipeline's client is one event loop; unset, {@code NioClient}, blocking,
     * a thread per connection.
     */
    static final String NIO_CLIENT = "starttls4j.bench.nioClient";

    /** The servers and clients of one variant, shared by all benchmark threads. */
    @State(Scope.Benchmark)
    public static class Loopback {

        /** {@code nio}, {@code netty} or {@code sslhandler} (the baseline). */
        @Param({"sslhandler", "nio", "netty"})
        public String server;

        /** {@code jdk} or {@code boringssl} (Netty's BoringSSL engine, issue 16): the same for all three servers and the client. */
        @Param({"jdk", "boringssl"})
        public String engine;

        /** {@code NioServer}'s selector loops when above 0 ({@code InterleavedRate loops} sets it); else the property's, else its default. */
        int nioLoops;

        private Fixture fixture;
        private ClientConfig clientConfig;
        private ServerConfig serverConfig;
        private byte[] ehloBeforeTls;
        private byte[] ehloAfterTls;
        private InetSocketAddress address;
        private NioServer nioServer;
        private NioClient nioClient;
        private ExecutorService workers;
        private NioIdleSessions answerLoop;
        private NioLoopClient loopClient;
        private EventLoopGroup serverLoop;
        private EventLoopGroup clientLoop;
        private Channel listener;
        private Bootstrap client;
        private final AtomicLong negotiations = new AtomicLong();
        private final AtomicLong serverFailures = new AtomicLong();
        private long handshakesBefore;

        /** Starts the server and prepares the client. */
        @Setup(Level.Trial)
        public void start() throws Exception {
            fixture = new Fixture(Pki.KeyType.EC_P256, "TLSv1.3", Fixture.Engine.of(engine));
            clientConfig = fixture.clientConfig();
            serverConfig = fixture.serverConfig(MailProtocol.SMTP);
            ehloAfterTls = SmtpByHand.ehloAfterTls(serverConfig);
            ehloBeforeTls = SmtpByHand.ehloBeforeTls(serverConfig);
            // prepared once, as a server accepting many connections does: the adapters ask per connection
            PreparedSmtpServer smtp = PreparedSmtpServer.of(serverConfig);
            java.util.function.Function<ServerConfig, Negotiation> smtpServers = c -> smtp.negotiation();
            InetSocketAddress any = new InetSocketAddress("127.0.0.1", 0);
            switch (server) {
                case "nio":
                    workers = Executors.newCachedThreadPool(daemon("bench-nio-app"));
                    java.util.function.Consumer<NegotiatedChannel> app = channel -> workers.execute(() -> answerEhlo(channel));
                    if ("loop".equals(System.getProperty(NIO_APP))) {
                        answerLoop = new NioIdleSessions(ehloAfterTls);
                        app = answerLoop::add;
                    }
                    NioServer.Builder nio = NioServer.builder(serverConfig, smtpServers).bind(any)
                            .onSession(app)
                            .onFailure((peer, report) -> serverFailures.incrementAndGet());
                    int loops = nioLoops > 0 ? nioLoops : Integer.getInteger(NIO_LOOPS, 0);
                    if (loops > 0) {
                        nio.selectorThreads(loops);
                    }
                    nioServer = nio.start();
                    address = nioServer.localAddress();
                    if ("loop".equals(System.getProperty(NIO_CLIENT))) {
                        loopClient = new NioLoopClient(address, clientConfig);
                    }
                    nioClient = Boolean.parseBoolean(System.getProperty(NIO_CLOSE_WAIT, "true")) ? NioClient.create()
                            : NioClient.builder().closeTimeout(java.time.Duration.ZERO).build();
                    break;
                case "netty":
                case "sslhandler":
                    serverLoop = new MultiThreadIoEventLoopGroup(Integer.getInteger(NETTY_SERVER_LOOPS, 1), daemon("bench-server-loop"), NioIoHandler.newFactory());
                    clientLoop = new MultiThreadIoEventLoopGroup(1, daemon("bench-client-loop"), NioIoHandler.newFactory());
                    boolean plain = server.equals("sslhandler");
                    listener = new ServerBootstrap().group(serverLoop).channel(NioServerSocketChannel.class)
                            .option(ChannelOption.SO_BACKLOG, 1024)
                            .childHandler(new ChannelInitializer<SocketChannel>() {
                                @Override
                                protected void initChannel(SocketChannel ch) {
                                    if (plain) {
                                        ch.pipeline().addLast(new LineBasedFrameDecoder(1000), new SmtpByHand.Server(fixture::bareServerEngine,
                                                ehloBeforeTls, ehloAfterTls, () -> { }, serverFailures::incrementAndGet));
                                    } else {
                                        ch.pipeline().addLast(new StartTlsServerHandler(serverConfig, smtpServers),
                                                new SecuredEhloAnswer(ehloAfterTls, () -> { }, serverFailures::incrementAndGet));
                                    }
                                }
                            })
                            .bind(any).sync().channel();
                    address = (InetSocketAddress) listener.localAddress();
                    client = new Bootstrap().group(clientLoop).channel(NioSocketChannel.class);
                    break;
                default:
                    throw new IllegalArgumentException(server);
            }
            negotiate(); // one to check the whole path before timing
            handshakesBefore = fixture.fullHandshakes();
            negotiations.set(0);
        }

        /** Stops everything; fails the run if a handshake was resumed or a server end failed. */
        @TearDown(Level.Trial)
        public void stop() throws Exception {
            long full = fixture.fullHandshakes() - handshakesBefore;
            if (nioServer != null) {
                if (loopClient != null) {
                    loopClient.close();
                }
                nioServer.close();
                workers.shutdownNow();
                if (answerLoop != null) {
                    answerLoop.close();
                    // every negotiation timed had its EHLO answered, the one before the timing too
                    if (answerLoop.failures() != 0 || answerLoop.answered() <= negotiations.get()) {
                        serverFailures.addAndGet(Math.max(1, answerLoop.failures()));
                    }
                }
            }
            if (listener != null) {
                listener.close().sync();
                serverLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
                clientLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
            }
            if (full != negotiations.get()) {
                throw new IllegalStateException(negotiations.get() + " negotiations but " + full + " full handshakes");
            }
            if (serverFailures.get() != 0) {
                throw new IllegalStateException(serverFailures.get() + " server ends failed");
            }
        }

        /** The engines every end of this variant uses. */
        Fixture.Engine engine() {
            return fixture.engine();
        }

        /** One connection, negotiated to the end on both sides, then closed. */
        Object negotiate() throws Exception {
            Object result;
            switch (server) {
                case "nio":
                    if (loopClient != null) {
                        result = loopClient.negotiate(TIMEOUT_SECONDS);
                        break;
                    }
                    NegotiatedChannel channel = nioClient.connect(address, clientConfig, Smtp::client);
                    if (!channel.isEncrypted()) {
                        throw new IllegalStateException("not encrypted");
                    }
                    result = channel.report();
                    channel.close();
                    break;
                case "netty":
                    result = viaNetty(new NettyClientApp(), ch -> ch.pipeline().addLast(
                            new StartTlsClientHandler(clientConfig, Smtp::client)));
                    break;
                default:
                    result = viaNetty(new SmtpByHand.Client(fixture::bareClientEngine, true), ch -> ch.pipeline().addLast(new LineBasedFrameDecoder(1000)));
                    break;
            }
            negotiations.incrementAndGet();
            return result;
        }

        private Object viaNetty(SmtpByHand.ClientApp app, java.util.function.Consumer<SocketChannel> front) throws Exception {
            Channel ch = client.clone().handler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel c) {
                    front.accept(c);
                    c.pipeline().addLast(app);
                }
            }).connect(address).sync().channel();
            Object result = app.done.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            ch.closeFuture().await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            return result;
        }

        /** The NIO server's application: reads the EHLO sent inside TLS, answers it, closes. */
        private void answerEhlo(NegotiatedChannel channel) {
            try (channel) {
                channel.configureBlocking(true);
                ByteBuffer in = ByteBuffer.allocate(512);
                while (!endsWithCrlf(in)) {
                    if (channel.read(in) < 0) {
                        throw new IOException("end of stream before EHLO");
                    }
                }
                ByteBuffer reply = ByteBuffer.wrap(ehloAfterTls);
                while (reply.hasRemaining()) {
                    channel.write(reply);
                }
                // The client closes first, as a client that got what it wanted does.
                in.clear();
                while (channel.read(in) >= 0) {
                    in.clear();
                }
            } catch (IOException | RuntimeException e) {
                serverFailures.incrementAndGet();
            }
        }

        /** The client behind {@link StartTlsClientHandler}: done at the completion event. */
        private static final class NettyClientApp extends SmtpByHand.ClientApp {
            NettyClientApp() {
                super(true);
            }

            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                if (evt instanceof StartTlsCompletionEvent.Secured) {
                    finish(ctx, evt);
                } else if (evt instanceof StartTlsCompletionEvent) {
                    fail(ctx, new IllegalStateException(evt.toString()));
                }
            }

            @Override
            protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
                // nothing is expected after the negotiation
            }
        }

        private static boolean endsWithCrlf(ByteBuffer b) {
            int p = b.position();
            return p >= 2 && b.get(p - 2) == '\r' && b.get(p - 1) == '\n';
        }

        private static java.util.concurrent.ThreadFactory daemon(String name) {
            AtomicLong n = new AtomicLong();
            return r -> {
                Thread t = new Thread(r, name + "-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            };
        }
    }

    /** One connection at a time. */
    @Benchmark
    @Threads(1)
    public Object connections1(Loopback loopback) throws Exception {
        return loopback.negotiate();
    }

    /** 64 connections in flight at every moment. */
    @Benchmark
    @Threads(64)
    public Object connections64(Loopback loopback) throws Exception {
        return loopback.negotiate();
    }
}
