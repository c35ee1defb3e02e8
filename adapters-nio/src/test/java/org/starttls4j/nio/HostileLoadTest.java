package org.starttls4j.nio;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue 12's hostile load against a {@link NioServer} with the library's defaults, in a JVM of its
 * own with a 256 MB heap ({@link HostileLoadMain}): amplifying, renegotiating and idle connections
 * beside honest ones. The honest sessions are secured, every renegotiation is refused, the JVM
 * runs out of nothing, and each kind of connection the server holds costs at most 256 KB of live
 * heap.
 *
 * <p>How the heap is measured: for each kind of held connection (idle, a partial command line,
 * unread replies, mid-handshake) 400 are opened and brought to that state, then the heap in use
 * after {@code System.gc()} (the serial collector, so a full collection) is compared with the
 * figure before they were opened (each baseline after an honest session and after the heap settled
 * from the load before), and the difference divided by 400. The client sockets live in
 * the same JVM and are counted too, so the figure overstates the server's share.
 */
class HostileLoadTest {

    static final long BOUND = 256 * 1024;

    @Test
    void hostileConnectionsBesideHonestOnesStayBoundedAndTheHonestOnesAreSecured() throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process child = new ProcessBuilder(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError",
                "-cp", System.getProperty("java.class.path"), HostileLoadMain.class.getName())
                .redirectErrorStream(true).start();
        StringBuilder output = new StringBuilder();
        Map<String, String> results = new HashMap<>();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                output.append(line).append('\n');
                int eq = line.indexOf('=');
                if (eq > 0) {
                    results.put(line.substring(0, eq), line.substring(eq + 1));
                }
            }
        }
        // A guard against a hung child only: the output has ended, so the process is ending.
        assertThat(child.waitFor(2, TimeUnit.MINUTES)).as(output.toString()).isTrue();
        System.out.print(output);

        assertThat(child.exitValue()).as("no OutOfMemoryError, no crash:\n%s", output).isZero();
        assertThat(results).as(output.toString()).containsEntry("done", "true");
        assertThat(results.get("honest.secured")).isEqualTo(results.get("honest.total")).isEqualTo(String.valueOf(HostileLoadMain.HONEST));
        assertThat(results.get("renegotiation.refused")).isEqualTo(results.get("renegotiation.total"));
        assertThat(Integer.parseInt(results.get("failures.TOO_MANY_COMMANDS"))).isEqualTo(HostileLoadMain.AMPLIFIERS);
        assertThat(results).doesNotContainKeys("honest.duringHeld.IDLE", "honest.duringHeld.PARTIAL_LINE",
                "honest.duringHeld.UNREAD_REPLIES", "honest.duringHeld.MID_HANDSHAKE");
        for (HostileLoadMain.Kind kind : HostileLoadMain.Kind.values()) {
            assertThat(Integer.parseInt(results.get("negotiating." + kind.name()))).as("held: " + kind)
                    .isGreaterThanOrEqualTo(HostileLoadMain.HELD);
            assertThat(Long.parseLong(results.get("heapPerConnection." + kind.name()))).as("bytes per connection: " + kind)
                    .isLessThanOrEqualTo(BOUND);
        }
        assertThat(results.get("fresh.answer")).matches("220 mail\\.example\\.test ESMTP.*|421 4\\.3\\.2 .*");
    }
}
