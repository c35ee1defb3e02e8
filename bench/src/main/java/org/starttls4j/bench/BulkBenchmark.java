package org.starttls4j.bench;

import java.nio.ByteBuffer;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.starttls4j.SecureSession;
import org.starttls4j.TlsResult;

/**
 * Benchmark 2: application data after the negotiation. One operation is one write of {@code size}
 * bytes: encrypted by the client, decrypted by the server, through the core's
 * {@link SecureSession} or through a bare {@code SSLEngine} wrap/unwrap loop over the same kind of
 * buffers (heap, allocated once: the source, one network buffer of twice the packet size, and a
 * destination of the session's application buffer size).
 *
 * <p>Both loops use each call's result as an application would: they check its status and add up
 * its byte counts, and never hand the result object to a {@code Blackhole}. That lets the JIT
 * drop a result object where the code allows it (the core's {@code TlsResult}s; the bare engine's
 * {@code SSLEngineResult}s are made deep inside the JDK, so they stay), which is what happens in a
 * real caller, and the two loops are held to the same rule.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 8, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class BulkBenchmark {

    /** Bytes per write. */
    @Param({"1024", "16384"})
    public int size;

    /** The TLS version. */
    @Param({"TLSv1.3", "TLSv1.2"})
    public String tls;

    /**
     * {@code bare} (the baseline) or {@code core}; or, on request ({@code -p via=bare,bareEven,core}),
     * {@code bareEven}: the bare engine handed the source in the core's slices, so that it writes
     * the same records as the core. The JDK's crypto allocates a little more or less per
     * record depending on its length; {@code bareEven} shows what is the engine's and what is ours.
     */
    @Param({"bare", "core"})
    public String via;

    /** Both ends' TLS implementation: {@code jdk} or {@code boringssl} (Netty's {@code SslProvider.OPENSSL}). */
    @Param({"jdk"})
    public String engine = "jdk";

    /** The source, network and destination buffers: {@code heap} or {@code direct}. */
    @Param({"heap"})
    public String buffers = "heap";

    /** For JMH, which sets the parameters itself. */
    public BulkBenchmark() {
    }

    /**
     * For use outside JMH ({@link InterleavedRate}, tests): the parameters set; call {@link #setUp()} next.
     *
     * @param tls  the TLS version
     * @param size bytes per write
     * @param via  {@code bare}, {@code bareEven} or {@code core}
     */
    BulkBenchmark(String tls, int size, String via) {
        this.tls = tls;
        this.size = size;
        this.via = via;
    }

    private SecureSession coreClient;
    private SecureSession coreServer;
    private SSLEngine bareClient;
    private SSLEngine bareServer;
    private ByteBuffer source;
    private ByteBuffer net;
    private ByteBuffer destination;
    private int[] slices; // bareEven: the plaintext handed to each wrap; null: the whole source

    /** Negotiates once and sizes the buffers from the session. */
    @Setup(Level.Trial)
    public void setUp() throws SSLException {
        Fixture fixture = new Fixture(Pki.KeyType.EC_P256, tls, Fixture.Engine.of(engine));
        CorePair pair = new CorePair(fixture, MailProtocol.SMTP);
        int packet;
        int application;
        if (!via.equals("bare") && !via.equals("core") && !via.equals("bareEven")) {
            throw new IllegalArgumentException("via: bare, core or bareEven, not " + via);
        }
        if (via.equals("core")) {
            coreClient = pair.negotiate();
            coreServer = pair.lastServer();
            packet = coreClient.minNetworkBufferSize();
            application = coreServer.minApplicationBufferSize();
        } else {
            SecureSession core = pair.negotiate();
            slices = via.equals("bareEven") ? coreSlices(size, core.maxRecordPlaintext(), tls.equals("TLSv1.3") ? 1 : 0) : null;
            BarePair bare = new BarePair(fixture, pair.lineAfterTls(), pair.replyAfterTls());
            bareClient = bare.handshake();
            bareServer = bare.lastServer();
            packet = bareClient.getSession().getPacketBufferSize();
            application = bareServer.getSession().getApplicationBufferSize();
            if (fixture.engine() == Fixture.Engine.BORINGSSL) {
                // BoringSSL unwraps a record only into room for its whole encrypted body (16,401
                // bytes for a full TLS 1.3 record), more than the 16,384 it reports before the first
                // overflow: what a bare application must allocate, and SecureSession's minimum.
                application = Math.max(application, packet - 5);
            }
        }
        byte[] data = new byte[size];
        new Random(42).nextBytes(data);
        boolean direct = buffers.equals("direct");
        if (!direct && !buffers.equals("heap")) {
            throw new IllegalArgumentException("buffers: heap or direct, not " + buffers);
        }
        source = allocate(size, direct).put(data).flip();
        net = allocate(2 * packet, direct);
        destination = allocate(application, direct);
    }

    private static ByteBuffer allocate(int capacity, boolean direct) {
        return direct ? ByteBuffer.allocateDirect(capacity) : ByteBuffer.allocate(capacity);
    }

    /** One write, through the core or the bare engine; returns the bytes that arrived (counted from the results). */
    @Benchmark
    public int write() throws SSLException {
        return coreClient != null ? viaCore() : viaBare();
    }

    private int viaCore() {
        source.clear();
        net.clear();
        TlsResult w = coreClient.encrypt(source, net);
        if (w.status() != TlsResult.Status.OK || w.consumed() != size) {
            throw new IllegalStateException("encrypt: " + w);
        }
        net.flip();
        destination.clear();
        int received = 0;
        while (net.hasRemaining() || coreServer.hasBufferedPlaintext()) {
            TlsResult r = coreServer.decrypt(net, destination);
            if (r.status() != TlsResult.Status.OK) {
                throw new IllegalStateException("decrypt: " + r);
            }
            received += r.produced();
        }
        if (received != size) {
            throw new IllegalStateException("decrypted " + received + " of " + size);
        }
        return received;
    }

    /**
     * The slices {@code SecureSession.encrypt} cuts {@code size} bytes into (the rule of
     * {@code EngineSession.nextSlice}): per record, the even share of what is left, taken down so
     * that plaintext plus {@code extra} fills whole 16-byte blocks while the rest still fits.
     * HarnessTest holds this copy to the core's records.
     */
    static int[] coreSlices(int size, int limit, int extra) {
        int[] slices = new int[1 + (size - 1) / limit];
        int remaining = size;
        for (int i = 0; i < slices.length; i++) {
            int records = slices.length - i;
            int share = 1 + (remaining - 1) / records;
            int aligned = share - (share + extra) % 16;
            slices[i] = records == 1 ? remaining
                    : aligned > 0 && remaining - aligned <= (long) (records - 1) * limit ? aligned : share;
            remaining -= slices[i];
        }
        return slices;
    }

    private int viaBare() throws SSLException {
        source.clear();
        net.clear();
        int sent = 0;
        int records = 0;
        while (source.hasRemaining()) {
            SSLEngineResult w;
            if (slices != null) { // bareEven
                source.limit(source.position() + slices[records++]);
                w = bareClient.wrap(source, net);
                source.limit(size);
            } else {
                w = bareClient.wrap(source, net);
            }
            if (w.getStatus() != SSLEngineResult.Status.OK) {
                throw new IllegalStateException("wrap: " + w);
            }
            sent += w.bytesConsumed();
        }
        if (sent != size) {
            throw new IllegalStateException("encrypted " + sent + " of " + size);
        }
        net.flip();
        destination.clear();
        int received = 0;
        while (net.hasRemaining()) {
            SSLEngineResult r = bareServer.unwrap(net, destination);
            if (r.getStatus() != SSLEngineResult.Status.OK) {
                throw new IllegalStateException("unwrap: " + r);
            }
            received += r.bytesProduced();
        }
        if (received != size) {
            throw new IllegalStateException("decrypted " + received + " of " + size);
        }
        return received;
    }
}
