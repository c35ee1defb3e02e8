package org.starttls4j.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The Netty server under hostile load in a JVM of 256 MB ({@link HostileLoadMain}): idle
 * connections, connections that send 64 KiB of EHLO and never read (also against a server whose
 * command cap is raised out of the way, so that the adapter's back-pressure alone bounds them),
 * connections one command short of the cap with a partial line, connections stalled mid-handshake,
 * TLS 1.2 renegotiators and honest clients at once. Each hostile connection costs at most 256 KB of live heap (Netty's
 * buffers included: the child uses unpooled heap buffers), no {@code OutOfMemoryError}, every
 * honest client is secured and answered, every renegotiation is refused.
 */
class HostileLoadTest {

    static final long BOUND_BYTES = 256 * 1024;

    @Test
    void hostileConnectionsCostLittleAndHonestOnesAreSecured() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process child = new ProcessBuilder(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError",
                "-Dio.netty.allocator.type=unpooled", "-Dio.netty.noPreferDirect=true",
                "-Dio.netty.leakDetection.level=disabled",
                "-cp", classpath.replace(File.pathSeparator + File.pathSeparator, File.pathSeparator),
                HostileLoadMain.class.getName())
                .redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        assertThat(child.waitFor(HostileLoadMain.GUARD_SECONDS, TimeUnit.SECONDS)).as(output).isTrue();
        assertThat(child.exitValue()).as(output).isZero();

        Map<String, Long> results = new HashMap<>();
        for (String line : output.split("\n")) {
            if (line.startsWith("RESULT ")) {
                String[] kv = line.substring(7).trim().split("=");
                results.put(kv[0], Long.parseLong(kv[1]));
            }
        }
        System.out.println("hostile load: " + results);
        assertThat(results.get("idleBytesPerConnection")).as(output).isLessThanOrEqualTo(BOUND_BYTES);
        assertThat(results.get("spamBytesPerConnection")).as(output).isLessThanOrEqualTo(BOUND_BYTES);
        assertThat(results.get("loiterBytesPerConnection")).as(output).isLessThanOrEqualTo(BOUND_BYTES);
        assertThat(results.get("stallBytesPerConnection")).as(output).isLessThanOrEqualTo(BOUND_BYTES);
        assertThat(results.get("uncappedSpamBytesPerConnection")).as("back-pressure alone, the command cap raised: %s", output)
                .isLessThanOrEqualTo(BOUND_BYTES);
        assertThat(results.get("honestSecuredAndAnswered")).as(output).isEqualTo((long) HostileLoadMain.HONEST);
        assertThat(results.get("renegotiationsEnded")).as(output).isEqualTo((long) HostileLoadMain.RENEGOTIATORS);
        assertThat(results.get("renegotiationsRefusedByServer")).as(output).isEqualTo((long) HostileLoadMain.RENEGOTIATORS);
    }
}
