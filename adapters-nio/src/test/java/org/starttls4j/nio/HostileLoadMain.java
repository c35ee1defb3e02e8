package org.starttls4j.nio;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.starttls4j.ClientConfig;
import org.starttls4j.Failure;
import org.starttls4j.ServerConfig;
import org.starttls4j.TlsPolicy;
import org.starttls4j.smtp.Smtp;
import org.starttls4j.testing.TestPki;

/**
 * The hostile load of issue 12 against one {@link NioServer} with the library's defaults, run by
 * {@link HostileLoadTest} in a JVM of its own with a 256 MB heap. Prints its findings as
 * {@code key=value} lines; the test asserts on them.
 *
 * <ol>
 * <li>Memory amplification: 200 clients each send 64 KiB of {@code EHLO x} with a 1 KiB receive
 *     window and never read; beside them 20 clients try a TLS 1.2 renegotiation after STARTTLS,
 *     and 20 honest clients negotiate, send MAIL and QUIT.</li>
 * <li>What one held connection costs, per kind of connection the server must keep: 400 of each,
 *     heap in use after a full GC before and after, divided by their number. The client sockets live in the
 *     same JVM and are counted too, so the figure is an upper bound on the server's share.</li>
 * <li>1,100 idle connections, then a fresh client: it is answered.</li>
 * </ol>
 *
 * <p>Synchronisation without sleeping: each step ends with honest sessions run to completion, one
 * on each of the server's selector loops (they are dealt to the loops in turn), each of which by
 * then has handled every read that arrived before it.
 */
final class HostileLoadMain {

    static final int AMPLIFIERS = 200;
    static final int RENEGOTIATORS = 20;
    static final int HONEST = 20;
    static final int HELD = 400;
    static final int IDLE = 1100;

    private HostileLoadMain() {
    }

    public static void main(String[] args) throws Exception {
        // The library's defaults: Limits.DEFAULT, Timeouts.DEFAULT, maxNegotiating 1024.
        ServerConfig config = ServerConfig.builder().policy(TlsPolicy.REQUIRED).hostname(Fixtures.HOST)
                .sslContext(Fixtures.serverContext()).capabilitiesBeforeTls(Fixtures.BEFORE_TLS)
                .capabilitiesAfterTls(Fixtures.AFTER_TLS).build();
        Map<Failure.Reason, AtomicInteger> failures = new ConcurrentHashMap<>();
        ExecutorService threads = Executors.newFixedThreadPool(48);
        try (SmtpResponder app = new SmtpResponder(config);
             NioServer server = NioServer.builder(config, Smtp::server).bind(Fixtures.anyLoopbackPort()).onSession(app)
                     .onFailure((peer, report) -> report.failure().ifPresent(
                             f -> failures.computeIfAbsent(f.reason(), r -> new AtomicInteger()).incrementAndGet()))
                     .start()) {
            InetSocketAddress address = server.localAddress();
            for (int i = 0; i < 3; i++) {
                honest(address); // warm up: classes, pools, caches
            }

            // 1. Amplification and renegotiation, beside honest clients.
            List<Future<Boolean>> amplifiers = new ArrayList<>();
            List<Future<Boolean>> renegotiators = new ArrayList<>();
            List<Future<Boolean>> honest = new ArrayList<>();
            for (int i = 0; i < AMPLIFIERS; i++) {
                amplifiers.add(threads.submit(() -> amplify(address)));
                if (i % 10 == 0) {
                    renegotiators.add(threads.submit(() -> renegotiate(address)));
                    honest.add(threads.submit(() -> honest(address)));
                }
            }
            print("amplifiers.cutOff", count(amplifiers));
            print("renegotiation.total", renegotiators.size());
            print("renegotiation.refused", count(renegotiators));
            print("honest.total", honest.size());
            print("honest.secured", count(honest));
            print("failures.TOO_MANY_COMMANDS", failures.getOrDefault(Failure.Reason.TOO_MANY_COMMANDS, new AtomicInteger()).get());
            settle(server, address);

            // 2. What each kind of held connection costs. Each kind's baseline is taken after an
            // honest session of its own, so what that session leaves cached (TLS sessions, scratch
            // buffers) is in the baseline and not counted against the kind.
            for (int i = 0; i < 3; i++) {
                honest(address);
                print("heapCalibration", usedHeap()); // what settles after the load above, before the first kind
            }
            for (Kind kind : Kind.values()) {
                for (int loop = 0; loop < server.selectorThreads(); loop++) {
                    honest(address);
                }
                long before = usedHeap();
                List<Socket> held = new ArrayList<>();
                for (int i = 0; i < HELD; i++) {
                    held.add(kind.open(address));
                }
                for (int loop = 0; loop < server.selectorThreads(); loop++) {
                    if (!honest(address)) {
                        print("honest.duringHeld." + kind.name(), "false");
                    }
                }
                print("negotiating." + kind.name(), server.stats().negotiating());
                long after = usedHeap();
                print("heapPerConnection." + kind.name(), (after - before) / HELD);
                for (Socket s : held) {
                    s.close();
                }
                settle(server, address);
            }

            // 3. 1,100 idle connections, then a fresh client.
            List<Socket> idle = new ArrayList<>();
            try {
                for (int i = 0; i < IDLE; i++) {
                    idle.add(new Socket(address.getAddress(), address.getPort()));
                }
                try (Socket fresh = new Socket(address.getAddress(), address.getPort())) {
                    print("fresh.answer", ResumeTest.line(fresh.getInputStream()));
                }
                print("refused", server.stats().refused());
            } finally {
                for (Socket s : idle) {
                    s.close();
                }
            }
            print("done", "true");
        } finally {
            threads.shutdownNow();
        }
        System.out.flush();
        System.exit(0);
    }

