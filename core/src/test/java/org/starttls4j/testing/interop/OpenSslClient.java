package org.starttls4j.testing.interop;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code openssl s_client} as a mail client: {@code -starttls smtp|imap|pop3} (or implicit TLS),
 * with the test CA, SNI and hostname verification for {@value InteropPki#SERVER_NAME}, a script of
 * commands on standard input, and a bounded wait.
 *
 * <p>{@code -ign_eof} keeps it reading after its input ends, so it exits when the server closes
 * the connection (after QUIT/LOGOUT); {@code -nocommands} stops it from treating lines that start
 * with {@code Q} or {@code R} (QUIT, RCPT) as its own commands. {@code -brief} puts the connection
 * summary ({@code Protocol version: TLSv1.3}, {@code Verification: OK}) on standard error and
 * nothing but what the server sent inside TLS on standard output. (Without it, OpenSSL prints its
 * session-ticket dumps through a buffered stream and the server's bytes through a raw one, so the
 * two interleave at random.) {@link Result#afterTls} is therefore exactly the server's lines after
 * the handshake.
 */
public final class OpenSslClient {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private OpenSslClient() {
    }

    /**
     * What {@code s_client} saw.
     *
     * @param run      the raw run
     * @param protocol the negotiated TLS version ({@code TLSv1.3}), empty if no handshake
     * @param cipher   the negotiated cipher suite, empty if no handshake
     * @param verified whether the certificate verified ({@code Verification: OK}, with the name checked
     *                 by {@code -verify_hostname})
     * @param afterTls the lines the server sent inside TLS, in order
     */
    public record Result(ProcessRun.Result run, Optional<String> protocol, Optional<String> cipher, boolean verified,
                         List<String> afterTls) {

        /** Everything, for an assertion message. */
        public String describe() {
            return "protocol=" + protocol + " cipher=" + cipher + " verified=" + verified + "\nafter TLS:\n"
                    + String.join("\n", afterTls) + "\n" + run.describe();
        }

        @Override
        public String toString() {
            return describe();
        }
    }

    /**
     * Runs {@code s_client -starttls} against a server on 127.0.0.1.
     *
     * @param protocol the protocol
     * @param server   the server's address
     * @param workDir  a directory for the CA file and captured output
     * @param script   what to type once TLS is up (CRLF line ends), ending with QUIT/LOGOUT
     * @param extra    more {@code s_client} arguments, e.g. {@code -tls1_2}
     * @return what it saw
     */
    public static Result startTls(MailProtocol protocol, InetSocketAddress server, Path workDir, String script, String... extra) {
        List<String> args = new ArrayList<>(List.of("-starttls", protocol.opensslStartTls()));
        if (protocol == MailProtocol.SMTP) {
            args.addAll(List.of("-name", "client.example.test"));
        }
        args.addAll(List.of(extra));
        return run(server, workDir, script, args);
    }

    /**
     * Runs {@code s_client -starttls NAME} for a protocol {@link MailProtocol} does not list
     * ({@code lmtp}, {@code sieve}, {@code nntp}) against a server on 127.0.0.1.
     *
     * @param opensslName the name {@code -starttls} takes
     * @param server      the server's address
     * @param workDir     a directory for the CA file and captured output
     * @param script      what to type once TLS is up, ending with the protocol's goodbye
     * @return what it saw
     */
    public static Result startTls(String opensslName, InetSocketAddress server, Path workDir, String script) {
        return run(server, workDir, script, List.of("-starttls", opensslName));
    }

    /**
     * Runs {@code s_client} with implicit TLS (RFC 8314: 465/993/995 style) against 127.0.0.1.
     *
     * @param server  the server's address
     * @param workDir a directory for the CA file and captured output
     * @param script  what to type once TLS is up, ending with QUIT/LOGOUT
     * @param extra   more {@code s_client} arguments
     * @return what it saw
     */
    public static Result implicit(InetSocketAddress server, Path workDir, String script, String... extra) {
        return run(server, workDir, script, List.of(extra));
    }

    private static Result run(InetSocketAddress server, Path workDir, String script, List<String> protocolArgs) {
        Path ca = InteropPki.writeCaPem(workDir);
        List<String> command = new ArrayList<>(List.of(ExternalTool.OPENSSL.command(), "s_client",
                "-connect", "127.0.0.1:" + server.getPort(),
                "-servername", InteropPki.SERVER_NAME,
                "-verify_hostname", InteropPki.SERVER_NAME,
                "-verify_return_error",
                "-CAfile", ca.toString(),
                "-brief", "-ign_eof", "-nocommands"));
        command.addAll(protocolArgs);
        ProcessRun.Result run = ProcessRun.run(command, workDir, script.getBytes(StandardCharsets.ISO_8859_1), TIMEOUT, Map.of());
        return parse(run);
    }

    static Result parse(ProcessRun.Result run) {
        Optional<String> protocol = Optional.empty();
        Optional<String> cipher = Optional.empty();
        boolean established = false;
        boolean verified = false;
        for (String line : run.stderr().replace("\r", "").split("\n")) {
            if (line.equals("CONNECTION ESTABLISHED")) {
                established = true;
            } else if (established && line.startsWith("Protocol version: ")) {
                protocol = Optional.of(line.substring("Protocol version: ".length()).trim());
            } else if (established && line.startsWith("Ciphersuite: ")) {
                cipher = Optional.of(line.substring("Ciphersuite: ".length()).trim());
            } else if (established && line.equals("Verification: OK")) {
                verified = true;
            }
        }
        List<String> afterTls = new ArrayList<>(List.of(run.stdout().replace("\r", "").split("\n", -1)));
        while (!afterTls.isEmpty() && afterTls.get(afterTls.size() - 1).isEmpty()) {
            afterTls.remove(afterTls.size() - 1);
        }
        return new Result(run, protocol, cipher, verified, List.copyOf(afterTls));
    }
}
