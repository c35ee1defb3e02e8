package org.starttls4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.starttls4j.smtp.Smtp;
import org.starttls4j.testing.BcJsse;
import org.starttls4j.testing.DelegatingEngine;
import org.starttls4j.testing.Loopback;
import org.starttls4j.testing.TestPki;
import org.starttls4j.testing.TestPki.KeyType;

/**
 * How {@link SecureSession#encrypt} cuts a write into TLS records: as few as hold it, of even size
 * (no full record followed by a tiny tail), each no larger than {@link SecureSession#maxRecordPlaintext()}.
 *
 * <p>Records are counted by their headers in the bytes {@code encrypt} produced, and each one's
 * plaintext is measured by handing it alone to the peer's {@code decrypt}. Every case runs over
 * the JDK's engine and BouncyCastle's (which fills TLS 1.3 records to 2^14 where the JDK's stops
 * 17 bytes short), TLS 1.3 and 1.2.
 */
class SecureSessionRecordsTest {

    static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
    static final String HOST = "mail.example.test";
    static final int TLS_MAX_PLAINTEXT = 16_384;
    static final int JDK_TLS13_MAX_PLAINTEXT = 16_367;

    /** Which TLS implementation both ends use. */
    enum Engines { JDK, BOUNCY_CASTLE }

    // ---- examples ----

    @Test
    void sixteenKibUnderTheJdksTls13GoOutAsTwoNearHalvesNotAFullRecordAndATail() {
        Loopback.Result r = secured(Engines.JDK, "TLSv1.3");

        assertThat(r.clientSession().maxRecordPlaintext()).isEqualTo(JDK_TLS13_MAX_PLAINTEXT);
        // 8,191 + 1 content type byte is 512 AES blocks; only the last record ends in a partial one.
        assertThat(write(r, data(16_384)).plaintexts()).containsExactly(8_191, 8_193);
        assertThat(write(r, data(JDK_TLS13_MAX_PLAINTEXT)).plaintexts()).containsExactly(JDK_TLS13_MAX_PLAINTEXT);
        assertThat(write(r, data(JDK_TLS13_MAX_PLAINTEXT + 1)).plaintexts()).containsExactly(8_175, 8_193);
        assertThat(write(r, data(40_000)).plaintexts()).containsExactly(13_327, 13_327, 13_346);
    }

    @Test
    void tls12RecordsCarryAFull16Kib() {
        for (Engines engines : Engines.values()) {
            Loopback.Result r = secured(engines, "TLSv1.2");

            assertThat(r.clientSession().maxRecordPlaintext()).as(engines.name()).isEqualTo(TLS_MAX_PLAINTEXT);
            assertThat(write(r, data(16_384)).plaintexts()).as(engines.name()).containsExactly(16_384);
            assertThat(write(r, data(16_385)).plaintexts()).as(engines.name()).containsExactly(8_192, 8_193);
        }
    }

    @Test
    void bouncyCastleFillsTls13RecordsTo16Kib() {
        Loopback.Result r = secured(Engines.BOUNCY_CASTLE, "TLSv1.3");

        assertThat(r.clientSession().maxRecordPlaintext()).isEqualTo(TLS_MAX_PLAINTEXT);
        assertThat(write(r, data(16_384)).plaintexts()).containsExactly(16_384);
    }

    @Test
    void anEngineItCannotRecogniseTeachesItsRecordSizeWithTheFirstFullRecord() {
        // The JDK's engine behind a class of our own: the session expects 2^14 bytes per record,
        // the engine stops at 16,367, and the session believes the engine from then on.
        Loopback.Result r = secured(Engines.JDK, "TLSv1.3", Disguised::new);
        assertThat(r.clientSession().maxRecordPlaintext()).isEqualTo(TLS_MAX_PLAINTEXT);

        assertThat(write(r, data(16_384)).plaintexts()).containsExactly(JDK_TLS13_MAX_PLAINTEXT, 17);
        assertThat(r.clientSession().maxRecordPlaintext()).isEqualTo(JDK_TLS13_MAX_PLAINTEXT);
        assertThat(write(r, data(16_384)).plaintexts()).containsExactly(8_191, 8_193);
    }

