package org.starttls4j.pop3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.starttls4j.pop3.Fixtures.T0;
import static org.starttls4j.pop3.Fixtures.bytes;
import static org.starttls4j.pop3.Fixtures.caps;

import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.starttls4j.Capabilities;
import org.starttls4j.Capability;
import org.starttls4j.Event;
import org.starttls4j.Failure;
import org.starttls4j.Limits;
import org.starttls4j.Outcome;
import org.starttls4j.PlaintextSession;
import org.starttls4j.TlsPolicy;
import org.starttls4j.ClientStep;
import org.starttls4j.StartTlsOffer;

class Pop3ClientDialogTest {

    static final String GREETING = "+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>\r\n";
    static final String CAPA_WITH_STLS = "+OK Capability list follows\r\nTOP\r\nUIDL\r\nSASL PLAIN\r\nSTLS\r\n.\r\n";
    static final String CAPA_WITHOUT_STLS = "+OK Capability list follows\r\nTOP\r\nUIDL\r\nUSER\r\n.\r\n";
    static final Capabilities WITH_STLS = caps("TOP", "UIDL", "SASL PLAIN", "STLS");
    static final Capabilities WITHOUT_STLS = caps("TOP", "UIDL", "USER");

    private static Script client(TlsPolicy policy) {
        return Script.begin(Pop3.client(Fixtures.client(policy)));
    }

    private static Script client(Limits limits) {
        return Script.begin(Pop3.client(Fixtures.client(TlsPolicy.REQUIRED, limits)));
    }

    private static PlaintextSession plaintext(Script s) {
        assertThat(s.outcome()).isInstanceOf(Outcome.Plaintext.class);
        return ((Outcome.Plaintext) s.outcome()).session();
    }

    @Nested
    class Greeting {

        @Test
        void aPositiveGreetingIsAnsweredWithCapa() {
            Script s = client(TlsPolicy.REQUIRED);
            assertThat(s.lastSent()).isEmpty();
            assertThat(s.negotiation().state()).isEqualTo("AwaitingGreeting");
            s.receive(GREETING);
            assertThat(s.lastSent()).isEqualTo(bytes("CAPA\r\n"));
            assertThat(s.negotiation().state()).isEqualTo("AwaitingCapaReply");
            assertThat(s.events(Event.GreetingReceived.class))
                    .containsExactly(new Event.GreetingReceived("POP3 server ready <1896.697170952@dbc.mtview.ca.us>", false));
        }

        @ParameterizedTest
        @EnumSource(value = TlsPolicy.class, names = {"PLAINTEXT_ONLY", "OPPORTUNISTIC", "REQUIRED"})
        void aNegativeGreetingIsFatalInEveryPolicy(TlsPolicy policy) {
            Script s = client(policy).receive("-ERR too many connections\r\n");
            assertThat(s.reason()).isEqualTo(Failure.Reason.GREETING_REJECTED);
            assertThat(s.failure().peerReply()).contains("-ERR too many connections");
            assertThat(s.sent()).isEqualTo("QUIT\r\n");
        }

        @ParameterizedTest
        @ValueSource(strings = {"* OK IMAP4rev1 ready\r\n", "220 mail.example.test ESMTP\r\n", "+ok lower case\r\n", "\r\n"})
        void anythingElseIsMalformed(String greeting) {
            Script s = client(TlsPolicy.OPPORTUNISTIC).receive(greeting);
            assertThat(s.reason()).isEqualTo(Failure.Reason.MALFORMED_REPLY);
            assertThat(s.sent()).isEmpty();
        }
    }

    @Nested
    class Capa {

