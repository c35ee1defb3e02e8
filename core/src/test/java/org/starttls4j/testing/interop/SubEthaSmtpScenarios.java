package org.starttls4j.testing.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import org.starttls4j.ClientConfig;
import org.starttls4j.Event;
import org.starttls4j.Failure;
import org.starttls4j.TlsPolicy;

/**
 * A starttls4j client, connected by an adapter ({@link StartTlsClients}), against SubEthaSMTP:
 * STARTTLS under {@code REQUIRED} with a message sent inside TLS, and the two policies' answers to
 * a server that offers no STARTTLS. Adapter-independent, like the scenarios of the core test-jar.
 */
public final class SubEthaSmtpScenarios {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private final StartTlsClients clients;

    public SubEthaSmtpScenarios(StartTlsClients clients) {
        this.clients = clients;
    }

    /**
     * STARTTLS under {@code REQUIRED}: TLS 1.3, the certificate verified, EHLO asked again inside
     * TLS and its answer handed over, then MAIL/RCPT/DATA inside TLS, which SubEthaSMTP (requiring
     * TLS) accepts.
     */
    public void startTlsRequiredThenSendMail() throws IOException {
        try (SubEthaSmtpServer smtp = SubEthaSmtpServer.startWithRequiredTls();
             StartTlsClients.Connection c = clients.connect(MailProtocol.SMTP, smtp.address(),
                     InteropPki.client(TlsPolicy.REQUIRED).build())) {
            ClientReport report = c.report();
            assertThat(report.failure()).as("%s", report).isEmpty();
            assertThat(report.encrypted()).as("%s", report).isTrue();
            assertThat(report.tls().orElseThrow().protocol()).isEqualTo("TLSv1.3");
            assertThat(report.tls().orElseThrow().peerCertificateSha256())
                    .contains(InteropPki.serverIdentity().sha256Fingerprint());
            assertThat(report.capabilitiesBeforeTls().has("STARTTLS")).as("%s", report).isTrue();
            assertThat(report.capabilitiesAfterTls().isEmpty()).as("EHLO answered inside TLS\n%s", report).isFalse();
            assertThat(report.capabilitiesAfterTls().has("8BITMIME")).as("%s", report).isTrue();
            // SubEthaSMTP 7.1.7 announces STARTTLS again inside TLS (RFC 3207 §4.2 says it must
            // not); the report shows what the server said, and the client never acts on it.
            assertThat(report.sentInsideTls()).as("no second STARTTLS\n%s", report).doesNotContain("STARTTLS");
            assertThat(report.session().orElseThrow().capabilities()).isEqualTo(report.capabilitiesAfterTls());
            assertThat(report.sentInPlaintext()).as("only EHLO and STARTTLS in plaintext\n%s", report)
                    .allMatch(l -> l.startsWith("EHLO ") || l.equals("STARTTLS"));
            assertThat(report.sentInPlaintext()).last().isEqualTo("STARTTLS");
            assertThat(report.sentInsideTls()).as("EHLO again inside TLS\n%s", report)
                    .containsExactly("EHLO client.example.test");
            assertThat(report.transcript()).as("the greeting came in plaintext")
                    .filteredOn(l -> l.direction() == Event.Direction.RECEIVED).first()
                    .extracting(Event.Line::encrypted).isEqualTo(false);

            assertThat(command(c, "MAIL FROM:<sender@example.test>")).startsWith("250");
            assertThat(command(c, "RCPT TO:<alice@example.test>")).startsWith("250");
            assertThat(command(c, "DATA")).startsWith("354");
            c.send("Subject: starttls4j interop\r\n\r\nHello SubEthaSMTP, over TLS.\r\n.\r\n");
            assertThat(reply(c)).startsWith("250");
            assertThat(command(c, "QUIT")).startsWith("221");
            SubEthaSmtpServer.Received message = smtp.nextMessage(WAIT);
            assertThat(message.from()).isEqualTo("sender@example.test");
            assertThat(message.to()).isEqualTo("alice@example.test");
            assertThat(message.data()).contains("Hello SubEthaSMTP, over TLS.");
        }
    }

    /**
     * A server without STARTTLS under {@code REQUIRED}: {@code STARTTLS_NOT_OFFERED}, QUIT sent,
     * and nothing else but EHLO in plaintext.
     */
    public void requiredFailsWhenStartTlsIsNotOffered() throws IOException {
        try (SubEthaSmtpServer smtp = SubEthaSmtpServer.startWithoutTls();
             StartTlsClients.Connection c = clients.connect(MailProtocol.SMTP, smtp.address(),
                     InteropPki.client(TlsPolicy.REQUIRED).build())) {
            ClientReport report = c.report();
            assertThat(report.failure()).as("%s", report).isPresent();
            assertThat(report.failure().get().reason()).isEqualTo(Failure.Reason.STARTTLS_NOT_OFFERED);
            assertThat(report.failure().get().tlsRptResultType()).isEqualTo("starttls-not-supported");
            assertThat(report.encrypted()).isFalse();
            assertThat(report.sentInPlaintext()).as("%s", report).containsExactly("EHLO client.example.test", "QUIT");
        }
    }

    /**
     * A server without STARTTLS under {@code OPPORTUNISTIC}: handed over in plaintext, the report
     * says why, and the connection works (a message is accepted).
     */
    public void opportunisticFallsBackWhenStartTlsIsNotOffered() throws IOException {
        ClientConfig config = InteropPki.client(TlsPolicy.OPPORTUNISTIC).build();
        try (SubEthaSmtpServer smtp = SubEthaSmtpServer.startWithoutTls();
             StartTlsClients.Connection c = clients.connect(MailProtocol.SMTP, smtp.address(), config)) {
            ClientReport report = c.report();
            Dialogs.assertFellBackForNoStartTls(report);
            assertThat(report.session().orElseThrow().capabilities().has("STARTTLS")).isFalse();
            assertThat(command(c, "MAIL FROM:<sender@example.test>")).startsWith("250");
            assertThat(command(c, "RCPT TO:<alice@example.test>")).startsWith("250");
            assertThat(command(c, "DATA")).startsWith("354");
            c.send("Subject: plaintext\r\n\r\nNot encrypted, as the policy allows.\r\n.\r\n");
            assertThat(reply(c)).startsWith("250");
            assertThat(command(c, "QUIT")).startsWith("221");
            assertThat(smtp.nextMessage(WAIT).data()).contains("Not encrypted, as the policy allows.");
        }
    }

    private static String command(StartTlsClients.Connection c, String line) throws IOException {
        return Dialogs.smtpCommand(c, line, WAIT);
    }

    private static String reply(StartTlsClients.Connection c) throws IOException {
        return Dialogs.smtpReply(c, WAIT);
    }
}
