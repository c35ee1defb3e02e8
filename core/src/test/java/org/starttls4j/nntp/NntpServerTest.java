package org.starttls4j.nntp;

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

/** The NNTP server, byte for byte, under every policy, and its security rules. */
class NntpServerTest {

    static ServerConfig config(TlsPolicy policy) {
        return builder(policy).build();
    }

    static ServerConfig.Builder builder(TlsPolicy policy) {
        return Dialect.serverBuilder(policy, Dialect.caps("READER", "AUTHINFO USER", "SASL PLAIN", "LIST ACTIVE"),
                Dialect.caps("READER", "AUTHINFO USER SASL", "SASL PLAIN SCRAM-SHA-256", "POST", "STARTTLS"));
    }

    private static Script server(TlsPolicy policy) {
        return Script.begin(Nntp.server(config(policy)));
    }

    @Test
    void requiredAnnouncesStartTlsWithholdsAuthinfoAndRefusesArticlesWith483() {
        Script s = server(TlsPolicy.REQUIRED);
        assertThat(s.sent()).isEqualTo("200 mail.example.test NNTP service ready (starttls4j)\r\n");
        assertThat(s.receive("CAPABILITIES\r\n").lastSent())
                .isEqualTo("101 Capability list:\r\nVERSION 2\r\nREADER\r\nLIST ACTIVE\r\nSTARTTLS\r\n.\r\n");
        assertThat(s.receive("GROUP misc.test\r\n").lastSent()).isEqualTo("483 Encryption required: send STARTTLS first\r\n");
        assertThat(s.receive("AUTHINFO USER alice\r\n").lastSent()).isEqualTo("483 Encryption required: send STARTTLS first\r\n");
        assertThat(s.receive("XYZZY\r\n").lastSent()).isEqualTo("500 Unknown command\r\n");
        assertThat(s.receive("HELP\r\n").lastSent()).startsWith("100 ").endsWith("\r\n.\r\n");
        assertThat(s.receive("STARTTLS now\r\n").lastSent()).startsWith("501 ");
        assertThat(s.receive("starttls\r\n").lastSent()).isEqualTo("382 Continue with TLS negotiation\r\n");
        assertThat(s.negotiation().state()).isEqualTo("Handshaking");
    }

    /** RFC 3977 §3.3.2: VERSION "MUST be the first capability in the capability list", wherever the configuration put it. */
    @Test
    void versionComesFirstWhereverTheConfigurationListsIt() {
        ServerConfig config = Dialect.serverBuilder(TlsPolicy.REQUIRED, Dialect.caps("READER", "VERSION 2 3", "LIST ACTIVE"),
                Dialect.caps("READER", "POST", "VERSION 2 3")).build();
        assertThat(Script.begin(Nntp.server(config)).receive("CAPABILITIES\r\n").lastSent())
                .isEqualTo("101 Capability list:\r\nVERSION 2 3\r\nREADER\r\nLIST ACTIVE\r\nSTARTTLS\r\n.\r\n");
        assertThat(Nntp.capabilitiesReplyAfterTls(config)).isEqualTo("101 Capability list:\r\nVERSION 2 3\r\nREADER\r\nPOST\r\n.\r\n");
    }

    /**
     * RFC 4644 §2.5: a streaming peer sends the article right after TAKETHIS, without waiting for
     * an answer, as a dot-terminated block (RFC 3977 §3.1.1). Refused before TLS, the article's lines
     * are never answered as commands (a STARTTLS among them got 382 and then failed as injection):
     * the 483 goes out after the terminating dot.
     */
    @Test
    void aRefusedTakethisHasItsArticlePassedOverUnansweredAndRefusedAfterItsDot() {
        String refused = "483 Encryption required: send STARTTLS first\r\n";
        Script s = server(TlsPolicy.REQUIRED).receive("TAKETHIS <a@example.test>\r\nPath: x\r\nFrom: y\r\n\r\nSTARTTLS\r\n");
        assertThat(s.lastSent()).isEmpty();
        assertThat(s.negotiation().state()).isEqualTo("SkippingArticle");
        s.receive("QUIT\r\n..\r\n.stuffed\r\n.\r\n");
        assertThat(s.lastSent()).isEqualTo(refused);
        assertThat(s.negotiation().state()).isEqualTo("AwaitingCommand");
        assertThat(s.events()).noneMatch(e -> e instanceof Event.StartTlsAccepted);
        assertThat(s.events()).filteredOn(e -> e instanceof Event.Line).map(e -> ((Event.Line) e).text())
                .as("the article's lines stay out of the transcript").doesNotContain("Path: x", "STARTTLS");

        assertThat(s.receive("CHECK <b@example.test>\r\nSTARTTLS\r\n").lastSent()).isEqualTo(refused + "382 Continue with TLS negotiation\r\n");
        Script opportunistic = server(TlsPolicy.OPPORTUNISTIC).receive("TAKETHIS <a@example.test>\r\nPath: x\r\n.\r\n");
        assertThat(opportunistic.outcome()).isInstanceOf(Outcome.Plaintext.class);
    }

