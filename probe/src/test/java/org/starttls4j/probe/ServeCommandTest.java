package org.starttls4j.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.starttls4j.TlsFacts;

/**
 * {@code starttls4j serve} end to end over 127.0.0.1: the banner, a probe through it, whole client
 * sessions inside TLS, refusals in plaintext, and a log that says which layer each command came
 * in and never shows a credential.
 */
class ServeCommandTest {

    private static final String SECRET = "s3cret-Passw0rd";

    @Test
    void smtpOverNioNegotiatesThenTakesAMessageAndLogsCommandsWithTheirLayer() throws Exception {
        try (Serving serve = Serving.start("serve", "smtp", "--port", "0", "--self-signed", Servers.NAME)) {
            assertThat(serve.output()).contains("STARTTLS, policy required, adapter nio", "CN=" + Servers.NAME);

            Cli.Result probe = Cli.run("probe", "smtp://127.0.0.1:" + serve.port(), "--pin", serve.sha256());
            assertThat(probe.status()).as(probe.toString()).isZero();

            String plain = Base64.getEncoder().encodeToString(("\0alice\0" + SECRET).getBytes(StandardCharsets.UTF_8));
            try (TlsLines c = TlsLines.plain(serve.port())) {
                assertThat(c.smtp()).first().asString().startsWith("220 " + Servers.NAME);
                assertThat(c.smtp("EHLO client.example")).isEqualTo("250 STARTTLS");
                assertThat(c.smtp("MAIL FROM:<a@example.test>")).startsWith("530 5.7.0");
                assertThat(c.smtp("STARTTLS")).startsWith("220");
                c.startTls();
                c.send("EHLO client.example");
                assertThat(c.smtp()).contains("250 AUTH PLAIN LOGIN").doesNotContain("250-STARTTLS", "250 STARTTLS");
                assertThat(c.smtp("AUTH PLAIN " + plain)).startsWith("235");
                assertThat(c.smtp("AUTH LOGIN")).isEqualTo("334 VXNlcm5hbWU6");
                assertThat(c.smtp(Base64.getEncoder().encodeToString("alice".getBytes(StandardCharsets.UTF_8))))
                        .isEqualTo("334 UGFzc3dvcmQ6");
                assertThat(c.smtp(Base64.getEncoder().encodeToString(SECRET.getBytes(StandardCharsets.UTF_8)))).startsWith("235");
                assertThat(c.smtp("RCPT TO:<b@example.test>")).startsWith("503");
                assertThat(c.smtp("MAIL FROM:<a@example.test>")).startsWith("250");
                assertThat(c.smtp("RCPT TO:<b@example.test>")).startsWith("250");
                assertThat(c.smtp("DATA")).startsWith("354");
                c.send("Subject: hello");
                c.send("");
                c.send("..a line starting with a dot");
                assertThat(c.smtp(".")).isEqualTo("250 2.0.0 OK: message accepted and discarded");
                assertThat(c.smtp("STARTTLS")).startsWith("503");
                assertThat(c.smtp("NOOP")).startsWith("250");
                assertThat(c.smtp("QUIT")).startsWith("221");
                assertThat(c.closedByServer()).isTrue();
            }
            String log = serve.output();
            assertThat(log).contains("[plain] C: EHLO client.example", "[plain] C: MAIL FROM:<a@example.test>",
                    "[plain] C: STARTTLS", "[tls]   C: EHLO client.example", "[tls]   C: AUTH PLAIN ****",
                    "[tls]   C: AUTH LOGIN", "[tls]   C: ****", "[tls]   C: (end of message data, 3 lines)", "[tls]   C: QUIT");
            assertThat(log).doesNotContain(plain, SECRET, Base64.getEncoder().encodeToString(SECRET.getBytes(StandardCharsets.UTF_8)),
                    "Subject: hello");
            assertThat(serve.stop()).isZero();
        }
    }

