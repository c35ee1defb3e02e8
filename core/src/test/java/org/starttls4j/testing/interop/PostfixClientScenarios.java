package org.starttls4j.testing.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.starttls4j.ClientConfig;
import org.starttls4j.Event;
import org.starttls4j.Failure;
import org.starttls4j.TlsPolicy;
import org.starttls4j.TlsVersion;
import org.starttls4j.testing.TestPki;

/**
 * A starttls4j SMTP client, connected by an adapter ({@link StartTlsClients}), against the smtpd
 * of a private {@link PostfixServer}: STARTTLS under {@code REQUIRED} with hostname verification
 * against the test CAs, then MAIL/RCPT/DATA inside TLS, which Postfix queues and hands to its
 * {@code discard} transport (its log says {@code status=sent} for the queue id it answered);
 * Postfix without STARTTLS under both policies; and a listener limited to TLS 1.2 against a TLS
 * 1.3 floor. Each scenario also reads Postfix's own account of the connection in its log: the TLS
 * version it negotiated and the commands it counted at {@code disconnect}.
 */
public final class PostfixClientScenarios {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String BODY = "Hello Postfix, from a starttls4j client.";
    private static final String RECIPIENT = "alice@" + PostfixServer.DISCARD_DOMAIN;
    private static final Pattern QUEUED = Pattern.compile("^250 2\\.0\\.0 Ok: queued as ([0-9A-Za-z]+)$");

    private final StartTlsClients clients;
    private final PostfixServer postfix;

    /**
     * Scenarios for {@code clients} against {@code postfix} (started once per test class).
     *
     * @param clients the adapter's client glue
     * @param postfix the running Postfix
     */
    public PostfixClientScenarios(StartTlsClients clients, PostfixServer postfix) {
        this.clients = clients;
        this.postfix = postfix;
    }

    /** A client that verifies {@link InteropPki#SERVER_NAME} against both test CAs (EC and RSA). */
    private static ClientConfig.Builder client(TlsPolicy policy) {
        return InteropPki.client(policy)
                .trustAnchors(List.of(TestPki.ca(TestPki.KeyType.EC_P256), TestPki.ca(TestPki.KeyType.RSA_2048)));
    }

    /**
     * {@code REQUIRED} against a listener at {@code may} or {@code encrypt}: secured with the
     * listener's TLS version and certificate, EHLO asked again inside TLS, nothing but EHLO and
     * STARTTLS in plaintext; then a message sent inside TLS is queued and delivered, and Postfix's
     * log shows the TLS connection and the commands it counted (two EHLOs, one STARTTLS, the mail).
     *
     * @param listener a listener with TLS
     * @throws IOException when the connection fails
     */
    public void requiredSendsMailInsideTls(PostfixServer.Listener listener) throws IOException {
        Pattern tlsLine = Pattern.compile("postfix/" + listener.tag() + "/smtpd\\[\\d+\\]: Anonymous TLS connection established"
                + " from \\S+: " + Pattern.quote(listener.expectedProtocol()) + " with cipher ");
        Pattern counted = disconnect(listener, "ehlo=2 starttls=1 mail=1 rcpt=1 data=1 quit=1 commands=7");
        long tlsBefore = postfix.countInLog(tlsLine);
        long countedBefore = postfix.countInLog(counted);
        try (StartTlsClients.Connection c = clients.connect(MailProtocol.SMTP, postfix.smtpd(listener),
                client(TlsPolicy.REQUIRED).build())) {
            ClientReport report = c.report();
            assertThat(report.failure()).as("%s", report).isEmpty();
            assertThat(report.encrypted()).as("%s", report).isTrue();
            assertThat(report.tls().orElseThrow().protocol()).as("%s", report).isEqualTo(listener.expectedProtocol());
            assertThat(report.tls().orElseThrow().peerCertificateSha256()).as("the listener's %s certificate", listener.keyType())
                    .contains(PostfixServer.identity(listener.keyType()).sha256Fingerprint());
            assertThat(report.greeting().orElseThrow().text()).contains(PostfixServer.HOSTNAME);
            assertThat(report.capabilitiesBeforeTls().has("STARTTLS")).as("%s", report).isTrue();
            assertThat(report.capabilitiesAfterTls().has("PIPELINING")).as("EHLO answered inside TLS\n%s", report).isTrue();
            assertThat(report.capabilitiesAfterTls().has("STARTTLS")).as("Postfix does not offer STARTTLS twice\n%s", report)
                    .isFalse();
            assertThat(report.session().orElseThrow().capabilities()).isEqualTo(report.capabilitiesAfterTls());
            assertThat(report.sentInPlaintext()).as("only EHLO and STARTTLS in plaintext\n%s", report)
                    .containsExactly("EHLO " + Dialogs.CLIENT_NAME, "STARTTLS");
            assertThat(report.sentInsideTls()).as("EHLO again inside TLS\n%s", report)
                    .containsExactly("EHLO " + Dialogs.CLIENT_NAME);

            String queueId = sendMail(c, "over " + listener.expectedProtocol());
            awaitDiscarded(queueId);
        }
        postfix.awaitLog(tlsLine, tlsBefore + 1, WAIT);
        postfix.awaitLog(counted, countedBefore + 1, WAIT);
    }