    @Test
    void aRecordCutShortBecauseTheDestinationWasFullTeachesNothing() {
        // An engine that fills whatever room the destination has: its short records say nothing
        // about its limit, so the session must keep expecting full ones.
        Loopback.Result r = secured(Engines.BOUNCY_CASTLE, "TLSv1.3", FillsTheDestination::new);
        SecureSession client = r.clientSession();
        ByteBuffer source = ByteBuffer.wrap(data(16_384));

        TlsResult result = client.encrypt(source, ByteBuffer.allocate(10_000));

        assertThat(result.status()).isEqualTo(TlsResult.Status.OK);
        assertThat(result.consumed()).isPositive().isLessThan(10_000);
        assertThat(client.maxRecordPlaintext()).isEqualTo(TLS_MAX_PLAINTEXT);
    }

    @Test
    void theSourcesLimitIsPutBackWhenTheEngineFailsMidWrite() {
        List<FailsWhenAsked> engines = new ArrayList<>();
        Loopback.Result r = secured(Engines.JDK, "TLSv1.3", inner -> {
            FailsWhenAsked engine = new FailsWhenAsked(inner);
            engines.add(engine);
            return engine;
        });
        ByteBuffer source = ByteBuffer.allocate(50_000).position(100).limit(40_100); // three slices: the limit is moved
        engines.get(engines.size() - 1).failNextWrap = true; // the session's: build() made one before to check its versions

        TlsResult result = r.clientSession().encrypt(source, ByteBuffer.allocate(100_000));

        assertThat(result.status()).isEqualTo(TlsResult.Status.FAILED);
        assertThat(source.position()).isEqualTo(100);
        assertThat(source.limit()).isEqualTo(40_100);
    }

    @Test
    void theSourceEndsPositionedAtItsUntouchedLimit() {
        Loopback.Result r = secured(Engines.JDK, "TLSv1.3");
        ByteBuffer source = ByteBuffer.allocate(50_000).position(7).limit(33_007);

        TlsResult result = r.clientSession().encrypt(source, ByteBuffer.allocate(100_000));

        assertThat(result.consumed()).isEqualTo(33_000);
        assertThat(source.position()).isEqualTo(33_007);
        assertThat(source.limit()).isEqualTo(33_007);
    }

    @Test
    void aDestinationWithRoomForOneRecordTakesOneSliceAndTheNextCallTheRest() {
        Loopback.Result r = secured(Engines.JDK, "TLSv1.3");
        SecureSession client = r.clientSession();
        ByteBuffer source = ByteBuffer.wrap(data(16_384));
        ByteBuffer net = ByteBuffer.allocate(client.minNetworkBufferSize() + 100); // the JDK wants a whole packet per wrap

        TlsResult first = client.encrypt(source, net);
        int afterFirst = net.position();
        TlsResult second = client.encrypt(source, ByteBuffer.allocate(client.minNetworkBufferSize()));

        assertThat(first.status()).isEqualTo(TlsResult.Status.OK);
        assertThat(first.consumed()).isEqualTo(8_191);
        assertThat(first.produced()).isEqualTo(afterFirst);
        assertThat(second.status()).isEqualTo(TlsResult.Status.OK);
        assertThat(second.consumed()).isEqualTo(8_193);
    }

    // ---- properties ----

    /**
     * Any write in one call, with room for all of it: it arrives intact, in
     * {@code ceil(n / maxRecordPlaintext())} records, none larger than the limit; each but the last
     * is the even share of what was left, less at most 15 bytes, and fills whole AES blocks unless
     * that would have left too much for the records after it; the limit known before the write was
     * right.
     */
    @Property(tries = 120)
    void aWriteIsCutIntoTheFewestEvenRecords(@ForAll Engines engines, @ForAll("versions") String version,
                                              @ForAll("writeSizes") int n) {
        Loopback.Result r = secured(engines, version);
        int max = r.clientSession().maxRecordPlaintext();
        byte[] data = data(n);

        Written w = write(r, data);

        int k = (n + max - 1) / max;
        assertThat(w.received()).isEqualTo(data);
        assertThat(w.plaintexts()).hasSize(k);
        assertTheCut(w.plaintexts(), n, max, version);
        assertThat(r.clientSession().maxRecordPlaintext()).isEqualTo(max);
    }

