package org.starttls4j.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.Test;
import org.starttls4j.SecureSession;

/**
 * Smoke tests: every harness runs once, so the benchmarks cannot rot unnoticed. Nothing here is
 * timed, and it all takes a few seconds.
 */
class HarnessTest {

    @Test
    void everyProtocolNegotiatesFullHandshakesOnly() {
        Fixture fixture = new Fixture(Pki.KeyType.EC_P256, "TLSv1.3");
        long before = fixture.fullHandshakes();
        for (MailProtocol p : MailProtocol.values()) {
            CorePair pair = new CorePair(fixture, p);
            for (int i = 0; i < 2; i++) {
                SecureSession client = pair.negotiate();
                assertEquals("TLSv1.3", client.tls().protocol());
                assertEquals("TLSv1.3", pair.lastServer().tls().protocol());
                assertTrue(client.capabilities().list().size() >= 3, p + ": capabilities after TLS " + client.capabilities());
            }
        }
        assertEquals(6, fixture.fullHandshakes() - before);
    }

    @Test
    void rsaAndTls12AreWhatIsNegotiated() throws Exception {
        Fixture fixture = new Fixture(Pki.KeyType.RSA_2048, "TLSv1.2");
        CorePair pair = new CorePair(fixture, MailProtocol.SMTP);
        SecureSession client = pair.negotiate();
        assertEquals("TLSv1.2", client.tls().protocol());
        assertTrue(client.tls().cipherSuite().contains("_RSA_"), client.tls().cipherSuite());
        SSLEngine bare = new BarePair(fixture, pair.lineAfterTls(), pair.replyAfterTls()).handshake();
        assertEquals("TLSv1.2", bare.getSession().getProtocol());
        assertEquals(client.tls().cipherSuite(), bare.getSession().getCipherSuite());
    }

    @Test
    void theCountRevealsResumption() throws Exception {
        for (String tls : new String[] {"TLSv1.3", "TLSv1.2"}) {
            Fixture fixture = new Fixture(Pki.KeyType.EC_P256, tls);
            CorePair pair = new CorePair(fixture, MailProtocol.SMTP);
            pair.negotiate();
            BarePair bare = new BarePair(fixture, pair.lineAfterTls(), pair.replyAfterTls());
            long before = fixture.fullHandshakes();
            bare.handshake();
            bare.handshake();
            assertEquals(2, fixture.fullHandshakes() - before, tls + ": fresh ports, full handshakes");
            fixture.repeatPorts();
            bare.handshake(); // full, and cached under the port now repeated
            before = fixture.fullHandshakes();
            bare.handshake();
            bare.handshake();
            assertEquals(0, fixture.fullHandshakes() - before, tls + ": same port, resumed, so not counted");
        }
    }

    @Test
    void negotiationBenchmarkFailsOnResumption() throws Exception {
        NegotiationBenchmark b = new NegotiationBenchmark("EC_P256", "TLSv1.3", "IMAP");
        b.setUp();
        b.negotiate();
        b.checkNoResumption();
        b.via = "bare";
        b.setUp();
        b.negotiate();
        b.checkNoResumption();
        b.repeatPorts(); // from now on the client offers its cached session, and the server takes it
        b.negotiate();
        b.negotiate();
        assertThrows(IllegalStateException.class, b::checkNoResumption);
    }

    @Test
    void bulkMovesEveryByte() throws Exception {
        for (String via : new String[] {"bare", "core"}) {
            int size = via.equals("bare") ? 1024 : 16384;
            BulkBenchmark b = new BulkBenchmark("TLSv1.3", size, via);
            b.setUp();
            assertEquals(size, b.write());
            assertEquals(size, b.write());
        }
    }

