package org.starttls4j.bench;

import javax.net.ssl.SSLException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Benchmark 1: whole STARTTLS negotiations in memory, core client against core server, beside a
 * bare pair of {@code SSLEngine}s doing the same full handshake and the same exchange inside TLS.
 *
 * <p>{@code via} is the last parameter so that JMH runs the bare pair and the three protocols of
 * one key type and TLS version one after the other: the ratios compare forks minutes apart at
 * most. Each fork needs about 15 s of warm-up on JDK 17 before the EC and RSA code is steady.
 */
@State(Scope.Thread)
@Warmup(iterations = 7, time = 2)
public class NegotiationBenchmark extends HandshakeBenchmark {

    /** The server's key: {@code EC_P256} or {@code RSA_2048}. */
    @Param({"EC_P256", "RSA_2048"})
    public String cert;

    /** The one TLS version both sides enable. */
    @Param({"TLSv1.3", "TLSv1.2"})
    public String tls;

    /**
     * Both ends' TLS implementation: {@code jdk} or {@code boringssl} (Netty's
     * {@code SslProvider.OPENSSL}; {@code bench/run} compares it with the bare JDK pair too).
     */
    @Param({"jdk"})
    public String engine = "jdk";

    /**
     * {@code bare} (the baseline) or the core with {@code SMTP}, {@code IMAP} or {@code POP3}; with
     * {@code -lean} ({@code SMTP-lean}), both ends record no transcript.
     */
    @Param({"bare", "SMTP", "IMAP", "POP3", "SMTP-lean"})
    public String via;

    private Fixture fixture;
    private CorePair core;
    private BarePair bare;
    private long handshakesBefore;
    private long negotiations;

    /** For JMH, which sets the parameters itself. */
    public NegotiationBenchmark() {
    }

    /**
     * For use outside JMH ({@link InterleavedRate}, tests): the parameters set; call {@link #setUp()} next.
     *
     * @param cert the server's key
     * @param tls  the one TLS version
     * @param via  {@code bare} or a protocol
     */
    NegotiationBenchmark(String cert, String tls, String via) {
        this.cert = cert;
        this.tls = tls;
        this.via = via;
    }

    /** Builds the pair and runs it once (which also captures the exchange inside TLS). */
    @Setup(Level.Trial)
    public void setUp() throws SSLException {
        fixture = new Fixture(Pki.KeyType.valueOf(cert), tls, Fixture.Engine.of(engine));
        core = null;
        bare = null;
        // The bare pair sends what the SMTP pair sends inside TLS: EHLO and its reply.
        String protocol = via.replace("-lean", "");
        CorePair probe = new CorePair(fixture, via.equals("bare") ? MailProtocol.SMTP : MailProtocol.valueOf(protocol), via.endsWith("-lean"));
        String negotiated = probe.negotiate().tls().protocol();
        if (!negotiated.equals(tls)) {
            throw new IllegalStateException("negotiated " + negotiated + ", wanted " + tls);
        }
        if (via.equals("bare")) {
            bare = new BarePair(fixture, probe.lineAfterTls(), probe.replyAfterTls());
            bare.handshake();
        } else {
            core = probe;
        }
        handshakesBefore = fixture.fullHandshakes();
        negotiations = 0;
    }

    /** One negotiation; returns the client's end so that nothing is optimised away. */
    @Benchmark
    public Object negotiate() throws SSLException {
        negotiations++;
        return core != null ? core.negotiate() : bare.handshake();
    }

    /** For the test that proves {@link #checkNoResumption()} catches resumption. */
    void repeatPorts() {
        fixture.repeatPorts();
    }

    /** Fails the run if any timed handshake was not a full one. */
    @TearDown(Level.Trial)
    public void checkNoResumption() {
        long full = fixture.fullHandshakes() - handshakesBefore;
        if (full != negotiations) {
            throw new IllegalStateException(negotiations + " negotiations but " + full
                    + " full handshakes: sessions were resumed, the figures are void");
        }
    }
}
