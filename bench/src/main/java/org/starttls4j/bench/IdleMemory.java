package org.starttls4j.bench;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import org.starttls4j.SecureSession;

/**
 * Benchmark 4, outside JMH: the heap an idle secured connection keeps alive.
 *
 * <p><b>Method.</b> Run in its own JVM with the serial collector (whose {@code System.gc()} is a
 * full, compacting, stop-the-world collection, so the used heap after it is the live heap). After a
 * warm-up, it measures the used heap ({@code totalMemory - freeMemory}, after repeated
 * {@code System.gc()} until it is steady, see {@link #usedHeap()}), then makes N connections in memory (TLS 1.3,
 * ECDSA P-256, SMTP, each exactly as benchmark 1 makes them, including the exchange inside TLS),
 * holds both ends of each, measures again, drops the server ends, measures again. The differences
 * divided by N are the retained heap per client and per server end. The same is done for N bare
 * engine pairs, and then four full-size heap buffers (two of the session's packet size, two of its
 * application size) are added to each bare client engine: what an application that keeps its
 * buffers per connection holds. Everything shared (contexts, certificates' CA, caches cut to one
 * entry) is in the first reading, so only the per-connection part is divided.
 *
 * <p><b>Engines.</b> With {@code boringssl} every end is Netty's BoringSSL engine
 * ({@link Fixture.Engine#BORINGSSL}, Netty's default contexts), and beside each heap reading the C
 * heap in use ({@code mallinfo2} through {@code jcmd VM.info}, {@link ProcessFootprint#cHeapInUseNow()}):
 * what BoringSSL holds per connection outside the Java heap. {@code mallinfo2} counts the main
 * arena only, so run it with {@code MALLOC_ARENA_MAX=1}. The bare pairs are then measured a second
 * time from contexts with 256-byte BIO buffers, as {@code BoringSsl.clientContext} and
 * {@code serverContext} (adapters-netty) make them. A dropped engine's C memory is freed by a
 * cleaner that may run a collection or two late, so the split between client and server ends
 * ({@code *.client.native}, {@code *.server.native}) moves from run to run; their sum, the pair
 * ({@code *.pair.native}, read with both ends held), does not.
 *
 * <p>Output: one {@code key=value} line per figure, bytes per connection. Usage:
 * {@code IdleMemory [connections] [jdk|boringssl]}.
 */
public final class IdleMemory {

    private IdleMemory() {
    }

