package org.starttls4j.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;

/**
 * A client process of the scale run ({@link ScaleRun}): opens SMTP connections to the server
 * process and negotiates STARTTLS on each with {@link SmtpByHand.Client} (Netty's own
 * {@code SslHandler}: the same client for every server, so that only the server differs), then
 * keeps them open and idle. Each connection binds its own source address, round robin over the
 * ones given, and goes to the server addresses round robin. The client checks the chain and the
 * host name; every engine is made for a port number no earlier one had, so no session is ever
 * resumed, and a counting trust manager proves it (one chain checked per secured connection).
 *
 * <p>Arguments: {@code <engine> <caFile> <server host:port,...> <source address,...>}. Commands on
 * standard input: {@code open <label> <count> <inFlight> <keep|close>} opens {@code count}
 * connections with at most {@code inFlight} negotiating at once, waits for all, and prints
 * {@code opened label=... secured=... failed=... fullHandshakes=... micros=a,b,...} (the time from
 * {@code connect} to the EHLO reply inside TLS, per secured connection); with {@code close}, each
 * connection is closed once secured (the warm-up). {@code quit} ends the process.
 */
public final class ScaleClient {

    private final Supplier<SSLEngine> engines;
    private final CountingTrustManager trust;
    private final List<InetSocketAddress> servers = new ArrayList<>();
    private final List<InetSocketAddress> sources = new ArrayList<>();
    private final Bootstrap bootstrap;
    private final List<Channel> held = new ArrayList<>();
    private final AtomicInteger port = new AtomicInteger(1024);
    private int next;

    private ScaleClient(String engine, X509Certificate ca, String servers, String sources) throws Exception {
        trust = new CountingTrustManager(new Pki.Identity(ca, null, null).trustManager());
        if (Fixture.Engine.of(engine) == Fixture.Engine.BORINGSSL) {
            SslContext context = SslContextBuilder.forClient().sslProvider(SslProvider.OPENSSL).trustManager(trust)
                    .sessionCacheSize(1).build();
            engines = () -> Fixture.asClient(context.newEngine(ByteBufAllocator.DEFAULT, Pki.SERVER_NAME, nextPort()), "TLSv1.3");
        } else {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {trust}, null);
            context.getClientSessionContext().setSessionCacheSize(1);
            engines = () -> Fixture.asClient(context.createSSLEngine(Pki.SERVER_NAME, nextPort()), "TLSv1.3");
        }
        for (String s : servers.split(",")) {
            int colon = s.lastIndexOf(':');
            this.servers.add(new InetSocketAddress(s.substring(0, colon), Integer.parseInt(s.substring(colon + 1))));
        }
        for (String s : sources.split(",")) {
            this.sources.add(new InetSocketAddress(s, 0));
        }
        EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("scale-client", true),
                NioIoHandler.newFactory());
        bootstrap = new Bootstrap().group(loop).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 600_000);
    }

    private int nextPort() {
        return port.updateAndGet(p -> p == 65535 ? 1024 : p + 1);
    }

    /**
     * Runs the client until {@code quit}.
     *
     * @param args see the class comment
     * @throws Exception if it cannot start
     */
    public static void main(String[] args) throws Exception {
        X509Certificate ca = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(Paths.get(args[1]))));
        ScaleClient client = new ScaleClient(args[0], ca, args[2], args[3]);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
        String line;
        while ((line = in.readLine()) != null) {
            String[] w = line.trim().split(" ");
            if (w[0].equals("open")) {
                client.open(w[1], Integer.parseInt(w[2]), Integer.parseInt(w[3]), w[4].equals("close"));
            } else if (w[0].equals("quit")) {
                break;
            }
        }
        System.exit(0);
    }

    private void open(String label, int count, int inFlight, boolean close) throws InterruptedException {
        long checksBefore = trust.serverChecks();
        Semaphore slots = new Semaphore(inFlight);
        CountDownLatch finished = new CountDownLatch(count);
        ConcurrentLinkedQueue<Long> micros = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Channel> secured = new ConcurrentLinkedQueue<>();
        AtomicLong failed = new AtomicLong();
        ConcurrentLinkedQueue<String> reasons = new ConcurrentLinkedQueue<>();
        for (int i = 0; i < count; i++) {
            slots.acquire();
            SmtpByHand.Client app = new SmtpByHand.Client(engines, close);
            InetSocketAddress server = servers.get(next % servers.size());
            InetSocketAddress source = sources.get(next++ % sources.size());
            long start = System.nanoTime();
            ChannelFuture connect = bootstrap.clone().handler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel ch) {
                    ch.pipeline().addLast(new LineBasedFrameDecoder(1000), app);
                }
            }).connect(server, source);
            app.done.whenComplete((result, error) -> {
                if (error == null) {
                    micros.add((System.nanoTime() - start) / 1000);
                    secured.add(connect.channel());
                } else {
                    failed.incrementAndGet();
                    if (reasons.size() < 5) {
                        reasons.add(String.valueOf(error));
                    }
                }
                slots.release();
                finished.countDown();
            });
            connect.addListener(f -> {
                if (!f.isSuccess()) {
                    app.done.completeExceptionally(f.cause());
                }
            });
        }
        long lost = finished.await(15, TimeUnit.MINUTES) ? 0 : finished.getCount(); // neither secured nor failed
        if (!close) {
            held.addAll(secured);
        }
        StringBuilder out = new StringBuilder("opened label=").append(label).append(" secured=").append(micros.size())
                .append(" failed=").append(failed.get()).append(" lost=").append(lost).append(" fullHandshakes=").append(trust.serverChecks() - checksBefore)
                .append(" held=").append(held.size()).append(" micros=");
        String sep = "";
        for (long m : micros) {
            out.append(sep).append(m);
            sep = ",";
        }
        for (String r : reasons) {
            System.err.println("failure: " + r);
        }
        System.out.println(out);
        System.out.flush();
        if (close) {
            for (Channel c : secured) {
                c.close().await(30, TimeUnit.SECONDS);
            }
        }
    }
}