    @Test
    void boringSslVariantsNegotiateFullHandshakesAndMoveEveryByte() throws Exception {
        Fixture fixture = new Fixture(Pki.KeyType.EC_P256, "TLSv1.3", Fixture.Engine.BORINGSSL);
        long before = fixture.fullHandshakes();
        for (MailProtocol p : MailProtocol.values()) {
            SecureSession client = new CorePair(fixture, p).negotiate();
            assertEquals("TLSv1.3", client.tls().protocol());
            assertTrue(client.getClass().getName().startsWith("org.starttls4j."), client.getClass().getName());
        }
        CorePair smtp = new CorePair(fixture, MailProtocol.SMTP);
        smtp.negotiate();
        SSLEngine bare = new BarePair(fixture, smtp.lineAfterTls(), smtp.replyAfterTls()).handshake();
        assertTrue(bare.getClass().getName().contains("OpenSsl"), bare.getClass().getName());
        assertEquals(5, fixture.fullHandshakes() - before);

        NegotiationBenchmark n = new NegotiationBenchmark("RSA_2048", "TLSv1.2", "POP3");
        n.engine = "boringssl";
        n.setUp();
        n.negotiate();
        n.checkNoResumption();

        for (String via : new String[] {"bare", "core"}) {
            for (String buffers : new String[] {"heap", "direct"}) {
                BulkBenchmark b = new BulkBenchmark("TLSv1.3", via.equals("bare") ? 16384 : 1024, via);
                b.engine = "boringssl";
                b.buffers = buffers;
                b.setUp();
                assertEquals(b.size, b.write());
                assertEquals(b.size, b.write());
            }
        }
    }

    @Test
    void interleavedBulkGivesEveryPairFreshInstancesOfTheNamedEngineAndBuffers() throws Exception {
        BulkBenchmark[] instances = InterleavedRate.bulks("TLSv1.3", 16384, "core", "boringssl", "direct");
        assertEquals(40, instances.length);
        assertEquals(instances.length, java.util.Set.of(instances).size(), "one instance per pair, none shared");
        for (BulkBenchmark b : instances) {
            assertEquals("boringssl", b.engine);
            assertEquals("direct", b.buffers);
            assertEquals(16384, b.write());
        }
        BulkBenchmark bare = InterleavedRate.bulk("TLSv1.3", 1024, "bare", "boringssl", "heap");
        assertEquals("bare", bare.via);
        assertEquals(1024, bare.write());
    }

    @Test
    void interleavedBulkLinesKeepTheirOldFormForJdkEnginesOverHeapBuffers() {
        // bench/update-summary reads these lines; the JDK heap rows predate the engine and buffer arguments.
        assertEquals("bulk, TLSv1.3, 1024 B per write", InterleavedRate.bulkWhat("TLSv1.3", "1024", "jdk", "heap"));
        assertEquals("bulk, TLSv1.3, 16384 B per write, boringssl engines, direct buffers",
                InterleavedRate.bulkWhat("TLSv1.3", "16384", "boringssl", "direct"));
        assertEquals("bulk, TLSv1.2, 1024 B per write, jdk engines, direct buffers",
                InterleavedRate.bulkWhat("TLSv1.2", "1024", "jdk", "direct"));
    }

