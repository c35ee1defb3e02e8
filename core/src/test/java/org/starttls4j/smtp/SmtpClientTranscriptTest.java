package org.starttls4j.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.starttls4j.smtp.Wire.CLIENT_NAME;
import static org.starttls4j.smtp.Wire.EHLO;
import static org.starttls4j.smtp.Wire.HELO;
import static org.starttls4j.smtp.Wire.NOW;
import static org.starttls4j.smtp.Wire.QUIT;
import static org.starttls4j.smtp.Wire.STARTTLS;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.starttls4j.Capabilities;
import org.starttls4j.Capability;
import org.starttls4j.ClientConfig;
import org.starttls4j.Event;
import org.starttls4j.Failure.Reason;
import org.starttls4j.PlaintextSession;
import org.starttls4j.TlsPolicy;

/**
 * Byte-exact transcripts of the SMTP client (RFC 5321, RFC 3207) through the public API: what it
 * sends for each server reply, per policy.
 */
class SmtpClientTranscriptTest {

    static final String EHLO_REPLY_WITH_STARTTLS = "250-mail.example.test greets client.example.test\r\n"
            + "250-SIZE 35882577\r\n250-auth PLAIN LOGIN\r\n250-8BITMIME\r\n250 starttls\r\n";
    static final String EHLO_REPLY_WITHOUT_STARTTLS = "250-mail.example.test greets client.example.test\r\n"
            + "250-SIZE 35882577\r\n250 8BITMIME\r\n";

    /** A client that has read the greeting and sent EHLO. */
    static Wire afterEhlo(TlsPolicy policy) {
        return Wire.client(policy).receive("220 mail.example.test ESMTP\r\n");
    }

    /** A client that has sent STARTTLS. */
    static Wire afterStartTls(TlsPolicy policy) {
        return afterEhlo(policy).receive(EHLO_REPLY_WITH_STARTTLS);
    }

    // ---------------------------------------------------------------- greeting and EHLO

    @Test
    void beginSendsNothingAndWaitsForTheGreeting() {
        Wire c = Wire.client(TlsPolicy.REQUIRED);

        assertThat(c.sent()).isEmpty();
        assertThat(c.state().state()).isEqualTo("AwaitingGreeting");
        assertThat(c.state().deadline()).isPresent();
    }

    @Test
    void singleLineGreetingIsAnsweredWithEhlo() {
        Wire c = Wire.client(TlsPolicy.REQUIRED).receive("220 mail.example.test ESMTP ready\r\n");

        assertThat(c.lastSent()).isEqualTo(EHLO);
        assertThat(c.state().state()).isEqualTo("AwaitingEhloReply");
        assertThat(c.lastEvents()).containsExactly(
                new Event.Line(Event.Direction.RECEIVED, false, NOW, "220 mail.example.test ESMTP ready"),
                new Event.GreetingReceived("mail.example.test ESMTP ready", false),
                new Event.Line(Event.Direction.SENT, false, NOW, "EHLO " + CLIENT_NAME));
    }

    @Test
    void multiLineGreetingIsAnsweredWithEhloOnlyOnceComplete() {
        Wire c = Wire.client(TlsPolicy.REQUIRED).receive("220-mail.example.test ESMTP\r\n");

        assertThat(c.lastSent()).isEmpty();
        assertThat(c.state().state()).isEqualTo("AwaitingGreeting");

        c.receive("220-no UCE\r\n220 ready\r\n");

        assertThat(c.sent()).isEqualTo(EHLO);
        assertThat(c.events(Event.GreetingReceived.class))
                .containsExactly(new Event.GreetingReceived("mail.example.test ESMTP\nno UCE\nready", false));
    }

    @Test
    void ehloCarriesTheDefaultClientNameWhenNoneIsConfigured() {
        Wire c = Wire.client(ClientConfig.builder(Wire.HOST).build()).receive("220 hi\r\n");

        assertThat(c.sent()).isEqualTo("EHLO localhost\r\n");
    }

