package org.starttls4j.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the kernel does with connections that arrive faster than a server accepts them: the listen
 * backlog each listening socket really has (what it asked for, capped at {@code net.core.somaxconn})
 * and how often the accept queue overflowed (a connection then waits for its SYN to be retried,
 * one second and more later), for {@link ScaleRun}'s burst of connections started at once.
 */
final class ListenQueue {

    /** {@code /proc/net/netstat}'s counters of accept-queue overflows and of SYNs dropped for any reason. */
    static final List<String> COUNTERS = List.of("ListenOverflows", "ListenDrops");

    private ListenQueue() {
    }

    /**
     * The kernel's cap on every listen backlog, {@code net.core.somaxconn}.
     *
     * @return its value, or {@code unknown}
     */
    static String somaxconn() {
        try {
            return sysctl(Paths.get("/proc/sys/net/core/somaxconn"));
        } catch (IOException e) {
            return "unknown";
        }
    }

    /**
     * Reads a sysctl file in one {@code read}: the kernel answers a sysctl read that does not start
     * at offset 0 with end of file, so a reader that asks for one byte first (as
     * {@code Files.readString} does for a file whose size reads as 0) gets only its first digit.
     *
     * @param file a file of {@code /proc/sys}
     * @return its first line, trimmed
     * @throws IOException if it cannot be read
     */
    static String sysctl(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return sysctl(in);
        }
    }

    /**
     * The first line of a sysctl value, read in one {@code read} of up to 4 KiB.
     *
     * @param in the open file
     * @return its first line, trimmed
     * @throws IOException if it cannot be read
     */
    static String sysctl(InputStream in) throws IOException {
        byte[] buffer = new byte[4096];
        int n = in.read(buffer);
        String text = n <= 0 ? "" : new String(buffer, 0, n, StandardCharsets.US_ASCII);
        int eol = text.indexOf('\n');
        return (eol < 0 ? text : text.substring(0, eol)).trim();
    }

    /**
     * The listen-queue counters of {@code /proc/net/netstat} (its {@code TcpExt} lines: one of
     * names, one of values), for this network namespace: every process on the machine counts.
     *
     * @return {@link #COUNTERS} and their values; empty if the file cannot be read
     */
    static Map<String, Long> counters() {
        try {
            return counters(new String(Files.readAllBytes(Paths.get("/proc/net/netstat")), StandardCharsets.US_ASCII));
        } catch (IOException e) {
            return Map.of();
        }
    }

    /**
     * The listen-queue counters in the text of {@code /proc/net/netstat}.
     *
     * @param netstat the file's text
     * @return {@link #COUNTERS} and their values, those present
     */
    static Map<String, Long> counters(String netstat) {
        String[] names = null;
        Map<String, Long> found = new LinkedHashMap<>();
        for (String line : netstat.split("\n")) {
            if (!line.startsWith("TcpExt:")) {
                continue;
            }
            String[] words = line.trim().split("\\s+");
            if (names == null) {
                names = words;
                continue;
            }
            for (int i = 1; i < Math.min(names.length, words.length); i++) {
                if (COUNTERS.contains(names[i])) {
                    found.put(names[i], Long.parseLong(words[i]));
                }
            }
            break;
        }
        return found;
    }

    /**
     * The backlogs of the listening sockets on these ports, as {@code ss -ltn} shows them (its
     * {@code Send-Q} column of a listening socket is the backlog the kernel applies).
     *
     * @param ports the ports
     * @return one backlog per listening socket found, in {@code ss}'s order; empty if {@code ss} fails
     */
    static List<Integer> backlogs(Collection<Integer> ports) {
        try {
            Process ss = new ProcessBuilder("ss", "-ltnH").redirectErrorStream(true).start();
            String out = new String(ss.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            return ss.waitFor() == 0 ? backlogs(out, ports) : List.of();
        } catch (IOException e) {
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
    }

    /**
     * The backlogs in the output of {@code ss -ltnH} for the listening sockets on these ports.
     *
     * @param ss    lines of {@code State Recv-Q Send-Q Local-Address:Port Peer-Address:Port}
     * @param ports the ports
     * @return one {@code Send-Q} per matching line
     */
    static List<Integer> backlogs(String ss, Collection<Integer> ports) {
        List<Integer> backlogs = new ArrayList<>();
        for (String line : ss.split("\n")) {
            String[] w = line.trim().split("\\s+");
            if (w.length < 4 || !w[0].equals("LISTEN")) {
                continue;
            }
            String local = w[3];
            int port = Integer.parseInt(local.substring(local.lastIndexOf(':') + 1));
            if (ports.contains(port)) {
                backlogs.add(Integer.parseInt(w[2]));
            }
        }
        return backlogs;
    }
}