    /** The kinds of connection a server has to hold while they last. */
    enum Kind {
        /** Greeted, says nothing. */
        IDLE {
            @Override
            Socket open(InetSocketAddress address) throws IOException {
                Socket s = new Socket(address.getAddress(), address.getPort());
                greeting(s);
                return s;
            }
        },
        /** A command line one byte short of the bound, never ended. */
        PARTIAL_LINE {
            @Override
            Socket open(InetSocketAddress address) throws IOException {
                Socket s = new Socket(address.getAddress(), address.getPort());
                greeting(s);
                s.getOutputStream().write(("EHLO " + "x".repeat(994)).getBytes(StandardCharsets.US_ASCII));
                return s;
            }
        },
        /** Nineteen EHLOs, a 1 KiB receive window, no reading. */
        UNREAD_REPLIES {
            @Override
            Socket open(InetSocketAddress address) throws IOException {
                Socket s = new Socket();
                s.setReceiveBufferSize(1024);
                s.connect(address);
                s.getOutputStream().write("EHLO x\r\n".repeat(19).getBytes(StandardCharsets.US_ASCII));
                return s;
            }
        },
        /** STARTTLS accepted, a ClientHello sent, the server's flight begun, then nothing. */
        MID_HANDSHAKE {
            @Override
            Socket open(InetSocketAddress address) throws IOException {
                Socket s = new Socket(address.getAddress(), address.getPort());
                InputStream in = s.getInputStream();
                greeting(s);
                s.getOutputStream().write("EHLO x\r\nSTARTTLS\r\n".getBytes(StandardCharsets.US_ASCII));
                for (String line = ResumeTest.line(in); line != null && !line.startsWith("220 "); line = ResumeTest.line(in)) {
                    // the EHLO reply
                }
                s.getOutputStream().write(RawPeer.clientHello());
                if (in.read() < 0) {
                    throw new IOException("the server closed instead of answering the ClientHello");
                }
                return s;
            }
        };

        abstract Socket open(InetSocketAddress address) throws IOException;
    }