        @ParameterizedTest
        @EnumSource(value = TlsPolicy.class, names = {"OPPORTUNISTIC", "REQUIRED"})
        void theListIsParsedAndStlsSentWhenOffered(TlsPolicy policy) {
            Script s = client(policy).receive(GREETING).receive(CAPA_WITH_STLS);
            assertThat(s.lastSent()).isEqualTo(bytes("STLS\r\n"));
            assertThat(s.negotiation().state()).isEqualTo("AwaitingStlsReply");
            assertThat(s.events(Event.CapabilitiesReceived.class)).containsExactly(new Event.CapabilitiesReceived(WITH_STLS, false));
            assertThat(s.events(Event.Line.class)).extracting(l -> l.direction() + " " + l.text()).containsExactly(
                    "RECEIVED +OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>", "SENT CAPA",
                    "RECEIVED +OK Capability list follows", "RECEIVED TOP", "RECEIVED UIDL", "RECEIVED SASL PLAIN",
                    "RECEIVED STLS", "RECEIVED .", "SENT STLS");
            assertThat(s.events(Event.Line.class)).allSatisfy(l -> assertThat(l.encrypted()).isFalse());
        }

        @Test
        void tagsAreComparedWithoutCaseAndKeptAsSent() {
            Script s = client(TlsPolicy.REQUIRED).receive(GREETING).receive("+OK\r\ntop\r\nstls\r\n.\r\n");
            assertThat(s.lastSent()).isEqualTo(bytes("STLS\r\n"));
            assertThat(s.events(Event.CapabilitiesReceived.class).get(0).capabilities()).isEqualTo(caps("top", "stls"));
        }

        @Test
        void listLinesAreUnstuffed() {
            Script s = client(TlsPolicy.OPPORTUNISTIC).receive(GREETING)
                    .receive("+OK\r\n..X-DOTTED arg\r\nTOP\r\n...\r\n.\r\n");
            assertThat(s.events(Event.CapabilitiesReceived.class).get(0).capabilities()).isEqualTo(new Capabilities(List.of(
                    new Capability(".X-DOTTED", List.of("arg")), new Capability("TOP", List.of()), new Capability("..", List.of()))));
            // STLS was not listed (a stuffed line is data, not the terminator): the connection falls back.
            assertThat(plaintext(s).fallbackCause().map(Failure::reason)).contains(Failure.Reason.STARTTLS_NOT_OFFERED);
        }

        @Test
        void aListSplitAcrossReadsIsTheSameList() {
            Script s = client(TlsPolicy.REQUIRED).receive(GREETING).receive("+OK Capa").receive("bility list follows\r\nTO")
                    .receive("P\r\nUIDL\r\nSASL PLAIN\r\nSTLS\r\n.").receive("\r\n");
            assertThat(s.sent()).isEqualTo("CAPA\r\nSTLS\r\n");
            assertThat(s.events(Event.CapabilitiesReceived.class)).containsExactly(new Event.CapabilitiesReceived(WITH_STLS, false));
        }

        @ParameterizedTest
        @EnumSource(value = TlsPolicy.class, names = {"OPPORTUNISTIC", "REQUIRED"})
        void aServerThatAnswersCapaWithErrIsAskedForStlsAnyway(TlsPolicy policy) {
            Script s = client(policy).receive(GREETING).receive("-ERR unknown command\r\n");
            assertThat(s.sent()).isEqualTo("CAPA\r\nSTLS\r\n");
            assertThat(s.events(Event.CapabilitiesReceived.class)).containsExactly(new Event.CapabilitiesReceived(Capabilities.NONE, false));
            s.receive("+OK Begin TLS negotiation\r\n");
            assertThat(s.events(Event.StartTlsAccepted.class)).hasSize(1);
            assertThat(s.lastSent()[0]).as("a TLS handshake record").isEqualTo((byte) 0x16);
        }

        @Test
        void aServerThatAnswersCapaWithErrIsHandedOverUnderPlaintextOnly() {
            Script s = client(TlsPolicy.PLAINTEXT_ONLY).receive(GREETING).receive("-ERR unknown command\r\n");
            assertThat(s.sent()).isEqualTo("CAPA\r\n");
            assertThat(plaintext(s).capabilities()).isEqualTo(Capabilities.NONE);
            assertThat(plaintext(s).fallbackCause()).isEmpty();
        }

        @ParameterizedTest
        @ValueSource(strings = {"HELLO\r\n", "+OKAY\r\n", "250 ok\r\n"})
        void aMalformedStatusLineIsFatal(String reply) {
            Script s = client(TlsPolicy.OPPORTUNISTIC).receive(GREETING).receive(reply);
            assertThat(s.reason()).isEqualTo(Failure.Reason.MALFORMED_REPLY);
            assertThat(s.sent()).isEqualTo("CAPA\r\n");
        }
    }

