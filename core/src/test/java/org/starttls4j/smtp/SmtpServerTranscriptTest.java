package org.starttls4j.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.starttls4j.smtp.Wire.GREETING;
import static org.starttls4j.smtp.Wire.NOW;
import static org.starttls4j.smtp.Wire.caps;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.starttls4j.Event;
import org.starttls4j.Failure.Reason;
import org.starttls4j.PlaintextSession;
import org.starttls4j.ServerConfig;
import org.starttls4j.TlsPolicy;

/**
 * Byte-exact transcripts of the SMTP server (RFC 5321, RFC 3207) through the public API: what it
 * answers to each command before TLS, per policy.
 */
class SmtpServerTranscriptTest {

    static final String READY = "220 2.0.0 Ready to start TLS\r\n";
    static final String MUST_STARTTLS = "530 5.7.0 Must issue a STARTTLS command first\r\n";
    static final String UNKNOWN = "500 5.5.2 Command not recognized\r\n";

    static ServerConfig withCapabilities(TlsPolicy policy, boolean allowAuth) {
        return Wire.serverBuilder(policy)
                .capabilitiesBeforeTls(caps("SIZE 35882577", "8BITMIME", "AUTH PLAIN LOGIN", "AUTH=LOGIN", "PIPELINING"))
                .capabilitiesAfterTls(caps("SIZE 35882577", "AUTH PLAIN LOGIN", "STARTTLS"))
                .allowAuthBeforeTls(allowAuth)
                .build();
    }

    /** A server that has greeted. */
    static Wire greeted(TlsPolicy policy) {
        return Wire.server(policy);
    }

    // ---------------------------------------------------------------- greeting and EHLO

    @ParameterizedTest
    @EnumSource(value = TlsPolicy.class, names = {"REQUIRED", "OPPORTUNISTIC", "PLAINTEXT_ONLY"})
    void beginSendsTheGreeting(TlsPolicy policy) {
        Wire s = Wire.server(policy);

        assertThat(s.sent()).isEqualTo(GREETING);
        assertThat(s.lastEvents()).containsExactly(new Event.Line(Event.Direction.SENT, false, NOW, GREETING.trim()));
        assertThat(s.state().state()).isEqualTo("AwaitingCommand");
        assertThat(s.state().deadline()).isPresent();
    }

    @Test
    void ehloListsConfiguredCapabilitiesAndStartTlsButWithholdsAuthUnderRequired() {
        Wire s = Wire.server(withCapabilities(TlsPolicy.REQUIRED, false)).receive("EHLO client.example.test\r\n");

        assertThat(s.lastSent()).isEqualTo("250-mail.example.test greets client.example.test\r\n"
                + "250-SIZE 35882577\r\n250-8BITMIME\r\n250-PIPELINING\r\n250 STARTTLS\r\n");
        assertThat(s.finished()).isFalse();
    }

    @Test
    void ehloWithholdsAuthUnderOpportunisticUnlessAllowed() {
        Wire s = Wire.server(withCapabilities(TlsPolicy.OPPORTUNISTIC, false)).receive("ehlo client.example.test\r\n");

        assertThat(s.lastSent()).isEqualTo("250-mail.example.test greets client.example.test\r\n"
                + "250-SIZE 35882577\r\n250-8BITMIME\r\n250-PIPELINING\r\n250 STARTTLS\r\n");
    }

