package org.starttls4j.bench;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.IterationResultMetaData;
import org.openjdk.jmh.results.ResultRole;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.ThroughputResult;
import org.openjdk.jmh.runner.IterationType;
import org.openjdk.jmh.runner.WorkloadParams;
import org.openjdk.jmh.runner.options.TimeValue;

/** Section 3 of the report: a row per engine, each adapter judged against the SslHandler pipeline with the same engine. */
class ReportAdaptersTest {

    @TempDir
    Path raw;

    /** One fork's result: {@code rate} connections per second, {@code engine} null for a run made before the parameter. */
    private static RunResult result(String method, String server, String engine, double rate) {
        WorkloadParams params = new WorkloadParams();
        params.put("server", server, 0);
        if (engine != null) {
            params.put("engine", engine, 1);
        }
        IterationParams iteration = new IterationParams(IterationType.MEASUREMENT, 1, TimeValue.seconds(1), 1);
        BenchmarkParams benchmark = new BenchmarkParams(Report.ADAPTER_BENCHMARK + "." + method, "generated", false, 1,
                new int[] {1}, List.of(), 1, 0, iteration, iteration, Mode.Throughput, params, TimeUnit.SECONDS, 1,
                "java", List.of(), "17", "vm", "17", "1.37", TimeValue.minutes(1));
        IterationResult it = new IterationResult(benchmark, iteration, new IterationResultMetaData(0, 0));
        it.addResult(new ThroughputResult(ResultRole.PRIMARY, method, rate, 1_000_000_000L, TimeUnit.SECONDS));
        it.addResult(ReportTest.norm("gc.alloc.rate.norm", 70_000));
        return new RunResult(benchmark, List.of(new BenchmarkResult(benchmark, List.of(it))));
    }

    private static List<RunResult> both(double nioOverBase, double nettyOverBase) {
        List<RunResult> results = new ArrayList<>();
        for (String method : List.of("connections1", "connections64")) {
            // the JDK's rows as a run made before the engine parameter wrote them: no "engine" at all
            results.add(result(method, "sslhandler", null, 100));
            results.add(result(method, "nio", null, 150));
            results.add(result(method, "netty", null, 120));
            results.add(result(method, "sslhandler", "boringssl", 400));
            results.add(result(method, "nio", "boringssl", 400 * nioOverBase));
            results.add(result(method, "netty", "boringssl", 400 * nettyOverBase));
        }
        return results;
    }

    private String section(List<RunResult> results) {
        Report report = new Report(false, raw);
        StringBuilder md = new StringBuilder();
        report.writeAdapters(md, Optional.of(results));
        report.writeVerdicts(md);
        return md.toString();
    }

    @Test
    void eachEnginesRowsAreJudgedAgainstTheSslHandlerPipelineWithTheSameEngine() {
        String md = section(both(1.05, 0.98));

        assertTrue(md.contains("| JDK | 1 | 100 | 150 | 1.500 | 120 | 1.200 |"), md);
        assertTrue(md.contains("| BoringSSL | 64 | 400 | 420 | 1.050 | 392 | 0.980 |"), md);
        assertTrue(md.contains("| (3) each adapter ≥ the plain Netty `SslHandler` pipeline | worst 1.200"), md);
        assertTrue(md.contains("| (16.3) NIO adapter over BoringSSL ≥ the `SslHandler` pipeline with the same engine | worst 1.050"), md);
        assertTrue(md.contains("at parity (≥ 0.97 ×) with the `SslHandler` pipeline | worst 0.980 (interval 0.98–0.98) "
                + "(Netty, 1 connection(s)) | met |"), md);
        assertFalse(md.contains("MISSED"), md);
    }

    @Test
    void aNettyAdapterUnderParityAndANioAdapterUnderTheBaselineAreMissed() {
        String md = section(both(0.99, 0.96));

        assertTrue(md.contains("| (16.3) NIO adapter over BoringSSL ≥ the `SslHandler` pipeline with the same engine | worst 0.990 "
                + "(interval 0.99–0.99) (NIO, 1 connection(s)) | **MISSED** |"), md);
        assertTrue(md.contains("with the `SslHandler` pipeline | worst 0.960 (interval 0.96–0.96) (Netty, 1 connection(s)) | **MISSED** |"), md);
    }

    @Test
    void withoutBoringSslRowsThereIsNoBoringSslVerdict() {
        List<RunResult> jdkOnly = new ArrayList<>(both(1.0, 1.0));
        jdkOnly.removeIf(r -> "boringssl".equals(r.getParams().getParam("engine")));

        String md = section(jdkOnly);

        assertTrue(md.contains("| (3) each adapter ≥ the plain Netty `SslHandler` pipeline"), md);
        assertFalse(md.contains("(16.3)"), md);
        assertFalse(md.contains("| BoringSSL |"), md);
    }
}
