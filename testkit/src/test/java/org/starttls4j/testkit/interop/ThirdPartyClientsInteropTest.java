package org.starttls4j.testkit.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.starttls4j.testkit.StartTlsAssertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.starttls4j.testing.interop.ExternalTool;
import org.starttls4j.testing.interop.ProcessRun;
import org.starttls4j.testkit.MailProtocol;
import org.starttls4j.testkit.ReferenceServer;

/**
 * curl, Python's smtplib, imaplib and poplib, and swaks complete a session with the reference
 * servers, STARTTLS required, trusting the kit's CA from a PEM file (curl and Python also check the
 * name, 127.0.0.1; swaks 20201014 checks the chain only).
 */
@Tag("interop")
class ThirdPartyClientsInteropTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void curlSendsMailListsMailboxesAndReadsAMaildrop() throws Exception {
        for (MailProtocol protocol : MailProtocol.mail()) {
            try (ReferenceServer server = ReferenceServer.builder(protocol).start()) {
                Path ca = server.pki().writeCaPem(dir.resolve("ca-" + protocol.lowerName() + ".pem"));
                List<String> command = new ArrayList<>(List.of(ExternalTool.CURL.command(), "--silent", "--show-error",
                        "--ssl-reqd", "--cacert", ca.toString(), "--user", "alice:curl-secret",
                        protocol.lowerName() + "://127.0.0.1:" + server.port() + "/"));
                byte[] stdin = new byte[0];
                if (protocol == MailProtocol.SMTP) {
                    command.addAll(List.of("--mail-from", "alice@example.org", "--mail-rcpt", "bob@example.org", "--upload-file", "-"));
                    stdin = "Subject: from curl\r\n\r\nhello\r\n".getBytes(StandardCharsets.US_ASCII);
                }
                ProcessRun.Result run = ProcessRun.run(command, dir, stdin, TIMEOUT, Map.of());

                assertThat(run.exitCode()).as(run.describe()).isZero();
                assertThat(server.recording()).onlyNegotiationBeforeTls().loggedInInsideTls("alice");
                if (protocol == MailProtocol.SMTP) {
                    assertThat(server.recording()).deliveredOneMessageTo("bob@example.org").insideTls().withSubject("from curl");
                }
            }
        }
    }

    @Test
    void curlAppendsAMessageToImapAsALiteral() throws Exception {
        try (ReferenceServer server = ReferenceServer.builder(MailProtocol.IMAP).start()) {
            Path ca = server.pki().writeCaPem(dir.resolve("ca-append.pem"));
            // an upload to an IMAP mailbox is an APPEND with a synchronizing literal: curl waits for "+" before the message
            // (and needs the size beforehand: a file, not stdin)
            byte[] message = "Subject: appended by curl\r\n\r\nhello\r\n".getBytes(StandardCharsets.US_ASCII);
            Path file = Files.write(dir.resolve("message.eml"), message);
            List<String> command = List.of(ExternalTool.CURL.command(), "--silent", "--show-error", "--ssl-reqd", "--cacert",
                    ca.toString(), "--user", "alice:curl-secret", "--upload-file", file.toString(),
                    "imap://127.0.0.1:" + server.port() + "/INBOX");
            ProcessRun.Result run = ProcessRun.run(command, dir, new byte[0], TIMEOUT, Map.of());

            assertThat(run.exitCode()).as(run.describe()).isZero();
            assertThat(server.recording()).onlyNegotiationBeforeTls().loggedInInsideTls("alice");
            assertThat(server.recording().messages()).singleElement().satisfies(m -> {
                assertThat(m.recipients()).containsExactly("INBOX");
                assertThat(m.raw()).isEqualTo(message);
            });
        }
    }

    @Test
    void pythonsMailLibrariesCompleteASession() throws Exception {
        for (MailProtocol protocol : MailProtocol.mail()) {
            try (ReferenceServer server = ReferenceServer.builder(protocol).start()) {
                Path ca = server.pki().writeCaPem(dir.resolve("ca-" + protocol.lowerName() + ".pem"));
                String script = "import ssl, smtplib, imaplib, poplib\n"
                        + "ctx = ssl.create_default_context(cafile=" + quote(ca) + ")\n"
                        + switch (protocol) {
                            case SMTP -> "s = smtplib.SMTP('127.0.0.1', " + server.port() + ")\ns.starttls(context=ctx)\n"
                                    + "s.login('alice', 'py-secret')\n"
                                    + "s.sendmail('alice@example.org', ['bob@example.org'], 'Subject: from python\\r\\n\\r\\nhi\\r\\n')\ns.quit()\n";
                            case IMAP -> "m = imaplib.IMAP4('127.0.0.1', " + server.port() + ")\nm.starttls(ssl_context=ctx)\n"
                                    + "m.login('alice', 'py-secret')\nm.select('INBOX')\nm.logout()\n";
                            default -> "p = poplib.POP3('127.0.0.1', " + server.port() + ")\np.stls(context=ctx)\n"
                                    + "p.user('alice')\np.pass_('py-secret')\nprint(p.stat())\np.quit()\n";
                        };
                Path file = Files.writeString(dir.resolve("client-" + protocol.lowerName() + ".py"), script);
                ProcessRun.Result run = ProcessRun.run(List.of(python(), file.toString()), dir, new byte[0], TIMEOUT, Map.of());

                assertThat(run.exitCode()).as(run.describe()).isZero();
                assertThat(server.recording()).onlyNegotiationBeforeTls().loggedInInsideTls("alice");
                assertThat(server.recording().credentials()).singleElement().satisfies(c -> assertThat(c.password()).isEqualTo("py-secret"));
                if (protocol == MailProtocol.SMTP) {
                    assertThat(server.recording()).deliveredOneMessageTo("bob@example.org").insideTls().withSubject("from python");
                }
            }
        }
    }

    @Test
    void swaksSendsAMessageWithAuthOverStartTls() throws Exception {
        try (ReferenceServer server = ReferenceServer.builder(MailProtocol.SMTP).start()) {
            Path ca = server.pki().writeCaPem(dir.resolve("ca-swaks.pem"));
            List<String> untrusting = List.of(installed("swaks", "swaks libnet-ssleay-perl"), "--server", "127.0.0.1",
                    "--port", String.valueOf(server.port()), "--helo", "swaks.example.test", "--timeout", "20",
                    "--tls", "--tls-verify", "--auth", "PLAIN", "--auth-user", "alice", "--auth-password", "swaks-secret",
                    "--from", "alice@example.org", "--to", "bob@example.org", "--header", "Subject: from swaks", "--body", "hello");
            List<String> trusting = new ArrayList<>(untrusting);
            trusting.addAll(List.of("--tls-ca-path", ca.toString()));

            // without the kit's CA, --tls-verify refuses the certificate: nothing is sent, and the check below is real
            ProcessRun.Result refused = ProcessRun.run(untrusting, dir, new byte[0], TIMEOUT, Map.of());
            assertThat(refused.exitCode()).as(refused.describe()).isNotZero();
            assertThat(server.recording().messages()).as(refused.describe()).isEmpty();
            assertThat(server.recording().credentials()).isEmpty();

            ProcessRun.Result run = ProcessRun.run(trusting, dir, new byte[0], TIMEOUT, Map.of());

            assertThat(run.exitCode()).as(run.describe()).isZero();
            assertThat(server.recording()).onlyNegotiationBeforeTls().loggedInInsideTls("alice");
            assertThat(server.recording().credentials()).singleElement().satisfies(c -> assertThat(c.password()).isEqualTo("swaks-secret"));
            assertThat(server.recording()).deliveredOneMessageTo("bob@example.org").insideTls().withSubject("from swaks");
            assertThat(server.recording().commands()).extracting(c -> c.line()).contains("EHLO swaks.example.test", "STARTTLS");
        }
    }

    private static String quote(Path path) {
        return "'" + path.toString().replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    private static String python() {
        return installed("python3", "python3");
    }

    /** A program on PATH, or a failure that says how to install it (never a skip). */
    private static String installed(String program, String debianPackages) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, program);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        throw new AssertionError(program + " is not installed (Debian package(s): " + debianPackages + "). The interop tests need it:"
                + " run `sudo " + ExternalTool.INSTALL_SCRIPT + "` from the repository root.");
    }
}