    @Test
    void serversWithDifferentConfigurationsEachAnnounceTheirOwn() {
        // The announcement is prepared once per configuration and kept: alternating must not mix them.
        ServerConfig withholding = withCapabilities(TlsPolicy.OPPORTUNISTIC, false);
        ServerConfig allowing = withCapabilities(TlsPolicy.OPPORTUNISTIC, true);
        String withheld = "250-mail.example.test greets c\r\n250-SIZE 35882577\r\n250-8BITMIME\r\n250-PIPELINING\r\n250 STARTTLS\r\n";
        String allowed = "250-mail.example.test greets c\r\n250-SIZE 35882577\r\n250-8BITMIME\r\n250-AUTH PLAIN LOGIN\r\n"
                + "250-AUTH=LOGIN\r\n250-PIPELINING\r\n250 STARTTLS\r\n";

        for (int round = 0; round < 3; round++) {
            assertThat(Wire.server(withholding).receive("EHLO c\r\n").lastSent()).isEqualTo(withheld);
            assertThat(Wire.server(allowing).receive("EHLO c\r\n").lastSent()).isEqualTo(allowed);
        }
    }

    @Test
    void ehloAnnouncesAuthBeforeTlsWhenAllowed() {
        Wire s = Wire.server(withCapabilities(TlsPolicy.OPPORTUNISTIC, true)).receive("EHLO client.example.test\r\n");

        assertThat(s.lastSent()).isEqualTo("250-mail.example.test greets client.example.test\r\n"
                + "250-SIZE 35882577\r\n250-8BITMIME\r\n250-AUTH PLAIN LOGIN\r\n250-AUTH=LOGIN\r\n250-PIPELINING\r\n250 STARTTLS\r\n");
    }

    @Test
    void allowAuthBeforeTlsUnderRequiredIsRejectedByTheBuilder() {
        ServerConfig.Builder builder = Wire.serverBuilder(TlsPolicy.REQUIRED).allowAuthBeforeTls(true);

        assertThatThrownBy(builder::build).isInstanceOf(IllegalStateException.class).hasMessageContaining("AUTH");
    }

    @Test
    void ehloWithNoCapabilitiesConfiguredStillAnnouncesStartTls() {
        Wire s = greeted(TlsPolicy.REQUIRED).receive("EHLO c\r\n");

        assertThat(s.lastSent()).isEqualTo("250-mail.example.test greets c\r\n250 STARTTLS\r\n");
    }

    @Test
    void aConfiguredStartTlsIsAnnouncedOnceAndLast() {
        ServerConfig config = Wire.serverBuilder(TlsPolicy.REQUIRED).capabilitiesBeforeTls(caps("STARTTLS", "8BITMIME")).build();

        Wire s = Wire.server(config).receive("EHLO c\r\n");

        assertThat(s.lastSent()).isEqualTo("250-mail.example.test greets c\r\n250-8BITMIME\r\n250 STARTTLS\r\n");
    }

    @Test
    void ehloWithoutADomainGets501() {
        Wire s = greeted(TlsPolicy.REQUIRED).receive("EHLO\r\n");

        assertThat(s.lastSent()).isEqualTo("501 5.5.4 Syntax: EHLO hostname\r\n");
        assertThat(s.finished()).isFalse();
    }

    @Test
    void ehloTwiceIsAnsweredTwice() {
        Wire s = greeted(TlsPolicy.REQUIRED).receive("EHLO a\r\nEHLO b\r\n");

        assertThat(s.lastSent()).isEqualTo("250-mail.example.test greets a\r\n250 STARTTLS\r\n"
                + "250-mail.example.test greets b\r\n250 STARTTLS\r\n");
    }

    // ---------------------------------------------------------------- HELO NOOP RSET HELP QUIT

    @ParameterizedTest
    @EnumSource(value = TlsPolicy.class, names = {"REQUIRED", "OPPORTUNISTIC", "PLAINTEXT_ONLY"})
    void heloNoopRsetHelpAreAnswered(TlsPolicy policy) {
        Wire s = greeted(policy);

        assertThat(s.receive("HELO client.example.test\r\n").lastSent()).isEqualTo("250 mail.example.test\r\n");
        assertThat(s.receive("HELO\r\n").lastSent()).isEqualTo("501 5.5.4 Syntax: HELO hostname\r\n");
        assertThat(s.receive("NOOP\r\n").lastSent()).isEqualTo("250 2.0.0 OK\r\n");
        assertThat(s.receive("noop whatever\r\n").lastSent()).isEqualTo("250 2.0.0 OK\r\n");
        assertThat(s.receive("RSET\r\n").lastSent()).isEqualTo("250 2.0.0 OK\r\n");
        assertThat(s.receive("HELP\r\n").lastSent()).isEqualTo("214 2.0.0 See RFC 5321; STARTTLS first\r\n");
        assertThat(s.finished()).isFalse();
    }