    static void greeting(Socket s) throws IOException {
        if (ResumeTest.line(s.getInputStream()) == null) {
            throw new IOException("no greeting");
        }
    }

    /** 64 KiB of EHLO with a tiny receive window, never reading; true when the server cut it off. */
    static boolean amplify(InetSocketAddress address) {
        try (Socket s = new Socket()) {
            s.setReceiveBufferSize(1024);
            s.connect(address);
            OutputStream out = s.getOutputStream();
            try {
                out.write("EHLO x\r\n".repeat(8 * 1024).getBytes(StandardCharsets.US_ASCII));
                out.flush();
            } catch (IOException cutOff) {
                return true; // the server closed the connection under the write
            }
            s.shutdownOutput();
            // Everything was written (the kernel took it); the server ends it all the same.
            return s.getInputStream().readAllBytes().length >= 0;
        } catch (IOException e) {
            return true;
        }
    }

    /** STARTTLS, TLS 1.2, one command, then a renegotiation; true when the server refused it. */
    static boolean renegotiate(InetSocketAddress address) {
        try (Socket s = new Socket(address.getAddress(), address.getPort())) {
            InputStream in = s.getInputStream();
            greeting(s);
            s.getOutputStream().write("EHLO x\r\nSTARTTLS\r\n".getBytes(StandardCharsets.US_ASCII));
            for (String line = ResumeTest.line(in); line != null && !line.startsWith("220 "); line = ResumeTest.line(in)) {
                // the EHLO reply
            }
            SSLContext context = TestPki.clientContextTrusting(TestPki.ca(Fixtures.KEY));
            try (SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(s, Fixtures.HOST, address.getPort(), true)) {
                tls.setEnabledProtocols(new String[] {"TLSv1.2"});
                tls.startHandshake();
                tls.getOutputStream().write("MAIL FROM:<r@example.test>\r\n".getBytes(StandardCharsets.US_ASCII));
                if (!ResumeTest.line(tls.getInputStream()).startsWith("250")) {
                    return false;
                }
                try {
                    tls.startHandshake(); // TLS 1.2: a new ClientHello
                    tls.getOutputStream().write("NOOP\r\n".getBytes(StandardCharsets.US_ASCII));
                    return ResumeTest.line(tls.getInputStream()) == null; // answered only if renegotiated
                } catch (IOException refused) {
                    return true;
                }
            }
        } catch (IOException e) {
            return false;
        }
    }

    /** A client as a mail client would be: secured, MAIL answered, QUIT. */
    static boolean honest(InetSocketAddress address) {
        ClientConfig config = Fixtures.client(TlsPolicy.REQUIRED).build();
        try (NegotiatedChannel c = NioClient.create().connect(address, config, Smtp::client)) {
            Fixtures.send(c, "MAIL FROM:<honest@example.test>\r\n");
            boolean answered = Fixtures.readReply(c).startsWith("250");
            Fixtures.send(c, "QUIT\r\n");
            return c.isEncrypted() && answered && Fixtures.readReply(c).startsWith("221");
        } catch (IOException e) {
            return false;
        }
    }

    /** Honest sessions until the server holds no negotiation: every close it was sent has been handled. */
    static void settle(NioServer server, InetSocketAddress address) {
        for (int i = 0; i < 1000 && server.stats().negotiating() > 0; i++) {
            honest(address);
        }
    }

    static long usedHeap() {
        for (int i = 0; i < 4; i++) {
            System.gc();
        }
        Runtime runtime = Runtime.getRuntime();
        return runtime.totalMemory() - runtime.freeMemory();
    }

    static int count(List<Future<Boolean>> results) throws Exception {
        int n = 0;
        for (Future<Boolean> f : results) {
            n += f.get() ? 1 : 0;
        }
        return n;
    }

    static void print(String key, Object value) {
        System.out.println(key + "=" + value);
    }
}
