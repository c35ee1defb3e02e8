package org.starttls4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How the scale report reads the kernel's listen-queue settings and counters. */
class ListenQueueTest {

    /**
     * A sysctl file as the kernel serves it: the whole value to the first {@code read} (as much as
     * it asks for), end of file to every later one.
     */
    private static InputStream sysctlFile(String value) {
        byte[] bytes = value.getBytes(StandardCharsets.US_ASCII);
        return new InputStream() {
            private boolean read;

            @Override
            public int read() {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0];
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (read) {
                    return -1;
                }
                read = true;
                int n = Math.min(len, bytes.length);
                System.arraycopy(bytes, 0, b, off, n);
                return n;
            }
        };
    }

    @Test
    void aSysctlValueIsReadWholeNotItsFirstDigit() throws Exception {
        assertEquals("4096", ListenQueue.sysctl(sysctlFile("4096\n")));
        assertEquals("128", ListenQueue.sysctl(new ByteArrayInputStream("128\nrest\n".getBytes(StandardCharsets.US_ASCII))));
        assertEquals("", ListenQueue.sysctl(sysctlFile("")));
    }

    @Test
    void theKernelsSomaxconnIsItsWholeValue() throws Exception {
        Path file = Paths.get("/proc/sys/net/core/somaxconn");
        String whole;
        try (InputStream in = Files.newInputStream(file)) {
            whole = new String(in.readNBytes(64), StandardCharsets.US_ASCII).trim(); // one read of 64 bytes first
        }

        assertEquals(whole, ListenQueue.somaxconn());
    }

    @Test
    void theListenCountersAreReadFromTheValuesLineOfTcpExt() {
        String netstat = "TcpExt: SyncookiesSent SyncookiesRecv ListenOverflows ListenDrops TCPHPHits\n"
                + "TcpExt: 3 0 17 21 99\n"
                + "IpExt: InNoRoutes ListenOverflows\n"
                + "IpExt: 0 5\n";

        assertEquals(Map.of("ListenOverflows", 17L, "ListenDrops", 21L), ListenQueue.counters(netstat));
        assertEquals(Map.of(), ListenQueue.counters("IpExt: InNoRoutes\nIpExt: 0\n"));
    }

    @Test
    void aListeningSocketsBacklogIsItsSendQueueInSs() {
        String ss = "LISTEN 0      4096       127.0.0.1:40001      0.0.0.0:*\n"
                + "LISTEN 3      4096       127.0.0.2:40002      0.0.0.0:*\n"
                + "LISTEN 0      128          0.0.0.0:2024       0.0.0.0:*\n"
                + "LISTEN 0      50             [::1]:40001         [::]:*\n"
                + "ESTAB  0      0          127.0.0.1:40001    127.0.10.1:5000\n";

        assertEquals(List.of(4096, 4096, 50), ListenQueue.backlogs(ss, List.of(40001, 40002)));
        assertEquals(List.of(128), ListenQueue.backlogs(ss, List.of(2024)));
    }

    @Test
    void theListenFactsOfABurstRoundTripThroughTheRawLine() {
        Map<String, String> listen = ScaleRun.listen("127.0.0.1:1,127.0.0.2:2",
                Map.of("ListenOverflows", 10L, "ListenDrops", 12L), Map.of("ListenOverflows", 15L, "ListenDrops", 20L));

        assertEquals("5", listen.get("ListenOverflows"));
        assertEquals("8", listen.get("ListenDrops"));
        assertEquals(listen, ScaleRun.fields(ScaleRun.line(listen)));
    }
}
