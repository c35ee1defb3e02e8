package org.starttls4j.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;

/**
 * The core's rate against the bare baseline's, measured in one JVM by alternating short blocks of
 * each: load that drifts (another build, a noisy neighbour) slows both sides of a pair alike and
 * cancels out of each pair's ratio, where JMH compares forks run a minute apart. Complements
 * benchmarks 1 and 2 on a shared machine; prints the median of the per-pair ratios and a 95 %
 * confidence interval for it (from order statistics, so no assumption about the distribution).
 *
 * <p>Usage: {@code InterleavedRate negotiation <EC_P256|RSA_2048> <TLSv1.3|TLSv1.2> [SMTP|IMAP|POP3] [jdk|boringssl]}
 * or {@code InterleavedRate bulk <TLSv1.3|TLSv1.2> <bytes per write> [jdk|boringssl] [heap|direct] [core/bare]}.
 * With {@code boringssl} both pairs, core and bare, run Netty's BoringSSL engines; a bulk run's
 * buffers (source, network, destination) are of the kind named, the same on both sides, and each
 * pair of blocks runs on a fresh instance of each side ({@link #bulks}). The last argument names
 * the sides ({@link BulkBenchmark#via}): {@code core/core} or {@code bare/bare} compares a side with
 * itself, which shows what the method alone makes of two equal sides.
 *
 * <p>{@code InterleavedRate adapter <nio|netty> [jdk|boringssl] [connections in flight]} compares
 * an adapter with the plain Netty {@code SslHandler} pipeline over loopback (benchmark 3's
 * {@link AdapterLoopbackBenchmark.Loopback}, both with the same engine): one operation is one
 * connection negotiated to the end; with more than one in flight (default 1) a block is that many
 * threads each making its share of the block's connections, and its time is the wall clock's.
 *
 * <p>{@code InterleavedRate loops [jdk|boringssl] [connections in flight]} compares {@code NioServer}
 * with its default selector loops against the same server with one loop (before it had several),
 * the client and the rest as in {@code adapter nio}: the change's own effect, without a baseline.
 */
public final class InterleavedRate {

    private static final long WARM_UP_NANOS = 20_000_000_000L; // JDK 17's EC and RSA code needs ~15 s
    private static final long BLOCK_NANOS = 250_000_000L;
    /** Longer for connections over loopback: a block of concurrent ones starts and ends with fewer in flight. */
    private static final long ADAPTER_BLOCK_NANOS = 500_000_000L;
    private static final int PAIRS = 40;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    /**
     * Bulk over a native engine (BoringSSL): its crypto is compiled C, so the warm-up only has to
     * compile the loops, the core and Netty's JNI glue, and a block of 100 ms of CPU holds
     * 17,000–120,000 writes; the four rows add about a minute and a half to the interleaved run.
     */
    private static final long NATIVE_BULK_WARM_UP_NANOS = 6_000_000_000L;
    private static final long NATIVE_BULK_BLOCK_NANOS = 100_000_000L;

    private InterleavedRate() {
    }

    /** One side of a comparison: runs one operation. */
    @FunctionalInterface
    private interface Operation {
        void run() throws Exception;
    }

    /**
     * One side of a comparison that runs its operations in a loop of its own: a bulk write takes 1–5
     * µs, and two sides called from one shared loop share one compiled call site, where the JIT may
     * inline one side more deeply than the other (a core/core run through a shared loop came out at
     * 0.95 with an interval that excluded 1). Each side's own loop is compiled for that side alone.
     *
     * <p>Such a side is timed by the thread's CPU time, not the wall clock: a write is computation
     * alone on the one thread, and on a machine shared with other builds the wall clock also counts
     * the time the thread waited for a core, which comes in bursts longer than a block (with a load
     * average of 8–10 on two cores, even bare/bare pairs spread from 0.6 to 1.2).
     */
    @FunctionalInterface
    private interface Repeated extends Operation {
        /** Runs the operation {@code times} times. */
        void repeat(int times) throws Exception;

        @Override
        default void run() throws Exception {
            repeat(1);
        }
    }