    @ParameterizedTest
    @EnumSource(value = TlsPolicy.class, names = {"REQUIRED", "OPPORTUNISTIC", "PLAINTEXT_ONLY"})
    void quitIsAnsweredWith221AndEndsTheNegotiation(TlsPolicy policy) {
        Wire s = greeted(policy).receive("QUIT\r\n");

        assertThat(s.lastSent()).isEqualTo("221 2.0.0 Bye\r\n");
        assertThat(s.reason()).isEqualTo(Reason.SERVICE_CLOSING);
    }

    @Test
    void quitEndsTheNegotiationSoPipelinedCommandsAfterItAreNotAnswered() {
        Wire s = greeted(TlsPolicy.REQUIRED).receive("QUIT\r\nNOOP\r\n");

        assertThat(s.lastSent()).isEqualTo("221 2.0.0 Bye\r\n");
        assertThat(s.reason()).isEqualTo(Reason.SERVICE_CLOSING);
    }

    @ParameterizedTest
    @EnumSource(value = TlsPolicy.class, names = {"REQUIRED", "OPPORTUNISTIC", "PLAINTEXT_ONLY"})
    void unknownCommandsGet500(TlsPolicy policy) {
        Wire s = greeted(policy);

        assertThat(s.receive("XYZZY\r\n").lastSent()).isEqualTo(UNKNOWN);
        assertThat(s.receive("\r\n").lastSent()).isEqualTo(UNKNOWN);
        assertThat(s.receive("STARTTLSX\r\n").lastSent()).isEqualTo(UNKNOWN);
        assertThat(s.finished()).isFalse();
    }

    // ---------------------------------------------------------------- STARTTLS

    @ParameterizedTest
    @EnumSource(value = TlsPolicy.class, names = {"REQUIRED", "OPPORTUNISTIC"})
    void startTlsIsAnsweredWith220AndTheHandshakeBegins(TlsPolicy policy) {
        Wire s = greeted(policy).receive("EHLO c\r\n").receive("STARTTLS\r\n");

        assertThat(s.lastSent()).isEqualTo(READY);
        assertThat(s.lastEvents()).contains(new Event.StartTlsAccepted());
        assertThat(s.state().state()).isEqualTo("Handshaking");
        assertThat(s.state().deadline()).isPresent();
    }

    @Test
    void startTlsIsAcceptedWithoutEhloAndInLowerCase() {
        Wire s = greeted(TlsPolicy.REQUIRED).receive("starttls\r\n");

        assertThat(s.lastSent()).isEqualTo(READY);
        assertThat(s.state().state()).isEqualTo("Handshaking");
    }

    @ParameterizedTest
    @EnumSource(value = TlsPolicy.class, names = {"REQUIRED", "OPPORTUNISTIC", "PLAINTEXT_ONLY"})
    void startTlsWithParametersGets501(TlsPolicy policy) {
        Wire s = greeted(policy).receive("STARTTLS now\r\n");

        assertThat(s.lastSent()).isEqualTo("501 5.5.4 Syntax: STARTTLS takes no parameters\r\n");
        assertThat(s.finished()).isFalse();
    }

    // ---------------------------------------------------------------- commands the negotiation does not own