    /**
     * {@code REQUIRED} expecting another host name than the one in Postfix's certificate:
     * {@code CERTIFICATE_REJECTED} (TLS-RPT {@code certificate-host-mismatch}), and not a byte
     * sent inside the rejected session: hostname verification is on against a real server.
     *
     * @throws IOException when the connection fails
     */
    public void requiredRejectsACertificateForAnotherName() throws IOException {
        PostfixServer.Listener listener = new PostfixServer.Listener(PostfixServer.Level.ENCRYPT, TestPki.KeyType.EC_P256, false);
        // Our client aborts the handshake with a certificate_unknown alert (46); Postfix counts a failed STARTTLS.
        Pattern alert = Pattern.compile("postfix/" + listener.tag() + "/smtpd\\[\\d+\\]: warning: TLS library problem: .*"
                + "alert certificate unknown.*SSL alert number 46");
        Pattern counted = disconnect(listener, "ehlo=1 starttls=0/1 commands=1/2");
        long alertsBefore = postfix.countInLog(alert);
        long before = postfix.countInLog(counted);
        ClientConfig config = client(TlsPolicy.REQUIRED).serverName("other.example.test").build();
        try (StartTlsClients.Connection c = clients.connect(MailProtocol.SMTP, postfix.smtpd(listener), config)) {
            ClientReport report = c.report();
            assertThat(report.failure()).as("%s", report).isPresent();
            assertThat(report.failure().get().reason()).as("%s", report).isEqualTo(Failure.Reason.CERTIFICATE_REJECTED);
            assertThat(report.failure().get().tlsRptResultType()).isEqualTo("certificate-host-mismatch");
            assertThat(report.encrypted()).isFalse();
            assertThat(report.sentInPlaintext()).as("%s", report).containsExactly("EHLO " + Dialogs.CLIENT_NAME, "STARTTLS");
            assertThat(report.sentInsideTls()).as("%s", report).isEmpty();
        }
        postfix.awaitLog(alert, alertsBefore + 1, WAIT);
        postfix.awaitLog(counted, before + 1, WAIT);
    }

    /**
     * {@code REQUIRED} against Postfix at {@code none}: {@code STARTTLS_NOT_OFFERED} (TLS-RPT
     * {@code starttls-not-supported}), nothing but EHLO and QUIT sent, and Postfix counted exactly
     * those two commands.
     *
     * @throws IOException when the connection fails
     */
    public void requiredFailsWithoutStartTls() throws IOException {
        Pattern counted = disconnect(PostfixServer.Listener.PLAINTEXT, "ehlo=1 quit=1 commands=2");
        long before = postfix.countInLog(counted);
        try (StartTlsClients.Connection c = clients.connect(MailProtocol.SMTP, postfix.smtpd(PostfixServer.Listener.PLAINTEXT),
                client(TlsPolicy.REQUIRED).build())) {
            ClientReport report = c.report();
            assertThat(report.failure()).as("%s", report).isPresent();
            assertThat(report.failure().get().reason()).as("%s", report).isEqualTo(Failure.Reason.STARTTLS_NOT_OFFERED);
            assertThat(report.failure().get().tlsRptResultType()).isEqualTo("starttls-not-supported");
            assertThat(report.encrypted()).isFalse();
            assertThat(report.session()).isEmpty();
            assertThat(report.capabilitiesBeforeTls().has("PIPELINING")).as("Postfix's EHLO was read\n%s", report).isTrue();
            assertThat(report.sentInPlaintext()).as("%s", report).containsExactly("EHLO " + Dialogs.CLIENT_NAME, "QUIT");
        }
        postfix.awaitLog(counted, before + 1, WAIT);
    }

