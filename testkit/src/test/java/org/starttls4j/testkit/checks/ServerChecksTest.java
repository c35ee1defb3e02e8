package org.starttls4j.testkit.checks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.starttls4j.testkit.StartTlsAssertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.starttls4j.testkit.CertificateKind;
import org.starttls4j.testkit.MailProtocol;
import org.starttls4j.testkit.ReferenceServer;
import org.starttls4j.testkit.ThrowawayPki;
import org.starttls4j.testkit.TlsMode;
import org.subethamail.smtp.server.SMTPServer;

/**
 * The server checks: each fails against a server with the bug it looks for, and the proof of part
 * 3 against SubEthaSMTP 7.1.7 and the library's own server (see docs/TESTKIT-FINDINGS.md).
 */
class ServerChecksTest {

    private static ServerChecks.Builder quick(MailProtocol protocol, int port) {
        return ServerChecks.against(protocol, "127.0.0.1", port).timeout(Duration.ofSeconds(3)).idleLimit(Duration.ofSeconds(2))
                .idleConnections(10);
    }

    @Test
    void everyCheckFindsTheBugOfANaiveServer() throws Exception {
        ThrowawayPki pki = ThrowawayPki.forServer("localhost");
        try (NaiveSmtpServer naive = new NaiveSmtpServer(pki.serverContext(CertificateKind.VALID))) {
            ServerAudit audit = quick(MailProtocol.SMTP, naive.port()).runAll();

            assertThat(audit).hasVerdict(ServerCheck.COMMAND_INJECTION, Verdict.FAIL)
                    .hasVerdict(ServerCheck.SECOND_STARTTLS, Verdict.FAIL)
                    .hasVerdict(ServerCheck.COMMANDS_BEFORE_TLS, Verdict.FAIL)
                    .hasVerdict(ServerCheck.OVER_LONG_LINE, Verdict.WARN)
                    .hasVerdict(ServerCheck.RENEGOTIATION, Verdict.FAIL)
                    .hasVerdict(ServerCheck.AMPLIFICATION, Verdict.FAIL)
                    .hasVerdict(ServerCheck.IDLE_CONNECTIONS, Verdict.WARN);
            assertThat(audit.result(ServerCheck.COMMAND_INJECTION).orElseThrow().evidence()).contains("NOOP was answered inside TLS (250 OK)");
            assertThat(audit.result(ServerCheck.COMMANDS_BEFORE_TLS).orElseThrow().evidence()).contains("MAIL accepted before TLS (250 OK)", "AUTH PLAIN accepted before TLS (334");
            assertThat(audit.overall()).isEqualTo(Verdict.FAIL);
        }
    }

    @Test
    void subEthaSmtpWithRequireTls() {
        ThrowawayPki pki = ThrowawayPki.forServer("localhost");
        SMTPServer smtp = SMTPServer.port(0).bindAddress(InetAddress.getLoopbackAddress()).hostName("localhost")
                .connectionTimeout(20, TimeUnit.SECONDS).messageHandler((context, from, to, data) -> { })
                .enableTLS().requireTLS().startTlsSocketFactory(pki.serverContext(CertificateKind.VALID)).build();
        smtp.start();
        try {
            ServerAudit audit = quick(MailProtocol.SMTP, smtp.getPortAllocated()).runAll();

            // observed with SubEthaSMTP 7.1.7 on the JDK's TLS: the dialog checks pass; the JDK server
            // renegotiates at a client's request; every junk command draws a reply; idle connections wait out 20 s
            assertThat(audit).passed(ServerCheck.COMMAND_INJECTION, ServerCheck.SECOND_STARTTLS, ServerCheck.COMMANDS_BEFORE_TLS,
                            ServerCheck.OVER_LONG_LINE)
                    .hasVerdict(ServerCheck.RENEGOTIATION, Verdict.FAIL)
                    .hasVerdict(ServerCheck.AMPLIFICATION, Verdict.WARN)
                    .hasVerdict(ServerCheck.IDLE_CONNECTIONS, Verdict.WARN);
        } finally {
            smtp.stop();
        }
    }

    @ParameterizedTest
    @EnumSource(MailProtocol.class)
    void theLibrarysOwnServer(MailProtocol protocol) throws Exception {
        try (ReferenceServer server = ReferenceServer.builder(protocol).negotiationTimeout(Duration.ofSeconds(1)).start()) {
            ServerAudit audit = quick(protocol, server.port()).runAll();

            // every check, renegotiation and amplification included since the core refuses a renegotiation
            // and closes after a few errors before TLS (before that, the kit found both: docs/TESTKIT-FINDINGS.md)
            assertThat(audit).allPassed();
            assertThat(audit.result(ServerCheck.RENEGOTIATION).orElseThrow().evidence()).contains("refused the renegotiation");
        }
    }

    @ParameterizedTest
    @EnumSource(value = MailProtocol.class, names = {"SMTP", "IMAP", "POP3"})
    void commandInjectionTellsAServerThatDiscardsPipelinedPlaintextFromOneThatKeepsIt(MailProtocol protocol) throws Exception {
        ThrowawayPki pki = ThrowawayPki.forServer("localhost");
        try (HalfFixedServer discards = new HalfFixedServer(protocol, HalfFixedServer.Pipelined.DISCARDS, pki.serverContext(CertificateKind.VALID));
             HalfFixedServer keeps = new HalfFixedServer(protocol, HalfFixedServer.Pipelined.KEEPS, pki.serverContext(CertificateKind.VALID))) {
            CheckResult safe = quick(protocol, discards.port()).run(ServerCheck.COMMAND_INJECTION);
            CheckResult vulnerable = quick(protocol, keeps.port()).run(ServerCheck.COMMAND_INJECTION);

            // the safe server goes on inside TLS and answers only the goodbye: IMAP's LOGOUT must not carry the
            // injected NOOP's tag, or its tagged OK is taken for an answer to the NOOP
            assertThat(safe.verdict()).as(safe.evidence()).isEqualTo(Verdict.PASS);
            assertThat(safe.evidence()).contains("was not acted on inside TLS");
            assertThat(vulnerable.verdict()).as(vulnerable.evidence()).isEqualTo(Verdict.FAIL);
            assertThat(vulnerable.evidence()).contains("NOOP was answered inside TLS");
        }
    }

