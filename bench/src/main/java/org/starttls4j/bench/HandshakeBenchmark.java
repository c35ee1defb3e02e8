package org.starttls4j.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;

/**
 * What the benchmarks that time whole negotiations share (JMH reads these annotations from the
 * superclass; each benchmark adds its own warm-up): operations per second, eight 1-second
 * measurement iterations (JMH's 99.9 % interval uses Student's t, so more, shorter iterations give
 * a narrower one), and one fork with a fixed 1 GB heap and session tickets off on both sides, so
 * that no handshake is resumed (see {@link Fixture}).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Measurement(iterations = 8, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g",
        "-Djdk.tls.client.enableSessionTicketExtension=false",
        "-Djdk.tls.server.enableSessionTicketExtension=false"})
public abstract class HandshakeBenchmark {

    /** For the benchmarks that extend it. */
    protected HandshakeBenchmark() {
    }
}