    @Test
    void allocationSitesChargesTheCoresOwnAllocationToCoreFrames() throws Exception {
        // A JVM of its own: the table is exact only without TLABs.
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-XX:-UseTLAB", "-cp", System.getProperty("java.class.path"),
                AllocationSites.class.getName(), "SMTP", "3").redirectErrorStream(true).start();
        boolean finished = p.waitFor(2, TimeUnit.MINUTES); // its output (a few KB) fits the pipe meanwhile
        if (!finished) {
            p.destroyForcibly();
        }
        assertTrue(finished, "AllocationSites finished within 2 minutes");
        String table = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), table);
        assertTrue(table.contains("the JDK's TLS code") && table.contains("the core"), table);
        assertTrue(table.contains("Output.") && table.contains("LineFramer."), table);
    }

    @Test
    void allocationSitesRefusesToCountWithTlabs() {
        assertThrows(IllegalStateException.class, () -> AllocationSites.main(new String[] {"SMTP", "1"}));
    }

    @Test
    void theMediansConfidenceIntervalComesFromTheBinomialTable() {
        // Published tables: n = 10 gives the 2nd and 9th values, n = 40 the 14th and 27th.
        assertArrayEquals(new int[] {1, 8}, InterleavedRate.medianConfidenceInterval(10));
        assertArrayEquals(new int[] {13, 26}, InterleavedRate.medianConfidenceInterval(40));
    }

    @Test
    void recordsAreCounted() throws Exception {
        Fixture fixture = new Fixture(Pki.KeyType.EC_P256, "TLSv1.2");
        RecordCheck.Cut cut = RecordCheck.core(fixture, 16384);
        assertTrue(cut.records() >= 1 && cut.wireBytes() > 16384, cut.toString());
        CorePair pair = new CorePair(fixture, MailProtocol.SMTP);
        pair.negotiate();
        RecordCheck.Cut bare = RecordCheck.bare(fixture, pair.lineAfterTls(), pair.replyAfterTls(), 40_000);
        assertEquals(3, bare.records(), bare.toString());
    }

    @Test
    void aTls13WriteOf16KiBIsCutNearlyEvenlyByTheCoreAndUnevenlyByABareJdkEngine() throws Exception {
        Fixture fixture = new Fixture(Pki.KeyType.EC_P256, "TLSv1.3");
        CorePair pair = new CorePair(fixture, MailProtocol.SMTP);
        pair.negotiate();
        RecordCheck.Cut core = RecordCheck.core(fixture, 16384);
        RecordCheck.Cut bare = RecordCheck.bare(fixture, pair.lineAfterTls(), pair.replyAfterTls(), 16384);

        assertEquals(2, core.records(), core.toString());
        assertFalse(core.uneven(), core.toString());
        assertTrue(bare.uneven(), "the JDK's own cut leaves a tail (what the report's verdict must see): " + bare);
    }

    @Test
    void bareEvenHandsTheBareEngineTheCoresOwnSlices() throws Exception {
        // Every record of one session carries the same overhead beyond its plaintext, so the
        // smallest and largest records give the smallest and largest slices away.
        Fixture fixture = new Fixture(Pki.KeyType.EC_P256, "TLSv1.3");
        for (int size : new int[] {16384, 40_000}) {
            RecordCheck.Cut core = RecordCheck.core(fixture, size);
            int[] slices = BulkBenchmark.coreSlices(size, 16_367, 1);
            int smallest = java.util.Arrays.stream(slices).min().getAsInt();
            int largest = java.util.Arrays.stream(slices).max().getAsInt();

            assertEquals(core.records(), slices.length, core.toString());
            assertEquals(core.largest() - core.smallest(), largest - smallest, core.toString());
            assertTrue(largest > smallest, "the cuts under test are not even: " + java.util.Arrays.toString(slices));
        }
    }

    @Test
    void everyLoopbackVariantNegotiatesOverTcpWithEitherEngine() throws Exception {
        for (String engine : new String[] {"jdk", "boringssl"}) {
            for (String server : new String[] {"sslhandler", "nio", "netty"}) {
                AdapterLoopbackBenchmark.Loopback loopback = new AdapterLoopbackBenchmark.Loopback();
                loopback.server = server;
                loopback.engine = engine;
                loopback.start(); // negotiates once, then resets the counts
                try {
                    assertEquals(Fixture.Engine.of(engine), loopback.engine(), server);
                    assertTrue(loopback.negotiate() != null, server + "/" + engine);
                    assertTrue(loopback.negotiate() != null, server + "/" + engine);
                } finally {
                    loopback.stop(); // fails on a resumed handshake or a failed server end
                }
            }
        }
    }

    @Test
    void theLikeForLikeNioPairNegotiatesAndAnswersEveryConnectionWithEitherEngine() throws Exception {
        String[][] settings = {
                {AdapterLoopbackBenchmark.NIO_APP, "loop"},
                {AdapterLoopbackBenchmark.NIO_CLIENT, "loop"},
                {AdapterLoopbackBenchmark.NIO_CLOSE_WAIT, "false"},
        };
        try {
            for (String[] s : settings) {
                System.setProperty(s[0], s[1]);
            }
            for (String engine : new String[] {"jdk", "boringssl"}) {
                for (String client : new String[] {"loop", "blocking"}) {
                    System.setProperty(AdapterLoopbackBenchmark.NIO_CLIENT, client);
                    AdapterLoopbackBenchmark.Loopback loopback = new AdapterLoopbackBenchmark.Loopback();
                    loopback.server = "nio";
                    loopback.engine = engine;
                    loopback.start();
                    try {
                        for (int i = 0; i < 3; i++) {
                            org.starttls4j.nio.NegotiationReport report = (org.starttls4j.nio.NegotiationReport) loopback.negotiate();
                            assertTrue(report.encrypted(), client + "/" + engine);
                        }
                    } finally {
                        loopback.stop(); // fails unless the application loop answered every EHLO, and on a resumed handshake
                    }
                }
            }
        } finally {
            for (String[] s : settings) {
                System.clearProperty(s[0]);
            }
        }
    }

    @Test
    void idleMemoryHarnessRuns() throws Exception {
        Map<String, Object> m = IdleMemory.measure(10, 1);
        assertEquals(10, m.get("sessions"));
        assertEquals("TLSv1.3", m.get("protocol"));
        for (String key : new String[] {"core.client", "core.server", "bare.client", "bare.server", "bare.clientWithBuffers"}) {
            assertTrue(m.get(key) instanceof Long, key + " in " + m);
        }
    }
}