    /**
     * Runs the comparison and prints one line.
     *
     * @param args see the class comment
     * @throws Exception if a side fails
     */
    public static void main(String[] args) throws Exception {
        String what;
        Operation core;
        Operation bare;
        String sides = "core/bare";
        long blockNanos = BLOCK_NANOS;
        long warmUpNanos = WARM_UP_NANOS;
        int threads = 1;
        IntConsumer select = pair -> { }; // which instances of each side the next pair uses (bulk: see bulks)
        // Bulk: the block size from the fastest of five 50-ms estimates, so that a burst of load
        // during one of them cannot cut the blocks to a few milliseconds each.
        int estimates = 1;
        AdapterLoopbackBenchmark.Loopback[] loopbacks = null;
        if (args[0].equals("adapter")) {
            String engine = args.length > 2 ? args[2] : "jdk";
            threads = args.length > 3 ? Integer.parseInt(args[3]) : 1;
            loopbacks = new AdapterLoopbackBenchmark.Loopback[] {loopback(args[1], engine), loopback("sslhandler", engine)};
            core = loopbacks[0]::negotiate;
            bare = loopbacks[1]::negotiate;
            sides = args[1] + "/sslhandler";
            blockNanos = ADAPTER_BLOCK_NANOS;
            what = "adapter " + args[1] + " beside the SslHandler pipeline, " + engine + " engines, " + threads + " in flight";
        } else if (args[0].equals("loops")) {
            String engine = args.length > 1 ? args[1] : "jdk";
            threads = args.length > 2 ? Integer.parseInt(args[2]) : 1;
            AdapterLoopbackBenchmark.Loopback oneLoop = new AdapterLoopbackBenchmark.Loopback();
            oneLoop.server = "nio";
            oneLoop.engine = engine;
            oneLoop.nioLoops = 1;
            oneLoop.start();
            loopbacks = new AdapterLoopbackBenchmark.Loopback[] {loopback("nio", engine), oneLoop};
            core = loopbacks[0]::negotiate;
            bare = loopbacks[1]::negotiate;
            sides = "nio default loops/nio one loop";
            blockNanos = ADAPTER_BLOCK_NANOS;
            what = "NioServer with its default selector loops beside one loop, " + engine + " engines, " + threads + " in flight";
        } else if (args[0].equals("negotiation")) {
            String engine = args.length > 4 ? args[4] : "jdk";
            NegotiationBenchmark c = negotiation(args[1], args[2], args.length > 3 ? args[3] : "SMTP", engine);
            NegotiationBenchmark b = negotiation(args[1], args[2], "bare", engine);
            core = c::negotiate;
            bare = b::negotiate;
            what = "negotiation " + c.via + ", " + args[1] + ", " + args[2] + (engine.equals("jdk") ? "" : ", " + engine + " engines");
        } else {
            String engine = args.length > 3 ? args[3] : "jdk";
            String buffers = args.length > 4 ? args[4] : "heap";
            if (args.length > 5) {
                sides = args[5];
            }
            String[] via = sides.split("/");
            BulkBenchmark[] c = bulks(args[1], Integer.parseInt(args[2]), via[0], engine, buffers);
            BulkBenchmark[] b = bulks(args[1], Integer.parseInt(args[2]), via[1], engine, buffers);
            int[] turn = {0};
            // Two loops written out, not one made twice: each lambda is compiled on its own (see Repeated).
            core = (Repeated) times -> {
                BulkBenchmark side = c[turn[0]];
                for (int i = 0; i < times; i++) {
                    side.write();
                }
            };
            bare = (Repeated) times -> {
                BulkBenchmark side = b[turn[0]];
                for (int i = 0; i < times; i++) {
                    side.write();
                }
            };
            select = i -> turn[0] = i % PAIRS;
            what = bulkWhat(args[1], args[2], engine, buffers);
            estimates = 5;
            if (!engine.equals("jdk")) {
                warmUpNanos = NATIVE_BULK_WARM_UP_NANOS;
                blockNanos = NATIVE_BULK_BLOCK_NANOS;
            }
        }
        ExecutorService pool = threads > 1 ? Executors.newFixedThreadPool(threads) : null;
        try {
            long warmUpEnd = System.nanoTime() + warmUpNanos;
            // A side timed by CPU time runs in batches: one clock reading costs about as much as a write.
            int unit = core instanceof Repeated ? 100 : threads;
            for (int round = 0; System.nanoTime() < warmUpEnd; round++) {
                select.accept(round);
                time(core, unit, threads, pool);
                time(bare, unit, threads, pool);
            }
            // With several in flight, a block of one round per thread would time its slowest connection:
            // eight rounds at least, so that a block's wall clock is mostly connections in full flow.
            long slower = Math.max(perOperation(core, unit, threads, pool), perOperation(bare, unit, threads, pool));
            for (int i = 1; i < estimates; i++) {
                slower = Math.min(slower, Math.max(perOperation(core, unit, threads, pool), perOperation(bare, unit, threads, pool)));
            }
            int perBlock = Math.max(threads == 1 ? 1 : 8 * threads, (int) (blockNanos / slower));
            double[] ratios = new double[PAIRS];
            for (int pair = 0; pair < PAIRS; pair++) {
                select.accept(pair);
                boolean coreFirst = pair % 2 == 0; // neither side always runs just after the other
                long coreNanos = coreFirst ? time(core, perBlock, threads, pool) : 0;
                long bareNanos = time(bare, perBlock, threads, pool);
                if (!coreFirst) {
                    coreNanos = time(core, perBlock, threads, pool);
                }
                ratios[pair] = (double) bareNanos / coreNanos; // the core's rate over the bare rate
            }
            Arrays.sort(ratios);
            int[] ci = medianConfidenceInterval(PAIRS);
            System.out.printf(Locale.ROOT, "%s: %s rate %.3f (95 %% CI %.3f–%.3f; %d pairs of %d operations each%s)%n",
                    what, sides, median(ratios), ratios[ci[0]], ratios[ci[1]], PAIRS, perBlock,
                    core instanceof Repeated ? ", thread CPU time" : "");
        } finally {
            if (pool != null) {
                pool.shutdownNow();
            }
        }
        if (loopbacks != null) {
            for (AdapterLoopbackBenchmark.Loopback l : loopbacks) {
                l.stop(); // fails if a handshake was resumed or a server end failed
            }
        }
    }

