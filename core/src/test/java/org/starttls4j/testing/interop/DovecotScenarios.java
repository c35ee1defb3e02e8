package org.starttls4j.testing.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.starttls4j.ClientConfig;
import org.starttls4j.Event;
import org.starttls4j.Failure;
import org.starttls4j.TlsPolicy;
import org.starttls4j.TlsVersion;

/**
 * A starttls4j client, connected by an adapter ({@link StartTlsClients}), against a real
 * {@link DovecotServer}: IMAP STARTTLS, POP3 STLS, and the implicit IMAPS/POP3S listeners. Each
 * scenario negotiates, checks the report (TLS version, certificate, capabilities before and after
 * TLS, nothing but the negotiation in plaintext), then logs in and reads the mailbox over the
 * handed-over channel. Dovecot's own log then confirms the login travelled inside TLS ({@code TLS}
 * on its Login line). (Dovecot treats a connection whose two ends share an IP address as secure
 * and so would accept a plaintext login over 127.0.0.1: the proof is the transcript and that log
 * line, not a refusal.)
 */
public final class DovecotScenarios {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private final StartTlsClients clients;
    private final DovecotServer dovecot;

    /**
     * Scenarios for {@code clients} against {@code dovecot} (started once per test class).
     *
     * @param clients the adapter's client glue
     * @param dovecot the running Dovecot
     */
    public DovecotScenarios(StartTlsClients clients, DovecotServer dovecot) {
        this.clients = clients;
        this.dovecot = dovecot;
    }

    /**
     * IMAP STARTTLS under {@code REQUIRED}, then LOGIN, SELECT INBOX, LOGOUT inside TLS.
     *
     * @throws IOException when the connection fails
     */
    public void imapStartTls() throws IOException {
        imap(dovecot.imap(), TlsPolicy.REQUIRED);
    }

    /**
     * IMAP over implicit TLS (the 993-style listener), then the same session.
     *
     * @throws IOException when the connection fails
     */
    public void imapImplicit() throws IOException {
        imap(dovecot.imaps(), TlsPolicy.IMPLICIT);
    }

    /**
     * POP3 STLS under {@code REQUIRED}, then USER, PASS, STAT, RETR, QUIT inside TLS.
     *
     * @throws IOException when the connection fails
     */
    public void pop3Stls() throws IOException {
        pop3(dovecot.pop3(), TlsPolicy.REQUIRED);
    }

    /**
     * POP3 over implicit TLS (the 995-style listener), then the same session.
     *
     * @throws IOException when the connection fails
     */
    public void pop3Implicit() throws IOException {
        pop3(dovecot.pop3s(), TlsPolicy.IMPLICIT);
    }

    /**
     * IMAP under {@code OPPORTUNISTIC} with a TLS 1.3 floor: Dovecot offers STARTTLS and TLS 1.3,
     * so the negotiation secures the connection rather than falling back.
     *
     * @throws IOException when the connection fails
     */
    public void imapOpportunisticTls13Floor() throws IOException {
        ClientConfig config = InteropPki.client(TlsPolicy.OPPORTUNISTIC).tlsFloor(TlsVersion.TLS_1_3).build();
        try (StartTlsClients.Connection c = clients.connect(MailProtocol.IMAP, dovecot.imap(), config)) {
            ClientReport report = c.report();
            assertThat(report.encrypted()).as("%s", report).isTrue();
            assertThat(report.fallback()).as("%s", report).isEmpty();
            assertThat(report.tls().orElseThrow().protocol()).isEqualTo("TLSv1.3");
            c.send("z1 LOGOUT\r\n");
            assertThat(readUntilTagged(c, "z1")).last().asString().startsWith("z1 OK");
        }
    }

