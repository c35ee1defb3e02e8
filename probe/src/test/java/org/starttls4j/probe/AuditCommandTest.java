package org.starttls4j.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.starttls4j.probe.Servers.args;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.starttls4j.TlsPolicy;
import org.starttls4j.testing.CertificateVariants.Leaf;
import org.starttls4j.testing.Identity;
import org.starttls4j.testing.TestPki;
import org.starttls4j.testkit.MailProtocol;
import org.starttls4j.testkit.ReferenceServer;

/** {@code starttls4j audit} end to end over 127.0.0.1: each check's verdict against servers that pass and fail it. */
class AuditCommandTest {

    @Test
    void referenceSmtpServerOnSubmissionPassesEveryCheck() {
        try (Servers.Running server = Servers.start(Protocol.SMTP, TlsPolicy.REQUIRED, Adapter.NIO)) {
            Cli.Result r = Cli.run(args("audit", server.submissionUrl(), Servers.trust(), "--json"));

            assertThat(r.status()).as(r.toString()).isZero();
            Map<String, JsonNode> checks = checks(r.json());
            assertThat(checks.keySet()).containsExactly("STARTTLS offered", "TLS handshake", "TLS 1.0", "TLS 1.1", "TLS 1.2", "TLS 1.3",
                    "certificate trusted", "certificate name", "certificate expiry", "certificate strength", "login before TLS",
                    "commands before TLS", "command injection", "second STARTTLS", "over-long line");
            checks.forEach((name, check) -> assertThat(check.get("verdict").asText()).as(name + ": " + check).isEqualTo("PASS"));
            assertThat(reason(checks, "TLS handshake")).startsWith("TLSv1.3, TLS_");
            assertThat(reason(checks, "TLS 1.0")).startsWith("refused");
            assertThat(reason(checks, "TLS 1.1")).startsWith("refused");
            assertThat(reason(checks, "TLS 1.2")).isEqualTo("accepted");
            assertThat(reason(checks, "TLS 1.3")).isEqualTo("accepted");
            assertThat(reason(checks, "certificate name")).isEqualTo("names " + Servers.NAME);
            assertThat(reason(checks, "certificate expiry")).startsWith("expires in 8");
            assertThat(reason(checks, "certificate strength")).isEqualTo("leaf EC 256-bit, self-signed");
            assertThat(reason(checks, "commands before TLS")).startsWith("MAIL refused before TLS (530");
            assertThat(reason(checks, "command injection")).contains("closed the connection when plaintext followed STARTTLS");
            assertThat(reason(checks, "second STARTTLS")).startsWith("a second STARTTLS inside TLS was refused: 5");
            assertThat(reason(checks, "over-long line")).as("the server's line limit").containsAnyOf("refused", "closed");
            assertThat(r.json().get("result").asText()).isEqualTo("PASS");
            assertThat(r.json().get("summary").get("pass").asInt()).isEqualTo(15);
        }
    }

    @Test
    void serverThatActsOnPipelinedPlaintextFailsTheInjectionCheck() throws IOException {
        try (NaiveSmtpServer vulnerable = NaiveSmtpServer.start(true)) {
            Cli.Result r = Cli.run("audit", vulnerable.submissionUrl(), "--insecure");
            Cli.Result json = Cli.run("audit", vulnerable.submissionUrl(), "--insecure", "--json");

            assertThat(r.status()).as(r.toString()).isEqualTo(1);
            assertThat(r.out()).containsPattern("FAIL  command injection +the server acted on plaintext pipelined after STARTTLS:"
                    + " NOOP was answered inside TLS \\(250 2.0.0 OK\\)");
            assertThat(r.out()).containsPattern("WARN  login before TLS +AUTH offered before TLS \\(AUTH PLAIN LOGIN\\)");
            assertThat(r.out()).containsPattern("FAIL  commands before TLS +MAIL accepted before TLS");
            assertThat(r.out()).containsPattern("WARN  certificate trusted +not checked \\(--insecure\\)");
            // its own line buffer has no bound either: the kit's OVER_LONG_LINE warns (a reply cannot tell that from truncation)
            assertThat(r.out()).containsPattern("WARN  over-long line +a command line of 1 MiB was answered as a command \\(250 2.0.0 OK\\)");
            assertThat(r.out()).containsPattern("PASS  second STARTTLS +a second STARTTLS inside TLS was refused: 503 5.5.1 TLS already active");
            assertThat(r.out()).contains("result  2 FAIL, 4 WARN, 9 PASS");
            Map<String, JsonNode> checks = checks(json.json());
            assertThat(checks.get("command injection").get("verdict").asText()).isEqualTo("FAIL");
            assertThat(json.json().get("result").asText()).isEqualTo("FAIL");
        }
    }

