package org.starttls4j.testing.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.starttls4j.testing.Identity;

/**
 * A private Dovecot (IMAP, POP3, LMTP and ManageSieve) for one test class:
 * {@code dovecot -F -c <config>} from a temporary directory, with no part of the system's
 * configuration, listening on six free ports of 127.0.0.1 — IMAP with STARTTLS, POP3 with STLS,
 * the implicit-TLS IMAPS and POP3S listeners (993/995 style), LMTP and ManageSieve, both with
 * STARTTLS — and presenting {@link InteropPki#serverIdentity()}.
 *
 * <p>One user, {@value #USER} / {@value #PASSWORD}, from a passwd-file, with one message in its
 * INBOX. {@code disable_plaintext_auth = yes} is set, but Dovecot counts a connection whose two
 * ends have the same IP address (127.0.0.1 to 127.0.0.1) as secure and allows plaintext logins
 * on it all the same: a successful login proves nothing about TLS here. Its log does: the
 * {@code Login:} line ends with {@code TLS} when the session was encrypted ({@link #awaitLog}).
 *
 * <p>Run as root (CI, containers), Dovecot refuses to run its login processes or mail processes as
 * root, so those run as {@code nobody} (uid/gid of the {@code nobody} user, 65534 by default) and
 * the directories they need are handed to that user; run as another user, everything runs as that
 * user. {@link #close()} stops the master and kills whatever of its process tree is left, then
 * deletes the directory.
 */
public final class DovecotServer implements AutoCloseable {

    /** The test user. */
    public static final String USER = "alice";
    /** The test user's password. */
    public static final String PASSWORD = "interop-secret";

    private static final Duration STARTUP = Duration.ofSeconds(20);

    private final Path root;
    private final Process process;
    private final int imap;
    private final int imaps;
    private final int pop3;
    private final int pop3s;
    private final int lmtp;
    private final int sieve;

    private DovecotServer(Path root, Process process, int[] ports) {
        this.root = root;
        this.process = process;
        this.imap = ports[0];
        this.imaps = ports[1];
        this.pop3 = ports[2];
        this.pop3s = ports[3];
        this.lmtp = ports[4];
        this.sieve = ports[5];
    }

    /**
     * Writes a private configuration and starts Dovecot; returns once all six listeners accept
     * connections.
     *
     * <p>The six ports are picked free just before Dovecot binds them; should another process
     * take one in between, Dovecot exits with "Address already in use" and the start is tried
     * again with fresh ports (three attempts in all).
     *
     * @return the running server
     * @throws AssertionError when Dovecot is not installed or does not come up (with its log)
     */
    public static DovecotServer start() {
        String dovecot = ExternalTool.DOVECOT.command();
        return PrivateDaemon.startWithFreshPorts("Dovecot", () -> startOnce(dovecot));
    }

