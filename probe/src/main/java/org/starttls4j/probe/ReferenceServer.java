package org.starttls4j.probe;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.starttls4j.Event;
import org.starttls4j.Failure;
import org.starttls4j.ServerConfig;
import org.starttls4j.Timeouts;
import org.starttls4j.TlsPolicy;
import org.starttls4j.netty.StartTlsCompletionEvent;
import org.starttls4j.netty.NegotiationCapacity;
import org.starttls4j.netty.StartTlsServerHandler;
import org.starttls4j.nio.NegotiatedChannel;
import org.starttls4j.nio.NegotiationException;
import org.starttls4j.nio.NioServer;
import org.starttls4j.nio.PlaintextChannel;

/**
 * The reference server of {@code starttls4j serve} and of the demo: the core's server negotiation
 * through either adapter, then a {@link Conversation} on each connection handed over. Every
 * command is logged with the layer it came in ({@code [plain]} or {@code [tls]}), credentials
 * masked.
 */
final class ReferenceServer implements AutoCloseable {

    /** Longest command line the application part reads. */
    private static final int MAX_LINE = 64 * 1024;
    /** Connections negotiating at once before newcomers get the busy reply: NioServer's default, for Netty too. */
    private static final int MAX_NEGOTIATING = 1024;
    private static final Duration IDLE = Duration.ofMinutes(5);
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

    /**
     * How to run.
     *
     * @param protocol the protocol
     * @param policy   {@code REQUIRED}, {@code OPPORTUNISTIC} or {@code IMPLICIT}
     * @param bind     where to listen (port 0 for any free port)
     * @param identity the key and certificate
     * @param adapter  which adapter moves the bytes
     */
    record Settings(Protocol protocol, TlsPolicy policy, InetSocketAddress bind, ServerIdentity identity, Adapter adapter) {
        Settings {
            Objects.requireNonNull(protocol, "protocol");
            Objects.requireNonNull(policy, "policy");
            Objects.requireNonNull(bind, "bind");
            Objects.requireNonNull(identity, "identity");
            Objects.requireNonNull(adapter, "adapter");
        }
    }

    private final Settings settings;
    private final ServerConfig config;
    private final Consumer<String> log;
    private final InetSocketAddress address;
    private final Runnable stop;

    private ReferenceServer(Settings settings, ServerConfig config, Consumer<String> log, InetSocketAddress address,
                            Runnable stop) {
        this.settings = settings;
        this.config = config;
        this.log = log;
        this.address = address;
        this.stop = stop;
    }

    /**
     * Starts listening.
     *
     * @param settings how to run
     * @param log      where log lines go (called from several threads), or {@code line -> { }}
     * @return the running server
     * @throws IOException when the address cannot be bound
     */
    static ReferenceServer start(Settings settings, Consumer<String> log) throws IOException {
        ServerConfig config = ServerConfig.builder()
                .policy(settings.policy())
                .hostname(commonName(settings.identity()))
                .sslContext(settings.identity().serverContext())
                .capabilitiesBeforeTls(settings.protocol().serverCapabilitiesBeforeTls())
                .capabilitiesAfterTls(settings.protocol().serverCapabilitiesAfterTls())
                // The server waits of Timeouts.DEFAULT (30 s for a silent client, 60 s per step), five minutes in all;
                // Limits.DEFAULT (20 commands before TLS, 1000-byte lines, 64 KiB) and the capacity answer
                // (NioServer's, or a NegotiationCapacity of the same size over Netty).
                .timeouts(new Timeouts(Duration.ofSeconds(60), Duration.ofMinutes(5))
                        .withServerWaits(Timeouts.DEFAULT.firstCommand(), Timeouts.DEFAULT.nextCommand()))
                .build();
        Holder holder = new Holder(settings, config, log);
        return settings.adapter() == Adapter.NIO ? holder.startNio() : holder.startNetty();
    }

