package org.starttls4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scale harness end to end at a tiny count: real server and client JVMs over loopback, every
 * server, both engines, every session secured and held, every figure of the report present.
 * Nothing is timed.
 */
class ScaleRunTest {

    private static final int WARMUP = 2;
    private static final int BURST = 6;
    private static final int SESSIONS = 20;

    @TempDir
    Path dir;

    @Test
    void theStraightLineThroughReadingsIsTheLeastSquaresOne() {
        ScaleReport.Line exact = ScaleReport.Line.fit(new double[] {1, 2, 3, 4}, new double[] {12, 14, 16, 18});
        assertEquals(2, exact.slope(), 1e-9);
        assertEquals(10, exact.intercept(), 1e-9);
        assertEquals(1, exact.r2(), 1e-9);
        assertEquals(0, exact.maxResidual(), 1e-9);
        assertEquals(200_010, exact.at(100_000), 1e-6);

        // y = x plus +1, -1, -1, +1: the line is y = x, and it misses every reading by 1.
        ScaleReport.Line bent = ScaleReport.Line.fit(new double[] {0, 1, 2, 3}, new double[] {1, 0, 1, 4});
        assertEquals(1, bent.slope(), 1e-9);
        assertEquals(0, bent.intercept(), 1e-9);
        assertEquals(1, bent.maxResidual(), 1e-9);
        assertTrue(bent.r2() < 1 && bent.r2() > 0, "a bent line explains part of the variance: " + bent.r2());
    }

    @Test
    void everyServerHoldsEverySessionSecuredAndTheReportHasEveryField() throws Exception {
        Path out = dir.resolve("RESULTS.md");
        Files.writeString(out, "# Benchmark results\n\nearlier sections\n");
        // Every server with BoringSSL, and the JDK's engine under the core once (the servers differ
        // from one engine to the other only in where their engines come from): four server JVMs.
        ScaleReport boringSsl = ScaleRun.run(arguments(out, "--engines", "boringssl", "--servers", "sslhandler,nio,netty",
                "--malloc-arenas", "2", "--trim", "yes"));
        ScaleReport jdk = ScaleRun.run(arguments(out, "--engines", "jdk", "--servers", "nio", "--section", "scale-jdk",
                "--malloc-arenas", "default"));

        List<ScaleReport.Variant> variants = new ArrayList<>(boringSsl.variants());
        variants.addAll(jdk.variants());
        assertEquals(Set.of("sslhandler/boringssl", "nio/boringssl", "netty/boringssl", "nio/jdk"),
                variants.stream().map(v -> v.server() + "/" + v.engine()).collect(Collectors.toSet()));
        for (ScaleReport.Variant v : variants) {
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
            assertTrue(v.fullFootprint().cHeapInUse() > 0 && v.fullFootprint().cHeapFree() >= 0, name + ": glibc's counts read");
            assertTrue(Double.isFinite(v.cHeapInUsePerSession()), name + ": C heap in use per session");
            assertTrue(Long.parseLong(v.listen().get("ListenOverflows")) >= 0
                    && Long.parseLong(v.listen().get("ListenDrops")) >= 0, name + ": the listen-queue counters over the burst");
            assertTrue(v.listen().containsKey("backlogs"), name + ": the listen backlogs");
            assertEquals(3, v.steps().size(), name + ": a reading after each of the fill's four steps but the last");
            ScaleReport.Line line = v.line().orElseThrow();
            assertEquals(5, line.points(), name + ": the burst's reading, three steps', the last");
            assertEquals(BURST, line.firstX(), name + ": the line starts at the burst's sessions");
            assertEquals(SESSIONS, line.lastX(), name + ": and ends with every session held");
        }

        // The same figures again from the lines the processes left in the raw directory.
        ScaleReport again = ScaleRun.run(arguments(dir.resolve("again.md"), "--from-raw", "--engines", "boringssl",
                "--servers", "sslhandler,nio,netty", "--malloc-arenas", "2", "--trim", "yes"));
        for (int i = 0; i < 3; i++) {
            ScaleReport.Variant run = boringSsl.variants().get(i);
            ScaleReport.Variant read = again.variants().get(i);
            assertEquals(run.totalPerSession(), read.totalPerSession(), run.server() + ": memory from the raw lines");
            assertEquals(run.cHeapInUsePerSession(), read.cHeapInUsePerSession(), run.server() + ": C heap from the raw lines");
            assertEquals(run.percentile(99), read.percentile(99), run.server() + ": latency from the raw lines");
            assertEquals(run.load(), read.load(), run.server() + ": load average from the raw lines");
            assertEquals(run.listen(), read.listen(), run.server() + ": listen queue from the raw lines");
            assertEquals(run.line(), read.line(), run.server() + ": the straight line from the raw lines");
        }
        assertTrue(Files.readString(dir.resolve("again.md")).contains("`ScaleRun --from-raw`"), "says it was rendered again");

        String written = Files.readString(out, StandardCharsets.UTF_8);
        assertTrue(written.startsWith("# Benchmark results\n\nearlier sections\n"), "what was there stays");
        for (String field : List.of(ScaleReport.begin("scale"), ScaleReport.end("scale"), ScaleReport.begin("scale-jdk"),
                ScaleReport.end("scale-jdk"), "heap / session", "native / session (NMT)",
                "total / session", "**extrapolated**", "p50 ÷ baseline", "p99 ÷ baseline", "load average", "Open files per process",
                "Command: `test`", (WARMUP + SESSIONS) + " secured", "`MALLOC_ARENA_MAX=2`", "`jcmd System.trim_native_heap`",
                "without their transcripts", "C heap in use / session", "glibc's default arenas", "listen backlog",
                "listen-queue overflows (drops)", "`net.core.somaxconn` = " + ListenQueue.somaxconn())) {
            assertTrue(written.contains(field), "the report has " + field);
        }
    }

    private String[] arguments(Path out, String... more) {
        List<String> args = new ArrayList<>(List.of("--sessions", String.valueOf(SESSIONS), "--burst", String.valueOf(BURST),
                "--clients", "1", "--warmup", String.valueOf(WARMUP), "--server-heap", "128m", "--client-heap", "128m",
                "--raw", dir.resolve("raw").toString(), "--out", out.toString(), "--command", "test"));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
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