    @Nested
    class Policies {

        @Test
        void plaintextOnlyNeverSendsStlsEvenWhenOffered() {
            Script s = client(TlsPolicy.PLAINTEXT_ONLY).receive(GREETING).receive(CAPA_WITH_STLS);
            assertThat(s.sent()).isEqualTo("CAPA\r\n");
            assertThat(plaintext(s).capabilities()).isEqualTo(WITH_STLS);
            assertThat(plaintext(s).fallbackCause()).isEmpty();
            assertThat(s.events(Event.FellBackToPlaintext.class)).isEmpty();
        }

        @Test
        void opportunisticFallsBackWhenStlsIsNotOffered() {
            Script s = client(TlsPolicy.OPPORTUNISTIC).receive(GREETING).receive(CAPA_WITHOUT_STLS);
            assertThat(s.sent()).isEqualTo("CAPA\r\n");
            assertThat(plaintext(s).capabilities()).isEqualTo(WITHOUT_STLS);
            assertThat(plaintext(s).fallbackCause().map(Failure::reason)).contains(Failure.Reason.STARTTLS_NOT_OFFERED);
            assertThat(s.events(Event.FellBackToPlaintext.class)).hasSize(1);
        }

        @Test
        void opportunisticFallsBackWhenStlsIsRefused() {
            Script s = client(TlsPolicy.OPPORTUNISTIC).receive(GREETING).receive(CAPA_WITH_STLS)
                    .receive("-ERR TLS temporarily unavailable\r\n");
            assertThat(s.sent()).isEqualTo("CAPA\r\nSTLS\r\n");
            assertThat(plaintext(s).capabilities()).isEqualTo(WITH_STLS);
            Failure cause = plaintext(s).fallbackCause().orElseThrow();
            assertThat(cause.reason()).isEqualTo(Failure.Reason.STARTTLS_REFUSED);
            assertThat(cause.peerReply()).contains("-ERR TLS temporarily unavailable");
            assertThat(cause.tlsRptResultType()).isEqualTo("starttls-not-supported");
        }

        static Stream<Arguments> requiredFailures() {
            return Stream.of(
                    Arguments.of("STLS not offered", List.of(GREETING, CAPA_WITHOUT_STLS),
                            Failure.Reason.STARTTLS_NOT_OFFERED, "CAPA\r\nQUIT\r\n"),
                    Arguments.of("-ERR to STLS", List.of(GREETING, CAPA_WITH_STLS, "-ERR not now\r\n"),
                            Failure.Reason.STARTTLS_REFUSED, "CAPA\r\nSTLS\r\nQUIT\r\n"),
                    Arguments.of("-ERR to CAPA and to STLS", List.of(GREETING, "-ERR what?\r\n", "-ERR what?\r\n"),
                            Failure.Reason.STARTTLS_REFUSED, "CAPA\r\nSTLS\r\nQUIT\r\n"));
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("requiredFailures")
        void requiredFailsAndNeverSendsCredentialsInPlaintext(String name, List<String> server, Failure.Reason reason,
                                                               String transcript) {
            Script s = client(TlsPolicy.REQUIRED);
            server.forEach(s::receive);
            assertThat(s.reason()).isEqualTo(reason);
            assertThat(s.sent()).isEqualTo(transcript);
            assertThat(Fixtures.carriesCredentials(s.sent())).isFalse();
            assertThat(s.events(Event.HandedOverInPlaintext.class)).isEmpty();
        }

        @Test
        void theGoAheadStartsTheHandshakeWithNothingElseInPlaintext() {
            Script s = client(TlsPolicy.REQUIRED).receive(GREETING).receive(CAPA_WITH_STLS).receive("+OK Begin TLS negotiation\r\n");
            byte[] hello = s.lastSent();
            assertThat(hello[0]).as("TLS handshake record").isEqualTo((byte) 0x16);
            assertThat(hello[1]).as("TLS major version").isEqualTo((byte) 0x03);
            assertThat(s.sent()).startsWith("CAPA\r\nSTLS\r\n\u0016");
            assertThat(s.events(Event.StartTlsAccepted.class)).hasSize(1);
            assertThat(s.negotiation().state()).isEqualTo("Handshaking");
        }
    }

