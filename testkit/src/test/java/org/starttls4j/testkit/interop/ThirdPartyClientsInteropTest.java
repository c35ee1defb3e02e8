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
 * curl and Python's smtplib, imaplib and poplib complete a session with the reference servers,
 * STARTTLS required, trusting the kit's CA from a PEM file and checking the name (127.0.0.1).
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

    private static String quote(Path path) {
        return "'" + path.toString().replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    /** python3 on PATH, or a failure that says how to install it (never a skip). */
    private static String python() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, "python3");
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        throw new AssertionError("python3 is not installed (Debian package: python3). The interop tests need it: run `sudo "
                + ExternalTool.INSTALL_SCRIPT + "` from the repository root.");
    }
}