    @Test
    void imapOverNettyWithImplicitTlsServesAnEmptyInbox() throws Exception {
        try (Serving serve = Serving.start("serve", "imap", "--port", "0", "--implicit", "--adapter", "netty")) {
            assertThat(serve.output()).contains("implicit TLS, adapter netty", "CN=localhost");
            try (TlsLines c = TlsLines.implicit(serve.port())) {
                assertThat(c.line()).startsWith("* OK [CAPABILITY IMAP4rev1");
                assertThat(c.imap("a1", "LIST \"\" \"*\"")).last().asString().isEqualTo("a1 NO Log in first");
                assertThat(c.imap("a2", "LOGIN alice " + SECRET)).last().asString().startsWith("a2 OK");
                assertThat(c.imap("a3", "LIST \"\" \"\"")).first().asString().isEqualTo("* LIST (\\Noselect) \"/\" \"\"");
                assertThat(c.imap("a4", "LIST \"\" \"*\"")).containsExactly("* LIST (\\HasNoChildren) \"/\" INBOX",
                        "a4 OK LIST completed");
                assertThat(c.imap("a5", "SELECT INBOX")).contains("* 0 EXISTS", "a5 OK [READ-WRITE] SELECT completed");
                assertThat(c.imap("a6", "EXAMINE Archive")).last().asString().startsWith("a6 NO [NONEXISTENT]");
                c.send("a7 AUTHENTICATE PLAIN");
                assertThat(c.line()).isEqualTo("+ ");
                c.send(Base64.getEncoder().encodeToString(("\0alice\0" + SECRET).getBytes(StandardCharsets.UTF_8)));
                assertThat(c.imap("a7")).last().asString().isEqualTo("a7 OK AUTHENTICATE completed");
                assertThat(c.imap("a8", "STARTTLS")).last().asString().startsWith("a8 BAD");
                assertThat(c.imap("a9", "LOGOUT")).containsExactly("* BYE Logging out", "a9 OK LOGOUT completed");
            }
            assertThat(serve.output()).contains("[tls]   C: a2 LOGIN alice ****", "[tls]   C: a7 AUTHENTICATE PLAIN",
                    "[tls]   C: ****", "[tls]   C: a9 LOGOUT").doesNotContain(SECRET);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"nio", "netty"})
    void anOpportunisticPlaintextSessionThatAsksForTlsLaterIsResumedInsideTls(String adapter) throws Exception {
        try (Serving serve = Serving.start("serve", "smtp", "--port", "0", "--policy", "opportunistic", "--adapter", adapter)) {
            try (TlsLines c = TlsLines.plain(serve.port())) {
                assertThat(c.smtp()).first().asString().startsWith("220 ");
                assertThat(c.smtp("EHLO client.example")).isEqualTo("250 STARTTLS");
                assertThat(c.smtp("MAIL FROM:<a@example.test>")).startsWith("250"); // handed over in plaintext here
                assertThat(c.smtp("STARTTLS")).isEqualTo("220 2.0.0 Ready to start TLS");
                c.startTls();
                c.send("EHLO client.example");
                assertThat(c.smtp()).contains("250 AUTH PLAIN LOGIN").doesNotContain("250 STARTTLS");
                assertThat(c.smtp("QUIT")).startsWith("221");
            }
            assertThat(serve.outputOnceItShows("[tls]   C: QUIT")).contains("negotiated: handing over in plaintext",
                    "[plain] C: MAIL FROM:<a@example.test>", "resuming the negotiation at STARTTLS", "[plain] C: STARTTLS",
                    "negotiated: handing over inside TLS", "[tls]   C: EHLO client.example");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"nio", "netty"})
    void aCommandPipelinedBehindALaterStartTlsIsNeverAnswered(String adapter) throws Exception {
        try (Serving serve = Serving.start("serve", "smtp", "--port", "0", "--policy", "opportunistic", "--adapter", adapter)) {
            try (TlsLines c = TlsLines.plain(serve.port())) {
                assertThat(c.smtp()).first().asString().startsWith("220 ");
                assertThat(c.smtp("MAIL FROM:<a@example.test>")).startsWith("250");
                c.send("STARTTLS\r\nRCPT TO:<evil@example.test>");

                assertThat(c.closedByServer()).as("no go-ahead, no answer to RCPT").isTrue();
            }
            assertThat(serve.outputOnceItShows("negotiation failed")).contains("PLAINTEXT_INJECTION")
                    .doesNotContain("C: RCPT TO:<evil@example.test>\n");
        }
    }

