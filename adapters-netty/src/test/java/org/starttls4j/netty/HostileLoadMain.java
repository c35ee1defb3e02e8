package org.starttls4j.netty;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.ReferenceCountUtil;
import javax.net.ssl.SSLEngine;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.starttls4j.ClientConfig;
import org.starttls4j.Failure;
import org.starttls4j.Limits;
import org.starttls4j.RenegotiationRefusedException;
import org.starttls4j.ServerConfig;
import org.starttls4j.TlsPolicy;
import org.starttls4j.smtp.Smtp;
import org.starttls4j.testing.TestPki;

/**
 * The server side of {@link HostileLoadTest}, run in a JVM of its own with a small heap and
 * unpooled heap buffers (so that Netty's buffers are part of the live heap measured): a Netty SMTP
 * server with the library's defaults faces, at once, {@value #IDLE} connections that never send a
 * byte, {@value #SPAMMERS} that send {@value #SPAM_BYTES} bytes of {@code EHLO} with a tiny
 * receive window and never read (and as many against a server whose command cap is raised out of
 * the way), {@value #LOITERERS} one command short of the cap with a partial line, {@value #STALLERS}
 * stalled mid-handshake, {@value #RENEGOTIATORS} TLS 1.2 clients that renegotiate, and
 * {@value #HONEST} honest clients. It prints {@code RESULT name=value} lines: the live heap each
 * idle and each spamming connection costs, how many honest clients were secured and answered, and
 * how many renegotiations were refused. Every wait is a latch or a future, guarded against a hang.
 */
final class HostileLoadMain {

    static final int IDLE = 300;
    static final int SPAMMERS = 200;
    static final int LOITERERS = 200;
    static final int STALLERS = 100;
    static final int RENEGOTIATORS = 10;
    static final int HONEST = 20;
    static final int SPAM_BYTES = 64 * 1024;
    static final long GUARD_SECONDS = 240;

    /** What a hostile connection of a phase does. */
    enum Kind {
        /** 64 KiB of EHLO, a tiny receive window, never reads. */
        SPAM,
        /** One command short of the cap, then most of a line without its end; never reads. */
        LOITER,
        /** EHLO, STARTTLS, a ClientHello, then nothing: the server holds an engine mid-handshake. */
        STALL
    }

    /** The current phase, taken by the probes of the connections accepted during it. */
    private static volatile Phase phase;

    /** A phase: which kind of connection, and the latch its connections count down once settled. */
    record Phase(Kind kind, CountDownLatch settled) {
    }

    private HostileLoadMain() {
    }

