package org.starttls4j.probe;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.starttls4j.TlsFacts;
import org.starttls4j.TlsPolicy;

/**
 * {@code starttls4j} with no arguments: reference servers for every protocol, with STARTTLS
 * and with implicit TLS, on free loopback ports, each adapter serving and probing its own set
 * (twelve connections), all with one self-signed certificate that the probes trust as their only
 * anchor and verify by name. Prints a table; exit status 0 when every connection was secured.
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
            out.println("  " + style.good("All " + rows.size() + " connections secured") + " in " + millis + " ms."
                    + " Next: starttls4j probe smtp://your.mail.server --transcript");
        } else {
            out.println("  " + style.bad((rows.size() - secured) + " of " + rows.size() + " connections not secured") + ".");
        }
        out.flush();
        return secured == rows.size() ? Main.OK : Main.NOT_AS_DEMANDED;
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
                    ReferenceServer.Settings s = new ReferenceServer.Settings(protocol,
                            implicit ? TlsPolicy.IMPLICIT : TlsPolicy.REQUIRED, any, identity, adapter);
                    try (ReferenceServer server = ReferenceServer.start(s, line -> { })) {
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