    @Test
    void pop3OpportunisticRefusesCredentialsInPlaintextAndMasksThem() throws Exception {
        try (Serving serve = Serving.start("serve", "pop3", "--port", "0", "--policy", "opportunistic")) {
            try (TlsLines c = TlsLines.plain(serve.port())) {
                assertThat(c.line()).startsWith("+OK");
                assertThat(c.pop3("USER alice")).startsWith("-ERR [AUTH]");
                assertThat(c.pop3("STAT")).isEqualTo("-ERR Log in first"); // handed over in plaintext here
                assertThat(c.pop3("PASS " + SECRET)).startsWith("-ERR [AUTH]");
                assertThat(c.pop3("QUIT")).startsWith("+OK");
            }
            assertThat(serve.output()).contains("[plain] C: USER alice", "negotiated: handing over in plaintext",
                    "[plain] C: STAT", "[plain] C: PASS ****").doesNotContain(SECRET);
        }
    }

    @Test
    void pop3InsideTlsServesAnEmptyMaildrop() throws Exception {
        try (Serving serve = Serving.start("serve", "pop3", "--port", "0", "--adapter", "netty")) {
            try (TlsLines c = TlsLines.plain(serve.port())) {
                assertThat(c.line()).startsWith("+OK");
                assertThat(c.pop3("STLS")).startsWith("+OK");
                c.startTls();
                c.send("CAPA");
                assertThat(c.line()).startsWith("+OK");
                assertThat(c.pop3List()).contains("USER", "SASL PLAIN").doesNotContain("STLS");
                assertThat(c.pop3("STAT")).isEqualTo("-ERR Log in first");
                assertThat(c.pop3("USER alice")).isEqualTo("+OK");
                assertThat(c.pop3("PASS " + SECRET)).isEqualTo("+OK Logged in");
                assertThat(c.pop3("STAT")).isEqualTo("+OK 0 0");
                assertThat(c.pop3("LIST")).isEqualTo("+OK 0 messages");
                assertThat(c.line()).isEqualTo(".");
                assertThat(c.pop3("UIDL")).isEqualTo("+OK");
                assertThat(c.line()).isEqualTo(".");
                assertThat(c.pop3("RETR 1")).startsWith("-ERR");
                assertThat(c.pop3("NOOP")).isEqualTo("+OK");
                assertThat(c.pop3("STLS")).startsWith("-ERR");
                assertThat(c.pop3("QUIT")).startsWith("+OK");
            }
            assertThat(serve.output()).contains("[tls]   C: PASS ****", "[tls]   C: STAT").doesNotContain(SECRET);
        }
    }

    @Test
    void pemCertificateAndKeyFromFiles() {
        ServerIdentity identity = ServerIdentity.selfSigned("files.example.test");
        Path cert = Servers.write("cert-", identity.certificatePem());
        Path key = Servers.write("key-", identity.privateKeyPem());
        try (Serving serve = Serving.start("serve", "smtp", "--port", "0", "--cert", cert.toString(), "--key", key.toString())) {
            assertThat(serve.sha256()).isEqualTo(TlsFacts.sha256(identity.leaf()));

            Cli.Result r = Cli.run("probe", "smtp://127.0.0.1:" + serve.port(), "--trust", cert.toString(),
                    "--server-name", "files.example.test");

            assertThat(r.status()).as(r.toString()).isZero();
        }
    }

    @Test
    void aBusyPortExitsOneAndSaysWhy() throws Exception {
        try (java.net.ServerSocket busy = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Cli.Result r = Cli.run("serve", "imap", "--port", Integer.toString(busy.getLocalPort()));

            assertThat(r.status()).as(r.toString()).isEqualTo(1);
            assertThat(r.err()).contains("cannot listen on 127.0.0.1:" + busy.getLocalPort());
        }
    }

    @Test
    void usageErrorsExitTwo() {
        List<String[]> wrong = List.of(
                new String[] {"serve"},
                new String[] {"serve", "ftp"},
                new String[] {"serve", "smtp", "--port", "70000"},
                new String[] {"serve", "smtp", "--cert", "/nonexistent.pem"},
                new String[] {"serve", "smtp", "--implicit", "--policy", "opportunistic"},
                new String[] {"serve", "smtp", "--adapter", "io_uring"},
                new String[] {"serve", "smtp", "--self-signed", "a.example", "--cert", "c.pem", "--key", "k.pem"});
        for (String[] args : wrong) {
            Cli.Result r = Cli.run(args);
            assertThat(r.status()).as(String.join(" ", args) + "\n" + r).isEqualTo(2);
        }
    }
}
