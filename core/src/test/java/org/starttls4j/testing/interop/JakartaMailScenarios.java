package org.starttls4j.testing.interop;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.MessagingException;
import java.io.IOException;
import java.time.Duration;
import org.starttls4j.ServerConfig;
import org.starttls4j.TlsPolicy;

/**
 * Jakarta Mail (Eclipse Angus) against a starttls4j server started by an adapter
 * ({@link StartTlsServers}): SMTP with {@code starttls.required}, IMAP and POP3 stores with
 * {@code starttls.required}, and the implicit-TLS providers against servers under
 * {@code IMPLICIT}. Checked on both ends: the server handed the session over inside TLS 1.3 and
 * read Angus's first command after STARTTLS inside TLS; Angus saw the post-TLS capabilities (AUTH
 * appears only after the handshake) and finished its work. Adapter-independent.
 */
public final class JakartaMailScenarios {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String TLS_1_3 = "TLSv1.3";

    private final StartTlsServers servers;

    public JakartaMailScenarios(StartTlsServers servers) {
        this.servers = servers;
    }

    /** Sends a message with {@code mail.smtp.starttls.required} (or {@code smtps}). */
    public void sendMail(TlsPolicy policy) throws IOException, MessagingException {
        MailProtocol protocol = MailProtocol.SMTP;
        boolean implicit = policy == TlsPolicy.IMPLICIT;
        ServerConfig config = InteropPki.server(protocol, policy).build();
        Responder responder = new Responder(protocol, config);
        try (StartTlsServers.Running server = servers.start(protocol, config, responder)) {
            JakartaMailClient.Result result = JakartaMailClient.sendMail(server.address(), implicit, Dialogs.MESSAGE_BODY);
            Responder.ServedSession served = responder.nextSession(WAIT);
            Dialogs.assertServedInsideTls(served, protocol, TLS_1_3, "EHLO client.example.test", implicit);
            assertThat(served.messages()).singleElement().asString()
                    .contains("Subject: starttls4j interop").contains(Dialogs.MESSAGE_BODY);
            assertThat(served.received()).as("the whole transaction inside TLS")
                    .anyMatch(l -> l.startsWith("MAIL FROM:<sender@example.test>"))
                    .anyMatch(l -> l.startsWith("RCPT TO:<alice@example.test>"))
                    .contains("DATA", "QUIT");
            assertAuthAnnouncedOnlyAfterTls(result.transcript(), "AUTH PLAIN LOGIN", "STARTTLS", implicit);
        }
    }

    /** Opens INBOX of an IMAP store with {@code mail.imap.starttls.required} (or {@code imaps}). */
    public void readImapInbox(TlsPolicy policy) throws IOException, MessagingException {
        MailProtocol protocol = MailProtocol.IMAP;
        boolean implicit = policy == TlsPolicy.IMPLICIT;
        ServerConfig config = InteropPki.server(protocol, policy).build();
        Responder responder = new Responder(protocol, config);
        try (StartTlsServers.Running server = servers.start(protocol, config, responder)) {
            JakartaMailClient.Result result = JakartaMailClient.readInbox("imap", server.address(), implicit);
            assertThat(result.messages()).as(result.transcript()).isEqualTo(1);
            Responder.ServedSession served = responder.nextSession(WAIT);
            // After STARTTLS Angus asks CAPABILITY again; under implicit TLS the greeting's
            // [CAPABILITY] code (sent inside TLS) suffices and it authenticates at once.
            String first = implicit ? served.firstReceived() : "* CAPABILITY";
            assertThat(served.firstReceived()).matches("\\S+ (CAPABILITY|AUTHENTICATE PLAIN.*)");
            Dialogs.assertServedInsideTls(served, protocol, TLS_1_3, first, implicit);
            assertThat(served.received()).as("login and mailbox inside TLS")
                    .anyMatch(l -> l.matches("\\S+ AUTHENTICATE PLAIN.*"))
                    .anyMatch(l -> l.matches("\\S+ EXAMINE INBOX"))
                    .anyMatch(l -> l.matches("\\S+ LOGOUT"));
            assertAuthAnnouncedOnlyAfterTls(result.transcript(), "AUTH=PLAIN", "STARTTLS", implicit);
        }
    }

    /** Opens INBOX of a POP3 store with {@code mail.pop3.starttls.required} (or {@code pop3s}). */
    public void readPop3Inbox(TlsPolicy policy) throws IOException, MessagingException {
        MailProtocol protocol = MailProtocol.POP3;
        boolean implicit = policy == TlsPolicy.IMPLICIT;
        ServerConfig config = InteropPki.server(protocol, policy).build();
        Responder responder = new Responder(protocol, config);
        try (StartTlsServers.Running server = servers.start(protocol, config, responder)) {
            JakartaMailClient.Result result = JakartaMailClient.readInbox("pop3", server.address(), implicit);
            assertThat(result.messages()).as(result.transcript()).isEqualTo(1);
            assertThat(result.firstBody()).contains("Hello over TLS.");
            Responder.ServedSession served = responder.nextSession(WAIT);
            Dialogs.assertServedInsideTls(served, protocol, TLS_1_3, "CAPA", implicit);
            assertThat(served.received()).as("login and mailbox inside TLS")
                    .anyMatch(l -> l.startsWith("AUTH PLAIN") || l.startsWith("USER "))
                    .contains("STAT", "RETR 1", "QUIT");
            assertAuthAnnouncedOnlyAfterTls(result.transcript(), "SASL PLAIN", "STLS", implicit);
        }
    }

    /**
     * In Angus's transcript, the AUTH capability appears, and only after the STARTTLS command
     * (it is never announced in plaintext); under implicit TLS there is no STARTTLS at all.
     */
    private static void assertAuthAnnouncedOnlyAfterTls(String transcript, String auth, String startTls, boolean implicit) {
        int authAt = transcript.indexOf(auth);
        assertThat(authAt).as("%s announced\n%s", auth, transcript).isNotNegative();
        if (implicit) {
            assertThat(transcript).as("no STARTTLS under implicit TLS").doesNotContainPattern("(?m)^(\\S+ )?" + startTls + "\\r?$");
        } else {
            java.util.regex.Matcher command = java.util.regex.Pattern.compile("(?m)^(\\S+ )?" + startTls + "\\r?$").matcher(transcript);
            assertThat(command.find()).as("%s sent\n%s", startTls, transcript).isTrue();
            assertThat(authAt).as("%s announced only after %s\n%s", auth, startTls, transcript).isGreaterThan(command.start());
        }
    }
}