    /**
     * Runs the measurement.
     *
     * @param args the number of connections (default 10000)
     * @throws Exception if a handshake fails
     */
    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        Fixture.Engine engine = args.length > 1 ? Fixture.Engine.of(args[1]) : Fixture.Engine.JDK;
        for (Map.Entry<String, Object> e : measure(n, 200, engine).entrySet()) {
            System.out.println(e.getKey() + "=" + e.getValue());
        }
    }

    /**
     * Measures with {@code n} connections.
     *
     * @param n      the number of connections held at once
     * @param warmUp connections made (and dropped) before the first reading
     * @return the figures, in order
     * @throws Exception if a handshake fails
     */
    public static Map<String, Object> measure(int n, int warmUp) throws Exception {
        return measure(n, warmUp, Fixture.Engine.JDK);
    }

    /**
     * Measures with {@code n} connections of {@code engine}'s engines.
     *
     * @param n      the number of connections held at once
     * @param warmUp connections made (and dropped) before the first reading
     * @param engine the TLS implementation of every end
     * @return the figures, in order; for BoringSSL also the C heap in use per connection ({@code *.native})
     * @throws Exception if a handshake fails
     */
    public static Map<String, Object> measure(int n, int warmUp, Fixture.Engine engine) throws Exception {
        int threads = Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));
        Worker[] workers = new Worker[threads];
        for (int t = 0; t < threads; t++) {
            workers[t] = new Worker(engine);
        }
        boolean nativeToo = engine == Fixture.Engine.BORINGSSL;
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("sessions", n);
        out.put("engine", engine.name().toLowerCase(java.util.Locale.ROOT));
        out.put("jdk", System.getProperty("java.vm.version"));
        out.put("gc", "serial (System.gc() is a full compaction)");
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            // Warm-up: class loading, JIT, lazily built JDK tables land outside the measurement.
            run(pool, workers, warmUp, (w, i) -> {
                w.core.negotiate();
                w.bare.handshake();
            });

            Object[] clients = new Object[n];
            Object[] servers = new Object[n];
            SecureSession probe = workers[0].core.negotiate();
            out.put("protocol", probe.tls().protocol());
            out.put("cipherSuite", probe.tls().cipherSuite());
            out.put("packetBufferSize", probe.minNetworkBufferSize());
            out.put("applicationBufferSize", probe.minApplicationBufferSize());
            probe = null;

            Reading base = Reading.now(nativeToo);
            run(pool, workers, n, (w, i) -> {
                clients[i] = w.core.negotiate();
                servers[i] = w.core.lastServer();
            });
            Reading both = Reading.now(nativeToo);
            Arrays.fill(servers, null); // the engines are not reference-counted: collecting them frees their C memory
            Reading clientsOnly = Reading.now(nativeToo);
            checkIdle(clients);
            Arrays.fill(clients, null);
            Reading released = Reading.now(nativeToo);
            out.put("reading.core", base.heap() + " " + both.heap() + " " + clientsOnly.heap() + " " + released.heap());
            out.put("core.client", (clientsOnly.heap() - base.heap()) / n);
            out.put("core.server", (both.heap() - clientsOnly.heap()) / n);
            out.put("core.residue", (released.heap() - base.heap()) / n);
            if (nativeToo) {
                out.put("core.client.native", (clientsOnly.cHeap() - base.cHeap()) / n);
                out.put("core.server.native", (both.cHeap() - clientsOnly.cHeap()) / n);
                out.put("core.pair.native", (both.cHeap() - base.cHeap()) / n);
            }

            bare(pool, workers, n, out, "bare", nativeToo);
            if (nativeToo) {
                for (Worker w : workers) {
                    w.fixture.smallBioBuffers();
                }
                bare(pool, workers, n, out, "bare256", true);
            }
        } finally {
            pool.shutdown();
        }
        return out;
    }

    /** The bare engine pairs' figures, under keys starting with {@code name}. */
    private static void bare(ExecutorService pool, Worker[] workers, int n, Map<String, Object> out, String name,
                             boolean nativeToo) throws Exception {
        Object[] clients = new Object[n];
        Object[] servers = new Object[n];
        Reading base = Reading.now(nativeToo);
        run(pool, workers, n, (w, i) -> {
            clients[i] = w.bare.handshake();
            servers[i] = w.bare.lastServer();
        });
        Reading both = Reading.now(nativeToo);
        Arrays.fill(servers, null);
        Reading clientsOnly = Reading.now(nativeToo);
        Object[] buffers = new Object[n];
        for (int i = 0; i < n; i++) {
            SSLSession session = ((SSLEngine) clients[i]).getSession();
            buffers[i] = new ByteBuffer[] {
                ByteBuffer.allocate(session.getPacketBufferSize()), ByteBuffer.allocate(session.getPacketBufferSize()),
                ByteBuffer.allocate(session.getApplicationBufferSize()), ByteBuffer.allocate(session.getApplicationBufferSize())};
        }
        long withBuffers = usedHeap();
        Arrays.fill(buffers, null);
        Arrays.fill(clients, null);
        Reading released = Reading.now(nativeToo);
        out.put("reading." + name, base.heap() + " " + both.heap() + " " + clientsOnly.heap() + " " + withBuffers
                + " " + released.heap());
        out.put(name + ".client", (clientsOnly.heap() - base.heap()) / n);
        out.put(name + ".server", (both.heap() - clientsOnly.heap()) / n);
        out.put(name + ".clientWithBuffers", (withBuffers - base.heap()) / n);
        out.put(name + ".residue", (released.heap() - base.heap()) / n);
        if (nativeToo) {
            out.put(name + ".client.native", (clientsOnly.cHeap() - base.cHeap()) / n);
            out.put(name + ".server.native", (both.cHeap() - clientsOnly.cHeap()) / n);
            out.put(name + ".pair.native", (both.cHeap() - base.cHeap()) / n);
            out.put(name + ".residue.native", (released.cHeap() - base.cHeap()) / n);
        }
    }

    /**
     * The live heap after full collections and, when asked, the C heap in use right after them (the
     * collections have run the cleaners that free released engines' C memory).
     */
    private record Reading(long heap, long cHeap) {
        static Reading now(boolean nativeToo) throws InterruptedException {
            long heap = usedHeap();
            return new Reading(heap, nativeToo ? ProcessFootprint.cHeapInUseNow() : -1);
        }
    }

    /** Every held core session must really be idle: nothing buffered. */
    private static void checkIdle(Object[] sessions) {
        for (Object o : sessions) {
            if (((SecureSession) o).hasBufferedPlaintext()) {
                throw new IllegalStateException("a session held plaintext: not idle");
            }
        }
    }

    /** One thread's pairs (each with its own fixture: contexts and pairs are not shared between threads). */
    private static final class Worker {
        final Fixture fixture;
        final CorePair core;
        final BarePair bare;

        Worker(Fixture.Engine engine) {
            fixture = new Fixture(Pki.KeyType.EC_P256, "TLSv1.3", engine);
            core = new CorePair(fixture, MailProtocol.SMTP);
            core.negotiate();
            bare = new BarePair(fixture, core.lineAfterTls(), core.replyAfterTls());
        }
    }

    private interface Job {
        void run(Worker w, int i) throws Exception;
    }

    private static void run(ExecutorService pool, Worker[] workers, int n, Job job) throws Exception {
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < workers.length; t++) {
            int first = t;
            Worker w = workers[t];
            futures.add(pool.submit(() -> {
                for (int i = first; i < n; i += workers.length) {
                    job.run(w, i);
                }
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
    }

    /**
     * The used heap after full collections. Some of what a TLS connection leaves behind is freed
     * only a few collections after it became unreachable (it waits on a reference queue for the
     * finalizer or cleaner threads), so one reading is not enough: collect, run finalization, pause,
     * and return once at least six collections are done and the last three readings agree within
     * 1 KiB.
     */
    static long usedHeap() throws InterruptedException {
        Runtime rt = Runtime.getRuntime();
        long last = -1;
        int agreeing = 0;
        for (int i = 0; i < 40; i++) {
            System.gc();
            System.runFinalization();
            Thread.sleep(50);
            long used = rt.totalMemory() - rt.freeMemory();
            agreeing = last >= 0 && Math.abs(used - last) < 1024 ? agreeing + 1 : 0;
            last = used;
            if (i >= 5 && agreeing >= 2) {
                return used;
            }
        }
        return last;
    }
}