    /**
     * {@code OPPORTUNISTIC} against Postfix at {@code none}: handed over in plaintext with the
     * reason, and the connection works: a message is queued and delivered.
     *
     * @throws IOException when the connection fails
     */
    public void opportunisticHandsOverInPlaintextWithoutStartTls() throws IOException {
        Pattern counted = disconnect(PostfixServer.Listener.PLAINTEXT, "ehlo=1 mail=1 rcpt=1 data=1 quit=1 commands=5");
        long before = postfix.countInLog(counted);
        try (StartTlsClients.Connection c = clients.connect(MailProtocol.SMTP, postfix.smtpd(PostfixServer.Listener.PLAINTEXT),
                client(TlsPolicy.OPPORTUNISTIC).build())) {
            ClientReport report = c.report();
            Dialogs.assertFellBackForNoStartTls(report);
            assertThat(report.sentInPlaintext()).as("%s", report).containsExactly("EHLO " + Dialogs.CLIENT_NAME);
            awaitDiscarded(sendMail(c, "in plaintext, as the policy allows"));
        }
        postfix.awaitLog(counted, before + 1, WAIT);
    }

    /**
     * A TLS 1.3 floor against a listener limited to TLS 1.2: {@code TLS_VERSION_TOO_OLD}, no
     * session, nothing but EHLO, STARTTLS (and at most QUIT) in plaintext; Postfix counted no
     * MAIL.
     *
     * @param keyType the listener's key
     * @throws IOException when the connection fails
     */
    public void tls13FloorFailsAgainstTls12Only(TestPki.KeyType keyType) throws IOException {
        PostfixServer.Listener listener = new PostfixServer.Listener(PostfixServer.Level.ENCRYPT, keyType, true);
        Pattern disconnect = Pattern.compile("postfix/" + listener.tag() + "/smtpd\\[\\d+\\]: disconnect from \\S+ (.*)");
        long before = postfix.countInLog(disconnect);
        ClientConfig config = client(TlsPolicy.REQUIRED).tlsFloor(TlsVersion.TLS_1_3).build();
        try (StartTlsClients.Connection c = clients.connect(MailProtocol.SMTP, postfix.smtpd(listener), config)) {
            ClientReport report = c.report();
            assertThat(report.failure()).as("%s", report).isPresent();
            assertThat(report.failure().get().reason()).as("%s", report).isEqualTo(Failure.Reason.TLS_VERSION_TOO_OLD);
            assertThat(report.encrypted()).isFalse();
            assertThat(report.session()).isEmpty();
            assertThat(report.sentInPlaintext()).as("%s", report)
                    .allMatch(l -> l.equals("EHLO " + Dialogs.CLIENT_NAME) || l.equals("STARTTLS") || l.equals("QUIT"))
                    .contains("STARTTLS");
            assertThat(report.transcript()).as("nothing was sent inside TLS\n%s", report)
                    .noneMatch(l -> l.direction() == Event.Direction.SENT && l.encrypted());
        }
        postfix.awaitLog(disconnect, before + 1, WAIT);
        List<String> counts = disconnect.matcher(postfix.log()).results().map(m -> m.group(1)).toList();
        assertThat(counts.get(counts.size() - 1)).as("what Postfix counted\n%s", postfix.log())
                .doesNotContain("mail=").contains("starttls=0/1");
    }

    private static Pattern disconnect(PostfixServer.Listener listener, String counts) {
        return Pattern.compile("postfix/" + listener.tag() + "/smtpd\\[\\d+\\]: disconnect from \\S+ " + Pattern.quote(counts) + "\n");
    }

    /** MAIL, RCPT, DATA and QUIT over the handed-over session; returns the queue id of Postfix's 250. */
    private String sendMail(StartTlsClients.Connection c, String how) throws IOException {
        assertThat(command(c, "MAIL FROM:<sender@example.test>")).as(postfix::log).startsWith("250 2.1.0");
        assertThat(command(c, "RCPT TO:<" + RECIPIENT + ">")).as(postfix::log).startsWith("250 2.1.5");
        assertThat(command(c, "DATA")).startsWith("354");
        c.send("Subject: starttls4j and Postfix\r\n\r\n" + BODY + " Sent " + how + ".\r\n.\r\n");
        String queued = reply(c);
        Matcher m = QUEUED.matcher(queued);
        assertThat(m.matches()).as("Postfix queued the message: %s\n%s", queued, postfix.log()).isTrue();
        assertThat(command(c, "QUIT")).startsWith("221");
        return m.group(1);
    }

    private void awaitDiscarded(String queueId) {
        postfix.awaitLog(Pattern.compile(Pattern.quote(queueId) + ": to=<" + Pattern.quote(RECIPIENT)
                + ">, relay=none, .*status=sent \\(accepted by the private Postfix\\)"), 1, WAIT);
    }

    private static String command(StartTlsClients.Connection c, String line) throws IOException {
        return Dialogs.smtpCommand(c, line, WAIT);
    }

    private static String reply(StartTlsClients.Connection c) throws IOException {
        return Dialogs.smtpReply(c, WAIT);
    }
}