    @Test
    void theSameServerWithTheFixPassesTheInjectionCheck() throws IOException {
        try (NaiveSmtpServer fixed = NaiveSmtpServer.start(false)) {
            Cli.Result r = Cli.run("audit", fixed.url(), "--insecure", "--json");

            Map<String, JsonNode> checks = checks(r.json());
            assertThat(checks.get("command injection").get("verdict").asText()).as(r.toString()).isEqualTo("PASS");
            assertThat(reason(checks, "command injection")).isEqualTo("NOOP pipelined after STARTTLS was not acted on inside TLS");
            // smtp:// is port 25's scheme: a public MX accepts mail without TLS (RFC 3207 §4)
            assertThat(checks.get("commands before TLS").get("verdict").asText()).isEqualTo("PASS");
            // the fix is for injection only: its line buffer still has no bound, which the reply cannot show
            assertThat(checks.get("over-long line").get("verdict").asText()).isEqualTo("WARN");
            assertThat(r.json().get("summary").get("fail").asInt()).as(r.toString()).isZero();
            assertThat(r.status()).as("no FAIL left").isZero();
        }
    }

    @Test
    void imapAndPop3ReferenceServersPassThroughTheNettyAdapter() {
        for (Protocol p : List.of(Protocol.IMAP, Protocol.POP3)) {
            try (Servers.Running server = Servers.start(p, TlsPolicy.REQUIRED, Adapter.NETTY)) {
                Cli.Result r = Cli.run(args("audit", server.url(), Servers.trust(), "--adapter", "netty", "--json"));

                assertThat(r.status()).as(r.toString()).isZero();
                Map<String, JsonNode> checks = checks(r.json());
                assertThat(checks.get(p.startTlsWord() + " offered").get("verdict").asText()).isEqualTo("PASS");
                assertThat(checks.get("command injection").get("verdict").asText()).as(r.toString()).isEqualTo("PASS");
                assertThat(checks.get("second " + p.startTlsWord()).get("verdict").asText()).as(r.toString()).isEqualTo("PASS");
                assertThat(checks.get("over-long line").get("verdict").asText()).as(r.toString()).isEqualTo("PASS");
                assertThat(checks).as("the resource checks need --load-checks").doesNotContainKeys("renegotiation", "amplification",
                        "idle connections");
                assertThat(checks.get("login before TLS").get("verdict").asText()).isEqualTo("PASS");
                assertThat(reason(checks, "commands before TLS")).startsWith(p == Protocol.IMAP
                        ? "AUTHENTICATE refused before TLS (A2 NO [PRIVACYREQUIRED]" : "USER refused before TLS (-ERR [AUTH]");
            }
        }
    }

    @Test
    void loadChecksRunTheKitsResourceChecksAndTheKitsReferenceServerPassesThemAll(@TempDir Path dir) throws IOException {
        // the kit's own reference server, closing a silent client after 1 s so that IDLE_CONNECTIONS need not wait 10 s
        try (ReferenceServer server = ReferenceServer.builder(MailProtocol.SMTP).negotiationTimeout(Duration.ofSeconds(1)).start()) {
            String[] audit = {"audit", "submission://127.0.0.1:" + server.port(), "--trust",
                server.pki().writeCaPem(dir.resolve("ca.pem")).toString(), "--server-name", server.serverName(), "--load-checks",
                "--idle-limit", "5"};
            Cli.Result r = Cli.run(audit);
            Cli.Result json = Cli.run(args(audit, "--json"));

            assertThat(r.status()).as(r.toString()).isZero();
            assertThat(r.out()).containsPattern("PASS  second STARTTLS +a second STARTTLS inside TLS was refused: 5")
                    .containsPattern("PASS  over-long line +")
                    .containsPattern("PASS  renegotiation +the server refused the renegotiation")
                    .containsPattern("PASS  amplification +4,096 junk commands \\(28,672 bytes\\) drew [0-9,]+ bytes: ")
                    .containsPattern("PASS  idle connections +with 20 silent connections open a fresh one was greeted \\('220 ")
                    .contains("the server closed 20 of them within 5 s")
                    .contains("0 FAIL, 0 WARN, 18 PASS");
            Map<String, JsonNode> checks = checks(json.json());
            assertThat(json.status()).as(json.toString()).isZero();
            assertThat(checks.keySet()).endsWith("commands before TLS", "command injection", "second STARTTLS", "over-long line",
                    "renegotiation", "amplification", "idle connections");
            checks.forEach((name, check) -> assertThat(check.get("verdict").asText()).as(name + ": " + check).isEqualTo("PASS"));
            assertThat(reason(checks, "idle connections")).startsWith("with 20 silent connections open a fresh one was greeted");
            assertThat(json.json().get("summary").get("pass").asInt()).isEqualTo(18);
        }
    }

