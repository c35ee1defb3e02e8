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
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class BulkBenchmark {

    /** Bytes per write. */
    @Param({"1024", "16384"})
    public int size;

    /** The TLS version. */
    @Param({"TLSv1.3", "TLSv1.2"})
    public String tls;

    /** {@code bare} (the baseline) or {@code core}. */
    @Param({"bare", "core"})
    public String via;

    private SecureSession coreClient;
    private SecureSession coreServer;
    private SSLEngine bareClient;
    private SSLEngine bareServer;
    private ByteBuffer source;
    private ByteBuffer net;
    private ByteBuffer destination;

    /** Negotiates once and sizes the buffers from the session. */
    @Setup(Level.Trial)
    public void setUp() throws SSLException {
        Fixture fixture = new Fixture(Pki.KeyType.EC_P256, tls);
        CorePair pair = new CorePair(fixture, MailProtocol.SMTP);
        int packet;
        int application;
        if (via.equals("core")) {
            coreClient = pair.negotiate();
            coreServer = pair.lastServer();
            packet = coreClient.minNetworkBufferSize();
            application = coreServer.minApplicationBufferSize();
        } else {
            pair.negotiate();
            BarePair bare = new BarePair(fixture, pair.lineAfterTls(), pair.replyAfterTls());
            bareClient = bare.handshake();
            bareServer = bare.lastServer();
            packet = bareClient.getSession().getPacketBufferSize();
            application = bareServer.getSession().getApplicationBufferSize();
        }
        byte[] data = new byte[size];
        new Random(42).nextBytes(data);
        source = ByteBuffer.wrap(data);
        net = ByteBuffer.allocate(2 * packet);
        destination = ByteBuffer.allocate(application);
    }

    /** One write, through the core or the bare engine; returns the bytes that arrived. */
    @Benchmark
    public int write() throws SSLException {
        return coreClient != null ? viaCore() : viaBare();
    }

    private int viaCore() {
        source.clear();
        net.clear();
        TlsResult w = coreClient.encrypt(source, net);
        if (w.status() != TlsResult.Status.OK || source.hasRemaining()) {
            throw new IllegalStateException("encrypt: " + w);
        }
        net.flip();
        destination.clear();
        while (net.hasRemaining() || coreServer.hasBufferedPlaintext()) {
            TlsResult r = coreServer.decrypt(net, destination);
            if (r.status() != TlsResult.Status.OK) {
                throw new IllegalStateException("decrypt: " + r);
            }
        }
        if (destination.position() != size) {
            throw new IllegalStateException("decrypted " + destination.position() + " of " + size);
        }
        return destination.position();
    }

    private int viaBare() throws SSLException {
        source.clear();
        net.clear();
        while (source.hasRemaining()) {
            SSLEngineResult w = bareClient.wrap(source, net);
            if (w.getStatus() != SSLEngineResult.Status.OK) {
                throw new IllegalStateException("wrap: " + w);
            }
        }
        net.flip();
        destination.clear();
        while (net.hasRemaining()) {
            SSLEngineResult r = bareServer.unwrap(net, destination);
            if (r.getStatus() != SSLEngineResult.Status.OK) {
                throw new IllegalStateException("unwrap: " + r);
            }
        }
        if (destination.position() != size) {
            throw new IllegalStateException("decrypted " + destination.position() + " of " + size);
        }
        return destination.position();
    }
}