    @ParameterizedTest
    @EnumSource(value = MailProtocol.class, names = {"SMTP", "IMAP", "POP3"})
    void commandsBeforeTlsTriesEveryLoginNotJustTheFirst(MailProtocol protocol) throws Exception {
        ThrowawayPki pki = ThrowawayPki.forServer("localhost");
        try (HalfFixedServer server = new HalfFixedServer(protocol, HalfFixedServer.Pipelined.DISCARDS, pki.serverContext(CertificateKind.VALID))) {
            CheckResult result = quick(protocol, server.port()).run(ServerCheck.COMMANDS_BEFORE_TLS);

            // SMTP: PLAIN is refused with 504, LOGIN (announced before TLS) is taken; IMAP: AUTHENTICATE PLAIN is refused,
            // AUTHENTICATE XOAUTH2 (announced) and LOGIN are taken; POP3: USER is refused, AUTH PLAIN (announced) is taken
            assertThat(result.verdict()).as(result.evidence()).isEqualTo(Verdict.FAIL);
            assertThat(result.evidence()).contains(switch (protocol) {
                case SMTP -> List.of("AUTH PLAIN refused before TLS (504", "AUTH LOGIN accepted before TLS (334 VXNlcm5hbWU6)");
                case IMAP -> List.of("AUTHENTICATE refused before TLS (A2 NO [PRIVACYREQUIRED]", "AUTHENTICATE XOAUTH2 accepted before TLS",
                        "LOGIN with made-up credentials accepted before TLS (A4 OK LOGIN done)");
                default -> List.of("USER refused before TLS (-ERR [AUTH]", "AUTH PLAIN accepted before TLS (continuation '+ ')");
            });
        }
    }

    @Test
    void aRefusalOfTheLongLineThatTheShortOneGetsAlikeShowsNoBound() throws Exception {
        ThrowawayPki pki = ThrowawayPki.forServer("localhost");
        // its POP3 reads any line whole (BufferedReader.readLine) and knows no NOOP before login, as RFC 1939 has it
        try (HalfFixedServer server = new HalfFixedServer(MailProtocol.POP3, HalfFixedServer.Pipelined.DISCARDS, pki.serverContext(CertificateKind.VALID))) {
            CheckResult result = quick(MailProtocol.POP3, server.port()).run(ServerCheck.OVER_LONG_LINE);

            assertThat(result.verdict()).as(result.evidence()).isEqualTo(Verdict.WARN);
            assertThat(result.evidence()).contains("refused just as the same command, short, was (-ERR Not here)");
        }
    }

    @Test
    void aServerOfTls13OnlyCannotRenegotiateAndPasses() throws Exception {
        ThrowawayPki pki = ThrowawayPki.forServer("localhost");
        try (HalfFixedServer server = new HalfFixedServer(MailProtocol.SMTP, HalfFixedServer.Pipelined.DISCARDS,
                pki.serverContext(CertificateKind.VALID), "TLSv1.3")) {
            CheckResult result = quick(MailProtocol.SMTP, server.port()).run(ServerCheck.RENEGOTIATION);

            // RFC 8446 removed renegotiation: no TLS 1.2 handshake is no reason for a "not tested" WARN
            assertThat(result.verdict()).as(result.evidence()).isEqualTo(Verdict.PASS);
            assertThat(result.evidence()).startsWith("the server speaks TLS 1.3 only, which has no renegotiation");
        }
    }

    @Test
    void aPublicMxMustTakeMailBeforeTls() throws Exception {
        try (ReferenceServer required = ReferenceServer.builder(MailProtocol.SMTP).start();
             ReferenceServer opportunistic = ReferenceServer.builder(MailProtocol.SMTP).tls(TlsMode.STARTTLS_OPPORTUNISTIC).start()) {
            CheckResult refused = quick(MailProtocol.SMTP, required.port()).publicMx(true).run(ServerCheck.COMMANDS_BEFORE_TLS);
            CheckResult accepted = quick(MailProtocol.SMTP, opportunistic.port()).publicMx(true).clientName("mx.example.test")
                    .run(ServerCheck.COMMANDS_BEFORE_TLS);

            // RFC 3207 §4: a 530 to MAIL on port 25 is a WARN; AUTH before TLS stays refused either way
            assertThat(refused.verdict()).isEqualTo(Verdict.WARN);
            assertThat(refused.evidence()).startsWith("MAIL refused before TLS (530").contains("public MX", "AUTH PLAIN refused before TLS");
            assertThat(accepted.verdict()).isEqualTo(Verdict.PASS);
            assertThat(accepted.evidence()).startsWith("MAIL accepted before TLS, as a public MX must").contains("AUTH PLAIN refused");
            assertThat(opportunistic.recording().commands()).extracting(c -> c.line()).contains("EHLO mx.example.test", "MAIL FROM:<>");
            // without publicMx, the same acceptance is a FAIL: mail could be submitted in plaintext
            assertThat(quick(MailProtocol.SMTP, opportunistic.port()).run(ServerCheck.COMMANDS_BEFORE_TLS).verdict())
                    .isEqualTo(Verdict.FAIL);
        }
    }
}
