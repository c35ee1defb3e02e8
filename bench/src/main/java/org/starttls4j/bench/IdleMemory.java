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
 * <p>Output: one {@code key=value} line per figure, bytes per connection.
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
        for (Map.Entry<String, Object> e : measure(n, 200).entrySet()) {
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
        int threads = Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));
        Worker[] workers = new Worker[threads];
        for (int t = 0; t < threads; t++) {
            workers[t] = new Worker();
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("sessions", n);
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

            long base = usedHeap();
            run(pool, workers, n, (w, i) -> {
                clients[i] = w.core.negotiate();
                servers[i] = w.core.lastServer();
            });
            long both = usedHeap();
            Arrays.fill(servers, null);
            long clientsOnly = usedHeap();
            checkIdle(clients);
            Arrays.fill(clients, null);
            long released = usedHeap();
            out.put("reading.core", base + " " + both + " " + clientsOnly + " " + released);
            out.put("core.client", (clientsOnly - base) / n);
            out.put("core.server", (both - clientsOnly) / n);
            out.put("core.residue", (released - base) / n);

            base = usedHeap();
            run(pool, workers, n, (w, i) -> {
                clients[i] = w.bare.handshake();
                servers[i] = w.bare.lastServer();
            });
            both = usedHeap();
            Arrays.fill(servers, null);
            clientsOnly = usedHeap();
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
            released = usedHeap();
            out.put("reading.bare", base + " " + both + " " + clientsOnly + " " + withBuffers + " " + released);
            out.put("bare.client", (clientsOnly - base) / n);
            out.put("bare.server", (both - clientsOnly) / n);
            out.put("bare.clientWithBuffers", (withBuffers - base) / n);
            out.put("bare.residue", (released - base) / n);
        } finally {
            pool.shutdown();
        }
        return out;
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
        final CorePair core;
        final BarePair bare;

        Worker() {
            Fixture fixture = new Fixture(Pki.KeyType.EC_P256, "TLSv1.3");
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