    @Test
    void serverThatAnswersASecondStartTlsFailsThatCheck() throws IOException {
        try (NaiveSmtpServer careless = NaiveSmtpServer.answeringSecondStartTls()) {
            Cli.Result r = Cli.run("audit", careless.submissionUrl(), "--insecure");
            Cli.Result json = Cli.run("audit", careless.submissionUrl(), "--insecure", "--json");

            assertThat(r.status()).as(r.toString()).isEqualTo(1);
            assertThat(r.out()).containsPattern("FAIL  second STARTTLS +a second STARTTLS inside TLS got a go-ahead: 220 2.0.0 Ready to start TLS")
                    .containsPattern("PASS  command injection +");
            Map<String, JsonNode> checks = checks(json.json());
            assertThat(checks.get("second STARTTLS").get("verdict").asText()).as(json.toString()).isEqualTo("FAIL");
            assertThat(reason(checks, "second STARTTLS")).isEqualTo("a second STARTTLS inside TLS got a go-ahead: 220 2.0.0 Ready to start TLS");
            assertThat(json.json().get("result").asText()).isEqualTo("FAIL");
        }
    }

    @Test
    void loadChecksAuditOneServerNotADomain() {
        assertThat(Cli.run("audit", "smtp://example.com", "--mx", "--load-checks").status()).isEqualTo(2);
        assertThat(Cli.run("audit", "smtp://example.com", "--load-checks", "--idle-limit", "0").status()).isEqualTo(2);
    }

    @Test
    void implicitTlsRunsOnlyTheChecksThatApply() {
        try (Servers.Running server = Servers.start(Protocol.IMAP, TlsPolicy.IMPLICIT, Adapter.NIO)) {
            Cli.Result r = Cli.run(args("audit", server.url(), Servers.trust(), "--json"));

            assertThat(r.status()).as(r.toString()).isZero();
            assertThat(checks(r.json()).keySet()).containsExactly("TLS handshake", "TLS 1.0", "TLS 1.1", "TLS 1.2", "TLS 1.3",
                    "certificate trusted", "certificate name", "certificate expiry", "certificate strength");
        }
    }

    @Test
    void certificateProblemsAreFailuresWithTheirReason() {
        try (Servers.Running server = Servers.start(Protocol.POP3, TlsPolicy.REQUIRED, Adapter.NIO)) {
            Cli.Result untrusted = Cli.run("audit", server.url(), "--server-name", Servers.NAME, "--json");
            Cli.Result misnamed = Cli.run("audit", server.url(), "--trust", Servers.trustFile().toString(),
                    "--server-name", "other.example.test", "--json");

            assertThat(untrusted.status()).isEqualTo(1);
            Map<String, JsonNode> u = checks(untrusted.json());
            assertThat(u.get("certificate trusted").get("verdict").asText()).isEqualTo("FAIL");
            assertThat(reason(u, "certificate trusted")).startsWith("no trusted authority vouches for the certificate");
            assertThat(u.get("certificate name").get("verdict").asText()).as("judged offline").isEqualTo("PASS");
            Map<String, JsonNode> m = checks(misnamed.json());
            assertThat(m.get("certificate trusted").get("verdict").asText()).isEqualTo("PASS");
            assertThat(m.get("certificate name").get("verdict").asText()).isEqualTo("FAIL");
            assertThat(reason(m, "certificate name")).isEqualTo("does not name other.example.test (it names DNS:" + Servers.NAME + ")");
        }
    }