    @Test
    void multiLineEhloReplyIsParsedWithKeywordsCaseInsensitiveAndParametersKept() {
        Wire c = afterEhlo(TlsPolicy.REQUIRED).receive(EHLO_REPLY_WITH_STARTTLS);

        List<Event.CapabilitiesReceived> received = c.events(Event.CapabilitiesReceived.class);
        assertThat(received).hasSize(1);
        assertThat(received.get(0).encrypted()).isFalse();
        Capabilities caps = received.get(0).capabilities();
        assertThat(caps.list()).containsExactly(
                new Capability("SIZE", List.of("35882577")),
                new Capability("auth", List.of("PLAIN", "LOGIN")),
                new Capability("8BITMIME", List.of()),
                new Capability("starttls", List.of()));
        assertThat(caps.has("AUTH")).isTrue();
        assertThat(caps.parameters("Auth")).containsExactly("PLAIN", "LOGIN");
        assertThat(caps.parameters("size")).containsExactly("35882577");
        assertThat(caps.has("STARTTLS")).isTrue();
        assertThat(caps.has("PIPELINING")).isFalse();
    }

    @Test
    void theFirstLineOfAnEhloReplyIsTheServersDomainNotAKeyword() {
        Wire c = afterEhlo(TlsPolicy.REQUIRED).receive("250 STARTTLS\r\n");

        assertThat(c.events(Event.CapabilitiesReceived.class)).singleElement()
                .satisfies(e -> assertThat(e.capabilities().isEmpty()).isTrue());
        assertThat(c.reason()).isEqualTo(Reason.STARTTLS_NOT_OFFERED);
        assertThat(c.sent()).isEqualTo(EHLO + QUIT);
    }

    // ---------------------------------------------------------------- STARTTLS offered or not

    @ParameterizedTest
    @EnumSource(value = TlsPolicy.class, names = {"REQUIRED", "OPPORTUNISTIC"})
    void startTlsIsSentWhenOffered(TlsPolicy policy) {
        Wire c = afterStartTls(policy);

        assertThat(c.lastSent()).isEqualTo(STARTTLS);
        assertThat(c.sent()).isEqualTo(EHLO + STARTTLS);
        assertThat(c.finished()).isFalse();
        assertThat(c.state().state()).isEqualTo("AwaitingStartTlsReply");
    }

    @Test
    void startTlsNotOfferedUnderRequiredFailsWithQuit() {
        Wire c = afterEhlo(TlsPolicy.REQUIRED).receive(EHLO_REPLY_WITHOUT_STARTTLS);

        assertThat(c.lastSent()).isEqualTo(QUIT);
        assertThat(c.sent()).isEqualTo(EHLO + QUIT);
        assertThat(c.reason()).isEqualTo(Reason.STARTTLS_NOT_OFFERED);
        assertThat(c.failure().tlsRptResultType()).isEqualTo("starttls-not-supported");
    }

    @Test
    void startTlsNotOfferedUnderOpportunisticHandsOverInPlaintextSayingWhy() {
        Wire c = afterEhlo(TlsPolicy.OPPORTUNISTIC).receive(EHLO_REPLY_WITHOUT_STARTTLS);

        assertThat(c.sent()).isEqualTo(EHLO);
        PlaintextSession session = c.plaintext();
        assertThat(session.isEncrypted()).isFalse();
        assertThat(session.fallbackCause()).hasValueSatisfying(f -> assertThat(f.reason()).isEqualTo(Reason.STARTTLS_NOT_OFFERED));
        assertThat(session.capabilities().has("SIZE")).isTrue();
        assertThat(session.unread().remaining()).isZero();
        assertThat(c.events(Event.FellBackToPlaintext.class)).singleElement()
                .satisfies(e -> assertThat(e.cause().reason()).isEqualTo(Reason.STARTTLS_NOT_OFFERED));
        assertThat(c.events(Event.HandedOverInPlaintext.class)).hasSize(1);
    }

    @Test
    void plaintextOnlyNeverSendsStartTlsEvenWhenOffered() {
        Wire c = afterEhlo(TlsPolicy.PLAINTEXT_ONLY).receive(EHLO_REPLY_WITH_STARTTLS);

        assertThat(c.sent()).isEqualTo(EHLO);
        PlaintextSession session = c.plaintext();
        assertThat(session.fallbackCause()).isEmpty();
        assertThat(session.capabilities().has("STARTTLS")).isTrue();
        assertThat(session.why()).contains("PLAINTEXT_ONLY");
        assertThat(c.events(Event.FellBackToPlaintext.class)).isEmpty();
    }

    // ---------------------------------------------------------------- HELO fallback

    @ParameterizedTest
    @ValueSource(ints = {500, 501, 502, 504, 550})
    void rejectedEhloFallsBackToHelo(int code) {
        Wire c = afterEhlo(TlsPolicy.REQUIRED).receive(code + " 5.5.1 what is EHLO\r\n");

        assertThat(c.lastSent()).isEqualTo(HELO);
        assertThat(c.state().state()).isEqualTo("AwaitingHeloReply");
    }

