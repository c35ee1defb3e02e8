package org.starttls4j.testing.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.starttls4j.testing.Identity;

/**
 * INN's reader server, {@code nnrpd}, run standalone for one test class: two daemons
 * ({@code nnrpd -D -f -p PORT -b 127.0.0.1}, the second with {@code -S} for implicit TLS, 563
 * style) from a private {@code inn.conf} in a temporary directory ({@code INNCONF}), with no part
 * of the system's news configuration, presenting {@link InteropPki#serverIdentity()}.
 *
 * <p>What nnrpd needs to start without innd, found by trying: {@code mta} set, a storage method
 * ({@code storage.conf}), an overview database ({@code makehistory -O} over the empty spool
 * creates it), an {@code active} file, {@code readers.conf} granting 127.0.0.1 read access, and
 * {@code nnrpdloadlimit: 0} (a busy CI machine would otherwise get {@code 400 load at …}).
 * Run as root it switches to the {@code news} user, so the directory is handed to that user.
 */
public final class InnServer implements AutoCloseable {

    private static final Duration STARTUP = Duration.ofSeconds(20);

    private final Path root;
    private final List<Process> processes;
    private final int nntp;
    private final int nntps;

    private InnServer(Path root, List<Process> processes, int nntp, int nntps) {
        this.root = root;
        this.processes = processes;
        this.nntp = nntp;
        this.nntps = nntps;
    }