    @Test
    void anArticleWithoutItsDotEndsAtTheBoundOnPlaintextBeforeTls() {
        Script s = server(TlsPolicy.REQUIRED).receive("TAKETHIS <a@example.test>\r\n");
        String line = "x".repeat(900) + "\r\n";
        for (int i = 0; i < 200 && !s.finished(); i++) {
            s.receive(line);
        }
        assertThat(s.finished()).as("an endless article is not skipped for ever").isTrue();
        assertThat(s.reason()).isEqualTo(Failure.Reason.TOO_MUCH_PLAINTEXT);
    }

    @Test
    void opportunisticHandsReadingCommandsOverUnreadButNotAuthinfo() {
        assertThat(server(TlsPolicy.OPPORTUNISTIC).receive("AUTHINFO USER a\r\n").lastSent()).startsWith("483 ");
        Script s = server(TlsPolicy.OPPORTUNISTIC).receive("GROUP misc.test\r\nARTICLE 1\r\n");
        Outcome.Plaintext plain = (Outcome.Plaintext) s.outcome();
        byte[] unread = new byte[plain.session().unread().remaining()];
        plain.session().unread().duplicate().get(unread);
        assertThat(new String(unread, StandardCharsets.ISO_8859_1)).isEqualTo("GROUP misc.test\r\nARTICLE 1\r\n");
    }

    @Test
    void plaintextOnlyRefusesStartTlsWith580AndDoesNotAnnounceIt() {
        Script s = server(TlsPolicy.PLAINTEXT_ONLY);
        assertThat(s.receive("CAPABILITIES\r\n").lastSent()).doesNotContain("STARTTLS");
        assertThat(s.receive("STARTTLS\r\n").lastSent()).isEqualTo("580 Can not initiate TLS negotiation\r\n");
    }

    @Test
    void implicitStartsWithTheHandshake() {
        Script s = server(TlsPolicy.IMPLICIT);
        assertThat(s.sent()).isEmpty();
        assertThat(s.negotiation().state()).isEqualTo("Handshaking");
    }

    @Test
    void commandsPipelinedAfterStartTlsAreNeverAnswered() {
        Script s = server(TlsPolicy.REQUIRED).receive("STARTTLS\r\nAUTHINFO USER alice\r\n");
        assertThat(s.reason()).isEqualTo(Failure.Reason.PLAINTEXT_INJECTION);
        assertThat(s.lastSent()).isEmpty();
        assertThat(s.events()).doesNotContain(new Event.StartTlsAccepted());
    }

    @Test
    void quitTimeoutsAndTheAfterTlsListSayTheRightThings() {
        Script s = server(TlsPolicy.REQUIRED).receive("QUIT\r\n");
        assertThat(s.reason()).isEqualTo(Failure.Reason.SERVICE_CLOSING);
        assertThat(s.lastSent()).isEqualTo("205 Connection closing\r\n");
        assertThat(Nntp.capabilitiesReplyAfterTls(config(TlsPolicy.REQUIRED))).isEqualTo("101 Capability list:\r\nVERSION 2\r\nREADER\r\n"
                + "AUTHINFO USER SASL\r\nSASL PLAIN SCRAM-SHA-256\r\nPOST\r\n.\r\n");
        assertThat(Nntp.REPLY_TLS_ALREADY_ACTIVE).startsWith("502 ");
        assertThat(server(TlsPolicy.REQUIRED).receive("NO\rOP\r\n").lastSent()).startsWith("400 ");
    }

    @Test
    void atCapacityTheServerSaysItIsBusyInsteadOfGreeting() {
        Transition busy = Nntp.server(config(TlsPolicy.REQUIRED)).beginAtCapacity(Dialect.T0);
        assertThat(Dialect.text(busy.outboundBytes())).isEqualTo("400 Service temporarily unavailable, try again later\r\n");
        assertThat(busy.outcome()).hasValueSatisfying(o -> assertThat(((Outcome.Failed) o).failure().reason())
                .isEqualTo(Failure.Reason.SERVER_BUSY));
    }
}