    @Nested
    class OutOfTurn {

        @Test
        void plaintextAfterTheGoAheadInTheSameReadIsInjection() {
            Script s = client(TlsPolicy.REQUIRED).receive(GREETING).receive(CAPA_WITH_STLS)
                    .receive("+OK Begin TLS negotiation\r\n-ERR [AUTH] whatever\r\n");
            assertThat(s.reason()).isEqualTo(Failure.Reason.PLAINTEXT_INJECTION);
            assertThat(s.failure().peerReply()).hasValueSatisfying(r -> assertThat(r).startsWith("-ERR [AUTH] whatever"));
            assertThat(s.lastSent()).as("no ClientHello, nothing at all").isEmpty();
            assertThat(s.events(Event.StartTlsAccepted.class)).isEmpty();
        }

        @ParameterizedTest
        @EnumSource(value = TlsPolicy.class, names = {"OPPORTUNISTIC", "REQUIRED"})
        void aGoAheadSentBeforeStlsIsNeverTakenForOne(TlsPolicy policy) {
            Script s = client(policy).receive(GREETING).receive(CAPA_WITH_STLS + "+OK Begin TLS negotiation\r\n");
            assertThat(s.reason()).isEqualTo(Failure.Reason.UNEXPECTED_REPLY);
            assertThat(s.sent()).isEqualTo("CAPA\r\nQUIT\r\n");
        }

        @Test
        void aLineAfterTheListWhileIdleIsUnexpectedEvenInPlaintextOnly() {
            Script s = client(TlsPolicy.PLAINTEXT_ONLY).receive(GREETING).receive(CAPA_WITHOUT_STLS + "+OK\r\n");
            assertThat(s.reason()).isEqualTo(Failure.Reason.UNEXPECTED_REPLY);
            assertThat(s.sent()).isEqualTo("CAPA\r\nQUIT\r\n");
        }

        @Test
        void aSecondResponseToStlsIsUnexpected() {
            Script s = client(TlsPolicy.OPPORTUNISTIC).receive(GREETING).receive(CAPA_WITH_STLS)
                    .receive("-ERR no\r\n+OK just kidding\r\n");
            assertThat(s.reason()).isEqualTo(Failure.Reason.UNEXPECTED_REPLY);
            assertThat(s.events(Event.HandedOverInPlaintext.class)).isEmpty();
        }

        @Test
        void aStatusLineSentWithTheGreetingAnswersNoCommandAndIsUnexpected() {
            // The server sent it before it could have read our CAPA: it cannot be the answer.
            Script s = client(TlsPolicy.REQUIRED).receive(GREETING + "+OK extra\r\n");
            assertThat(s.reason()).isEqualTo(Failure.Reason.UNEXPECTED_REPLY);
            assertThat(s.failure().peerReply()).contains("+OK extra");
            assertThat(s.sent()).isEqualTo("CAPA\r\n");
        }

        @Test
        void anErrSentWithTheGreetingIsNeverTakenForTheCapaAnswer() {
            Script s = client(TlsPolicy.REQUIRED).receive(GREETING + "-ERR injected\r\n");
            assertThat(s.reason()).isEqualTo(Failure.Reason.UNEXPECTED_REPLY);
            assertThat(s.sent()).isEqualTo("CAPA\r\n");
        }
    }

    @Nested
    class Bounds {

        @Test
        void aLongLineIsRefusedBeforeItEnds() {
            Script s = client(Limits.DEFAULT.withMaxLineLength(64)).receive(GREETING)
                    .receive("+OK\r\nX-" + "A".repeat(70));
            assertThat(s.reason()).isEqualTo(Failure.Reason.LINE_TOO_LONG);
        }

        @Test
        void aLineJustWithinTheBoundIsAccepted() {
            String tag = "X-" + "A".repeat(60); // 62 + CRLF = 64
            Script s = client(Limits.DEFAULT.withMaxLineLength(64)).receive(GREETING).receive("+OK\r\n" + tag + "\r\nSTLS\r\n.\r\n");
            assertThat(s.sent()).isEqualTo("CAPA\r\nSTLS\r\n");
            assertThat(s.events(Event.CapabilitiesReceived.class).get(0).capabilities().has(tag)).isTrue();
        }

