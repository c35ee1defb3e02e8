package org.starttls4j.testing.interop;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.starttls4j.testing.Identity;
import org.starttls4j.testing.TestPki;

/**
 * A private Postfix (3.7, Debian's {@code postfix} package) for one test class: its own
 * configuration, queue and data directories under a temporary folder, its {@code master} run in
 * the foreground as a child of the test JVM ({@code master -c DIR -d}), listening on 127.0.0.1
 * only, and logging through {@code postlogd} to a file the tests read. Nothing of the system's
 * Postfix is read or written: Debian installs it with no {@code /etc/postfix/main.cf} at all, and
 * {@code master -c} needs no {@code alternate_config_directories} when run by root (only the
 * set-gid {@code postdrop} does, which is why messages are submitted over SMTP, never with
 * {@code sendmail}). Postfix's master runs only as root, as the tests do in CI and here; it drops
 * to the {@code postfix} user for its daemons.
 *
 * <p>Two directions:
 * <ul>
 *   <li><b>Its smtpd</b>, for starttls4j clients: one listener per {@link Listener} — TLS level
 *       {@code none}, {@code may} or {@code encrypt}, an ECDSA or an RSA certificate (both for
 *       {@link InteropPki#SERVER_NAME}, from the test CAs of {@link TestPki}), TLS up to 1.3 or
 *       limited to 1.2. Mail it accepts for {@code example.test} goes to its {@code discard}
 *       transport, which logs {@code status=sent} with the queue id it answered.</li>
 *   <li><b>Its smtp client</b>, delivering to starttls4j servers: {@link #relayTo} routes a
 *       recipient domain to {@code [127.0.0.1]:port} with a TLS policy ({@code secure} or
 *       {@code verify}, {@code match=}{@link InteropPki#SERVER_NAME}, the EC test CA as
 *       {@code smtp_tls_CAfile}); {@link #submit} hands it a message through its plaintext
 *       listener. The routes are looked up live through a {@link PostfixLookupTable}, because
 *       Postfix refuses {@code $1} substitutions in transport maps and reads map files once.</li>
 * </ul>
 *
 * <p>{@link #close()} stops the master and whatever of its process tree is left, then deletes the
 * directory.
 */
public final class PostfixServer implements AutoCloseable {

    /** Postfix's {@code myhostname}: its greeting, its EHLO name as a client (not the test server's name, or it would see a mail loop). */
    public static final String HOSTNAME = "postfix.example.test";

    /** The domain Postfix accepts mail for and discards. */
    public static final String DISCARD_DOMAIN = "example.test";

    private static final Duration STARTUP = Duration.ofSeconds(30);
    private static final Duration SUBMIT_TIMEOUT = Duration.ofSeconds(20);
    private static final Pattern RELAY_DOMAIN = Pattern.compile("(?:^|@)p(\\d{1,5})\\.relay\\.test$");
    private static final Pattern NEXT_HOP = Pattern.compile("^\\[127\\.0\\.0\\.1\\]:(\\d{1,5})$");
    private static final Pattern QUEUED = Pattern.compile("^250 .*queued as ([0-9A-Za-z]+)");

    /** Postfix's TLS levels for its smtpd, in Postfix's own words. */
    public enum Level {
        /** {@code smtpd_tls_security_level = none}: no STARTTLS offered. */
        NONE,
        /** {@code may}: STARTTLS offered, plaintext mail accepted too. */
        MAY,
        /** {@code encrypt}: STARTTLS offered, mail refused until TLS is up. */
        ENCRYPT;

        String word() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * One smtpd listener of the private Postfix.
     *
     * @param level     its TLS level
     * @param keyType   the key of the certificate it presents (ignored under {@code NONE})
     * @param tls12Only whether {@code smtpd_tls_protocols} and {@code smtpd_tls_mandatory_protocols}
     *                  stop at TLS 1.2
     */
    public record Listener(Level level, TestPki.KeyType keyType, boolean tls12Only) {

        /** The listener without TLS; also where {@link #submit} hands messages in. */
        public static final Listener PLAINTEXT = new Listener(Level.NONE, TestPki.KeyType.EC_P256, false);