    /**
     * Any write through a destination of any fixed size, drained after each call: either no record
     * fits (NEEDS_OUTPUT_SPACE, nothing consumed or written), or every call makes progress, never
     * writes past the destination, and the records are the same cut as in one call.
     */
    @Property(tries = 80)
    void aSmallDestinationGetsWholeRecordsOrAsksForSpace(@ForAll Engines engines, @ForAll("versions") String version,
                                                         @ForAll @IntRange(min = 1, max = 60_000) int n,
                                                         @ForAll @IntRange(min = 0, max = 40_000) int room) {
        Loopback.Result r = secured(engines, version);
        SecureSession client = r.clientSession();
        int max = client.maxRecordPlaintext();
        byte[] data = data(n);
        ByteBuffer source = ByteBuffer.wrap(data);
        ByteBuffer net = ByteBuffer.allocate(room);
        ByteArrayOutputStream sent = new ByteArrayOutputStream();

        TlsResult first = client.encrypt(source, net);
        if (first.status() == TlsResult.Status.NEEDS_OUTPUT_SPACE) {
            assertThat(first.consumed()).isZero();
            assertThat(first.produced()).isZero();
            assertThat(source.position()).isZero();
            assertThat(net.position()).isZero();
            TlsResult roomy = client.encrypt(source, ByteBuffer.allocate(client.minNetworkBufferSize()));
            assertThat(roomy.status()).isEqualTo(TlsResult.Status.OK);
            assertThat(roomy.consumed()).isPositive();
            return;
        }
        TlsResult last = first;
        for (int calls = 1; ; calls++) {
            assertThat(last.status()).isEqualTo(TlsResult.Status.OK);
            assertThat(last.produced()).isPositive().isEqualTo(net.position());
            sent.write(net.array(), 0, net.position());
            if (!source.hasRemaining()) {
                break;
            }
            assertThat(calls).as("calls").isLessThan(n);
            net.clear();
            last = client.encrypt(source, net);
        }

        Written w = receive(r.serverSession(), sent.toByteArray());
        int k = (n + max - 1) / max;
        assertThat(w.received()).isEqualTo(data);
        assertThat(w.plaintexts()).hasSize(k);
        assertTheCut(w.plaintexts(), n, max, version);
    }

    /**
     * The cut {@code encrypt} promises for {@code n} bytes in {@code k} records: each record but the
     * last is the even share of what was left, less at most 15 bytes, and fills whole AES blocks
     * unless that would have left too much for the records after it; the last takes the rest.
     */
    static void assertTheCut(List<Integer> plaintexts, int n, int max, String version) {
        int k = plaintexts.size();
        int extra = version.equals("TLSv1.3") ? 1 : 0; // the inner content type byte is encrypted too
        int left = n;
        for (int i = 0; i < plaintexts.size(); i++) {
            int p = plaintexts.get(i);
            int records = k - i;
            assertThat(p).isLessThanOrEqualTo(max);
            if (records == 1) {
                assertThat(p).isEqualTo(left);
                break;
            }
            int share = (left + records - 1) / records;
            assertThat(p).isBetween(share - 15, share);
            boolean alignedWouldFit = (share - (share + extra) % 16) > 0
                    && left - (share - (share + extra) % 16) <= (long) (records - 1) * max;
            if (alignedWouldFit) {
                assertThat((p + extra) % 16).as("record %d of %d fills whole blocks", i + 1, k).isZero();
            } else {
                assertThat(p).isEqualTo(share);
            }
            left -= p;
        }
    }

    @Provide
    Arbitrary<String> versions() {
        return Arbitraries.of("TLSv1.3", "TLSv1.2");
    }

    /** Any size up to five records, and more often a size within two bytes of a multiple of either limit. */
    @Provide
    Arbitrary<Integer> writeSizes() {
        Arbitrary<Integer> any = Arbitraries.integers().between(0, 5 * TLS_MAX_PLAINTEXT);
        Arbitrary<Integer> nearAMultiple = Arbitraries.integers().between(1, 4).flatMap(k ->
                Arbitraries.of(JDK_TLS13_MAX_PLAINTEXT, TLS_MAX_PLAINTEXT).flatMap(max ->
                        Arbitraries.integers().between(-2, 2).map(d -> k * max + d)));
        return Arbitraries.frequencyOf(Tuple.of(1, any), Tuple.of(1, nearAMultiple));
    }

    // ---- fixtures ----

    /** What one write turned into: each record's plaintext length, in order, and every byte received. */
    record Written(List<Integer> plaintexts, byte[] received) {
    }

    static byte[] data(int n) {
        byte[] data = new byte[n];
        new Random(n).nextBytes(data);
        return data;
    }

    /** Encrypts {@code data} in one client call with room to spare, and receives it on the server. */
    static Written write(Loopback.Result r, byte[] data) {
        SecureSession client = r.clientSession();
        ByteBuffer net = ByteBuffer.allocate(data.length + 2 * client.minNetworkBufferSize());
        TlsResult result = client.encrypt(ByteBuffer.wrap(data), net);
        assertThat(result.status()).isEqualTo(TlsResult.Status.OK);
        assertThat(result.consumed()).isEqualTo(data.length);
        assertThat(result.produced()).isEqualTo(net.position());
        byte[] sent = new byte[net.position()];
        net.flip().get(sent);
        return receive(r.serverSession(), sent);
    }