    private static AdapterLoopbackBenchmark.Loopback loopback(String server, String engine) throws Exception {
        AdapterLoopbackBenchmark.Loopback l = new AdapterLoopbackBenchmark.Loopback();
        l.server = server;
        l.engine = engine;
        l.start();
        return l;
    }

    private static NegotiationBenchmark negotiation(String cert, String tls, String via, String engine) throws Exception {
        NegotiationBenchmark b = new NegotiationBenchmark(cert, tls, via);
        b.engine = engine;
        b.setUp();
        return b;
    }

    /**
     * A bulk run's engines and buffers, each side alike: the core's {@code SecureSession} and the bare
     * loop get the same engine, buffer kind, write size and TLS version ({@link BulkBenchmark}).
     */
    static BulkBenchmark bulk(String tls, int size, String via, String engine, String buffers) throws Exception {
        BulkBenchmark b = new BulkBenchmark(tls, size, via);
        b.engine = engine;
        b.buffers = buffers;
        b.setUp();
        return b;
    }

    /**
     * One side's instances for a bulk run, a fresh one per pair. With one instance per side, two
     * instances of the same side (a session pair and its buffers) came out between 0.945 and 1.051
     * of each other (bench/PROFILE.md, section 2), partly from where their buffers and the engines'
     * native state happen to lie in memory: an offset that would be in every pair, which no interval
     * would show. A fresh instance per pair makes each pair's ratio an independent draw of placements
     * as well as of load.
     */
    static BulkBenchmark[] bulks(String tls, int size, String via, String engine, String buffers) throws Exception {
        BulkBenchmark[] instances = new BulkBenchmark[PAIRS];
        for (int i = 0; i < PAIRS; i++) {
            instances[i] = bulk(tls, size, via, engine, buffers);
        }
        return instances;
    }

    /**
     * What a bulk line says before its figures; the JDK engines over heap buffers (the first rows,
     * which bench/update-summary and older runs know) without the engine and buffers.
     */
    static String bulkWhat(String tls, String size, String engine, String buffers) {
        return "bulk, " + tls + ", " + size + " B per write"
                + (engine.equals("jdk") && buffers.equals("heap") ? "" : ", " + engine + " engines, " + buffers + " buffers");
    }

    /** Nanoseconds per operation (as {@link #time} counts them), {@code unit} at a time. */
    private static long perOperation(Operation op, int unit, int threads, ExecutorService pool) throws Exception {
        int n = 0;
        long elapsed = 0;
        do {
            elapsed += time(op, unit, threads, pool);
            n += unit;
        } while (elapsed < 50_000_000L);
        return elapsed / n;
    }

    /**
     * Nanoseconds for {@code times} operations, spread over {@code threads} threads of {@code pool}:
     * of the wall clock, or for a {@link Repeated} side (one thread, no I/O) of this thread's CPU time.
     */
    private static long time(Operation op, int times, int threads, ExecutorService pool) throws Exception {
        if (pool == null && op instanceof Repeated repeated) {
            long cpu = THREADS.getCurrentThreadCpuTime();
            repeated.repeat(times);
            return THREADS.getCurrentThreadCpuTime() - cpu;
        }
        long start = System.nanoTime();
        if (pool == null) {
            for (int i = 0; i < times; i++) {
                op.run();
            }
            return System.nanoTime() - start;
        }
        List<Callable<Void>> shares = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int share = times / threads + (t < times % threads ? 1 : 0);
            shares.add(() -> {
                for (int i = 0; i < share; i++) {
                    op.run();
                }
                return null;
            });
        }
        for (Future<Void> f : pool.invokeAll(shares)) {
            f.get(); // a failed operation fails the run
        }
        return System.nanoTime() - start;
    }

    private static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /**
     * Indices {@code [lo, hi]} of the sorted sample that bracket its median with at least 95 %
     * confidence: the largest {@code lo} with P(Binomial(n, 1/2) ≤ lo) ≤ 2.5 %, and its mirror.
     */
    static int[] medianConfidenceInterval(int n) {
        double cumulative = 0;
        double p = Math.pow(0.5, n); // P(X = 0)
        int lo = 0;
        for (int k = 0; k < n; k++) {
            cumulative += p;
            if (cumulative > 0.025) {
                lo = Math.max(0, k - 1);
                break;
            }
            p = p * (n - k) / (k + 1);
        }
        return new int[] {lo, n - 1 - lo};
    }
}