        /** Every listener the private Postfix runs: {@link #PLAINTEXT}, and may/encrypt × EC/RSA × TLS 1.3/1.2. */
        public static List<Listener> all() {
            List<Listener> all = new ArrayList<>();
            all.add(PLAINTEXT);
            for (Level level : List.of(Level.MAY, Level.ENCRYPT)) {
                for (TestPki.KeyType key : TestPki.KeyType.values()) {
                    all.add(new Listener(level, key, false));
                    all.add(new Listener(level, key, true));
                }
            }
            return List.copyOf(all);
        }

        /**
         * The listener's name in Postfix's log ({@code syslog_name = postfix/TAG}): {@code none},
         * {@code may-ec}, {@code encrypt-rsa-tls12}, ...
         */
        public String tag() {
            if (level == Level.NONE) {
                return "none";
            }
            return level.word() + (keyType == TestPki.KeyType.RSA_2048 ? "-rsa" : "-ec") + (tls12Only ? "-tls12" : "");
        }

        /** The TLS version a JDK client negotiates with this listener. */
        public String expectedProtocol() {
            return tls12Only ? "TLSv1.2" : "TLSv1.3";
        }

        @Override
        public String toString() {
            return tag();
        }
    }

    /**
     * The identity a listener with {@code keyType} presents: the interop identity for EC, an RSA
     * leaf for the same names from the RSA test CA.
     *
     * @param keyType the key type
     * @return the identity
     */
    public static Identity identity(TestPki.KeyType keyType) {
        return keyType == InteropPki.KEY_TYPE ? InteropPki.serverIdentity()
                : TestPki.issue(TestPki.LeafSpec.valid(keyType, InteropPki.SERVER_NAME).withIpAddresses("127.0.0.1"));
    }

    private final Path root;
    private final Process master;
    private final Map<Listener, Integer> ports;
    private final PostfixLookupTable table;
    private final Map<Integer, String> policies;

    private PostfixServer(Path root, Process master, Map<Listener, Integer> ports, PostfixLookupTable table,
                          Map<Integer, String> policies) {
        this.root = root;
        this.master = master;
        this.ports = ports;
        this.table = table;
        this.policies = policies;
    }

    /**
     * Writes a private configuration and starts Postfix's master; returns once every listener
     * accepts connections and the log file has its start line.
     *
     * <p>The ports are picked free just before the master binds them; should another process take
     * one in between, the master exits with "Address already in use" and the start is tried again
     * with fresh ports (three attempts in all).
     *
     * @return the running Postfix
     * @throws AssertionError when Postfix is not installed or does not come up (with its log)
     */
    public static PostfixServer start() {
        Path masterBinary = masterBinary();
        return PrivateDaemon.startWithFreshPorts("Postfix", () -> startOnce(masterBinary));
    }

    private static Path masterBinary() {
        // Not on PATH: Debian keeps it in the daemon directory (RPM-based systems in /usr/libexec).
        for (String candidate : List.of("/usr/lib/postfix/sbin/master", "/usr/libexec/postfix/master")) {
            Path path = Path.of(candidate);
            if (Files.isRegularFile(path) && Files.isExecutable(path)) {
                return path;
            }
        }
        throw new AssertionError("Postfix's master is not installed (Debian package: postfix). The interop tests need it:"
                + " run `sudo " + ExternalTool.INSTALL_SCRIPT + "` from the repository root (CI runs it from .ci/run).");
    }