    /**
     * Writes the private configuration and starts both daemons; returns once both accept connections.
     *
     * @return the running server
     * @throws AssertionError when INN is not installed or does not come up (with what it said)
     */
    public static InnServer start() {
        String nnrpd = ExternalTool.NNRPD.command();
        Path bin = Path.of(nnrpd).getParent();
        try {
            Path root = Files.createTempDirectory("starttls4j-inn-");
            Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
            for (String dir : List.of("etc", "db", "run", "log", "spool/articles", "spool/overview", "spool/tmp", "spool/incoming",
                    "spool/outgoing", "spool/archive")) {
                Files.createDirectories(root.resolve(dir));
            }
            Identity.PemFiles pem = InteropPki.serverIdentity().writePem(root.resolve("tls"));
            Path conf = root.resolve("inn.conf");
            Files.writeString(conf, String.join("\n",
                    "# Private configuration written by InnServer; nothing from /etc/news.",
                    "domain: example.test",
                    "pathhost: " + InteropPki.SERVER_NAME,
                    "fromhost: " + InteropPki.SERVER_NAME,
                    "server: 127.0.0.1",
                    "mta: \"/bin/false %s\"",
                    "pathnews: " + bin.getParent(),
                    "pathbin: " + bin,
                    "pathetc: " + root.resolve("etc"),
                    "pathdb: " + root.resolve("db"),
                    "pathrun: " + root.resolve("run"),
                    "pathlog: " + root.resolve("log"),
                    "pathspool: " + root.resolve("spool"),
                    "patharticles: " + root.resolve("spool/articles"),
                    "pathoverview: " + root.resolve("spool/overview"),
                    "pathtmp: " + root.resolve("spool/tmp"),
                    "pathincoming: " + root.resolve("spool/incoming"),
                    "pathoutgoing: " + root.resolve("spool/outgoing"),
                    "patharchive: " + root.resolve("spool/archive"),
                    "pathfilter: " + root.resolve("etc"),
                    "pathhttp: " + root.resolve("log"),
                    "ovmethod: tradindexed",
                    "hismethod: hisv6",
                    "enableoverview: true",
                    "nnrpdloadlimit: 0",
                    "tlscapath: " + root.resolve("tls"),
                    "tlscertfile: " + pem.certificateChain(),
                    "tlskeyfile: " + pem.privateKey(),
                    "tlsprotocols: [ TLSv1.2 TLSv1.3 ]",
                    ""));
            Files.writeString(root.resolve("etc/storage.conf"), "method tradspool {\n    newsgroups: *\n    class: 0\n}\n");
            Files.writeString(root.resolve("etc/readers.conf"), String.join("\n",
                    "auth \"loopback\" {",
                    "    hosts: \"127.0.0.1, localhost, ::1\"",
                    "    default: \"<loopback>\"",
                    "}",
                    "access \"loopback\" {",
                    "    users: \"<loopback>\"",
                    "    newsgroups: \"*\"",
                    "    access: R",
                    "}",
                    ""));
            Files.writeString(root.resolve("db/active"), "junk 0000000000 0000000001 n\ncontrol 0000000000 0000000001 n\n",
                    StandardCharsets.US_ASCII);
            Files.writeString(root.resolve("db/newsgroups"), "");
            Files.writeString(root.resolve("db/history"), "");
            Files.writeString(root.resolve("spool/tradspool.map"), "");
            // Run as root, makehistory and nnrpd switch to the news user, who must own everything.
            if ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0) {
                int[] news = news();
                try (Stream<Path> walk = Files.walk(root)) {
                    for (Path p : walk.toList()) {
                        Files.setAttribute(p, "unix:uid", news[0]);
                        Files.setAttribute(p, "unix:gid", news[1]);
                    }
                }
            }
            Map<String, String> env = Map.of("INNCONF", conf.toString());
            ProcessRun.Result overview = ProcessRun.run(List.of(bin.resolve("makehistory").toString(), "-O", "-x", "-F"), root,
                    new byte[0], STARTUP, env);
            if (overview.exitCode() != 0) {
                throw new AssertionError("makehistory could not create the overview database\n" + overview.describe());
            }
            int nntp = FreePort.pick();
            int nntps = FreePort.pick();
            List<Process> processes = new ArrayList<>();
            InnServer server = new InnServer(root, processes, nntp, nntps);
            try {
                processes.add(daemon(nnrpd, root, conf, nntp, false));
                processes.add(daemon(nnrpd, root, conf, nntps, true));
                FreePort.awaitListening(nntp, STARTUP, processes.get(0).toHandle(), server::log);
                FreePort.awaitListening(nntps, STARTUP, processes.get(1).toHandle(), server::log);
            } catch (AssertionError | RuntimeException | IOException e) {
                server.close();
                throw e;
            }
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare INN", e);
        }
    }

    private static Process daemon(String nnrpd, Path root, Path conf, int port, boolean implicit) throws IOException {
        List<String> command = new ArrayList<>(List.of(nnrpd, "-D", "-f", "-p", Integer.toString(port), "-b", "127.0.0.1"));
        if (implicit) {
            command.add("-S");
        }
        ProcessBuilder builder = new ProcessBuilder(command).directory(root.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(root.resolve("nnrpd-" + port + ".out").toFile())
                .redirectErrorStream(true);
        builder.environment().put("INNCONF", conf.toString());
        return builder.start();
    }

    /** NNTP with STARTTLS (RFC 4642). */
    public InetSocketAddress nntp() {
        return new InetSocketAddress(FreePort.LOOPBACK, nntp);
    }

    /** NNTP over implicit TLS (563 style, nnrpd {@code -S}). */
    public InetSocketAddress nntps() {
        return new InetSocketAddress(FreePort.LOOPBACK, nntps);
    }

    /** What the daemons printed (nnrpd logs to syslog; this is what is left), for failure messages. */
    public String log() {
        StringBuilder s = new StringBuilder();
        try (Stream<Path> files = Files.list(root)) {
            for (Path file : files.filter(p -> p.getFileName().toString().endsWith(".out")).sorted().toList()) {
                s.append("--- ").append(file.getFileName()).append(" ---\n").append(Files.readString(file, StandardCharsets.ISO_8859_1));
            }
        } catch (IOException e) {
            s.append("(cannot read the output: ").append(e).append(")\n");
        }
        return s.toString();
    }

    /** Stops both daemons and their children, then deletes the directory. Never throws. */
    @Override
    public void close() {
        for (Process p : processes) {
            ProcessRun.killTree(p.toHandle(), Duration.ofSeconds(5));
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | UncheckedIOException e) {
            // a leftover temporary directory is not worth failing a test for
        }
    }

    /** The uid and gid of {@code news}, from /etc/passwd (9/9, Debian's, when it is not there). */
    private static int[] news() throws IOException {
        for (String line : Files.readAllLines(Path.of("/etc/passwd"), StandardCharsets.ISO_8859_1)) {
            String[] f = line.split(":");
            if (f.length > 3 && f[0].equals("news")) {
                return new int[] {Integer.parseInt(f[2]), Integer.parseInt(f[3])};
            }
        }
        return new int[] {9, 9};
    }
}
