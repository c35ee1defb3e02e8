package org.starttls4j.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.starttls4j.imap.Wire.client;
import static org.starttls4j.imap.Wire.imapClient;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.starttls4j.Capabilities;
import org.starttls4j.Capability;
import org.starttls4j.Event;
import org.starttls4j.Failure;
import org.starttls4j.Limits;
import org.starttls4j.Outcome;
import org.starttls4j.PlaintextSession;
import org.starttls4j.TlsPolicy;
import org.starttls4j.Timeouts;

/** Byte-exact transcripts of the IMAP client negotiation in plaintext, one behaviour per test. */
class ImapClientTest {

    private static final String GREETING = "* OK IMAP4rev1 Service Ready\r\n";
    private static final String CAPS_WITH_STARTTLS = "* CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED\r\nA1 OK CAPABILITY completed\r\n";

    /** The TLS handshake record type: the first byte of a ClientHello. */
    private static final byte HANDSHAKE = 0x16;

    // ---- the happy path ----

    @Test
    void greetingThenCapabilityThenStartTlsThenHandshake() {
        Wire w = imapClient(client(TlsPolicy.REQUIRED));
        assertThat(w.firstSent()).isEmpty();
        assertThat(w.feed(GREETING)).isEqualTo("A1 CAPABILITY\r\n");
        assertThat(w.state()).isEqualTo("AwaitingCapabilityReply");
        assertThat(w.feed(CAPS_WITH_STARTTLS)).isEqualTo("A2 STARTTLS\r\n");
        assertThat(w.state()).isEqualTo("AwaitingStartTlsReply");
        byte[] hello = Wire.bytes(w.feed("A2 OK Begin TLS negotiation now\r\n"));
        assertThat(hello).isNotEmpty();
        assertThat(hello[0]).isEqualTo(HANDSHAKE);
        assertThat(w.state()).isEqualTo("Handshaking");
        assertThat(w.events()).contains(new Event.GreetingReceived("IMAP4rev1 Service Ready", false),
                new Event.CapabilitiesReceived(caps("IMAP4rev1", "STARTTLS", "LOGINDISABLED"), false),
                new Event.StartTlsAccepted());
    }

