package org.starttls4j.bench;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.ReferenceCounted;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * The C memory a BoringSSL server engine holds when it is set up as the core's
 * {@code EngineSetup.server} set up every engine until 2ad081b ({@code setSSLParameters(getSSLParameters())}
 * with its protocols), beside one only put in server mode and one given its protocol alone
 * ({@code setEnabledProtocols}, as the scale baseline's engines are): {@code
 * SSLEngine.setSSLParameters} also sets the enabled cipher suites, and Netty's engine hands them
 * to BoringSSL, which then keeps a cipher list of the connection's own instead of the context's;
 * and one set up as the core does but with the parameters' cipher suites cut to {@code null}
 * (which {@code setSSLParameters} skips, for the JDK's engine as for Netty's).
 *
 * <p>One JVM (run with {@code MALLOC_ARENA_MAX=2}): a warm-up, then rounds in which each way of
 * setting up makes {@code engines} engines (default 10,000) from one reference-counted context
 * ({@code SslProvider.OPENSSL_REFCNT}, otherwise as {@code BoringSsl.serverContext}), reads how
 * much more {@code malloc} has handed out, and releases them. Prints each way's median over the
 * rounds, per engine. Usage: {@code EngineParameters [boringssl|jdk] [engines] [rounds]}.
 *
 * <p>With {@code jdk} the same for the JDK's engine (from the server context the benchmarks use),
 * whose engine copies the parameters' cipher suites into a list of its own on the heap: the figure
 * is then the live heap per engine (after full collections; run with {@code -XX:+UseSerialGC}).
 */
public final class EngineParameters {

    private static final List<String> MODES = List.of("none", "protocols", "parameters", "parametersWithoutSuites");

    private EngineParameters() {
    }

    /**
     * Measures and prints one line per way of setting up.
     *
     * @param args the number of engines per round and of rounds (default 10,000 and 7)
     * @throws Exception if an engine cannot be made
     */
    public static void main(String[] args) throws Exception {
        boolean jdk = args.length > 0 && args[0].equals("jdk");
        int count = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 7;
        Pki.Identity identity = Pki.identity(Pki.KeyType.EC_P256);
        SslContext boringSsl = SslContextBuilder.forServer(identity.serverKey(), identity.server())
                .sslProvider(SslProvider.OPENSSL_REFCNT).protocols("TLSv1.3", "TLSv1.2").build();
        SSLContext jdkContext = identity.serverContext();
        Supplier<SSLEngine> engines = jdk ? jdkContext::createSSLEngine : () -> boringSsl.newEngine(ByteBufAllocator.DEFAULT);
        for (int i = 0; i < 3; i++) {
            for (String mode : MODES) {
                heldBy(engines, mode, count, jdk); // native library, JIT, glibc's arenas grown
            }
        }
        double[][] perEngine = new double[MODES.size()][rounds];
        for (int r = 0; r < rounds; r++) {
            for (int m = 0; m < MODES.size(); m++) {
                perEngine[m][r] = (double) heldBy(engines, MODES.get(m), count, jdk) / count;
            }
        }
        for (int m = 0; m < MODES.size(); m++) {
            double[] sorted = perEngine[m].clone();
            Arrays.sort(sorted);
            System.out.printf(Locale.ROOT, "engine=%s mode=%s engines=%d rounds=%d %sPerEngine median=%.0f min=%.0f max=%.0f%n",
                    jdk ? "jdk" : "boringssl", MODES.get(m), count, rounds, jdk ? "heap" : "cHeapInUse",
                    sorted[rounds / 2], sorted[0], sorted[rounds - 1]);
        }
    }

    /**
     * Bytes that {@code count} engines set up that way hold: the C heap in use for BoringSSL's, the
     * live heap for the JDK's. Releases them afterwards.
     */
    private static long heldBy(Supplier<SSLEngine> engines, String mode, int count, boolean heap) throws InterruptedException {
        List<SSLEngine> held = new ArrayList<>(count);
        long before = heap ? IdleMemory.usedHeap() : ProcessFootprint.cHeapInUseNow();
        for (int i = 0; i < count; i++) {
            held.add(setUp(engines.get(), mode));
        }
        long after = heap ? IdleMemory.usedHeap() : ProcessFootprint.cHeapInUseNow();
        for (SSLEngine e : held) {
            if (e instanceof ReferenceCounted) {
                ((ReferenceCounted) e).release();
            }
        }
        held.clear();
        return after - before;
    }

    private static SSLEngine setUp(SSLEngine engine, String mode) {
        engine.setUseClientMode(false);
        switch (mode) {
            case "none":
                break;
            case "protocols":
                engine.setEnabledProtocols(new String[] {"TLSv1.3"});
                break;
            case "parameters": // as EngineSetup.server
                SSLParameters parameters = engine.getSSLParameters();
                parameters.setProtocols(new String[] {"TLSv1.3"});
                engine.setSSLParameters(parameters);
                break;
            case "parametersWithoutSuites": // no cipher suites in the parameters, as EngineSetup since 2ad081b: the engine keeps its own
                SSLParameters same = engine.getSSLParameters();
                same.setProtocols(new String[] {"TLSv1.3"});
                same.setCipherSuites(null);
                engine.setSSLParameters(same);
                break;
            default:
                throw new IllegalArgumentException(mode);
        }
        return engine;
    }
}