    /**
     * BDAT comes with its chunk, here 10 octets ending with the line's CRLF: RFC 3030 §2 has the
     * server "accept and discard the associated message data before sending the appropriate 5XX or
     * 4XX code", so the 530 answers the command and its chunk together (see BdatBeforeTlsTest).
     */
    @ParameterizedTest
    @ValueSource(strings = {"MAIL FROM:<a@example.test>", "RCPT TO:<b@example.test>", "DATA", "AUTH PLAIN AGFiYwB4eXo=",
        "VRFY postmaster", "EXPN staff", "mail from:<a@example.test>", "BDAT 10 LAST\r\n12345678", "ETRN example.test"})
    void requiredAnswersApplicationCommandsWith530(String command) {
        Wire s = greeted(TlsPolicy.REQUIRED).receive("EHLO c\r\n").receive(command + "\r\n");

        assertThat(s.lastSent()).isEqualTo(MUST_STARTTLS);
        assertThat(s.finished()).isFalse();
        assertThat(s.state().state()).isEqualTo("AwaitingCommand");
    }

    @Test
    void requiredStillAcceptsStartTlsAfterRefusingMail() {
        Wire s = greeted(TlsPolicy.REQUIRED).receive("EHLO c\r\nMAIL FROM:<a@b>\r\n").receive("STARTTLS\r\n");

        assertThat(s.sent()).endsWith(MUST_STARTTLS + READY);
        assertThat(s.state().state()).isEqualTo("Handshaking");
    }

    @Test
    void opportunisticHandsTheFirstMailOverUnreadWithEverythingAfterIt() {
        Wire s = Wire.server(withCapabilities(TlsPolicy.OPPORTUNISTIC, false))
                .receive("EHLO c\r\nMAIL FROM:<a@example.test>\r\nRCPT TO:<b@example.test>\r\nDA");

        assertThat(s.lastSent()).as("only the EHLO is answered")
                .isEqualTo("250-mail.example.test greets c\r\n250-SIZE 35882577\r\n250-8BITMIME\r\n250-PIPELINING\r\n250 STARTTLS\r\n");
        PlaintextSession session = s.plaintext();
        assertThat(Wire.text(session.unread())).isEqualTo("MAIL FROM:<a@example.test>\r\nRCPT TO:<b@example.test>\r\nDA");
        assertThat(session.isEncrypted()).isFalse();
        assertThat(session.fallbackCause()).hasValueSatisfying(f -> assertThat(f.reason()).isEqualTo(Reason.STARTTLS_NOT_USED));
        assertThat(session.why()).contains("STARTTLS_NOT_USED");
        assertThat(session.capabilities().has("STARTTLS")).isTrue();
        assertThat(session.capabilities().has("AUTH")).isFalse();
        assertThat(s.events(Event.FellBackToPlaintext.class)).singleElement()
                .satisfies(e -> assertThat(e.cause().reason()).isEqualTo(Reason.STARTTLS_NOT_USED));
        assertThat(s.events(Event.HandedOverInPlaintext.class)).hasSize(1);
    }

