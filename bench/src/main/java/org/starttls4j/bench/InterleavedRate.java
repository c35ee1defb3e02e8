package org.starttls4j.bench;

import java.util.Arrays;
import java.util.Locale;

/**
 * The core's rate against the bare baseline's, measured in one JVM by alternating short blocks of
 * each: load that drifts (another build, a noisy neighbour) slows both sides of a pair alike and
 * cancels out of each pair's ratio, where JMH compares forks run a minute apart. Complements
 * benchmarks 1 and 2 on a shared machine; prints the median of the per-pair ratios and a 95 %
 * confidence interval for it (from order statistics, so no assumption about the distribution).
 *
 * <p>Usage: {@code InterleavedRate negotiation <EC_P256|RSA_2048> <TLSv1.3|TLSv1.2> [SMTP|IMAP|POP3] [jdk|boringssl]}
 * or {@code InterleavedRate bulk <TLSv1.3|TLSv1.2> <bytes per write>}. With {@code boringssl} both
 * pairs, core and bare, run Netty's BoringSSL engines.
 */
public final class InterleavedRate {

    private static final long WARM_UP_NANOS = 20_000_000_000L; // JDK 17's EC and RSA code needs ~15 s
    private static final long BLOCK_NANOS = 250_000_000L;
    private static final int PAIRS = 40;

    private InterleavedRate() {
    }

    /** One side of a comparison: runs one operation. */
    @FunctionalInterface
    private interface Operation {
        void run() throws Exception;
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
        if (args[0].equals("negotiation")) {
            String engine = args.length > 4 ? args[4] : "jdk";
            NegotiationBenchmark c = negotiation(args[1], args[2], args.length > 3 ? args[3] : "SMTP", engine);
            NegotiationBenchmark b = negotiation(args[1], args[2], "bare", engine);
            core = c::negotiate;
            bare = b::negotiate;
            what = "negotiation " + c.via + ", " + args[1] + ", " + args[2] + (engine.equals("jdk") ? "" : ", " + engine + " engines");
        } else {
            BulkBenchmark c = bulk(args[1], Integer.parseInt(args[2]), "core");
            BulkBenchmark b = bulk(args[1], Integer.parseInt(args[2]), "bare");
            core = c::write;
            bare = b::write;
            what = "bulk, " + args[1] + ", " + args[2] + " B per write";
        }
        long warmUpEnd = System.nanoTime() + WARM_UP_NANOS;
        while (System.nanoTime() < warmUpEnd) {
            core.run();
            bare.run();
        }
        int perBlock = Math.max(1, (int) (BLOCK_NANOS / Math.max(perOperation(core), perOperation(bare))));
        double[] ratios = new double[PAIRS];
        for (int pair = 0; pair < PAIRS; pair++) {
            boolean coreFirst = pair % 2 == 0; // neither side always runs just after the other
            long coreNanos = coreFirst ? time(core, perBlock) : 0;
            long bareNanos = time(bare, perBlock);
            if (!coreFirst) {
                coreNanos = time(core, perBlock);
            }
            ratios[pair] = (double) bareNanos / coreNanos; // the core's rate over the bare rate
        }
        Arrays.sort(ratios);
        int[] ci = medianConfidenceInterval(PAIRS);
        System.out.printf(Locale.ROOT, "%s: core/bare rate %.3f (95 %% CI %.3f–%.3f; %d pairs of %d operations each)%n",
                what, median(ratios), ratios[ci[0]], ratios[ci[1]], PAIRS, perBlock);
    }

    private static NegotiationBenchmark negotiation(String cert, String tls, String via, String engine) throws Exception {
        NegotiationBenchmark b = new NegotiationBenchmark(cert, tls, via);
        b.engine = engine;
        b.setUp();
        return b;
    }

    private static BulkBenchmark bulk(String tls, int size, String via) throws Exception {
        BulkBenchmark b = new BulkBenchmark(tls, size, via);
        b.setUp();
        return b;
    }

    private static long perOperation(Operation op) throws Exception {
        int n = 0;
        long start = System.nanoTime();
        long elapsed;
        do {
            op.run();
            n++;
            elapsed = System.nanoTime() - start;
        } while (elapsed < 50_000_000L);
        return elapsed / n;
    }

    private static long time(Operation op, int times) throws Exception {
        long start = System.nanoTime();
        for (int i = 0; i < times; i++) {
            op.run();
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