    private static DovecotServer startOnce(String dovecot) {
        try {
            Path root = Files.createTempDirectory("starttls4j-dovecot-");
            // This process's uid and gid own the directory it just made (any Unix, no /proc needed).
            int myUid = (Integer) Files.getAttribute(root, "unix:uid");
            int myGid = (Integer) Files.getAttribute(root, "unix:gid");
            String me = System.getProperty("user.name");
            boolean asRoot = myUid == 0;
            int[] ids = asRoot ? nobody() : new int[] {myUid, myGid};
            String mailUid = Integer.toString(ids[0]);
            String mailGid = Integer.toString(ids[1]);
            String loginUser = asRoot ? "nobody" : me;
            String internalUser = me;

            // Processes running as nobody must be able to reach their directories.
            Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
            Path run = Files.createDirectories(root.resolve("run"));
            Path state = Files.createDirectories(root.resolve("state"));
            Path home = Files.createDirectories(root.resolve("home").resolve(USER));
            Path maildir = home.resolve("Maildir");
            for (String sub : List.of("cur", "new", "tmp")) {
                Files.createDirectories(maildir.resolve(sub));
            }
            Files.writeString(maildir.resolve("new").resolve("1700000000.M1P1.interop"),
                    Responder.MAILBOX_MESSAGE, StandardCharsets.ISO_8859_1);
            if (asRoot) {
                chownTree(root.resolve("home"), ids[0], ids[1]);
            }
            Identity.PemFiles pem = InteropPki.serverIdentity().writePem(root.resolve("tls"));

            Path passwd = root.resolve("passwd");
            Files.writeString(passwd, USER + ":{PLAIN}" + PASSWORD + ":" + mailUid + ":" + mailGid + "::" + home + "::\n");

            int imap = FreePort.pick();
            int imaps = FreePort.pick();
            int pop3 = FreePort.pick();
            int pop3s = FreePort.pick();
            int lmtp = FreePort.pick();
            int sieve = FreePort.pick();
            Path log = root.resolve("dovecot.log");
            Path config = root.resolve("dovecot.conf");
            Files.writeString(config, String.join("\n",
                    "# Private configuration written by DovecotServer; nothing from /etc/dovecot.",
                    "base_dir = " + run,
                    "state_dir = " + state,
                    "instance_name = starttls4j-" + root.getFileName(),
                    "protocols = imap pop3 lmtp sieve",
                    "listen = 127.0.0.1",
                    "log_path = " + log,
                    "info_log_path = " + log,
                    "debug_log_path = " + log,
                    "ssl = yes",
                    "ssl_cert = <" + pem.certificateChain(),
                    "ssl_key = <" + pem.privateKey(),
                    "ssl_min_protocol = TLSv1.2",
                    "disable_plaintext_auth = yes",
                    "auth_mechanisms = plain",
                    "default_internal_user = " + internalUser,
                    "default_internal_group = " + groupName(myGid),
                    "default_login_user = " + loginUser,
                    "first_valid_uid = 1",
                    "mail_location = maildir:~/Maildir",
                    "passdb {",
                    "  driver = passwd-file",
                    "  args = scheme=PLAIN username_format=%u " + passwd,
                    "}",
                    "userdb {",
                    "  driver = passwd-file",
                    "  args = username_format=%u " + passwd,
                    "}",
                    "service imap-login {",
                    "  inet_listener imap {",
                    "    port = " + imap,
                    "  }",
                    "  inet_listener imaps {",
                    "    port = " + imaps,
                    "    ssl = yes",
                    "  }",
                    "}",
                    "service pop3-login {",
                    "  inet_listener pop3 {",
                    "    port = " + pop3,
                    "  }",
                    "  inet_listener pop3s {",
                    "    port = " + pop3s,
                    "    ssl = yes",
                    "  }",
                    "}",
                    "service lmtp {",
                    "  unix_listener lmtp {",
                    "    mode = 0600",
                    "  }",
                    "  inet_listener lmtp {",
                    "    address = 127.0.0.1",
                    "    port = " + lmtp,
                    "  }",
                    "}",
                    "service managesieve-login {",
                    "  inet_listener sieve {",
                    "    port = " + sieve,
                    "  }",
                    "}",
                    ""));
            Process process = new ProcessBuilder(dovecot, "-F", "-c", config.toString())
                    .directory(root.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(root.resolve("dovecot.out").toFile())
                    .redirectErrorStream(true)
                    .start();
            int[] ports = {imap, imaps, pop3, pop3s, lmtp, sieve};
            DovecotServer server = new DovecotServer(root, process, ports);
            try {
                for (int port : ports) {
                    FreePort.awaitListening(port, STARTUP, process.toHandle(), server::log);
                }
            } catch (AssertionError | RuntimeException e) {
                boolean exited = !process.isAlive();
                String output = server.log();
                server.close();
                if (exited && output.contains("Address already in use")) {
                    throw new PrivateDaemon.PortTaken(output);
                }
                throw e;
            }
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare Dovecot", e);
        }
    }

    /** IMAP with STARTTLS. */
    public InetSocketAddress imap() {
        return address(imap);
    }

    /** IMAP over implicit TLS (993 style). */
    public InetSocketAddress imaps() {
        return address(imaps);
    }

    /** POP3 with STLS. */
    public InetSocketAddress pop3() {
        return address(pop3);
    }

    /** POP3 over implicit TLS (995 style). */
    public InetSocketAddress pop3s() {
        return address(pop3s);
    }

    /** LMTP with STARTTLS (RFC 2033, RFC 3207). */
    public InetSocketAddress lmtp() {
        return address(lmtp);
    }

    /** ManageSieve with STARTTLS (RFC 5804). */
    public InetSocketAddress sieve() {
        return address(sieve);
    }

    /** Dovecot's log and output so far, for assertions and failure messages. */
    public String log() {
        return PrivateDaemon.logs(root, List.of("dovecot.out", "dovecot.log"));
    }

    /**
     * How many times {@code pattern} occurs in Dovecot's log so far.
     *
     * @param pattern what to count
     * @return the number of matches
     */
    public long countInLog(Pattern pattern) {
        return LogWatch.count(pattern, log());
    }

    /**
     * Waits (bounded, on file-system change events, never sleeping) until {@code pattern} occurs
     * at least {@code count} times in Dovecot's log; Dovecot writes its log from a separate
     * process, a moment after the fact.
     *
     * @param pattern what to find
     * @param count   how many occurrences to wait for (e.g. {@link #countInLog} before, plus one)
     * @param timeout how long to wait
     * @throws AssertionError when the log does not match in time (with the log)
     */
    public void awaitLog(Pattern pattern, long count, Duration timeout) {
        LogWatch.await(root, this::log, pattern, count, timeout, "Dovecot");
    }

    /** Stops Dovecot and its whole process tree, then deletes its directory. Never throws. */
    @Override
    public void close() {
        PrivateDaemon.stopAndDelete(process, root);
    }

    private static InetSocketAddress address(int port) {
        return new InetSocketAddress(FreePort.LOOPBACK, port);
    }

    /** The uid and gid of {@code nobody}, from /etc/passwd (65534 when it is not there). */
    private static int[] nobody() throws IOException {
        Path passwd = Path.of("/etc/passwd");
        if (Files.isReadable(passwd)) {
            for (String line : Files.readAllLines(passwd, StandardCharsets.ISO_8859_1)) {
                String[] f = line.split(":");
                if (f.length > 3 && f[0].equals("nobody")) {
                    return new int[] {Integer.parseInt(f[2]), Integer.parseInt(f[3])};
                }
            }
        }
        return new int[] {65534, 65534};
    }

    /** The name of group {@code gid}, from /etc/group (the number itself when it is not there). */
    private static String groupName(long gid) throws IOException {
        Path group = Path.of("/etc/group");
        if (Files.isReadable(group)) {
            for (String line : Files.readAllLines(group, StandardCharsets.ISO_8859_1)) {
                String[] f = line.split(":");
                if (f.length > 2 && f[2].equals(Long.toString(gid))) {
                    return f[0];
                }
            }
        }
        return Long.toString(gid);
    }

    private static void chownTree(Path top, int uid, int gid) throws IOException {
        try (Stream<Path> walk = Files.walk(top)) {
            for (Path p : walk.toList()) {
                Files.setAttribute(p, "unix:uid", uid);
                Files.setAttribute(p, "unix:gid", gid);
            }
        }
    }

}
