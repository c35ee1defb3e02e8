package org.starttls4j.testing.interop;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code curl} as a mail client: smtp://, imap://, pop3:// (STARTTLS with {@code --ssl-reqd}, or
 * {@code --ssl} to try) and smtps://, imaps://, pop3s:// (implicit TLS), always with the test CA
 * and {@code --resolve} so that the URL names {@value InteropPki#SERVER_NAME} (verified against
 * the certificate) while the connection goes to 127.0.0.1. {@code -v} shows the whole dialog on
 * standard error; {@link Result} splits it at the handshake.
 */
public final class CurlClient {

    private static final Pattern SSL_CONNECTION = Pattern.compile("^\\* SSL connection using (\\S+) / (\\S+)");
    private static final int MAX_TIME_SECONDS = 20;

    private CurlClient() {
    }

    /** How hard curl should insist on TLS for a plain scheme. */
    public enum Tls {
        /** {@code --ssl-reqd}: STARTTLS or fail. */
        REQUIRED,
        /** {@code --ssl}: STARTTLS when offered, else go on in plaintext. */
        TRY,
        /** Neither: never STARTTLS. */
        NONE,
        /** An implicit-TLS scheme (smtps, imaps, pop3s). */
        IMPLICIT
    }

    /**
     * What curl saw.
     *
     * @param run       the raw run
     * @param protocol  the TLS version from "SSL connection using", empty if there was no TLS
     * @param cipher    the cipher suite, empty if there was no TLS
     * @param beforeTls the dialog lines before the handshake, {@code "> "} sent / {@code "< "} received
     * @param afterTls  the dialog lines after the handshake (all of them when there was no TLS)
     */
    public record Result(ProcessRun.Result run, Optional<String> protocol, Optional<String> cipher,
                         List<String> beforeTls, List<String> afterTls) {

        /** Whether curl exited 0. */
        public boolean succeeded() {
            return !run.timedOut() && run.exitCode() == 0;
        }

        /** The lines curl sent after the handshake, without the {@code "> "}. */
        public List<String> sentAfterTls() {
            return strip(afterTls, "> ");
        }

        /** The lines the server sent after the handshake, without the {@code "< "}. */
        public List<String> receivedAfterTls() {
            return strip(afterTls, "< ");
        }

        /** The lines curl sent before the handshake. */
        public List<String> sentBeforeTls() {
            return strip(beforeTls, "> ");
        }

        private static List<String> strip(List<String> lines, String prefix) {
            return lines.stream().filter(l -> l.startsWith(prefix)).map(l -> l.substring(prefix.length())).toList();
        }

        /** Everything, for an assertion message. */
        public String describe() {
            return "protocol=" + protocol + " cipher=" + cipher + "\n" + run.describe();
        }

        @Override
        public String toString() {
            return describe();
        }
    }

    /**
     * Runs curl against a server on 127.0.0.1.
     *
     * @param protocol the protocol
     * @param tls      how to use TLS
     * @param server   the server's address
     * @param path     the URL path, e.g. {@code "/"} or {@code "/INBOX"}
     * @param workDir  a directory for the CA file, the upload and captured output
     * @param stdin    bytes for {@code -T -} uploads (SMTP), or empty
     * @param extra    more curl arguments ({@code --mail-from}, {@code -u}, …)
     * @return what it saw
     */
    public static Result run(MailProtocol protocol, Tls tls, InetSocketAddress server, String path, Path workDir,
                             String stdin, String... extra) {
        Path ca = InteropPki.writeCaPem(workDir);
        int port = server.getPort();
        List<String> command = new ArrayList<>(List.of(ExternalTool.CURL.command(), "-v", "-sS",
                "--max-time", Integer.toString(MAX_TIME_SECONDS),
                "--cacert", ca.toString(),
                "--resolve", InteropPki.SERVER_NAME + ":" + port + ":127.0.0.1"));
        switch (tls) {
            case REQUIRED -> command.add("--ssl-reqd");
            case TRY -> command.add("--ssl");
            default -> {
            }
        }
        command.addAll(List.of(extra));
        command.add(protocol.curlScheme(tls == Tls.IMPLICIT) + "://" + InteropPki.SERVER_NAME + ":" + port + path);
        ProcessRun.Result run = ProcessRun.run(command, workDir, stdin.getBytes(StandardCharsets.ISO_8859_1),
                Duration.ofSeconds(MAX_TIME_SECONDS + 10), Map.of());
        return parse(run);
    }

    static Result parse(ProcessRun.Result run) {
        List<String> lines = List.of(run.stderr().replace("\r", "").split("\n", -1));
        Optional<String> protocol = Optional.empty();
        Optional<String> cipher = Optional.empty();
        List<String> before = new ArrayList<>();
        List<String> after = new ArrayList<>();
        boolean tls = false;
        for (String line : lines) {
            Matcher m = SSL_CONNECTION.matcher(line);
            if (!tls && m.find()) {
                tls = true;
                protocol = Optional.of(m.group(1));
                cipher = Optional.of(m.group(2));
                continue;
            }
            if (line.startsWith("> ") || line.startsWith("< ")) {
                (tls ? after : before).add(line);
            }
        }
        if (!tls) {
            return new Result(run, protocol, cipher, List.of(), List.copyOf(before));
        }
        return new Result(run, protocol, cipher, List.copyOf(before), List.copyOf(after));
    }
}