    /** Splits {@code sent} into records by their headers and decrypts them one at a time. */
    static Written receive(SecureSession server, byte[] sent) {
        List<Integer> plaintexts = new ArrayList<>();
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        ByteBuffer plain = ByteBuffer.allocate(server.minApplicationBufferSize());
        int at = 0;
        while (at < sent.length) {
            assertThat(sent.length - at).as("a whole record header").isGreaterThanOrEqualTo(5);
            assertThat(sent[at]).as("application data").isEqualTo((byte) 23);
            int length = ((sent[at + 3] & 0xff) << 8) | (sent[at + 4] & 0xff);
            ByteBuffer record = ByteBuffer.wrap(sent, at, 5 + length);
            plain.clear();
            TlsResult result = server.decrypt(record, plain);
            assertThat(result.status()).isEqualTo(TlsResult.Status.OK);
            assertThat(record.hasRemaining()).as("the record was consumed whole").isFalse();
            assertThat(server.hasBufferedPlaintext()).isFalse();
            plaintexts.add(plain.position());
            received.write(plain.array(), 0, plain.position());
            at += 5 + length;
        }
        return new Written(plaintexts, received.toByteArray());
    }

    static Loopback.Result secured(Engines engines, String version) {
        return secured(engines, version, UnaryOperator.identity());
    }

    /**
     * A client and a server session over {@code engines}, the server offering only {@code version};
     * {@code wrapClient} may put the client's engine behind another class.
     */
    static Loopback.Result secured(Engines engines, String version, UnaryOperator<SSLEngine> wrapClient) {
        X509Certificate ca = TestPki.ca(KeyType.EC_P256);
        SSLContext clientContext = engines == Engines.JDK ? TestPki.clientContextTrusting(ca) : BcJsse.clientContextTrusting(ca);
        SSLContext serverContext = engines == Engines.JDK ? TestPki.server(KeyType.EC_P256, HOST).serverContext()
                : BcJsse.serverContext(TestPki.server(KeyType.EC_P256, HOST));
        ClientConfig client = ClientConfig.builder(HOST)
                .engineFactory((host, port) -> wrapClient.apply(clientContext.createSSLEngine(host, port)))
                .build();
        ServerConfig server = ServerConfig.builder().hostname(HOST)
                .engineFactory((host, port) -> {
                    SSLEngine engine = serverContext.createSSLEngine();
                    engine.setEnabledProtocols(new String[] {version});
                    return engine;
                })
                .build();
        Loopback.Result r = Loopback.run(Smtp.client(client), Smtp.server(server), NOW,
                line -> line.startsWith("EHLO") ? "250 " + HOST + "\r\n" : null);
        assertThat(r.clientSession().tls().protocol()).isEqualTo(version);
        return r;
    }

    /** Hands every call to a real engine; under a class name the session does not know. */
    static class Disguised extends DelegatingEngine {
        Disguised(SSLEngine inner) {
            super(inner);
        }
    }

    /** An engine that writes a shorter record when the destination has no room for a full one. */
    static final class FillsTheDestination extends Disguised {
        /** More than any record's header, tag and padding. */
        static final int OVERHEAD = 64;

        FillsTheDestination(SSLEngine inner) {
            super(inner);
        }

        @Override
        public SSLEngineResult wrap(ByteBuffer[] sources, int offset, int length, ByteBuffer destination) throws SSLException {
            ByteBuffer source = sources[offset];
            int end = source.limit();
            int fits = Math.max(0, destination.remaining() - OVERHEAD);
            if (length == 1 && source.remaining() > fits) {
                source.limit(source.position() + fits);
            }
            try {
                return inner.wrap(sources, offset, length, destination);
            } finally {
                source.limit(end);
            }
        }
    }

    /** An engine whose next wrap throws, when a test says so. */
    static final class FailsWhenAsked extends Disguised {
        boolean failNextWrap;

        FailsWhenAsked(SSLEngine inner) {
            super(inner);
        }

        @Override
        public SSLEngineResult wrap(ByteBuffer[] sources, int offset, int length, ByteBuffer destination) throws SSLException {
            if (failNextWrap) {
                failNextWrap = false;
                throw new SSLException("failing as asked");
            }
            return super.wrap(sources, offset, length, destination);
        }
    }
}
