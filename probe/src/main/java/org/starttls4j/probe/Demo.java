package org.starttls4j.probe;

import java.io.BufferedReader;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.starttls4j.Failure;
import org.starttls4j.TlsFacts;
import org.starttls4j.TlsPolicy;
import org.starttls4j.testkit.ReferenceServer;

/**
 * {@code starttls4j} with no arguments: reference servers for every protocol, with STARTTLS
 * and with implicit TLS, on free loopback ports, each adapter serving and probing its own set
 * (twelve connections), all with one self-signed certificate that the probes trust as their only
 * anchor and verify by name. Prints a table; then two attacks, each refused: a response injected
 * after the STARTTLS go-ahead (against the client) and a command pipelined behind STARTTLS
 * (against the server). Exit status 0 when every connection was secured and both were refused.
 */
final class Demo {

    /** The name in the demo certificate, verified by every probe. */
    static final String NAME = "demo.starttls4j.test";

    /**
     * One row of the table.
     *
     * @param protocol the protocol
     * @param implicit whether TLS was implicit
     * @param port     the server's port
     * @param adapter  the adapter at both ends
     * @param result   what the probe saw
     */
    record Row(Protocol protocol, boolean implicit, int port, Adapter adapter, ProbeResult result) {
    }

    private Demo() {
    }

    static int run(PrintWriter out, Style style) throws IOException {
        long start = System.nanoTime();
        ServerIdentity identity = ServerIdentity.selfSigned(NAME);
        out.println(style.bold("starttls4j demo") + " — reference servers on 127.0.0.1, probed through both adapters");
        out.println("  certificate  self-signed for " + NAME + ", sha256 " + TlsFacts.sha256(identity.leaf()));
        out.println("  each probe   trusts only that certificate and verifies the name " + NAME + "; policy required");
        out.println();
        out.flush();
        List<Row> rows = rows(identity);
        out.println(String.format("  %-8s %-9s %-6s %-7s %-9s %-8s %-28s %s", "protocol", "TLS", "port", "adapter", "outcome",
                "version", "cipher suite", "time"));
        int secured = 0;
        for (Row row : rows) {
            ProbeResult r = row.result();
            boolean ok = r.outcome() == ProbeResult.Outcome.SECURED;
            secured += ok ? 1 : 0;
            String outcome = String.format("%-9s", r.outcome().name().toLowerCase(java.util.Locale.ROOT));
            out.println(String.format("  %-8s %-9s %-6d %-7s ", row.protocol().name(), row.implicit() ? "implicit" : "STARTTLS",
                    row.port(), row.adapter().lowerName())
                    + (ok ? style.good(outcome) : style.bad(outcome))
                    + String.format(" %-8s %-28s %4d ms", r.tls().map(TlsFacts::protocol).orElse("-"),
                    r.tls().map(TlsFacts::cipherSuite).orElse("-"), r.totalMillis()));
            if (!ok) {
                out.println("        " + style.bad(r.failure().map(Words::failure).orElse("not secured")));
            }
        }
        out.println();
        long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
        if (secured == rows.size()) {
            out.println("  " + style.good("All " + rows.size() + " connections secured") + " in " + millis + " ms.");
        } else {
            out.println("  " + style.bad((rows.size() - secured) + " of " + rows.size() + " connections not secured") + ".");
        }
        out.println();
        out.println("  Two STARTTLS attacks, each against the library:");
        out.flush();
        Attack injected = responseInjection(identity);
        out.println("  " + (injected.refused() ? style.good("refused") : style.bad("NOT REFUSED")) + "  response injection: "
                + "a server answered STARTTLS with \"220 Ready\" and a forged \"250\" in one packet;");
        out.println("           the client " + injected.what());
        Attack pipelined = commandInjection(identity);
        out.println("  " + (pipelined.refused() ? style.good("refused") : style.bad("NOT REFUSED")) + "  command injection: "
                + "a client sent STARTTLS and MAIL FROM in one packet;");
        out.println("           the server " + pipelined.what());
        out.println();
        String jar = "java -jar " + jarPath();
        out.println("  Next: a reference server in one terminal, a probe of it in another:");
        out.println("    " + jar + " serve smtp");
        out.println("    " + jar + " probe smtp://127.0.0.1:3025 --insecure --transcript");
        out.flush();
        boolean ok = secured == rows.size() && injected.refused() && pipelined.refused();
        return ok ? Main.OK : Main.NOT_AS_DEMANDED;
    }

    /**
     * What one attack came to.
     *
     * @param refused whether the library refused it
     * @param what    what it did, in words
     */
    record Attack(boolean refused, String what) {
    }