    /** The certificate's common name, the host name in greetings; {@code localhost} when it has none. */
    static String commonName(ServerIdentity identity) {
        try {
            for (javax.naming.ldap.Rdn rdn : new javax.naming.ldap.LdapName(identity.leaf().getSubjectX500Principal().getName()).getRdns()) {
                String value = rdn.getValue().toString();
                if (rdn.getType().equalsIgnoreCase("CN") && value.matches("[A-Za-z0-9.:-]+")) {
                    return value;
                }
            }
        } catch (javax.naming.InvalidNameException e) {
            // fall through to the default
        }
        return "localhost";
    }

    /** Where it listens (with the actual port). */
    InetSocketAddress address() {
        return address;
    }

    /** The negotiation's configuration. */
    ServerConfig config() {
        return config;
    }

    Settings settings() {
        return settings;
    }

    /** Stops listening and closes every connection. */
    @Override
    public void close() {
        stop.run();
    }

    /** The state shared by the server's connections, before the server object exists. */
    private static final class Holder {
        final Settings settings;
        final ServerConfig config;
        final Consumer<String> log;

        Holder(Settings settings, ServerConfig config, Consumer<String> log) {
            this.settings = settings;
            this.config = config;
            this.log = log;
        }

        ReferenceServer startNio() throws IOException {
            Set<NegotiatedChannel> open = ConcurrentHashMap.newKeySet();
            ExecutorService workers = Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "starttls4j-serve-worker");
                t.setDaemon(true);
                return t;
            });
            NioServer server = NioServer.builder(config, settings.protocol()::server)
                    .bind(settings.bind())
                    .onSession(channel -> {
                        open.add(channel);
                        workers.execute(() -> serveNio(channel, open));
                    })
                    .onFailure((peer, report) -> negotiation(peer, report.events(), false))
                    .start();
            Runnable stop = () -> {
                server.close();
                for (NegotiatedChannel c : open) {
                    closeQuietly(c);
                }
                workers.shutdownNow();
            };
            return new ReferenceServer(settings, config, log, server.localAddress(), stop);
        }

        /**
         * One connection after the negotiation, on a worker thread. A plaintext session (under an
         * opportunistic policy) that asks for TLS later is handed back to a resuming negotiation with
         * what was read past the command (bytes there fail it as PLAINTEXT_INJECTION), and goes on
         * inside TLS.
         */
        private void serveNio(NegotiatedChannel first, Set<NegotiatedChannel> open) {
            SocketAddress peer = first.remoteAddress();
            negotiation(peer, first.report().events(), false);
            NegotiatedChannel channel = first;
            while (channel != null) {
                NegotiatedChannel resumed = converse(channel, peer);
                open.remove(channel);
                if (resumed != null) {
                    open.add(resumed);
                }
                channel = resumed;
            }
        }

        /** Serves {@code channel} until it ends; returns the channel resumed inside TLS, if the client asked for TLS. */
        private NegotiatedChannel converse(NegotiatedChannel channel, SocketAddress peer) {
            Conversation conversation = Conversation.open(settings.protocol(), config, channel.isEncrypted());
            try {
                channel.configureBlocking(true);
                channel.setTimeout(IDLE);
                ByteBuffer opening = ByteBuffer.wrap(conversation.opening().getBytes(StandardCharsets.ISO_8859_1));
                while (opening.hasRemaining()) {
                    channel.write(opening);
                }
                ByteBuffer in = ByteBuffer.allocate(16 * 1024);
                ByteArrayOutputStream line = new ByteArrayOutputStream();
                while (true) {
                    in.clear();
                    if (channel.read(in) < 0) {
                        log(peer, channel.isEncrypted(), "(the client closed the connection)");
                        return null;
                    }
                    in.flip();
                    while (in.hasRemaining()) {
                        byte b = in.get();
                        if (b != '\n') {
                            if (line.size() >= MAX_LINE) {
                                log(peer, channel.isEncrypted(), "(a line longer than " + MAX_LINE + " bytes: closing)");
                                return null;
                            }
                            line.write(b);
                            continue;
                        }
                        byte[] raw = line.toByteArray();
                        String text = text(raw);
                        line.reset();
                        if (channel instanceof PlaintextChannel plain && asksForTls(text)) {
                            return resume(plain, peer, ByteBuffer.allocate(raw.length + 1 + in.remaining())
                                    .put(raw).put((byte) '\n').put(in).flip());
                        }
                        Conversation.Answer answer = answer(conversation, peer, channel.isEncrypted(), text);
                        if (!answer.send().isEmpty()) {
                            ByteBuffer out = ByteBuffer.wrap(answer.send().getBytes(StandardCharsets.ISO_8859_1));
                            while (out.hasRemaining()) {
                                channel.write(out);
                            }
                        }
                        if (answer.close()) {
                            return null;
                        }
                    }
                }
            } catch (IOException e) {
                log(peer, channel.isEncrypted(), "(connection ended: " + e.getMessage() + ")");
                return null;
            } finally {
                closeQuietly(channel); // after a resume, the old view only: the socket is the new channel's
            }
        }

        /** Whether a plaintext command is STARTTLS (SMTP, IMAP after its tag) or STLS (POP3), without arguments. */
        private boolean asksForTls(String text) {
            String[] words = text.trim().split(" ");
            int at = settings.protocol() == Protocol.IMAP ? 1 : 0;
            return words.length == at + 1 && words[at].equalsIgnoreCase(settings.protocol().startTlsWord());
        }

        private NegotiatedChannel resume(PlaintextChannel plain, SocketAddress peer, ByteBuffer fromCommand) throws IOException {
            try {
                NegotiatedChannel secure = plain.startTls(settings.protocol().serverResuming(config), fromCommand);
                negotiation(peer, secure.report().events(), true);
                return secure;
            } catch (NegotiationException e) {
                negotiation(peer, e.report().events(), true);
                return null;
            }
        }

        ReferenceServer startNetty() throws IOException {
            EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
            EventLoopGroup workers = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
            ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
            NegotiationCapacity capacity = NegotiationCapacity.of(MAX_NEGOTIATING);
            ServerBootstrap b = new ServerBootstrap().group(boss, workers).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            channels.add(ch);
                            ch.pipeline().addLast(new StartTlsServerHandler(config, settings.protocol()::server, capacity),
                                    new LineBasedFrameDecoder(MAX_LINE), new NettyConversation());
                        }
                    });
            Channel listener;
            try {
                listener = b.bind(settings.bind()).sync().channel();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                shutdown(boss, workers);
                throw new IOException("interrupted while binding", e);
            } catch (RuntimeException e) {
                shutdown(boss, workers);
                throw new IOException("cannot listen on " + settings.bind() + ": " + e.getMessage(), e);
            }
            channels.add(listener);
            Runnable stop = () -> {
                channels.close().awaitUninterruptibly(3, TimeUnit.SECONDS);
                shutdown(boss, workers);
            };
            return new ReferenceServer(settings, config, log, (InetSocketAddress) listener.localAddress(), stop);
        }

        private static void shutdown(EventLoopGroup boss, EventLoopGroup workers) {
            boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
        }

        /** The application's end of a Netty pipeline: one {@link Conversation} per channel, fed whole lines. */
        private final class NettyConversation extends SimpleChannelInboundHandler<ByteBuf> {
            private Conversation conversation;
            private boolean encrypted;

            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
                if (event instanceof StartTlsCompletionEvent done) {
                    negotiation(ctx.channel().remoteAddress(), done.events(), false);
                    if (!(done instanceof StartTlsCompletionEvent.Failed)) {
                        encrypted = done.isEncrypted();
                        conversation = Conversation.open(settings.protocol(), config, encrypted);
                        if (!conversation.opening().isEmpty()) {
                            ctx.writeAndFlush(Unpooled.copiedBuffer(conversation.opening(), StandardCharsets.ISO_8859_1));
                        }
                    }
                }
                super.userEventTriggered(ctx, event);
            }

            @Override
            protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
                if (conversation == null) {
                    return; // nothing reaches here before the completion event; defensive only
                }
                byte[] bytes = new byte[frame.readableBytes()];
                frame.readBytes(bytes);
                Conversation.Answer answer = answer(conversation, ctx.channel().remoteAddress(), encrypted, text(bytes));
                if (!answer.send().isEmpty()) {
                    ctx.write(Unpooled.copiedBuffer(answer.send(), StandardCharsets.ISO_8859_1));
                }
                if (answer.close()) {
                    ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
                }
            }

            @Override
            public void channelReadComplete(ChannelHandlerContext ctx) {
                ctx.flush();
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) throws Exception {
                if (conversation != null) {
                    log(ctx.channel().remoteAddress(), encrypted, "(connection closed)");
                }
                super.channelInactive(ctx);
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                log(ctx.channel().remoteAddress(), encrypted, "(connection ended: " + cause.getMessage() + ")");
                ctx.close();
            }
        }

        // ---------------------------------------------------------------- shared

        private Conversation.Answer answer(Conversation conversation, SocketAddress peer, boolean encrypted, String line) {
            String shown = conversation.logged(line);
            if (shown != null) {
                log(peer, encrypted, "C: " + Words.printable(shown));
            }
            return conversation.onLine(line);
        }

        /**
         * Logs what the client sent during the negotiation, and how it ended, each at the time it
         * happened; {@code resumed} for a negotiation resumed at STARTTLS after a plaintext hand-over.
         */
        private void negotiation(SocketAddress peer, List<Event> events, boolean resumed) {
            Instant at = events.stream().filter(e -> e instanceof Event.Line).map(e -> ((Event.Line) e).at()).findFirst()
                    .orElseGet(Instant::now);
            log(peer, false, resumed ? "resuming the negotiation at " + settings.protocol().startTlsWord() : "connected", at);
            for (Event e : events) {
                if (e instanceof Event.Line l) {
                    at = l.at();
                    if (l.direction() == Event.Direction.RECEIVED) {
                        log(peer, l.encrypted(), "C: " + Words.printable(Conversation.maskCommand(l.text())), at);
                    }
                } else if (e instanceof Event.TlsEstablished t) {
                    log(peer, true, "TLS established: " + t.facts().protocol() + " " + t.facts().cipherSuite(), at);
                } else if (e instanceof Event.Secured) {
                    log(peer, true, "negotiated: handing over inside TLS", at);
                } else if (e instanceof Event.HandedOverInPlaintext p) {
                    log(peer, false, "negotiated: handing over in plaintext ("
                            + p.session().fallbackCause().map(Failure::reason).map(Enum::name).orElse("plaintext") + ")", at);
                } else if (e instanceof Event.Failed f) {
                    log(peer, false, "negotiation failed: " + Words.failure(f.failure(), "the client"), at);
                }
            }
        }

        private void log(SocketAddress peer, boolean encrypted, String what) {
            log(peer, encrypted, what, Instant.now());
        }

        private void log(SocketAddress peer, boolean encrypted, String what, Instant at) {
            String who = peer instanceof InetSocketAddress a ? Adapter.describe(a) : String.valueOf(peer);
            log.accept(LocalTime.ofInstant(at, ZoneId.systemDefault()).format(CLOCK) + " " + who + " "
                    + (encrypted ? "[tls]  " : "[plain]") + " " + what);
        }

        private static String text(byte[] line) {
            int end = line.length > 0 && line[line.length - 1] == '\r' ? line.length - 1 : line.length;
            return new String(line, 0, end, StandardCharsets.ISO_8859_1);
        }

        private static void closeQuietly(NegotiatedChannel channel) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing is all that is left
            }
        }
    }
}
