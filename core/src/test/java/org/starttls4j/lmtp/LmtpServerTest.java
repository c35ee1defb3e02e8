package org.starttls4j.lmtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.starttls4j.Event;
import org.starttls4j.Failure;
import org.starttls4j.Outcome;
import org.starttls4j.ServerConfig;
import org.starttls4j.TlsPolicy;
import org.starttls4j.Transition;
import org.starttls4j.testing.Dialect;
import org.starttls4j.testing.Dialect.Script;

/** The LMTP server, byte for byte, under every policy, and its security rules. */
class LmtpServerTest {

    static ServerConfig config(TlsPolicy policy) {
        return builder(policy).build();
    }

    static ServerConfig.Builder builder(TlsPolicy policy) {
        return Dialect.serverBuilder(policy, Dialect.caps("PIPELINING", "ENHANCEDSTATUSCODES", "AUTH PLAIN"),
                Dialect.caps("PIPELINING", "AUTH PLAIN LOGIN", "STARTTLS"));
    }

    private static Script server(TlsPolicy policy) {
        return Script.begin(Lmtp.server(config(policy)));
    }

    @Test
    void requiredAnnouncesStartTlsWithholdsAuthAndRefusesMail() {
        Script s = server(TlsPolicy.REQUIRED);
        assertThat(s.sent()).isEqualTo("220 mail.example.test LMTP starttls4j ready\r\n");
        s.receive("LHLO mta.example.test\r\n");
        assertThat(s.lastSent()).isEqualTo("250-mail.example.test greets mta.example.test\r\n250-PIPELINING\r\n"
                + "250-ENHANCEDSTATUSCODES\r\n250 STARTTLS\r\n");
        assertThat(s.receive("MAIL FROM:<a@example.test>\r\n").lastSent()).isEqualTo("530 5.7.0 Must issue a STARTTLS command first\r\n");
        assertThat(s.receive("EHLO x\r\n").lastSent()).startsWith("500 ");
        assertThat(s.receive("HELO x\r\n").lastSent()).startsWith("500 ");
        assertThat(s.receive("NOOP\r\n").lastSent()).isEqualTo("250 2.0.0 OK\r\n");
        assertThat(s.receive("STARTTLS now\r\n").lastSent()).startsWith("501 ");
        s.receive("STARTTLS\r\n");
        assertThat(s.lastSent()).isEqualTo("220 2.0.0 Ready to start TLS\r\n");
        assertThat(s.negotiation().state()).isEqualTo("Handshaking");
    }

    @Test
    void opportunisticHandsTheFirstMailCommandOverUnread() {
        Script s = server(TlsPolicy.OPPORTUNISTIC).receive("LHLO mta\r\nMAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\n");
        Outcome.Plaintext plain = (Outcome.Plaintext) s.outcome();
        byte[] unread = new byte[plain.session().unread().remaining()];
        plain.session().unread().duplicate().get(unread);
        assertThat(new String(unread, StandardCharsets.ISO_8859_1)).isEqualTo("MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\n");
        assertThat(plain.session().fallbackCause().orElseThrow().reason()).isEqualTo(Failure.Reason.STARTTLS_NOT_USED);
    }

    @Test
    void opportunisticRefusesAuthBeforeTlsUnlessAllowed() {
        assertThat(server(TlsPolicy.OPPORTUNISTIC).receive("AUTH PLAIN\r\n").lastSent()).startsWith("538 5.7.11 ");
    }

    @Test
    void plaintextOnlyNeitherAnnouncesNorAcceptsStartTls() {
        Script s = server(TlsPolicy.PLAINTEXT_ONLY).receive("LHLO mta\r\n");
        assertThat(s.lastSent()).doesNotContain("STARTTLS");
        assertThat(s.receive("STARTTLS\r\n").lastSent()).isEqualTo("502 5.5.1 STARTTLS not available\r\n");
    }

    @Test
    void implicitStartsWithTheHandshake() {
        Script s = server(TlsPolicy.IMPLICIT);
        assertThat(s.sent()).isEmpty();
        assertThat(s.negotiation().state()).isEqualTo("Handshaking");
    }

    @Test
    void commandsPipelinedAfterStartTlsAreNeverAnswered() {
        Script s = server(TlsPolicy.REQUIRED).receive("LHLO mta\r\n").receive("STARTTLS\r\nMAIL FROM:<evil@example.test>\r\n");
        assertThat(s.reason()).isEqualTo(Failure.Reason.PLAINTEXT_INJECTION);
        assertThat(s.lastSent()).isEmpty();
        assertThat(s.events()).doesNotContain(new Event.StartTlsAccepted());
    }

    @Test
    void quitClosesAndTheAfterTlsReplyNeverAnnouncesStartTls() {
        Script s = server(TlsPolicy.REQUIRED).receive("QUIT\r\n");
        assertThat(s.reason()).isEqualTo(Failure.Reason.SERVICE_CLOSING);
        assertThat(s.lastSent()).isEqualTo("221 2.0.0 Bye\r\n");
        assertThat(Lmtp.lhloReplyAfterTls(config(TlsPolicy.REQUIRED), "mta"))
                .isEqualTo("250-mail.example.test greets mta\r\n250-PIPELINING\r\n250 AUTH PLAIN LOGIN\r\n");
        assertThat(Lmtp.REPLY_TLS_ALREADY_ACTIVE).startsWith("503 ");
    }

    @Test
    void overlongAndMalformedCommandsCloseWithAReply() {
        Script s = Script.begin(Lmtp.server(Dialect.serverBuilder(TlsPolicy.REQUIRED, Dialect.caps("X"), Dialect.caps("X"))
                .limits(Dialect.SMALL).build())).receive("NOOP " + "x".repeat(60) + "\r\n");
        assertThat(s.reason()).isEqualTo(Failure.Reason.COMMAND_TOO_LONG);
        assertThat(s.lastSent()).isEqualTo("500 5.5.2 Line too long\r\n"); // RFC 4954 §6 keeps 5.5.6 for AUTH exchanges
        assertThat(server(TlsPolicy.REQUIRED).receive("NO\nOP\r\n").reason()).isEqualTo(Failure.Reason.MALFORMED_COMMAND);
    }

    @Test
    void atCapacityTheServerSaysItIsBusyInsteadOfGreeting() {
        Transition busy = Lmtp.server(config(TlsPolicy.REQUIRED)).beginAtCapacity(Dialect.T0);
        assertThat(Dialect.text(busy.outboundBytes())).isEqualTo("421 4.3.2 mail.example.test Service busy, try again later\r\n");
        assertThat(busy.outcome()).hasValueSatisfying(o -> assertThat(((Outcome.Failed) o).failure().reason())
                .isEqualTo(Failure.Reason.SERVER_BUSY));
    }
}