    public static void main(String[] args) throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        ServerConfig config = Fixtures.server(TlsPolicy.REQUIRED); // the library's limits and timeouts
        NegotiationCapacity capacity = NegotiationCapacity.of(2_000);
        Queue<Failure.Reason> refusals = new ConcurrentLinkedQueue<>();
        List<Socket> sockets = new ArrayList<>();
        ExecutorService threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r);
            t.setDaemon(true);
            return t;
        });
        try {
            InetSocketAddress address = listen(group, config, capacity, refusals);
            // The same server with the command cap raised out of the way: the adapter's own
            // back-pressure is then all that bounds what an amplifying client makes it hold.
            InetSocketAddress uncapped = listen(group, Fixtures.server(TlsPolicy.REQUIRED, Fixtures.Engine.JDK)
                    .limits(Limits.DEFAULT.withMaxCommandsBeforeTls(1_000_000)).build(), capacity, refusals);

            for (int i = 0; i < 3; i++) { // loads and warms what every session uses
                require(honest(group, address).get(GUARD_SECONDS, TimeUnit.SECONDS), "a warm-up session was not secured");
            }
            long baseline = liveHeap();

            for (int i = 0; i < IDLE; i++) {
                Socket idle = new Socket();
                sockets.add(idle);
                idle.connect(address);
                idle.setSoTimeout((int) TimeUnit.SECONDS.toMillis(GUARD_SECONDS));
                String greeting = Renegotiator.readLine(idle.getInputStream());
                require(greeting != null && greeting.startsWith("220 "), "an idle client was not greeted: " + greeting);
            }
            long withIdle = liveHeap();

            long withSpam = settle(SPAMMERS, Kind.SPAM, address, sockets, threads);
            long withLoiterers = settle(LOITERERS, Kind.LOITER, address, sockets, threads);
            long withStallers = settle(STALLERS, Kind.STALL, address, sockets, threads);
            long withUncapped = settle(SPAMMERS, Kind.SPAM, uncapped, sockets, threads);

            List<Future<Renegotiator.Outcome>> renegotiations = new ArrayList<>();
            for (int i = 0; i < RENEGOTIATORS; i++) {
                renegotiations.add(threads.submit(() -> Renegotiator.run(address, true)));
            }
            List<CompletableFuture<Boolean>> sessions = new ArrayList<>();
            for (int i = 0; i < HONEST; i++) {
                sessions.add(honest(group, address));
            }
            int secured = 0;
            for (CompletableFuture<Boolean> s : sessions) {
                secured += s.get(GUARD_SECONDS, TimeUnit.SECONDS) ? 1 : 0;
            }
            int ended = 0;
            for (Future<Renegotiator.Outcome> r : renegotiations) {
                ended += r.get(GUARD_SECONDS, TimeUnit.SECONDS) == Renegotiator.Outcome.ENDED ? 1 : 0;
            }

            System.out.println("RESULT baselineBytes=" + baseline);
            System.out.println("RESULT idleBytesPerConnection=" + (withIdle - baseline) / IDLE);
            System.out.println("RESULT spamBytesPerConnection=" + (withSpam - withIdle) / SPAMMERS);
            System.out.println("RESULT loiterBytesPerConnection=" + (withLoiterers - withSpam) / LOITERERS);
            System.out.println("RESULT stallBytesPerConnection=" + (withStallers - withLoiterers) / STALLERS);
            System.out.println("RESULT uncappedSpamBytesPerConnection=" + (withUncapped - withStallers) / SPAMMERS);
            System.out.println("RESULT honestSecuredAndAnswered=" + secured);
            System.out.println("RESULT renegotiationsEnded=" + ended);
            System.out.println("RESULT renegotiationsRefusedByServer="
                    + refusals.stream().filter(r -> r == Failure.Reason.RENEGOTIATION_REFUSED).count());
            System.out.flush();
        } finally {
            for (Socket s : sockets) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // closing what the test opened; nothing to report
                }
            }
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
        }
        System.exit(0);
    }

    private static InetSocketAddress listen(EventLoopGroup group, ServerConfig config, NegotiationCapacity capacity,
                                            Queue<Failure.Reason> refusals) throws InterruptedException {
        Channel listener = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 4096)
                // A small kernel send buffer, so that unread answers pile up where the heap sees them.
                .childOption(ChannelOption.SO_SNDBUF, 4096)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new Probe(phase), new StartTlsServerHandler(config, Smtp::server, capacity),
                                new Answerer(refusals));
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        return (InetSocketAddress) listener.localAddress();
    }

    private static void require(boolean condition, String why) {
        if (!condition) {
            System.out.println("FAILED " + why);
            System.out.flush();
            System.exit(2);
        }
    }

    /** Live heap after full collections (the child runs the serial collector, whose System.gc is one). */
    static long liveHeap() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        Runtime runtime = Runtime.getRuntime();
        return runtime.totalMemory() - runtime.freeMemory();
    }

    /** Opens {@code count} connections of {@code kind}, waits until the server took what it will take of each; the live heap then. */
    private static long settle(int count, Kind kind, InetSocketAddress address, List<Socket> sockets, ExecutorService threads)
            throws Exception {
        CountDownLatch settled = new CountDownLatch(count);
        phase = new Phase(kind, settled);
        for (int i = 0; i < count; i++) {
            Socket socket = new Socket();
            sockets.add(socket);
            socket.setReceiveBufferSize(1024); // a tiny window
            socket.connect(address);
            socket.setSoTimeout((int) TimeUnit.SECONDS.toMillis(GUARD_SECONDS));
            threads.execute(() -> behave(kind, socket));
        }
        require(settled.await(GUARD_SECONDS, TimeUnit.SECONDS), settled.getCount() + " " + kind + " connections never settled");
        phase = null;
        return liveHeap();
    }

    private static void behave(Kind kind, Socket socket) {
        try {
            OutputStream out = socket.getOutputStream();
            switch (kind) {
                case SPAM -> {
                    byte[] chunk = "EHLO x\r\n".repeat(1024).getBytes(StandardCharsets.ISO_8859_1);
                    for (int sent = 0; sent < SPAM_BYTES; sent += chunk.length) {
                        out.write(chunk); // blocks for good once the server stops reading
                    }
                }
                case LOITER -> out.write(("EHLO x\r\n".repeat(Limits.DEFAULT_MAX_COMMANDS_BEFORE_TLS - 1)
                        + "NOOP " + "x".repeat(Limits.DEFAULT.maxLineLength() - 10)).getBytes(StandardCharsets.ISO_8859_1));
                case STALL -> {
                    InputStream in = socket.getInputStream();
                    out.write("EHLO x\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    Renegotiator.readReply(in); // the greeting
                    Renegotiator.readReply(in); // the EHLO reply
                    out.write("STARTTLS\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    Renegotiator.readReply(in); // the go-ahead
                    out.write(clientHello());
                }
            }
            out.flush();
        } catch (IOException closedByTheServer) {
            // the server ended the connection: that is one of the outcomes measured
        }
    }

    private static byte[] clientHello() throws IOException {
        SSLEngine engine = TestPki.clientContextTrusting(TestPki.ca(Fixtures.KEY_TYPE)).createSSLEngine(Fixtures.HOST, 25);
        engine.setUseClientMode(true);
        ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        engine.wrap(ByteBuffer.allocate(0), out);
        out.flip();
        byte[] hello = new byte[out.remaining()];
        out.get(hello);
        return hello;
    }

    /** An honest client: secured, QUIT answered. */
    private static CompletableFuture<Boolean> honest(EventLoopGroup group, InetSocketAddress address) {
        ClientConfig config = Fixtures.client(TlsPolicy.REQUIRED);
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        new Bootstrap().group(group).channel(NioSocketChannel.class).handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                ch.pipeline().addLast(new StartTlsClientHandler(config, Smtp::client), new QuitClient(done));
            }
        }).connect(address).addListener(f -> {
            if (!f.isSuccess()) {
                done.complete(false);
            }
        });
        return done;
    }

    /** Says QUIT once secured; true when the 221 came back inside TLS. */
    private static final class QuitClient extends ChannelInboundHandlerAdapter {
        private final CompletableFuture<Boolean> done;
        private final StringBuilder received = new StringBuilder();
        private boolean secured;

        QuitClient(CompletableFuture<Boolean> done) {
            this.done = done;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof StartTlsCompletionEvent.Secured) {
                secured = true;
                ctx.writeAndFlush(Unpooled.copiedBuffer("QUIT\r\n", StandardCharsets.ISO_8859_1));
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
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            done.complete(secured && received.toString().startsWith("221 "));
        }
    }

    /** The application behind the server's handler: 221 and close on QUIT, 250 to any other line. */
    private static final class Answerer extends ChannelInboundHandlerAdapter {
        private final Queue<Failure.Reason> refusals;

        Answerer(Queue<Failure.Reason> refusals) {
            this.refusals = refusals;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            String text;
            try {
                text = ((ByteBuf) msg).toString(StandardCharsets.ISO_8859_1);
            } finally {
                ReferenceCountUtil.release(msg);
            }
            for (String line : text.split("\r\n")) {
                if (line.equalsIgnoreCase("QUIT")) {
                    ctx.writeAndFlush(Unpooled.copiedBuffer("221 2.0.0 Bye\r\n", StandardCharsets.ISO_8859_1));
                    ctx.close();
                    return;
                }
                ctx.writeAndFlush(Unpooled.copiedBuffer("250 2.0.0 Ok\r\n", StandardCharsets.ISO_8859_1));
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // The SslHandler fires what its engine threw inside a DecoderException.
            if (cause.getCause() instanceof RenegotiationRefusedException refused) {
                refusals.add(refused.failure().reason());
            }
            ctx.close();
        }
    }

    /** In front of the server's handler: says when a hostile connection has taken what the server will take of it. */
    private static final class Probe extends ChannelInboundHandlerAdapter {
        private final Phase phase;
        private long received;
        private boolean settled;

        Probe(Phase phase) {
            this.phase = phase;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof ByteBuf) {
                received += ((ByteBuf) msg).readableBytes();
            }
            ctx.fireChannelRead(msg);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.fireChannelReadComplete();
            StartTlsHandler h = ctx.pipeline().get(StartTlsServerHandler.class);
            if (phase == null || received == 0) {
                return;
            }
            boolean done = h == null || h.completionFuture().isDone() || h.isReadingPaused();
            boolean took = switch (phase.kind()) {
                case SPAM -> received >= SPAM_BYTES;
                case LOITER -> received >= (Limits.DEFAULT_MAX_COMMANDS_BEFORE_TLS - 1) * 8L + Limits.DEFAULT.maxLineLength() - 5;
                case STALL -> received > "EHLO x\r\nSTARTTLS\r\n".length() && "AwaitingTransportTls".equals(h.state());
            };
            if (done || took) {
                settle();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            settle();
            ctx.fireChannelInactive();
        }

        private void settle() {
            if (!settled && phase != null) {
                settled = true;
                phase.settled().countDown();
            }
        }
    }
}
