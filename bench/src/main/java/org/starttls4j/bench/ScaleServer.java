package org.starttls4j.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.starttls4j.Negotiation;
import org.starttls4j.ServerConfig;
import org.starttls4j.Timeouts;
import org.starttls4j.netty.BoringSsl;
import org.starttls4j.netty.StartTlsServerHandler;
import org.starttls4j.nio.NioServer;
import org.starttls4j.smtp.PreparedSmtpServer;

/**
 * The server process of the scale run ({@link ScaleRun}): one SMTP server that negotiates STARTTLS
 * on every connection, answers the client's EHLO inside TLS and then holds the session idle, and
 * reports its own memory when asked.
 *
 * <p>Arguments: {@code <server> <engine> <caFile> <address,address,...>}: the server is
 * {@code nio} ({@link NioServer}, one per address, with {@link NioIdleSessions} behind it),
 * {@code netty} ({@link StartTlsServerHandler}) or {@code sslhandler} (the baseline:
 * {@link SmtpByHand.Server} with Netty's own {@code SslHandler}); the engine {@code jdk} or
 * {@code boringssl} ({@link BoringSsl#serverContext}, through {@link BoringSsl#engines} under the
 * core). All three servers take their engines from the same context (ECDSA P-256, TLS 1.3 only,
 * session cache cut to one entry so that no per-session figure counts a cache), and the Netty ones
 * run on one event loop group of two threads. The deadlines of the core's negotiation are raised to
 * ten minutes and the baseline's {@code SslHandler} has none: 10,000 clients on two cores wait for
 * the processor, not for each other.
 *
 * <p>It writes the CA's certificate (DER) to {@code caFile}, prints
 * {@code ready addresses=host:port,...}, then reads commands on standard input:
 * {@code measure <label> <live> <answered>} waits until exactly {@code live} connections are open
 * and at least {@code answered} EHLOs have been answered inside TLS since the start, reads its
 * {@link ProcessFootprint} and prints {@code measured label=<label> key=value ...}; {@code quit}
 * ends the process.
 */
public final class ScaleServer {

    /** System property: true to trim the C heap before each reading ({@code jcmd System.trim_native_heap}). */
    static final String TRIM = "scale.trimNativeHeap";
    /** System property: true to have {@link NioServer} hand sessions over with their transcripts. */
    static final String TRANSCRIPT = "scale.keepTranscript";
    /** The listen backlog every server asks for: more than a burst, so the kernel's cap is what applies. */
    static final int BACKLOG = 20_000;

    private static final Timeouts PATIENT = Timeouts.of(Duration.ofMinutes(10))
            .withServerWaits(Duration.ofMinutes(10), Duration.ofMinutes(10));

    private final AtomicInteger liveNetty = new AtomicInteger();
    private final AtomicLong answeredNetty = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final List<NioServer> nioServers = new ArrayList<>();
    private NioIdleSessions nioSessions;
    private HeapHistogram firstHistogram;
    private int firstLive;

    private ScaleServer() {
    }

    /**
     * Runs the server until {@code quit}.
     *
     * @param args see the class comment
     * @throws Exception if it cannot start
     */
    public static void main(String[] args) throws Exception {
        String server = args[0];
        Fixture.Engine engine = Fixture.Engine.of(args[1]);
        Pki.Identity identity = Pki.identity(Pki.KeyType.EC_P256);
        Files.write(Paths.get(args[2]), identity.ca().getEncoded());
        List<InetSocketAddress> binds = new ArrayList<>();
        for (String host : args[3].split(",")) {
            binds.add(new InetSocketAddress(host, 0));
        }
        new ScaleServer().serve(server, engine, identity, binds);
    }