    /**
     * A client that trusts another CA: the negotiation fails with {@code CERTIFICATE_REJECTED}
     * against Dovecot's STARTTLS, and nothing (no LOGIN) was sent in plaintext.
     *
     * @throws IOException when the connection fails
     */
    public void imapUntrustedCertificateIsRejected() throws IOException {
        ClientConfig config = InteropPki.client(TlsPolicy.REQUIRED)
                .trustAnchors(List.of(org.starttls4j.testing.TestPki.ca(org.starttls4j.testing.TestPki.KeyType.RSA_2048)))
                .build();
        try (StartTlsClients.Connection c = clients.connect(MailProtocol.IMAP, dovecot.imap(), config)) {
            ClientReport report = c.report();
            assertThat(report.failure()).as("%s", report).isPresent();
            assertThat(report.failure().get().reason()).as("%s", report).isEqualTo(Failure.Reason.CERTIFICATE_REJECTED);
            assertThat(report.encrypted()).isFalse();
            assertThat(report.sentInPlaintext()).as("only the negotiation in plaintext")
                    .allMatch(l -> l.toUpperCase(Locale.ROOT).matches("\\S+ (CAPABILITY|STARTTLS)"));
        }
    }

    private void imap(InetSocketAddress address, TlsPolicy policy) throws IOException {
        ClientConfig config = InteropPki.client(policy).build();
        boolean implicit = policy == TlsPolicy.IMPLICIT;
        long loginsBefore = dovecot.countInLog(loginOverTls("imap-login"));
        try (StartTlsClients.Connection c = clients.connect(MailProtocol.IMAP, address, config)) {
            ClientReport report = c.report();
            assertSecured(report, MailProtocol.IMAP, implicit);
            if (!implicit) {
                assertThat(report.capabilitiesBeforeTls().has("STARTTLS")).as("%s", report).isTrue();
                assertThat(report.sentInPlaintext()).as("only the negotiation in plaintext\n%s", report)
                        .allMatch(l -> l.toUpperCase(Locale.ROOT).matches("\\S+ (CAPABILITY|STARTTLS)"));
            }
            assertThat(report.capabilitiesAfterTls().has("IMAP4rev1")).as("%s", report).isTrue();
            assertThat(report.capabilitiesAfterTls().has("AUTH=PLAIN")).as("%s", report).isTrue();
            assertThat(report.capabilitiesAfterTls().has("LOGINDISABLED")).as("%s", report).isFalse();
            assertThat(report.capabilitiesAfterTls().has("STARTTLS")).as("%s", report).isFalse();
            assertThat(report.session().orElseThrow().capabilities()).as("the session hands over the post-TLS capabilities")
                    .isEqualTo(report.capabilitiesAfterTls());

            c.send("a100 LOGIN " + DovecotServer.USER + " " + DovecotServer.PASSWORD + "\r\n");
            assertThat(readUntilTagged(c, "a100")).as(dovecot::log).last().asString().startsWith("a100 OK");
            c.send("a101 SELECT INBOX\r\n");
            List<String> select = readUntilTagged(c, "a101");
            assertThat(select).as(dovecot::log).contains("* 1 EXISTS");
            assertThat(select).last().asString().startsWith("a101 OK");
            c.send("a102 LOGOUT\r\n");
            List<String> logout = readUntilTagged(c, "a102");
            assertThat(logout).anyMatch(l -> l.startsWith("* BYE"));
            assertThat(logout).last().asString().startsWith("a102 OK");
        }
        // Dovecot's own view; its log process may write the line a moment after the reply.
        dovecot.awaitLog(loginOverTls("imap-login"), loginsBefore + 1, WAIT);
    }