    private static PostfixServer startOnce(Path masterBinary) {
        Map<Integer, String> policies = new ConcurrentHashMap<>();
        PostfixLookupTable table = PostfixLookupTable.start(key -> lookup(key, policies));
        try {
            Path root = Files.createTempDirectory("starttls4j-postfix-");
            // The daemons run as the postfix user and must reach their directories.
            Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
            Path config = Files.createDirectories(root.resolve("config"));
            Path queue = root.resolve("queue");
            Path data = root.resolve("data");
            makeQueueDirectories(queue, data);
            Path tls = root.resolve("tls");
            Identity.PemFiles ec = identity(TestPki.KeyType.EC_P256).writePem(tls);
            Identity.PemFiles rsa = identity(TestPki.KeyType.RSA_2048).writePem(tls);
            Path ca = InteropPki.writeCaPem(tls);
            Path log = root.resolve("postfix.log");

            Map<Listener, Integer> ports = new LinkedHashMap<>();
            for (Listener listener : Listener.all()) {
                ports.put(listener, FreePort.pick());
            }
            Files.writeString(config.resolve("main.cf"), String.join("\n",
                    "# Private configuration written by PostfixServer; nothing from /etc/postfix.",
                    "compatibility_level = 3.6",
                    "queue_directory = " + queue,
                    "data_directory = " + data,
                    "mail_owner = postfix",
                    "setgid_group = postdrop",
                    "myhostname = " + HOSTNAME,
                    "mydomain = " + DISCARD_DOMAIN,
                    "myorigin = $mydomain",
                    "mydestination =",
                    "inet_interfaces = 127.0.0.1",
                    "inet_protocols = ipv4",
                    "mynetworks = 127.0.0.0/8",
                    "alias_maps =",
                    "alias_database =",
                    "local_recipient_maps =",
                    "biff = no",
                    "smtputf8_enable = no",
                    "maillog_file = " + log,
                    "maillog_file_prefixes = " + root,
                    "smtpd_peername_lookup = no",
                    "smtp_dns_support_level = disabled",
                    "transport_maps = " + table.mapName(),
                    "smtpd_tls_loglevel = 1",
                    "smtp_tls_loglevel = 1",
                    "smtp_tls_security_level = secure",
                    "smtp_tls_CAfile = " + ca,
                    "smtp_tls_policy_maps = " + table.mapName(),
                    ""));
            StringBuilder masterCf = new StringBuilder("# Private services written by PostfixServer; chroot off.\n");
            for (Map.Entry<Listener, Integer> e : ports.entrySet()) {
                masterCf.append("127.0.0.1:").append(e.getValue()).append(" inet n - n - - smtpd")
                        .append(smtpdOptions(e.getKey(), e.getKey().keyType() == TestPki.KeyType.RSA_2048 ? rsa : ec))
                        .append('\n');
            }
            masterCf.append(String.join("\n",
                    "pickup    unix  n       -       n       60      1       pickup",
                    "cleanup   unix  n       -       n       -       0       cleanup",
                    "qmgr      unix  n       -       n       300     1       qmgr",
                    "tlsmgr    unix  -       -       n       1000?   1       tlsmgr",
                    "rewrite   unix  -       -       n       -       -       trivial-rewrite",
                    "bounce    unix  -       -       n       -       0       bounce",
                    "defer     unix  -       -       n       -       0       bounce",
                    "trace     unix  -       -       n       -       0       bounce",
                    "verify    unix  -       -       n       -       1       verify",
                    "flush     unix  n       -       n       1000?   0       flush",
                    "proxymap  unix  -       -       n       -       -       proxymap",
                    "smtp      unix  -       -       n       -       -       smtp",
                    "relay     unix  -       -       n       -       -       smtp",
                    "showq     unix  n       -       n       -       -       showq",
                    "error     unix  -       -       n       -       -       error",
                    "retry     unix  -       -       n       -       -       error",
                    "discard   unix  -       -       n       -       -       discard",
                    "anvil     unix  -       -       n       -       1       anvil",
                    "scache    unix  -       -       n       -       1       scache",
                    "postlog   unix-dgram n  -       n       -       1       postlogd",
                    ""));
            Files.writeString(config.resolve("master.cf"), masterCf);

            // -d keeps the master in the JVM's session and process group (no setsid), so it and
            // its daemons go down with the test run even if close() is never reached.
            Process process = new ProcessBuilder(masterBinary.toString(), "-c", config.toString(), "-d")
                    .directory(root.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(root.resolve("master.out").toFile())
                    .redirectErrorStream(true)
                    .start();
            PostfixServer server = new PostfixServer(root, process, Map.copyOf(ports), table, policies);
            try {
                for (int port : ports.values()) {
                    FreePort.awaitListening(port, STARTUP, process.toHandle(), server::log);
                }
                server.awaitLog(Pattern.compile("postfix/master\\[\\d+\\]: daemon started"), 1, STARTUP);
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
            table.close();
            throw new UncheckedIOException("cannot prepare Postfix", e);
        } catch (AssertionError | RuntimeException e) {
            table.close(); // idempotent: the server's close() may have closed it already
            throw e;
        }
    }

    private static String smtpdOptions(Listener listener, Identity.PemFiles pem) {
        StringBuilder o = new StringBuilder(" -o syslog_name=postfix/").append(listener.tag())
                .append(" -o smtpd_tls_security_level=").append(listener.level().word());
        if (listener.level() != Level.NONE) {
            o.append(" -o smtpd_tls_chain_files=").append(pem.privateKey()).append(',').append(pem.certificateChain());
        }
        if (listener.tls12Only()) {
            o.append(" -o smtpd_tls_protocols=>=TLSv1.2,<=TLSv1.2 -o smtpd_tls_mandatory_protocols=>=TLSv1.2,<=TLSv1.2");
        }
        return o.toString();
    }

    /**
     * The directories Postfix's {@code postfix-files} lists for the queue and data directories,
     * with its owners and modes ({@code post-install create-missing} would write them, but it is
     * run by {@code postfix check}, which wants a blessed configuration directory).
     */
    private static void makeQueueDirectories(Path queue, Path data) throws IOException {
        UserPrincipalLookupService users = queue.getFileSystem().getUserPrincipalLookupService();
        UserPrincipal postfix;
        GroupPrincipal postdrop;
        try {
            postfix = users.lookupPrincipalByName("postfix");
            postdrop = users.lookupPrincipalByGroupName("postdrop");
        } catch (IOException e) {
            throw new AssertionError("the postfix user or the postdrop group is missing: is Postfix installed? ("
                    + ExternalTool.INSTALL_SCRIPT + ")", e);
        }
        directory(queue, "rwxr-xr-x", null, null);
        for (String name : List.of("active", "bounce", "corrupt", "defer", "deferred", "flush", "hold", "incoming",
                "private", "saved", "trace")) {
            directory(queue.resolve(name), "rwx------", postfix, null);
        }
        directory(queue.resolve("maildrop"), "rwx-wx---", postfix, postdrop);
        directory(queue.resolve("public"), "rwx--x---", postfix, postdrop);
        directory(queue.resolve("pid"), "rwxr-xr-x", null, null);
        directory(data, "rwx------", postfix, null);
    }

    private static void directory(Path dir, String mode, UserPrincipal owner, GroupPrincipal group) throws IOException {
        Files.createDirectories(dir);
        PosixFileAttributeView view = Files.getFileAttributeView(dir, PosixFileAttributeView.class);
        if (owner != null) {
            view.setOwner(owner);
        }
        if (group != null) {
            view.setGroup(group);
        }
        view.setPermissions(PosixFilePermissions.fromString(mode));
    }

    /** The live tables: transport ({@code pPORT.relay.test} to {@code smtp:[127.0.0.1]:PORT}) and TLS policy (by next hop). */
    private static Optional<String> lookup(String key, Map<Integer, String> policies) {
        Matcher relay = RELAY_DOMAIN.matcher(key);
        if (relay.find()) {
            return Optional.of("smtp:[127.0.0.1]:" + relay.group(1));
        }
        if (key.endsWith("@" + DISCARD_DOMAIN) || key.equals(DISCARD_DOMAIN)) {
            return Optional.of("discard:accepted by the private Postfix");
        }
        Matcher hop = NEXT_HOP.matcher(key);
        if (hop.matches()) {
            return Optional.ofNullable(policies.get(Integer.parseInt(hop.group(1))));
        }
        return Optional.empty();
    }

    /**
     * The address of a smtpd listener.
     *
     * @param listener one of {@link Listener#all()}
     * @return 127.0.0.1 and its port
     */
    public InetSocketAddress smtpd(Listener listener) {
        Integer port = ports.get(listener);
        if (port == null) {
            throw new IllegalArgumentException("no such listener: " + listener);
        }
        return new InetSocketAddress(FreePort.LOOPBACK, port);
    }

    /**
     * Routes mail for a new recipient domain to a server on 127.0.0.1 with a TLS policy for
     * Postfix's smtp client.
     *
     * @param server    where the server listens (127.0.0.1)
     * @param tlsPolicy a {@code smtp_tls_policy_maps} value, e.g. {@code secure match=mail.example.test}
     * @return the recipient domain to send to ({@code pPORT.relay.test})
     */
    public String relayTo(InetSocketAddress server, String tlsPolicy) {
        if (!server.getAddress().isLoopbackAddress()) {
            throw new IllegalArgumentException("loopback only: " + server);
        }
        policies.put(server.getPort(), tlsPolicy);
        return "p" + server.getPort() + ".relay.test";
    }

    /**
     * Hands Postfix a message through its plaintext listener (SMTP from 127.0.0.1, which
     * {@code mynetworks} lets relay), as an MTA would receive one.
     *
     * @param from the envelope sender
     * @param to   the envelope recipient
     * @param body the message, header and body, CRLF line ends, no lone "." line
     * @return the queue id Postfix answered
     * @throws AssertionError when Postfix does not queue it (with the dialog and the log)
     */
    public String submit(String from, String to, String body) {
        List<String> dialog = new ArrayList<>();
        try (Socket socket = new Socket()) {
            socket.connect(smtpd(Listener.PLAINTEXT), (int) SUBMIT_TIMEOUT.toMillis());
            socket.setSoTimeout((int) SUBMIT_TIMEOUT.toMillis());
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
            OutputStream out = socket.getOutputStream();
            expect(in, dialog, "220");
            for (String[] step : List.of(new String[] {"EHLO submitter.example.test", "250"},
                    new String[] {"MAIL FROM:<" + from + ">", "250"}, new String[] {"RCPT TO:<" + to + ">", "250"},
                    new String[] {"DATA", "354"})) {
                send(out, dialog, step[0] + "\r\n");
                expect(in, dialog, step[1]);
            }
            send(out, dialog, body + (body.endsWith("\r\n") ? "" : "\r\n") + ".\r\n");
            Matcher queued = QUEUED.matcher(expect(in, dialog, "250"));
            send(out, dialog, "QUIT\r\n");
            expect(in, dialog, "221");
            if (!queued.find()) {
                throw new AssertionError("no queue id in Postfix's reply\n" + String.join("\n", dialog));
            }
            return queued.group(1);
        } catch (IOException e) {
            throw new AssertionError("submitting to Postfix failed: " + e + "\n" + String.join("\n", dialog) + "\n" + log(), e);
        }
    }

    private static void send(OutputStream out, List<String> dialog, String text) throws IOException {
        dialog.add("C: " + text.strip());
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** Reads one reply, multi-line or not; returns its last line, which must start with {@code code}. */
    private String expect(BufferedReader in, List<String> dialog, String code) throws IOException {
        while (true) {
            String line = in.readLine();
            if (line == null) {
                throw new IOException("Postfix closed the connection");
            }
            dialog.add("S: " + line);
            if (line.length() < 4 || line.charAt(3) != '-') {
                if (!line.startsWith(code)) {
                    throw new AssertionError("Postfix answered " + line + ", expected " + code + "\n"
                            + String.join("\n", dialog) + "\n" + log());
                }
                return line;
            }
        }
    }

    /** Postfix's log and its master's output so far, for assertions and failure messages. */
    public String log() {
        return PrivateDaemon.logs(root, List.of("master.out", "postfix.log"));
    }

    /**
     * How many times {@code pattern} occurs in Postfix's log so far.
     *
     * @param pattern what to count
     * @return the number of matches
     */
    public long countInLog(Pattern pattern) {
        return LogWatch.count(pattern, log());
    }

    /**
     * Waits (bounded, on file-system events) until {@code pattern} occurs at least {@code count}
     * times in Postfix's log: its daemons log through {@code postlogd}, a moment after the fact,
     * and a delivery has no other event a test could wait on.
     *
     * @param pattern what to find
     * @param count   how many occurrences to wait for (e.g. {@link #countInLog} before, plus one)
     * @param timeout how long to wait
     * @throws AssertionError when the log does not match in time (with the log)
     */
    public void awaitLog(Pattern pattern, long count, Duration timeout) {
        LogWatch.await(root, this::log, pattern, count, timeout, "Postfix");
    }

    /** Stops the master and its whole process tree and the lookup table, then deletes the directory. Never throws. */
    @Override
    public void close() {
        PrivateDaemon.stopAndDelete(master, root);
        table.close();
    }
}