    private void serve(String server, Fixture.Engine engine, Pki.Identity identity, List<InetSocketAddress> binds)
            throws Exception {
        ServerConfig.Builder builder = ServerConfig.builder().hostname(Pki.SERVER_NAME).timeouts(PATIENT)
                .capabilitiesBeforeTls(MailProtocol.SMTP.capabilitiesBeforeTls())
                .capabilitiesAfterTls(MailProtocol.SMTP.capabilitiesAfterTls());
        Supplier<SSLEngine> bareEngines;
        if (engine == Fixture.Engine.BORINGSSL) {
            SslContext context = BoringSsl.serverContext(identity.serverKey(), List.of(identity.server()));
            context.sessionContext().setSessionCacheSize(1);
            builder.engineFactory(BoringSsl.engines(context));
            bareEngines = () -> tls13(context.newEngine(ByteBufAllocator.DEFAULT));
        } else {
            SSLContext context = identity.serverContext();
            context.getServerSessionContext().setSessionCacheSize(1);
            builder.engineFactory((host, port) -> tls13(context.createSSLEngine()));
            bareEngines = () -> tls13(context.createSSLEngine());
        }
        ServerConfig config = builder.build();
        byte[] ehloAfterTls = SmtpByHand.ehloAfterTls(config);
        byte[] ehloBeforeTls = SmtpByHand.ehloBeforeTls(config);
        PreparedSmtpServer smtp = PreparedSmtpServer.of(config);
        java.util.function.Function<ServerConfig, Negotiation> smtpServers = c -> smtp.negotiation();

        List<String> bound = new ArrayList<>();
        EventLoopGroup loop = null;
        if (server.equals("nio")) {
            nioSessions = new NioIdleSessions(ehloAfterTls);
            for (InetSocketAddress address : binds) {
                NioServer s = NioServer.builder(config, smtpServers).bind(address)
                        .backlog(BACKLOG).maxNegotiating(20_000)
                        .keepTranscript(Boolean.getBoolean(TRANSCRIPT))
                        .onSession(nioSessions::add)
                        .onFailure((peer, report) -> failures.incrementAndGet())
                        .start();
                nioServers.add(s);
                bound.add(address.getHostString() + ":" + s.localAddress().getPort());
            }
        } else {
            boolean baseline = server.equals("sslhandler");
            if (!baseline && !server.equals("netty")) {
                throw new IllegalArgumentException("server: nio, netty or sslhandler, not " + server);
            }
            loop = new MultiThreadIoEventLoopGroup(2, new DefaultThreadFactory("scale-server", true), NioIoHandler.newFactory());
            ServerBootstrap bootstrap = new ServerBootstrap().group(loop).channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, BACKLOG)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            liveNetty.incrementAndGet();
                            ch.closeFuture().addListener(f -> liveNetty.decrementAndGet());
                            if (baseline) {
                                ch.pipeline().addLast(new LineBasedFrameDecoder(1000), new SmtpByHand.Server(bareEngines,
                                        ehloBeforeTls, ehloAfterTls, answeredNetty::incrementAndGet, failures::incrementAndGet));
                            } else {
                                ch.pipeline().addLast(new StartTlsServerHandler(config, smtpServers),
                                        new SecuredEhloAnswer(ehloAfterTls, answeredNetty::incrementAndGet,
                                                failures::incrementAndGet));
                            }
                        }
                    });
            for (InetSocketAddress address : binds) {
                Channel listener = bootstrap.bind(address).sync().channel();
                bound.add(address.getHostString() + ":" + ((InetSocketAddress) listener.localAddress()).getPort());
            }
        }
        System.out.println("ready addresses=" + String.join(",", bound));
        System.out.flush();

        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
        String line;
        while ((line = in.readLine()) != null) {
            String[] words = line.trim().split(" ");
            if (words[0].equals("measure")) {
                measure(words[1], Integer.parseInt(words[2]), Long.parseLong(words[3]));
            } else if (words[0].equals("quit")) {
                break;
            }
        }
        for (NioServer s : nioServers) {
            s.close();
        }
        if (loop != null) {
            loop.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
        }
        System.exit(0);
    }

    private int live() {
        if (nioSessions == null) {
            return liveNetty.get();
        }
        int negotiating = 0;
        for (NioServer s : nioServers) {
            negotiating += s.stats().negotiating();
        }
        return nioSessions.held() + negotiating;
    }

    private long answered() {
        return nioSessions == null ? answeredNetty.get() : nioSessions.answered();
    }

    private long failed() {
        return failures.get() + (nioSessions == null ? 0 : nioSessions.failures());
    }

    /** Waits (up to ten minutes) for the expected counts, then reads the footprint. */
    private void measure(String label, int live, long answered) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while ((live() != live || answered() < answered) && System.nanoTime() < deadline) {
            Thread.sleep(100); // a poll of counters between processes, not a test's synchronisation
        }
        ProcessFootprint f = ProcessFootprint.read(Boolean.getBoolean(TRIM));
        int held = live();
        StringBuilder out = new StringBuilder("measured label=").append(label)
                .append(" live=").append(held).append(" answered=").append(answered()).append(" failures=").append(failed());
        for (Map.Entry<String, Long> e : f.fields().entrySet()) {
            out.append(' ').append(e.getKey()).append('=').append(e.getValue());
        }
        // What the held sessions are made of, into the raw directory's .err file beside the figures:
        // the classes that grew since the first reading, per connection held. Taken before the
        // answer, while the count still holds (the run moves on as soon as it has the answer).
        HeapHistogram histogram = HeapHistogram.parse(ProcessFootprint.heapHistogram());
        if (firstHistogram == null) {
            firstHistogram = histogram;
            firstLive = held;
        } else if (held > firstLive) {
            System.err.println("# live heap per connection by class, " + label + " (" + held + " connections) minus the first reading\n"
                    + histogram.perSession(firstHistogram, held - firstLive, 30));
            System.err.flush();
        }
        System.out.println(out);
        System.out.flush();
    }

    private static SSLEngine tls13(SSLEngine engine) {
        engine.setUseClientMode(false);
        engine.setEnabledProtocols(new String[] {"TLSv1.3"});
        return engine;
    }
}