    @Test
    void heloAcceptedUnderRequiredFailsAsNotOfferedWithQuit() {
        Wire c = afterEhlo(TlsPolicy.REQUIRED).receive("502 5.5.1 no\r\n").receive("250 mail.example.test\r\n");

        assertThat(c.sent()).isEqualTo(EHLO + HELO + QUIT);
        assertThat(c.reason()).isEqualTo(Reason.STARTTLS_NOT_OFFERED);
    }

    @Test
    void heloAcceptedUnderOpportunisticHandsOverWithoutCapabilities() {
        Wire c = afterEhlo(TlsPolicy.OPPORTUNISTIC).receive("500 5.5.1 no\r\n").receive("250 mail.example.test\r\n");

        assertThat(c.sent()).isEqualTo(EHLO + HELO);
        assertThat(c.plaintext().capabilities().isEmpty()).isTrue();
        assertThat(c.plaintext().fallbackCause()).hasValueSatisfying(f -> assertThat(f.reason()).isEqualTo(Reason.STARTTLS_NOT_OFFERED));
    }

    @Test
    void heloAcceptedUnderPlaintextOnlyHandsOver() {
        Wire c = afterEhlo(TlsPolicy.PLAINTEXT_ONLY).receive("500 5.5.1 no\r\n").receive("250 mail.example.test\r\n");

        assertThat(c.sent()).isEqualTo(EHLO + HELO);
        assertThat(c.plaintext().fallbackCause()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(value = TlsPolicy.class, names = {"REQUIRED", "OPPORTUNISTIC", "PLAINTEXT_ONLY"})
    void ehloAndHeloBothRejectedFailsWithQuit(TlsPolicy policy) {
        Wire c = afterEhlo(policy).receive("502 5.5.1 no EHLO\r\n").receive("550 5.7.1 go away\r\n");

        assertThat(c.sent()).isEqualTo(EHLO + HELO + QUIT);
        assertThat(c.reason()).isEqualTo(Reason.COMMAND_REJECTED);
        assertThat(c.failure().peerReply()).hasValueSatisfying(r -> assertThat(r).startsWith("550"));
    }

    @ParameterizedTest
    @ValueSource(ints = {450, 451, 554})
    void ehloRejectedWithACodeThatIsNotAboutEhloFailsWithQuitAndNoHelo(int code) {
        Wire c = afterEhlo(TlsPolicy.OPPORTUNISTIC).receive(code + " no\r\n");

        assertThat(c.sent()).isEqualTo(EHLO + QUIT);
        assertThat(c.reason()).isEqualTo(Reason.COMMAND_REJECTED);
    }

    // ---------------------------------------------------------------- greeting refused, 421

    @ParameterizedTest
    @EnumSource(value = TlsPolicy.class, names = {"REQUIRED", "OPPORTUNISTIC", "PLAINTEXT_ONLY"})
    void greeting554FailsAsGreetingRejectedWithQuit(TlsPolicy policy) {
        Wire c = Wire.client(policy).receive("554 5.3.2 no service for you\r\n");

        assertThat(c.sent()).isEqualTo(QUIT);
        assertThat(c.reason()).isEqualTo(Reason.GREETING_REJECTED);
        assertThat(c.failure().peerReply()).hasValueSatisfying(r -> assertThat(r).startsWith("554"));
    }

    @Test
    void multiLineGreeting554FailsOnlyOnceComplete() {
        Wire c = Wire.client(TlsPolicy.REQUIRED).receive("554-no\r\n");

        assertThat(c.finished()).isFalse();
        c.receive("554 really\r\n");
        assertThat(c.sent()).isEqualTo(QUIT);
        assertThat(c.reason()).isEqualTo(Reason.GREETING_REJECTED);
    }

    /** Where a 421 can arrive: after how many of the server's earlier replies. */
    static Stream<Arguments> servicesClosing() {
        Stream.Builder<Arguments> all = Stream.builder();
        for (TlsPolicy policy : List.of(TlsPolicy.REQUIRED, TlsPolicy.OPPORTUNISTIC, TlsPolicy.PLAINTEXT_ONLY)) {
            all.add(Arguments.of(policy, "greeting", List.of(), ""));
            all.add(Arguments.of(policy, "EHLO", List.of("220 hi\r\n"), EHLO));
            all.add(Arguments.of(policy, "HELO", List.of("220 hi\r\n", "500 no\r\n"), EHLO + HELO));
            if (policy != TlsPolicy.PLAINTEXT_ONLY) {
                all.add(Arguments.of(policy, "STARTTLS", List.of("220 hi\r\n", "250-hi\r\n250 STARTTLS\r\n"), EHLO + STARTTLS));
            }
        }
        return all.build();
    }

    @ParameterizedTest(name = "{0}: 421 in reply to {1}")
    @MethodSource("servicesClosing")
    void serviceClosing421AtAnyPointFailsWithoutQuit(TlsPolicy policy, String point, List<String> before, String sentBefore) {
        Wire c = Wire.client(policy);
        before.forEach(c::receive);

        c.receive("421 4.3.2 mail.example.test shutting down\r\n");

        assertThat(c.lastSent()).as("nothing after a 421, not even QUIT").isEmpty();
        assertThat(c.sent()).isEqualTo(sentBefore);
        assertThat(c.reason()).isEqualTo(Reason.SERVICE_CLOSING);
    }

    @Test
    void multiLine421FailsWithoutQuit() {
        Wire c = afterEhlo(TlsPolicy.OPPORTUNISTIC).receive("421-closing\r\n421 bye\r\n");

        assertThat(c.sent()).isEqualTo(EHLO);
        assertThat(c.reason()).isEqualTo(Reason.SERVICE_CLOSING);
    }

    // ---------------------------------------------------------------- STARTTLS refused

    @ParameterizedTest
    @ValueSource(strings = {"454 4.7.0 TLS not available due to temporary reason", "501 5.5.4 Syntax error", "502 5.5.1 not here"})
    void refusedStartTlsUnderOpportunisticHandsOverInPlaintext(String refusal) {
        Wire c = afterStartTls(TlsPolicy.OPPORTUNISTIC).receive(refusal + "\r\n");

        assertThat(c.lastSent()).isEmpty();
        assertThat(c.sent()).isEqualTo(EHLO + STARTTLS);
        PlaintextSession session = c.plaintext();
        assertThat(session.isEncrypted()).isFalse();
        assertThat(session.fallbackCause()).hasValueSatisfying(f -> {
            assertThat(f.reason()).isEqualTo(Reason.STARTTLS_REFUSED);
            assertThat(f.peerReply()).hasValueSatisfying(r -> assertThat(r).startsWith(refusal.substring(0, 3)));
        });
        assertThat(session.why()).contains("STARTTLS_REFUSED");
        assertThat(session.capabilities().has("STARTTLS")).as("the pre-TLS capabilities, for a plaintext session").isTrue();
        assertThat(c.events(Event.FellBackToPlaintext.class)).singleElement()
                .satisfies(e -> assertThat(e.cause().reason()).isEqualTo(Reason.STARTTLS_REFUSED));
    }

    @ParameterizedTest
    @ValueSource(strings = {"454 4.7.0 TLS not available due to temporary reason", "501 5.5.4 Syntax error"})
    void refusedStartTlsUnderRequiredFailsWithQuit(String refusal) {
        Wire c = afterStartTls(TlsPolicy.REQUIRED).receive(refusal + "\r\n");

        assertThat(c.lastSent()).isEqualTo(QUIT);
        assertThat(c.sent()).isEqualTo(EHLO + STARTTLS + QUIT);
        assertThat(c.reason()).isEqualTo(Reason.STARTTLS_REFUSED);
        assertThat(c.events(Event.FellBackToPlaintext.class)).isEmpty();
    }

    // ---------------------------------------------------------------- go-ahead

    @ParameterizedTest
    @EnumSource(value = TlsPolicy.class, names = {"REQUIRED", "OPPORTUNISTIC"})
    void goAheadStartsTheHandshake(TlsPolicy policy) {
        Wire c = afterStartTls(policy).receive("220 2.0.0 Ready to start TLS\r\n");

        byte[] hello = c.last().outboundBytes();
        assertThat(hello).as("a ClientHello record").isNotEmpty();
        assertThat(hello[0]).isEqualTo((byte) 0x16);
        assertThat(hello[1]).isEqualTo((byte) 0x03);
        assertThat(c.lastEvents()).contains(new Event.StartTlsAccepted());
        assertThat(c.state().state()).isEqualTo("Handshaking");
        assertThat(c.state().deadline()).isPresent();
    }
}