    private void pop3(InetSocketAddress address, TlsPolicy policy) throws IOException {
        ClientConfig config = InteropPki.client(policy).build();
        boolean implicit = policy == TlsPolicy.IMPLICIT;
        long loginsBefore = dovecot.countInLog(loginOverTls("pop3-login"));
        try (StartTlsClients.Connection c = clients.connect(MailProtocol.POP3, address, config)) {
            ClientReport report = c.report();
            assertSecured(report, MailProtocol.POP3, implicit);
            if (!implicit) {
                assertThat(report.capabilitiesBeforeTls().has("STLS")).as("%s", report).isTrue();
                assertThat(report.sentInPlaintext()).as("only the negotiation in plaintext\n%s", report)
                        .allMatch(l -> l.equals("CAPA") || l.equals("STLS"));
            }
            assertThat(report.capabilitiesAfterTls().has("USER")).as("%s", report).isTrue();
            assertThat(report.capabilitiesAfterTls().has("STLS")).as("%s", report).isFalse();
            assertThat(report.session().orElseThrow().capabilities()).isEqualTo(report.capabilitiesAfterTls());

            c.send("USER " + DovecotServer.USER + "\r\n");
            assertThat(c.readLine(WAIT)).startsWith("+OK");
            c.send("PASS " + DovecotServer.PASSWORD + "\r\n");
            assertThat(c.readLine(WAIT)).as(dovecot::log).startsWith("+OK");
            c.send("STAT\r\n");
            assertThat(c.readLine(WAIT)).as("one message in the maildrop").startsWith("+OK 1 ");
            c.send("RETR 1\r\n");
            assertThat(c.readLine(WAIT)).startsWith("+OK");
            List<String> message = new ArrayList<>();
            for (String line = c.readLine(WAIT); !line.equals("."); line = c.readLine(WAIT)) {
                message.add(line);
            }
            assertThat(message).contains("Subject: starttls4j interop", "Hello over TLS.");
            c.send("QUIT\r\n");
            assertThat(c.readLine(WAIT)).startsWith("+OK");
        }
        dovecot.awaitLog(loginOverTls("pop3-login"), loginsBefore + 1, WAIT);
    }

    private static void assertSecured(ClientReport report, MailProtocol protocol, boolean implicit) {
        assertThat(report.failure()).as("%s", report).isEmpty();
        assertThat(report.encrypted()).as("%s", report).isTrue();
        assertThat(report.tls().orElseThrow().protocol()).as("%s", report).isEqualTo("TLSv1.3");
        assertThat(report.tls().orElseThrow().peerCertificateSha256())
                .contains(InteropPki.serverIdentity().sha256Fingerprint());
        // The greeting is the first line received; the transcript says whether it came inside TLS.
        // (Not the GreetingReceived event: the IMAP client emits none when the greeting carries a
        // [CAPABILITY] code, as Dovecot's does.)
        assertThat(report.transcript()).as("%s", report).filteredOn(l -> l.direction() == Event.Direction.RECEIVED)
                .first().extracting(Event.Line::encrypted).as("greeting inside TLS?\n%s", report).isEqualTo(implicit);
        report.greeting().ifPresent(g -> assertThat(g.encrypted()).as("greeting event").isEqualTo(implicit));
        if (implicit) {
            assertThat(report.sentInPlaintext()).as("nothing in plaintext under implicit TLS\n%s", report).isEmpty();
        } else {
            assertThat(report.sentInPlaintext()).last().asString().as("%s", report)
                    .endsWith(Dialogs.startTlsVerb(protocol));
            // Everything learned before TLS is forgotten: the capabilities are asked again inside.
            assertThat(report.sentInsideTls()).as("capabilities asked again inside TLS\n%s", report)
                    .anyMatch(l -> l.toUpperCase(Locale.ROOT).endsWith(protocol == MailProtocol.POP3 ? "CAPA" : "CAPABILITY"));
        }
        assertThat(report.capabilitiesAfterTls().isEmpty()).as("capabilities learned inside TLS\n%s", report).isFalse();
    }

    private static Pattern loginOverTls(String service) {
        return Pattern.compile(service + ": Info: Login: user=<" + DovecotServer.USER + ">, method=PLAIN, [^\n]*\\bTLS\\b");
    }

    private static List<String> readUntilTagged(StartTlsClients.Connection c, String tag) throws IOException {
        List<String> lines = new ArrayList<>();
        while (true) {
            String line = c.readLine(WAIT);
            lines.add(line);
            if (line.startsWith(tag + " ")) {
                return lines;
            }
        }
    }
}