        @Test
        void aCapaListLongerThanTheBoundIsRefused() {
            Limits limits = Limits.DEFAULT.withMaxLinesPerReply(4);
            Script fits = client(limits).receive(GREETING).receive("+OK\r\nA\r\nB\r\nSTLS\r\n.\r\n");
            assertThat(fits.sent()).isEqualTo("CAPA\r\nSTLS\r\n");
            Script s = client(limits).receive(GREETING).receive("+OK\r\nA\r\nB\r\nC\r\nSTLS\r\n.\r\n");
            assertThat(s.reason()).isEqualTo(Failure.Reason.REPLY_TOO_LONG);
            assertThat(s.sent()).isEqualTo("CAPA\r\n");
        }

        @Test
        void tooMuchPlaintextIsRefused() {
            Limits limits = new Limits(64, 10_000, 300, 0);
            Script s = client(limits).receive(GREETING).receive("+OK\r\n");
            for (int i = 0; i < 40 && !s.finished(); i++) {
                s.receive("X-CAPABILITY-" + i + "\r\n");
            }
            assertThat(s.reason()).isEqualTo(Failure.Reason.TOO_MUCH_PLAINTEXT);
        }
    }

    @Nested
    class Garbage {

        @Test
        void aTlsServerOnThePlaintextPortIsMalformed() {
            Script s = client(TlsPolicy.REQUIRED).receive(new byte[] {0x16, 0x03, 0x03, 0x00, 0x2a, 0x02, 0x00});
            assertThat(s.reason()).isEqualTo(Failure.Reason.MALFORMED_REPLY);
            assertThat(s.sent()).isEmpty();
        }

        @Test
        void aBareLineFeedIsMalformed() {
            Script s = client(TlsPolicy.REQUIRED).receive(GREETING).receive("+OK\nSTLS\r\n.\r\n");
            assertThat(s.reason()).isEqualTo(Failure.Reason.MALFORMED_REPLY);
        }

        @ParameterizedTest
        @ValueSource(strings = {"220 Ready to start TLS\r\n", "OK\r\n", "+OK\tgo\r\n"})
        void aMalformedAnswerToStlsIsFatalEvenUnderOpportunistic(String reply) {
            Script s = client(TlsPolicy.OPPORTUNISTIC).receive(GREETING).receive(CAPA_WITH_STLS).receive(reply);
            assertThat(s.reason()).isEqualTo(Failure.Reason.MALFORMED_REPLY);
            assertThat(s.events(Event.HandedOverInPlaintext.class)).isEmpty();
        }

        @Test
        void anEarlyCloseIsPeerClosedInEveryState() {
            assertThat(client(TlsPolicy.REQUIRED).endOfStream().reason()).isEqualTo(Failure.Reason.PEER_CLOSED);
            assertThat(client(TlsPolicy.REQUIRED).receive(GREETING).receive("+OK\r\nTOP\r\n").endOfStream().reason())
                    .isEqualTo(Failure.Reason.PEER_CLOSED);
            Script s = client(TlsPolicy.REQUIRED).receive(GREETING).receive(CAPA_WITH_STLS).endOfStream();
            assertThat(s.reason()).isEqualTo(Failure.Reason.PEER_CLOSED);
            assertThat(s.lastSent()).isEmpty();
        }

        @Test
        void silenceUntilTheDeadlineIsATimeout() {
            Script s = client(TlsPolicy.REQUIRED).receive(GREETING);
            assertThat(s.negotiation().deadline()).contains(T0.plus(Duration.ofMinutes(5)));
            s.tick(T0.plus(Duration.ofMinutes(5)).minusMillis(1));
            assertThat(s.finished()).isFalse();
            assertThat(s.lastSent()).isEmpty();
            s.tick(T0.plus(Duration.ofMinutes(5)));
            assertThat(s.reason()).isEqualTo(Failure.Reason.TIMEOUT);
            assertThat(s.lastSent()).isEmpty();
        }
    }