    @Test
    void weakKeysAndSignaturesUnderTheCallersAnchorFailWithWhatIsWeak() {
        Path ca = Servers.write("starttls4j-rsa-ca-", TestPki.caPem(TestPki.KeyType.RSA_2048));
        for (String weak : List.of("RSA-1024", "SHA1withRSA")) {
            Leaf leaf = weak.startsWith("RSA") ? Leaf.rsa(Servers.NAME).withKey(weak) : Leaf.rsa(Servers.NAME).signedWith(weak);
            Identity issued = leaf.issue();
            try (Servers.Running server = Servers.start(Protocol.SMTP, TlsPolicy.REQUIRED, Adapter.NIO,
                    new ServerIdentity(issued.key(), issued.chain()))) {
                Cli.Result r = Cli.run("audit", server.submissionUrl(), "--trust", ca.toString(), "--server-name", Servers.NAME, "--json");

                Map<String, JsonNode> checks = checks(r.json());
                assertThat(checks.get("certificate trusted").get("verdict").asText()).as(r.toString()).isEqualTo("FAIL");
                assertThat(checks.get("certificate strength").get("verdict").asText()).isEqualTo("FAIL");
                if (weak.startsWith("RSA")) {
                    assertThat(reason(checks, "certificate trusted")).startsWith("a key in the chain is too short");
                    assertThat(reason(checks, "certificate strength")).startsWith("weak key:").contains("leaf RSA 1024-bit, SHA256withRSA");
                } else {
                    assertThat(reason(checks, "certificate trusted")).startsWith("a certificate in the chain is signed with a broken digest");
                    assertThat(reason(checks, "certificate strength")).startsWith("weak signature:").contains("leaf RSA 2048-bit, SHA1withRSA");
                }
                assertThat(r.status()).isEqualTo(1);
            }
        }
    }

    @Test
    void serverThatSpeaksOnlyTls10And11IsWarnedAboutAndFailsTls12() throws IOException {
        try (NaiveSmtpServer legacy = NaiveSmtpServer.start(false, true)) {
            Cli.Result r = Cli.run("audit", legacy.submissionUrl(), "--insecure", "--json");

            Map<String, JsonNode> checks = checks(r.json());
            assertThat(checks).as(r.toString()).containsKeys("TLS 1.0", "TLS 1.1", "TLS 1.2", "TLS 1.3", "TLS handshake",
                    "certificate expiry");
            assertThat(checks.get("TLS 1.0").get("verdict").asText()).as(r.toString()).isEqualTo("WARN");
            assertThat(reason(checks, "TLS 1.0")).isEqualTo("accepted; TLS 1.0 is deprecated (RFC 8996)");
            assertThat(checks.get("TLS 1.1").get("verdict").asText()).isEqualTo("WARN");
            assertThat(checks.get("TLS 1.2").get("verdict").asText()).isEqualTo("FAIL");
            assertThat(reason(checks, "TLS 1.2")).startsWith("refused");
            assertThat(checks.get("TLS 1.3").get("verdict").asText()).isEqualTo("WARN");
            assertThat(checks.get("TLS handshake").get("verdict").asText()).as("the JDK client has a TLS 1.2 floor")
                    .isEqualTo("FAIL");
            assertThat(checks.get("certificate expiry").get("verdict").asText()).as("the certificate came from the TLS 1.0 handshake")
                    .isEqualTo("PASS");
            assertThat(r.status()).isEqualTo(1);
        }
    }

    @Test
    void unreachableAndUsageErrors() {
        assertThat(Cli.run("audit", "smtp://127.0.0.1:" + Servers.closedPort()).status()).isEqualTo(3);
        Cli.Result json = Cli.run("audit", "pop3://127.0.0.1:" + Servers.closedPort(), "--json");
        assertThat(json.status()).isEqualTo(3);
        assertThat(json.json().get("outcome").asText()).isEqualTo("unreachable");
        assertThat(Cli.run("audit").status()).isEqualTo(2);
        assertThat(Cli.run("audit", "ftp://example.com").status()).isEqualTo(2);
        assertThat(Cli.run("audit", "smtp://example.com", "--tls-min", "1.0").status()).isEqualTo(2);
    }

    private static Map<String, JsonNode> checks(JsonNode json) {
        Map<String, JsonNode> map = new LinkedHashMap<>();
        json.get("checks").forEach(c -> map.put(c.get("name").asText(), c));
        return map;
    }

    private static String reason(Map<String, JsonNode> checks, String name) {
        return checks.get(name).get("reason").asText();
    }
}