    /**
     * A server that answers STARTTLS with the go-ahead and a forged reply in the same packet (the
     * forged reply would be read inside TLS as the answer to the client's next command); the
     * client must refuse everything after the go-ahead.
     */
    static Attack responseInjection(ServerIdentity identity) throws IOException {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread attacker = new Thread(() -> {
                try (Socket s = listener.accept()) {
                    s.setSoTimeout(10_000);
                    BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
                    OutputStream out = s.getOutputStream();
                    out.write("220 attacker.example ESMTP\r\n".getBytes(StandardCharsets.US_ASCII));
                    in.readLine(); // EHLO
                    out.write("250-attacker.example\r\n250 STARTTLS\r\n".getBytes(StandardCharsets.US_ASCII));
                    in.readLine(); // STARTTLS
                    out.write("220 2.0.0 Ready to start TLS\r\n250 2.1.0 forged: sender ok\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    while (in.read() >= 0) {
                        // until the client hangs up
                    }
                } catch (IOException e) {
                    // the client hung up first: that is the point
                }
            }, "demo-response-injection");
            attacker.setDaemon(true);
            attacker.start();
            Target target = new Target("smtp", Protocol.SMTP, "127.0.0.1", listener.getLocalPort(), false);
            ClientSettings settings = ClientSettings.defaults().withTrust(List.of(identity.leaf()), "the demo certificate")
                    .withServerName(NAME).withTimeout(Duration.ofSeconds(10));
            ProbeResult r = Prober.probe(target, settings);
            return r.failure().filter(f -> f.reason() == Failure.Reason.PLAINTEXT_INJECTION)
                    .map(f -> new Attack(true, "refused it before any TLS byte (" + f.reason() + ") and hung up"))
                    .orElseGet(() -> new Attack(false, "did not refuse it: " + r.failure().map(Failure::toString).orElse("no failure")));
        }
    }

    /**
     * STARTTLS and a command in one write to the reference SMTP server (the CVE-2011-0411
     * family): the server must act on neither the command nor, inside TLS, anything sent before it.
     */
    static Attack commandInjection(ServerIdentity identity) throws IOException {
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        try (ReferenceServer server = ReferenceServers.start(Protocol.SMTP, TlsPolicy.REQUIRED, any, identity, Adapter.NIO, line -> { });
             RawDialog d = RawDialog.open(server.address(), Protocol.SMTP, Duration.ofSeconds(10))) {
            d.greeting();
            d.capabilities("attacker.example");
            List<String> reply;
            try {
                reply = d.startTls("MAIL FROM:<attacker@example.net>\r\n");
            } catch (EOFException e) {
                return new Attack(true, "closed the connection without a go-ahead, acting on neither command");
            }
            String last = reply.get(reply.size() - 1);
            return d.isGoAhead(reply)
                    ? new Attack(false, "gave the go-ahead (" + last + ") with a command waiting behind STARTTLS")
                    : new Attack(true, "refused both (" + last + ")");
        }
    }

    /** How to run this jar from anywhere: its absolute path when running from it. */
    private static String jarPath() {
        try {
            Path jar = Path.of(Demo.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (jar.toString().endsWith(".jar")) {
                return jar.toAbsolutePath().toString();
            }
        } catch (URISyntaxException | SecurityException | IllegalArgumentException e) {
            // fall through to the path the README builds
        }
        return "probe/target/starttls4j.jar";
    }

    /** Starts every server, probes it, stops it. */
    static List<Row> rows(ServerIdentity identity) throws IOException {
        List<Row> rows = new ArrayList<>();
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        ClientSettings base = ClientSettings.defaults().withTrust(List.of(identity.leaf()), "the demo certificate")
                .withServerName(NAME).withTimeout(Duration.ofSeconds(10));
        for (Adapter adapter : Adapter.values()) {
            for (Protocol protocol : Protocol.values()) {
                for (boolean implicit : new boolean[] {false, true}) {
                    if (implicit && !protocol.hasImplicitPort()) {
                        continue;
                    }
                    try (ReferenceServer server = ReferenceServers.start(protocol, implicit ? TlsPolicy.IMPLICIT : TlsPolicy.REQUIRED,
                            any, identity, adapter, line -> { })) {
                        int port = server.address().getPort();
                        Target target = new Target(protocol.lowerName() + (implicit ? "s" : ""), protocol, "127.0.0.1", port, implicit);
                        ProbeResult result;
                        try {
                            result = Prober.probe(target, base.withAdapter(adapter));
                        } catch (UnreachableException e) {
                            throw new IOException("the demo server on port " + port + " did not answer", e);
                        }
                        rows.add(new Row(protocol, implicit, port, adapter, result));
                    }
                }
            }
        }
        return rows;
    }
}