    /** The dialog itself, without the negotiation around it. */
    @Nested
    class Dialog {

        private final Pop3ClientDialog fresh = Pop3ClientDialog.create(Limits.DEFAULT);

        private static <T extends ClientStep> T as(Class<T> type, ClientStep step) {
            assertThat(step).isInstanceOf(type);
            return type.cast(step);
        }

        private ClientStep.Ready ready() {
            ClientStep.Await greeted = as(ClientStep.Await.class, as(ClientStep.Await.class, fresh.start(false)).next().onLine("+OK hi"));
            ClientStep step = greeted.next().onLine("+OK");
            for (String line : List.of("TOP", "USER", "STLS", ".")) {
                step = as(ClientStep.Await.class, step).next().onLine(line);
            }
            return as(ClientStep.Ready.class, step);
        }

        @Test
        void quitIsTheFarewellOnlyWhenIdle() {
            assertThat(fresh.farewell()).isEmpty();
            ClientStep.Ready ready = ready();
            assertThat(ready.offer()).isEqualTo(StartTlsOffer.OFFERED);
            assertThat(ready.next().farewell()).isEqualTo("QUIT\r\n");
            ClientStep.Await stls = as(ClientStep.Await.class, ready.next().requestStartTls());
            assertThat(stls.send()).isEqualTo("STLS\r\n");
            assertThat(stls.next().farewell()).isEmpty();
        }

        @Test
        void afterTlsNothingIsKeptAndCapaIsAskedAgain() {
            ClientStep.Ready before = ready();
            assertThat(before.capabilities()).isEqualTo(caps("TOP", "USER", "STLS"));
            ClientStep.GoAhead goAhead = as(ClientStep.GoAhead.class,
                    as(ClientStep.Await.class, before.next().requestStartTls()).next().onLine("+OK"));
            assertThat(goAhead.next().state()).isEqualTo("AwaitingHandshake");
            ClientStep.Await capa = as(ClientStep.Await.class, goAhead.next().restartAfterTls());
            assertThat(capa.send()).isEqualTo("CAPA\r\n");
            ClientStep.Ready after = as(ClientStep.Ready.class, as(ClientStep.Await.class, capa.next().onLine("+OK")).next().onLine("."));
            assertThat(after.capabilities()).isEqualTo(Capabilities.NONE);
            assertThat(after.offer()).isEqualTo(StartTlsOffer.NOT_OFFERED);
            ClientStep.Ready unknown = as(ClientStep.Ready.class, capa.next().onLine("-ERR"));
            assertThat(unknown.capabilities()).isEqualTo(Capabilities.NONE);
            assertThat(unknown.offer()).isEqualTo(StartTlsOffer.UNKNOWN);
        }

        @Test
        void anImplicitTlsGreetingIsMarkedEncrypted() {
            ClientStep.Await greeted = as(ClientStep.Await.class, as(ClientStep.Await.class, fresh.start(true)).next().onLine("+OK <a@b>"));
            assertThat(greeted.events()).containsExactly(new Event.GreetingReceived("<a@b>", true));
            assertThat(greeted.send()).isEqualTo("CAPA\r\n");
        }

        @Test
        void linesWhenNoCommandIsOutstandingAreUnexpected() {
            ClientStep.Ready ready = ready();
            ClientStep.Fail idle = as(ClientStep.Fail.class, ready.next().onLine("+OK"));
            assertThat(idle.failure().reason()).isEqualTo(Failure.Reason.UNEXPECTED_REPLY);
            assertThat(idle.send()).isEqualTo("QUIT\r\n");
            ClientStep.GoAhead goAhead = as(ClientStep.GoAhead.class,
                    as(ClientStep.Await.class, ready.next().requestStartTls()).next().onLine("+OK"));
            assertThat(as(ClientStep.Fail.class, goAhead.next().onLine("+OK")).failure().reason())
                    .isEqualTo(Failure.Reason.UNEXPECTED_REPLY);
        }

        @Test
        void misuseThrows() {
            assertThatThrownBy(fresh::requestStartTls).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(fresh::restartAfterTls).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> ready().next().restartAfterTls()).isInstanceOf(IllegalStateException.class);
        }
    }
}
