package org.starttls4j.testkit.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.starttls4j.testing.interop.ExternalTool;
import org.starttls4j.testing.interop.ProcessRun;

/**
 * msmtp (Debian 12: 1.8.23 on GnuTLS) as a careful user runs it: one account in a configuration
 * file of its own (TLS on, the kit's CA as the only trust anchor, certificate checks on, which is
 * msmtp's default), a message on standard input, {@code --debug} so that a failing assertion shows
 * the whole dialog, and a bounded wait after which the process tree is killed.
 *
 * @param host       where to connect
 * @param port       the port
 * @param startTls   {@code tls_starttls on} (STARTTLS, required: msmtp never falls back) or off (implicit TLS)
 * @param trustFile  the PEM file of the CA to trust ({@code tls_trust_file})
 * @param auth       msmtp's {@code auth}: a mechanism ({@code plain}) or {@code on} (msmtp picks one the server offers)
 * @param timeout    msmtp's own network timeout ({@code timeout}), meant to make it give up on a silent server by itself
 * @param priorities GnuTLS priorities ({@code tls_priorities}), or empty for msmtp's default (GnuTLS's {@code NORMAL})
 */
record Msmtp(String host, int port, boolean startTls, Path trustFile, String auth, Duration timeout, String priorities) {

    /** The user msmtp logs in as. */
    static final String USER = "alice";
    /** The password it sends, to find in a recording. */
    static final String PASSWORD = "msmtp-secret";
    /** The envelope sender. */
    static final String FROM = "alice@example.org";
    /** The one recipient. */
    static final String TO = "bob@example.org";
    /** Its EHLO argument ({@code domain}). */
    static final String DOMAIN = "msmtp.example.test";

    /** Longer than msmtp's own timeouts and the tests' waits: reaching it means msmtp hung and nothing closed its connection. */
    static final Duration KILL_AFTER = Duration.ofSeconds(40);

    /**
     * An account with msmtp's default TLS priorities.
     *
     * @param host      where to connect
     * @param port      the port
     * @param startTls  STARTTLS (true) or implicit TLS
     * @param trustFile the CA's PEM file
     * @param auth      {@code plain}, {@code on}, …
     * @param timeout   msmtp's network timeout
     */
    Msmtp(String host, int port, boolean startTls, Path trustFile, String auth, Duration timeout) {
        this(host, port, startTls, trustFile, auth, timeout, "");
    }

    /**
     * The same account with {@code tls_priorities} set.
     *
     * @param value a GnuTLS priority string
     * @return the account
     */
    Msmtp withPriorities(String value) {
        return new Msmtp(host, port, startTls, trustFile, auth, timeout, value);
    }

    /**
     * Sends one message with {@code subject} to {@link #TO}.
     *
     * @param dir     where the configuration file and the captured output go
     * @param name    a name for this run's files
     * @param subject the Subject of the message
     * @return what msmtp did (its exit code and output); msmtp has ended
     */
    ProcessRun.Result send(Path dir, String name, String subject) {
        try {
            Path config = dir.resolve(name + ".msmtprc");
            Files.writeString(config, configuration(), StandardCharsets.US_ASCII);
            // msmtp refuses a configuration file with a password that others may read
            Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-------"));
            byte[] message = ("From: " + FROM + "\r\nTo: " + TO + "\r\nSubject: " + subject + "\r\n\r\nhello from msmtp\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            List<String> command = List.of(ExternalTool.MSMTP.command(), "--debug", "--file=" + config, "--account=test", TO);
            return ProcessRun.run(command, Files.createDirectories(dir.resolve(name)), message, KILL_AFTER, Map.of());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * What msmtp says it sent, from its {@code --debug} transcript on standard output ({@code --> } lines).
     *
     * @param run a run of {@link #send}
     * @return the lines, in order
     */
    static List<String> linesSent(ProcessRun.Result run) {
        return run.stdout().lines().filter(l -> l.startsWith("--> ")).map(l -> l.substring(4)).toList();
    }

    private String configuration() {
        return String.join("\n",
                "account test",
                "host " + host,
                "port " + port,
                "domain " + DOMAIN,
                "from " + FROM,
                "tls on",
                "tls_starttls " + (startTls ? "on" : "off"),
                "tls_trust_file " + trustFile,
                "auth " + auth,
                "user " + USER,
                "password " + PASSWORD,
                "timeout " + timeout.toSeconds(),
                priorities.isEmpty() ? "" : "tls_priorities " + priorities,
                "");
    }
}