    @Test
    void greetingWithCapabilityCodeSkipsTheCapabilityCommand() {
        Wire w = imapClient(client(TlsPolicy.REQUIRED));
        assertThat(w.feed("* OK [CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN] ready\r\n")).isEqualTo("A1 STARTTLS\r\n");
        assertThat(w.events()).contains(new Event.CapabilitiesReceived(caps("IMAP4rev1", "STARTTLS", "AUTH=PLAIN"), false));
        assertThat(w.feed("A1 OK Begin TLS\r\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)[0]).isEqualTo(HANDSHAKE);
    }

    @Test
    void greetingWithoutCapabilityCodeAsksForCapabilities() {
        Wire w = imapClient(client(TlsPolicy.REQUIRED));
        assertThat(w.feed("* OK [ALERT] hello\r\n")).isEqualTo("A1 CAPABILITY\r\n");
    }

    @Test
    void capabilitiesAreParsedAsAtomsWithoutParameters() {
        Wire w = imapClient(client(TlsPolicy.PLAINTEXT_ONLY));
        w.feed(GREETING);
        w.feed("* CAPABILITY IMAP4rev1  STARTTLS AUTH=PLAIN AUTH=SCRAM-SHA-256 LOGINDISABLED ID\r\nA1 OK done\r\n");
        Capabilities got = ((Outcome.Plaintext) w.outcome()).session().capabilities();
        assertThat(got.list()).containsExactly(new Capability("IMAP4rev1", List.of()), new Capability("STARTTLS", List.of()),
                new Capability("AUTH=PLAIN", List.of()), new Capability("AUTH=SCRAM-SHA-256", List.of()),
                new Capability("LOGINDISABLED", List.of()), new Capability("ID", List.of()));
        assertThat(w.allSent()).isEqualTo("A1 CAPABILITY\r\n");
    }

    @Test
    void aCapabilityListThatIsNotAtomsIsMalformed() {
        Wire w = imapClient(client(TlsPolicy.REQUIRED));
        w.feed(GREETING);
        assertThat(w.feed("* CAPABILITY IMAP4rev1 (STARTTLS)\r\n")).isEmpty();
        assertThat(w.reason()).isEqualTo(Failure.Reason.MALFORMED_REPLY);
    }

    @Test
    void tagsAreUniqueAndKeepCountingAcrossTheDialog() {
        Wire w = imapClient(client(TlsPolicy.REQUIRED));
        w.feed(GREETING);
        w.feed(CAPS_WITH_STARTTLS);
        w.feed("A2 NO not now\r\n");
        // A1 CAPABILITY, A2 STARTTLS, then the farewell under a fresh tag.
        assertThat(w.allSent()).isEqualTo("A1 CAPABILITY\r\nA2 STARTTLS\r\nA3 LOGOUT\r\n");
    }

    // ---- PREAUTH, BYE and other greetings ----

    @Test
    void preauthUnderRequiredFailsWithoutSendingAnything() {
        Wire w = imapClient(client(TlsPolicy.REQUIRED));
        assertThat(w.feed("* PREAUTH [CAPABILITY IMAP4rev1 STARTTLS] logged in as joe\r\n")).isEmpty();
        assertThat(w.reason()).isEqualTo(Failure.Reason.PREAUTH_WITHOUT_TLS);
        assertThat(w.allSentBytes()).isEmpty();
    }

    @Test
    void preauthUnderOpportunisticHandsOverInPlaintext() {
        Wire w = imapClient(client(TlsPolicy.OPPORTUNISTIC));
        assertThat(w.feed("* PREAUTH [CAPABILITY IMAP4rev1 IDLE] logged in\r\n")).isEmpty();
        PlaintextSession session = ((Outcome.Plaintext) w.outcome()).session();
        assertThat(session.fallbackCause().map(Failure::reason)).contains(Failure.Reason.PREAUTH_WITHOUT_TLS);
        assertThat(session.capabilities()).isEqualTo(caps("IMAP4rev1", "IDLE"));
        assertThat(w.allSentBytes()).isEmpty();
        assertThat(w.events()).anyMatch(e -> e instanceof Event.FellBackToPlaintext);
        assertThat(w.events()).as("the PREAUTH greeting is reported as the greeting").anyMatch(e -> e instanceof Event.GreetingReceived);
    }

    @Test
    void preauthWithoutCapabilityCodeHandsOverWithNoCapabilities() {
        Wire w = imapClient(client(TlsPolicy.OPPORTUNISTIC));
        w.feed("* PREAUTH hi\r\n");
        assertThat(((Outcome.Plaintext) w.outcome()).session().capabilities()).isEqualTo(Capabilities.NONE);
        assertThat(w.allSentBytes()).isEmpty();
    }

    @Test
    void byeGreetingIsRejected() {
        Wire w = imapClient(client(TlsPolicy.REQUIRED));
        assertThat(w.feed("* BYE too many connections\r\n")).isEmpty();
        assertThat(w.reason()).isEqualTo(Failure.Reason.GREETING_REJECTED);
        assertThat(w.failure().peerReply()).contains("* BYE too many connections");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "* NO go away                | GREETING_REJECTED",
        "* BAD what                  | GREETING_REJECTED",
        "* CAPABILITY IMAP4rev1      | GREETING_REJECTED",
        "A1 OK hello                 | GREETING_REJECTED",
        "+ hello                     | GREETING_REJECTED",
        "220 mx.example.test ESMTP   | MALFORMED_REPLY",
        "+OK POP3 ready              | MALFORMED_REPLY",
        "*OK no space                | MALFORMED_REPLY",
        "*                           | MALFORMED_REPLY",
        "* OK [CAPABILITY IMAP4rev1  | MALFORMED_REPLY",
        "* OK [CAPABILITY (x)] hi    | MALFORMED_REPLY",
    })
    void anyOtherGreetingIsFatal(String greeting, Failure.Reason reason) {
        Wire w = imapClient(client(TlsPolicy.OPPORTUNISTIC));
        assertThat(w.feed(greeting.strip() + "\r\n")).isEmpty();
        assertThat(w.reason()).isEqualTo(reason);
        assertThat(w.allSentBytes()).isEmpty();
    }

    // ---- STARTTLS not possible ----

    @Test
    void startTlsNotOfferedFailsUnderRequiredWithLogout() {
        Wire w = imapClient(client(TlsPolicy.REQUIRED));
        w.feed(GREETING);
        assertThat(w.feed("* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\nA1 OK done\r\n")).isEqualTo("A2 LOGOUT\r\n");
        assertThat(w.reason()).isEqualTo(Failure.Reason.STARTTLS_NOT_OFFERED);
        assertThat(w.allSent()).isEqualTo("A1 CAPABILITY\r\nA2 LOGOUT\r\n");
    }

    @Test
    void startTlsNotOfferedFallsBackUnderOpportunistic() {
        Wire w = imapClient(client(TlsPolicy.OPPORTUNISTIC));
        w.feed(GREETING);
        assertThat(w.feed("* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\nA1 OK done\r\n")).isEmpty();
        PlaintextSession session = ((Outcome.Plaintext) w.outcome()).session();
        assertThat(session.fallbackCause().map(Failure::reason)).contains(Failure.Reason.STARTTLS_NOT_OFFERED);
        assertThat(session.capabilities()).isEqualTo(caps("IMAP4rev1", "AUTH=PLAIN"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"A2 NO [UNAVAILABLE] TLS is down", "A2 BAD STARTTLS unknown"})
    void refusedStartTlsFailsUnderRequired(String refusal) {
        Wire w = imapClient(client(TlsPolicy.REQUIRED));
        w.feed(GREETING);
        w.feed(CAPS_WITH_STARTTLS);
        assertThat(w.feed(refusal + "\r\n")).isEqualTo("A3 LOGOUT\r\n");
        assertThat(w.reason()).isEqualTo(Failure.Reason.STARTTLS_REFUSED);
        assertThat(w.failure().peerReply()).contains(refusal);
        assertThat(w.allSent()).isEqualTo("A1 CAPABILITY\r\nA2 STARTTLS\r\nA3 LOGOUT\r\n");
    }

    @Test
    void refusedStartTlsFallsBackUnderOpportunistic() {
        Wire w = imapClient(client(TlsPolicy.OPPORTUNISTIC));
        w.feed(GREETING);
        w.feed(CAPS_WITH_STARTTLS);
        assertThat(w.feed("A2 NO later\r\n")).isEmpty();
        PlaintextSession session = ((Outcome.Plaintext) w.outcome()).session();
        assertThat(session.fallbackCause().map(Failure::reason)).contains(Failure.Reason.STARTTLS_REFUSED);
        assertThat(session.capabilities()).isEqualTo(caps("IMAP4rev1", "STARTTLS", "LOGINDISABLED"));
    }

    @Test
    void plaintextOnlyNeverSendsStartTls() {
        Wire w = imapClient(client(TlsPolicy.PLAINTEXT_ONLY));
        w.feed(GREETING);
        w.feed(CAPS_WITH_STARTTLS);
        assertThat(w.outcome()).isInstanceOf(Outcome.Plaintext.class);
        assertThat(w.allSent()).isEqualTo("A1 CAPABILITY\r\n");
    }

    // ---- CAPABILITY answered without capabilities ----

    @ParameterizedTest
    @ValueSource(strings = {"A1 BAD unknown command", "A1 NO not now", "A1 OK but no list"})
    void capabilityWithoutAListStillTriesStartTlsUnderRequired(String answer) {
        Wire w = imapClient(client(TlsPolicy.REQUIRED));
        w.feed(GREETING);
        assertThat(w.feed(answer + "\r\n")).isEqualTo("A2 STARTTLS\r\n");
        assertThat(w.events()).contains(new Event.CapabilitiesReceived(Capabilities.NONE, false));
    }

    @Test
    void badToCapabilityThenNoToStartTlsFailsUnderRequired() {
        Wire w = imapClient(client(TlsPolicy.REQUIRED));
        w.feed(GREETING);
        w.feed("A1 BAD what\r\n");
        assertThat(w.feed("A2 NO no TLS here\r\n")).isEqualTo("A3 LOGOUT\r\n");
        assertThat(w.reason()).isEqualTo(Failure.Reason.STARTTLS_REFUSED);
        assertThat(w.allSent()).isEqualTo("A1 CAPABILITY\r\nA2 STARTTLS\r\nA3 LOGOUT\r\n");
    }

    @Test
    void badToCapabilityThenNoToStartTlsFallsBackUnderOpportunistic() {
        Wire w = imapClient(client(TlsPolicy.OPPORTUNISTIC));
        w.feed(GREETING);
        w.feed("A1 BAD what\r\n");
        assertThat(w.feed("A2 NO no TLS here\r\n")).isEmpty();
        assertThat(((Outcome.Plaintext) w.outcome()).session().fallbackCause().map(Failure::reason))
                .contains(Failure.Reason.STARTTLS_REFUSED);
    }

    @Test
    void capabilityCodeOnTheTaggedOkIsUsedWhenNoUntaggedListCame() {
        Wire w = imapClient(client(TlsPolicy.OPPORTUNISTIC));
        w.feed(GREETING);
        assertThat(w.feed("A1 OK [CAPABILITY IMAP4rev1 STARTTLS] done\r\n")).isEqualTo("A2 STARTTLS\r\n");
    }

    // ---- only the outstanding tag completes a command ----

    @Test
    void onlyTheTaggedOkForTheStartTlsTagIsTheGoAhead() {
        Wire w = imapClient(client(TlsPolicy.REQUIRED));
        w.feed(GREETING);
        w.feed(CAPS_WITH_STARTTLS);
        assertThat(w.feed("* OK Begin TLS negotiation now\r\n")).isEmpty();
        assertThat(w.state()).isEqualTo("AwaitingStartTlsReply");
        assertThat(w.feed("A2 OK Begin TLS negotiation now\r\n").charAt(0)).isEqualTo((char) HANDSHAKE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"A1 OK Begin TLS", "A3 OK Begin TLS", "a2 OK Begin TLS", "X OK Begin TLS"})
    void aTaggedResponseForAnotherTagIsUnexpected(String response) {
        Wire w = imapClient(client(TlsPolicy.REQUIRED));
        w.feed(GREETING);
        w.feed(CAPS_WITH_STARTTLS);
        assertThat(w.feed(response + "\r\n")).isEmpty();
        assertThat(w.reason()).isEqualTo(Failure.Reason.UNEXPECTED_REPLY);
        assertThat(w.events()).noneMatch(e -> e instanceof Event.StartTlsAccepted);
    }

    @Test
    void aTaggedResponseForATagNeverSentIsUnexpectedWhileAskingCapabilities() {
        Wire w = imapClient(client(TlsPolicy.OPPORTUNISTIC));
        w.feed(GREETING);
        assertThat(w.feed("A7 OK done\r\n")).isEmpty();
        assertThat(w.reason()).isEqualTo(Failure.Reason.UNEXPECTED_REPLY);
    }

    @ParameterizedTest
    @ValueSource(strings = {"+", "+ send the literal", "+ "})
    void aContinuationRequestWhileACommandIsPendingIsUnexpected(String continuation) {
        Wire w = imapClient(client(TlsPolicy.REQUIRED));
        w.feed(GREETING);
        assertThat(w.feed(continuation + "\r\n")).isEmpty();
        assertThat(w.reason()).isEqualTo(Failure.Reason.UNEXPECTED_REPLY);
    }

    @Test
    void aTaggedResponseWhenIdleIsUnexpectedAndAnsweredWithLogout() {
        Wire w = imapClient(client(TlsPolicy.OPPORTUNISTIC));
        w.feed(GREETING);
        assertThat(w.feed("* CAPABILITY IMAP4rev1\r\nA1 OK done\r\nA7 OK stray\r\n")).isEqualTo("A2 LOGOUT\r\n");
        assertThat(w.reason()).isEqualTo(Failure.Reason.UNEXPECTED_REPLY);
    }

    // ---- untagged responses ----

    @Test
    void untaggedResponsesInterleavedBeforeTheTaggedOneAreIgnored() {
        Wire w = imapClient(client(TlsPolicy.REQUIRED));
        w.feed(GREETING);
        String noise = "* 3 EXISTS\r\n* 0 RECENT\r\n* 1 FETCH (FLAGS (\\Seen))\r\n* LIST () \"/\" INBOX\r\n"
                + "* OK [ALERT] System shutdown in 10 minutes\r\n* NO disk almost full\r\n* BAD stray\r\n"
                + "* OK [UNSEEN 12] hi\r\n";
        assertThat(w.feed(noise + "* CAPABILITY IMAP4rev1 STARTTLS\r\n" + noise + "A1 OK done\r\n")).isEqualTo("A2 STARTTLS\r\n");
        assertThat(w.events()).contains(new Event.CapabilitiesReceived(caps("IMAP4rev1", "STARTTLS"), false));
        assertThat(w.feed(noise + "A2 OK go\r\n").charAt(0)).isEqualTo((char) HANDSHAKE);
    }

    @Test
    void theLastUntaggedCapabilityWins() {
        Wire w = imapClient(client(TlsPolicy.PLAINTEXT_ONLY));
        w.feed(GREETING);
        w.feed("* CAPABILITY IMAP4rev1\r\n* CAPABILITY IMAP4rev1 IDLE\r\nA1 OK done\r\n");
        assertThat(((Outcome.Plaintext) w.outcome()).session().capabilities()).isEqualTo(caps("IMAP4rev1", "IDLE"));
    }

    @Test
    void byeWhileAwaitingCapabilitiesIsServiceClosing() {
        Wire w = imapClient(client(TlsPolicy.REQUIRED));
        w.feed(GREETING);
        assertThat(w.feed("* BYE shutting down\r\n")).isEmpty();
        assertThat(w.reason()).isEqualTo(Failure.Reason.SERVICE_CLOSING);
        assertThat(w.allSent()).isEqualTo("A1 CAPABILITY\r\n");
    }

    @Test
    void byeWhileAwaitingTheStartTlsAnswerIsServiceClosing() {
        Wire w = imapClient(client(TlsPolicy.OPPORTUNISTIC));
        w.feed(GREETING);
        w.feed(CAPS_WITH_STARTTLS);
        assertThat(w.feed("* BYE autologout\r\nA2 OK Begin TLS\r\n")).isEmpty();
        assertThat(w.reason()).isEqualTo(Failure.Reason.SERVICE_CLOSING);
        assertThat(w.events()).noneMatch(e -> e instanceof Event.StartTlsAccepted);
    }

    // ---- plaintext injection ----

    @Test
    void bytesAfterTheStartTlsGoAheadInTheSameReadAreInjection() {
        Wire w = imapClient(client(TlsPolicy.REQUIRED));
        w.feed(GREETING);
        w.feed(CAPS_WITH_STARTTLS);
        assertThat(w.feed("A2 OK Begin TLS negotiation now\r\n* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n")).isEmpty();
        assertThat(w.reason()).isEqualTo(Failure.Reason.PLAINTEXT_INJECTION);
        assertThat(w.allSent()).isEqualTo("A1 CAPABILITY\r\nA2 STARTTLS\r\n");
    }

    @Test
    void evenOneByteAfterTheGoAheadIsInjection() {
        Wire w = imapClient(client(TlsPolicy.OPPORTUNISTIC));
        w.feed(GREETING);
        w.feed(CAPS_WITH_STARTTLS);
        assertThat(w.feed("A2 OK go\r\nx")).isEmpty();
        assertThat(w.reason()).isEqualTo(Failure.Reason.PLAINTEXT_INJECTION);
    }

    // ---- bounds ----

    @Test
    void aLineLongerThanTheBoundFails() {
        Wire w = imapClient(client(TlsPolicy.REQUIRED));
        assertThat(w.feed("* OK " + "x".repeat(1000))).isEmpty();
        assertThat(w.reason()).isEqualTo(Failure.Reason.LINE_TOO_LONG);
    }

    @Test
    void aLineJustWithinTheBoundIsAccepted() {
        Wire w = imapClient(client(TlsPolicy.REQUIRED));
        assertThat(w.feed("* OK " + "x".repeat(1000 - 7) + "\r\n")).isEqualTo("A1 CAPABILITY\r\n");
    }

    @Test
    void tooMuchPlaintextFails() {
        Wire w = imapClient(client(TlsPolicy.REQUIRED).toBuilder().limits(Limits.DEFAULT.withMaxPlaintextBytes(4096)).build());
        w.feed(GREETING);
        String exists = "* 1 EXISTS\r\n";
        for (int sent = GREETING.length(); sent + exists.length() <= 4096; sent += exists.length()) {
            assertThat(w.feed(exists)).isEmpty();
            assertThat(w.finished()).isFalse();
        }
        w.feed(exists);
        assertThat(w.reason()).isEqualTo(Failure.Reason.TOO_MUCH_PLAINTEXT);
    }

    // ---- garbage, early close, silence ----

    @ParameterizedTest(name = "[{index}]")
    @ValueSource(strings = {"\u0000\u0001\u0002", "* OK hi\n", "* OK hi\rmore\r\n", "GET / HTTP/1.1\r\n", "\r\n"})
    void garbageIsMalformed(String garbage) {
        Wire w = imapClient(client(TlsPolicy.REQUIRED));
        assertThat(w.feed(garbage)).isEmpty();
        assertThat(w.reason()).isEqualTo(Failure.Reason.MALFORMED_REPLY);
    }

    @Test
    void earlyCloseIsPeerClosed() {
        Wire w = imapClient(client(TlsPolicy.REQUIRED));
        w.feed(GREETING);
        w.feed("* CAPABILITY IMAP4rev1 STARTTLS\r\n");
        assertThat(w.endOfStream()).isEmpty();
        assertThat(w.reason()).isEqualTo(Failure.Reason.PEER_CLOSED);
    }

    @Test
    void silenceTimesOutAtTheDeadline() {
        Wire w = imapClient(client(TlsPolicy.REQUIRED).toBuilder().timeouts(Timeouts.of(Duration.ofSeconds(30))).build());
        assertThat(w.negotiation().deadline()).contains(Wire.T0.plusSeconds(30));
        assertThat(w.tick(Duration.ofSeconds(29))).isEmpty();
        assertThat(w.finished()).isFalse();
        assertThat(w.tick(Duration.ofSeconds(30))).isEmpty();
        assertThat(w.reason()).isEqualTo(Failure.Reason.TIMEOUT);
    }

    // ---- pre-TLS response codes are never trusted, referrals never followed ----

    @Test
    void alertsAndReferralsBeforeTlsAreOnlyInThePlaintextTranscript() {
        Wire w = imapClient(client(TlsPolicy.OPPORTUNISTIC));
        w.feed("* OK [REFERRAL imap://evil.example.test/] go there\r\n");
        w.feed("* OK [ALERT] Your password expired, type it here\r\n* CAPABILITY IMAP4rev1 STARTTLS\r\nA1 OK done\r\n");
        w.feed("A2 NO [REFERRAL imap://evil.example.test/] use the other server\r\n");
        PlaintextSession session = ((Outcome.Plaintext) w.outcome()).session();
        assertThat(session.fallbackCause().map(Failure::reason)).contains(Failure.Reason.STARTTLS_REFUSED);
        assertThat(w.allSent()).isEqualTo("A1 CAPABILITY\r\nA2 STARTTLS\r\n");
        // Everything the server said is either a plaintext transcript line or the (untrusted) greeting.
        for (Event e : w.events()) {
            if (e instanceof Event.Line line) {
                assertThat(line.encrypted()).isFalse();
            } else if (e instanceof Event.GreetingReceived greeting) {
                assertThat(greeting.encrypted()).isFalse();
            } else {
                assertThat(e).isInstanceOfAny(Event.CapabilitiesReceived.class, Event.FellBackToPlaintext.class,
                        Event.HandedOverInPlaintext.class);
            }
        }
    }

    static Capabilities caps(String... names) {
        return ImapSyntax.capabilities(String.join(" ", names)).orElseThrow();
    }
}