    @Test
    void opportunisticHandsOverAMailCommandThatArrivedInPieces() {
        Wire s = greeted(TlsPolicy.OPPORTUNISTIC).receive("EHLO c\r\n").receive("MAIL FR");

        assertThat(s.finished()).isFalse();
        s.receive("OM:<a@example.test>\r\n");

        assertThat(Wire.text(s.plaintext().unread())).isEqualTo("MAIL FROM:<a@example.test>\r\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"RCPT TO:<b@example.test>", "DATA", "VRFY postmaster", "EXPN staff"})
    void opportunisticHandsOverOtherApplicationCommandsToo(String command) {
        Wire s = greeted(TlsPolicy.OPPORTUNISTIC).receive(command + "\r\nNOOP\r\n");

        assertThat(s.lastSent()).isEmpty();
        assertThat(Wire.text(s.plaintext().unread())).isEqualTo(command + "\r\nNOOP\r\n");
    }

    @Test
    void opportunisticRefusesAuthBeforeTlsUnlessAllowed() {
        Wire s = greeted(TlsPolicy.OPPORTUNISTIC).receive("AUTH PLAIN AGFiYwB4eXo=\r\n");

        assertThat(s.lastSent()).isEqualTo("538 5.7.11 Encryption required for requested authentication mechanism\r\n");
        assertThat(s.finished()).isFalse();
    }

    @Test
    void opportunisticHandsAuthOverWhenAllowed() {
        Wire s = Wire.server(withCapabilities(TlsPolicy.OPPORTUNISTIC, true)).receive("AUTH PLAIN AGFiYwB4eXo=\r\n");

        assertThat(Wire.text(s.plaintext().unread())).isEqualTo("AUTH PLAIN AGFiYwB4eXo=\r\n");
        assertThat(s.plaintext().capabilities().has("AUTH")).isTrue();
    }

    // ---------------------------------------------------------------- PLAINTEXT_ONLY

    @Test
    void plaintextOnlyNeverAnnouncesStartTls() {
        ServerConfig config = ServerConfig.builder().hostname(Wire.HOST).policy(TlsPolicy.PLAINTEXT_ONLY)
                .capabilitiesBeforeTls(caps("8BITMIME", "STARTTLS")).build();

        Wire s = Wire.server(config).receive("EHLO c\r\n");

        assertThat(s.lastSent()).isEqualTo("250-mail.example.test greets c\r\n250 8BITMIME\r\n");
    }

    @Test
    void plaintextOnlyWithNoCapabilitiesAnswersEhloWithOneLine() {
        Wire s = Wire.server(ServerConfig.builder().hostname(Wire.HOST).policy(TlsPolicy.PLAINTEXT_ONLY).build()).receive("EHLO c\r\n");

        assertThat(s.lastSent()).isEqualTo("250 mail.example.test greets c\r\n");
    }

    @Test
    void plaintextOnlyAnswersStartTlsWith502() {
        Wire s = Wire.server(ServerConfig.builder().hostname(Wire.HOST).policy(TlsPolicy.PLAINTEXT_ONLY).build()).receive("STARTTLS\r\n");

        assertThat(s.lastSent()).isEqualTo("502 5.5.1 STARTTLS not available\r\n");
        assertThat(s.finished()).isFalse();
    }

    @Test
    void plaintextOnlyHandsMailOverWithoutAFallbackCause() {
        Wire s = Wire.server(ServerConfig.builder().hostname(Wire.HOST).policy(TlsPolicy.PLAINTEXT_ONLY).build())
                .receive("EHLO c\r\nMAIL FROM:<a@b>\r\n");

        PlaintextSession session = s.plaintext();
        assertThat(Wire.text(session.unread())).isEqualTo("MAIL FROM:<a@b>\r\n");
        assertThat(session.fallbackCause()).isEmpty();
        assertThat(session.why()).contains("PLAINTEXT_ONLY");
        assertThat(s.events(Event.FellBackToPlaintext.class)).isEmpty();
    }

    // ---------------------------------------------------------------- after TLS, resuming

    @Test
    void theApplicationsEhloReplyAfterTlsListsThePostTlsCapabilitiesWithoutStartTls() {
        String reply = Smtp.ehloReplyAfterTls(withCapabilities(TlsPolicy.REQUIRED, false), "client.example.test");

        assertThat(reply).isEqualTo("250-mail.example.test greets client.example.test\r\n250-SIZE 35882577\r\n250 AUTH PLAIN LOGIN\r\n");
        assertThat(Smtp.REPLY_TLS_ALREADY_ACTIVE).startsWith("503 ").endsWith("\r\n");
    }

    @Test
    void aResumingServerSendsNoGreetingAndAcceptsStartTls() {
        Wire s = Wire.of(Smtp.serverResuming(Wire.serverConfig(TlsPolicy.OPPORTUNISTIC)).begin(NOW));

        assertThat(s.sent()).isEmpty();
        s.receive("STARTTLS\r\n");
        assertThat(s.sent()).isEqualTo(READY);
        assertThat(s.state().state()).isEqualTo("Handshaking");
    }
}
