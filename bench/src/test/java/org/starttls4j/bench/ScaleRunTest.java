package org.starttls4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scale harness end to end at a tiny count: real server and client JVMs over loopback, every
 * server with every engine, every session secured and held, every figure of the report present.
 * Nothing is timed.
 */
class ScaleRunTest {

    private static final int WARMUP = 2;
    private static final int BURST = 6;
    private static final int SESSIONS = 20;

    @TempDir
    Path dir;

    @Test
    void everyServerHoldsEverySessionSecuredWithEveryEngineAndTheReportHasEveryField() throws Exception {
        Path out = dir.resolve("RESULTS.md");
        Files.writeString(out, "# Benchmark results\n\nearlier sections\n");
        ScaleReport report = ScaleRun.run(new String[] {"--sessions", String.valueOf(SESSIONS), "--burst", String.valueOf(BURST),
            "--clients", "1", "--warmup", String.valueOf(WARMUP), "--server-heap", "128m", "--client-heap", "128m",
            "--raw", dir.resolve("raw").toString(), "--out", out.toString(), "--command", "test"});

        assertEquals(Set.of("sslhandler/boringssl", "nio/boringssl", "netty/boringssl", "sslhandler/jdk", "nio/jdk", "netty/jdk"),
                report.variants().stream().map(v -> v.server() + "/" + v.engine()).collect(Collectors.toSet()));
        for (ScaleReport.Variant v : report.variants()) {
            String name = v.server() + "/" + v.engine();
            assertEquals(SESSIONS, v.sessions(), name + ": sessions held at the end");
            assertEquals(WARMUP + SESSIONS, v.secured(), name + ": secured");
            assertEquals(0, v.notSecured(), name + ": not secured");
            assertEquals(v.secured(), v.fullHandshakes(), name + ": one full handshake per connection, none resumed");
            assertEquals(0, v.serverFailures(), name + ": server failures");
            assertEquals(BURST, v.latencies().length, name + ": one latency per connection of the burst");
            assertTrue(v.percentile(50) > 0 && v.percentile(50) <= v.percentile(99), name + ": p50 ≤ p99");
            assertTrue(v.fullFootprint().fds() >= SESSIONS, name + ": the server holds a socket per session");
            assertTrue(v.fullFootprint().nmtCommitted() > 0, name + ": Native Memory Tracking answered");
            assertTrue(v.fullFootprint().rss() > v.fullFootprint().heapCommitted(), name + ": the heap is resident");
            assertTrue(Double.isFinite(v.totalPerSession()), name + ": a figure per session");
        }

        String written = Files.readString(out, StandardCharsets.UTF_8);
        assertTrue(written.startsWith("# Benchmark results\n\nearlier sections\n"), "what was there stays");
        for (String field : List.of(ScaleReport.begin("scale"), ScaleReport.end("scale"), "heap / session", "native / session (NMT)",
                "total / session", "**extrapolated**", "p50 ÷ baseline", "p99 ÷ baseline", "load average", "Open files per process",
                "Command: `test`", (WARMUP + SESSIONS) + " secured")) {
            assertTrue(written.contains(field), "the report has " + field);
        }
    }

    @Test
    void aSectionIsReplacedInPlaceOthersStayAndReportKeepsThemAll() throws Exception {
        Path out = dir.resolve("RESULTS.md");
        String first = ScaleReport.begin("scale") + "\nold figures\n" + ScaleReport.end("scale") + "\n";
        String other = ScaleReport.begin("scale-steady") + "\nother figures\n" + ScaleReport.end("scale-steady") + "\n";
        ScaleReport.writeSection(out, "scale", first);
        Files.writeString(out, "# Results\n\n" + Files.readString(out) + "\n## After\n");
        ScaleReport.writeSection(out, "scale-steady", other);
        String second = ScaleReport.begin("scale") + "\nnew figures\n" + ScaleReport.end("scale") + "\n";

        ScaleReport.writeSection(out, "scale", second);

        assertEquals("# Results\n\n" + second + "\n## After\n\n" + other, Files.readString(out));
        assertEquals("\n" + second + "\n" + other, ScaleReport.existingSections(out));
        assertEquals("", ScaleReport.existingSections(dir.resolve("none.md")));
    }
}
