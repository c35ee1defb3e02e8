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
 * GnuTLS's {@code gnutls-cli} as a mail client: {@code --starttls-proto=smtp|lmtp|imap|pop3|nntp|sieve}
 * (the tool speaks the plaintext part itself) or implicit TLS, with the test CA
 * ({@code --x509cafile}), SNI and hostname verification for {@value InteropPki#SERVER_NAME} while
 * the connection goes to 127.0.0.1, a script of commands on standard input, and a bounded wait.
 *
 * <p>What GnuTLS 3.7.9's client sends before TLS (the host argument, 127.0.0.1, is its EHLO/LHLO
 * name): SMTP {@code EHLO 127.0.0.1}, {@code STARTTLS}; LMTP {@code LHLO 127.0.0.1},
 * {@code STARTTLS}; IMAP {@code a CAPABILITY}, {@code a STARTTLS}; POP3 {@code STLS} alone;
 * NNTP and ManageSieve {@code STARTTLS} alone. It asks for nothing again after TLS: the script does.
 *
 * <p>Two habits of the tool shape how it is run. It ends the session (close_notify, then exit) as
 * soon as its standard input ends, without waiting for the server's answers, so its input stays
 * open until it exits ({@link ProcessRun#runHoldingInputOpen}): the script ends with the
 * protocol's goodbye and the server's close ends the tool. And its {@code --crlf} rewrites only
 * the first line feed of each read, overwriting the next byte (two lines read at once become
 * {@code "EHLO x\r\n\0UIT\n"}), so it is never used: the script carries its own CRLFs.
 *
 * <p>It prints the connection summary ({@code - Status: The certificate is trusted.},
 * {@code - Description: (TLS1.3-X.509)-…}) and then, after {@code - Simple Client Mode:}, exactly
 * what the server sent inside TLS, on standard output; fatal errors go to standard error.
 */
public final class GnuTlsClient {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Pattern DESCRIPTION = Pattern.compile("^- Description: \\((TLS1\\.[0-3])-");
    private static final String SIMPLE_CLIENT_MODE = "- Simple Client Mode:";

    private GnuTlsClient() {
    }

    /**
     * The {@code --priority} argument that limits GnuTLS to one TLS version.
     *
     * @param gnutlsVersion GnuTLS's name for it: {@code TLS1.0}, {@code TLS1.1}, {@code TLS1.2}, {@code TLS1.3}
     * @return e.g. {@code --priority=NORMAL:-VERS-ALL:+VERS-TLS1.2}
     */
    public static String only(String gnutlsVersion) {
        return "--priority=NORMAL:-VERS-ALL:+VERS-" + gnutlsVersion;
    }

    /**
     * What {@code gnutls-cli} saw.
     *
     * @param run       the raw run
     * @param protocol  the negotiated TLS version in the JDK's words ({@code TLSv1.3}), empty if no handshake
     * @param verified  whether GnuTLS said the certificate is trusted (chain and {@code --verify-hostname})
     * @param completed whether GnuTLS said the handshake was completed
     * @param rehandshook whether GnuTLS said a second handshake was completed ({@code -e}: a TLS 1.2
     *                  renegotiation, a TLS 1.3 KeyUpdate)
     * @param afterTls  the lines the server sent inside TLS, in order
     */
    public record Result(ProcessRun.Result run, Optional<String> protocol, boolean verified, boolean completed,
                         boolean rehandshook, List<String> afterTls) {

        /** Copies the list. */
        public Result {
            afterTls = List.copyOf(afterTls);
        }

        /** Whether the tool exited 0 by itself. */
        public boolean succeeded() {
            return !run.timedOut() && run.exitCode() == 0;
        }

        /** Everything, for an assertion message. */
        public String describe() {
            return "protocol=" + protocol + " verified=" + verified + " completed=" + completed + " rehandshook=" + rehandshook
                    + "\nafter TLS:\n"
                    + String.join("\n", afterTls) + "\n" + run.describe();
        }

        @Override
        public String toString() {
            return describe();
        }
    }

    /**
     * Runs {@code gnutls-cli --starttls-proto=NAME} against a server on 127.0.0.1.
     *
     * @param gnutlsName the name {@code --starttls-proto} takes: {@code smtp}, {@code lmtp}, {@code imap},
     *                   {@code pop3}, {@code nntp} or {@code sieve}
     * @param server     the server's address
     * @param workDir    a directory for the CA file and captured output
     * @param script     what to type once TLS is up (CRLF line ends), ending with the protocol's goodbye
     * @param extra      more {@code gnutls-cli} arguments, e.g. {@link #only only("TLS1.2")}
     * @return what it saw
     */
    public static Result startTls(String gnutlsName, InetSocketAddress server, Path workDir, String script, String... extra) {
        List<String> args = new ArrayList<>(List.of("--starttls-proto=" + gnutlsName));
        args.addAll(List.of(extra));
        return run(server, workDir, script, args, true);
    }

    /**
     * Runs {@code gnutls-cli --starttls-proto} with its input ending right after {@code script}, as
     * a pipe or {@code </dev/null} gives it: once TLS is up it sends its Finished, the script and
     * its close_notify at once and quits, without waiting for an answer (the shape of an
     * operator's certificate probe).
     *
     * @param gnutlsName the tool's name for the protocol
     * @param server     the server's address
     * @param workDir    a directory for the CA file and captured output
     * @param script     what it sends inside TLS before its close_notify (may be empty)
     * @return what it saw
     */
    public static Result startTlsWithInputEnded(String gnutlsName, InetSocketAddress server, Path workDir, String script) {
        return run(server, workDir, script, List.of("--starttls-proto=" + gnutlsName), false);
    }

    /**
     * Runs {@code gnutls-cli} with implicit TLS (RFC 8314: 465/993/995 style) against 127.0.0.1.
     *
     * @param server  the server's address
     * @param workDir a directory for the CA file and captured output
     * @param script  what to type once TLS is up, ending with the protocol's goodbye
     * @param extra   more {@code gnutls-cli} arguments
     * @return what it saw
     */
    public static Result implicit(InetSocketAddress server, Path workDir, String script, String... extra) {
        return run(server, workDir, script, List.of(extra), true);
    }

    private static Result run(InetSocketAddress server, Path workDir, String script, List<String> args, boolean holdInputOpen) {
        Path ca = InteropPki.writeCaPem(workDir);
        List<String> command = new ArrayList<>(List.of(ExternalTool.GNUTLS_CLI.command(),
                "--x509cafile=" + ca,
                "--verify-hostname=" + InteropPki.SERVER_NAME,
                "--sni-hostname=" + InteropPki.SERVER_NAME,
                "--port=" + server.getPort()));
        command.addAll(args);
        command.add(FreePort.LOOPBACK.getHostAddress());
        byte[] input = script.getBytes(StandardCharsets.ISO_8859_1);
        ProcessRun.Result run = holdInputOpen ? ProcessRun.runHoldingInputOpen(command, workDir, input, TIMEOUT, Map.of())
                : ProcessRun.run(command, workDir, input, TIMEOUT, Map.of());
        return parse(run);
    }

    static Result parse(ProcessRun.Result run) {
        Optional<String> protocol = Optional.empty();
        boolean verified = false;
        boolean completed = false;
        boolean rehandshook = false;
        List<String> afterTls = null;
        for (String line : run.stdout().replace("\r", "").split("\n", -1)) {
            if (afterTls != null) {
                // the tool's own notes ("- ReHandshake was completed", "- Peer has closed …", "*** …") are not the server's
                rehandshook |= line.equals("- ReHandshake was completed");
                if (!line.startsWith("- ") && !line.startsWith("*** ")) {
                    afterTls.add(line);
                }
                continue;
            }
            Matcher description = DESCRIPTION.matcher(line);
            if (description.find()) {
                protocol = Optional.of("TLSv" + description.group(1).substring("TLS".length()));
            } else if (line.startsWith("- Status: The certificate is trusted.")) {
                verified = true;
            } else if (line.equals("- Handshake was completed")) {
                completed = true;
            } else if (line.equals(SIMPLE_CLIENT_MODE)) {
                afterTls = new ArrayList<>();
            }
        }
        List<String> lines = afterTls == null ? List.of() : afterTls;
        int end = lines.size();
        while (end > 0 && lines.get(end - 1).isEmpty()) {
            end--;
        }
        return new Result(run, protocol, verified, completed, rehandshook, lines.subList(0, end));
    }
}
