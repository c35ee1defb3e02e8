package org.starttls4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.starttls4j.testing.Loopback;
import org.starttls4j.testing.TestPki;
import org.starttls4j.testing.TestPki.KeyType;
import org.starttls4j.testing.TransportLoopback;

/**
 * {@link ClientFlow}'s own rules, driven through {@link Negotiation#client} with the fake dialog of
 * {@link Toy}: the guard against a go-ahead nobody asked for, lockstep, the policy's decisions,
 * injection after the go-ahead, bounds, time, and the capabilities handed over after TLS.
 */
class ClientFlowTest {

    static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
    static final String HOST = "mail.example.test";

    final List<String> log = new ArrayList<>();

    static ClientConfig.Builder config(TlsPolicy policy) {
        return ClientConfig.builder(HOST).policy(policy).trustAnchors(List.of(TestPki.ca(KeyType.EC_P256)));
    }

    static ServerConfig.Builder server(TlsPolicy policy) {
        return ServerConfig.builder().hostname(HOST).policy(policy)
                .sslContext(TestPki.server(KeyType.EC_P256, HOST).serverContext())
                .capabilitiesBeforeTls(Toy.caps("X-BEFORE"));
    }

    /** Drives one client negotiation, keeping what it sent and reported. */
    final class Run {
        Transition last;
        final StringBuilder sent = new StringBuilder();
        final List<Event> events = new ArrayList<>();

        Run(ClientConfig config) {
            take(Negotiation.client(config, Toy.client(log)).begin(NOW));
        }

        Run receive(String text) {
            return take(last.next().onReceived(ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1)), NOW));
        }

        Run take(Transition t) {
            last = t;
            sent.append(new String(t.outboundBytes(), StandardCharsets.ISO_8859_1));
            events.addAll(t.events());
            return this;
        }

        Outcome outcome() {
            return last.outcome().orElseThrow(() -> new AssertionError("not finished: " + last));
        }

        Failure failure() {
            assertThat(outcome()).isInstanceOf(Outcome.Failed.class);
            return ((Outcome.Failed) outcome()).failure();
        }

        PlaintextSession plaintext() {
            assertThat(outcome()).isInstanceOf(Outcome.Plaintext.class);
            return ((Outcome.Plaintext) outcome()).session();
        }

        <E extends Event> List<E> events(Class<E> type) {
            return events.stream().filter(type::isInstance).map(type::cast).toList();
        }
    }

    Run upToCaps(TlsPolicy policy) {
        return new Run(config(policy).build()).receive(Toy.GREETING);
    }

    // ---------------------------------------------------------------- the unasked-for go-ahead

    @Test
    void aGoAheadInsideTlsIsRefusedAndNoSecondHandshakeStarts() {
        Loopback.Result r = Loopback.run(Negotiation.client(config(TlsPolicy.REQUIRED).build(), Toy.client(log)),
                Negotiation.server(server(TlsPolicy.REQUIRED).build(), Toy.server(server(TlsPolicy.REQUIRED).build())), NOW,
                line -> line.equals("CAPS") ? "+GO\r\n" : null);

        Failure failure = ((Outcome.Failed) r.clientOutcome()).failure();
        assertThat(failure.reason()).isEqualTo(Failure.Reason.UNEXPECTED_REPLY);
        assertThat(failure.message()).contains("nobody asked for");
        assertThat(r.clientEvents()).filteredOn(e -> e instanceof Event.StartTlsAccepted).hasSize(1);
        assertThat(r.clientEvents()).filteredOn(e -> e instanceof Event.TlsEstablished).hasSize(1);
        assertThat(log).contains("AwaitingCaps: +GO");
    }

    @Test
    void aGoAheadReadByAnIdleDialogIsRefused() {
        Run c = upToCaps(TlsPolicy.REQUIRED).receive("+CAPS STARTTLS\r\n+GO\r\n");

        assertThat(c.failure().reason()).isEqualTo(Failure.Reason.UNEXPECTED_REPLY);
        assertThat(c.events(Event.StartTlsAccepted.class)).isEmpty();
        assertThat(c.sent.toString()).isEqualTo("CAPS\r\n" + Toy.FAREWELL);
        assertThat(c.last.next().state()).isEqualTo("Failed");
    }

    @ParameterizedTest
    @EnumSource(value = TlsPolicy.class, names = {"REQUIRED", "OPPORTUNISTIC", "PLAINTEXT_ONLY"})
    void aGoAheadInPlaintextBeforeStartTlsWasAskedForIsRefused(TlsPolicy policy) {
        // The dialog (a plug-in's, here the toy's) turns the answer to CAPS into a go-ahead: the
        // flow never asked for STARTTLS, so no handshake may start, whatever the policy.
        Run c = upToCaps(policy).receive("+GO\r\n");

        assertThat(c.failure().reason()).isEqualTo(Failure.Reason.UNEXPECTED_REPLY);
        assertThat(c.failure().message()).contains("nobody asked for");
        assertThat(c.events(Event.StartTlsAccepted.class)).isEmpty();
        assertThat(c.sent.toString()).doesNotContain("STARTTLS");
        assertThat(log).doesNotContain("requestStartTls in AwaitingCaps");
    }

    @Test
    void aGoAheadAsTheGreetingOfImplicitTlsIsRefused() {
        ServerConfig server = server(TlsPolicy.IMPLICIT).build();

        Loopback.Result r = Loopback.run(Negotiation.client(config(TlsPolicy.IMPLICIT).build(), Toy.client(log)),
                Negotiation.server(server, Toy.server(server, "+GO\r\n")), NOW);

        assertThat(((Outcome.Failed) r.clientOutcome()).failure().message()).contains("nobody asked for");
        assertThat(r.clientEvents()).filteredOn(e -> e instanceof Event.TlsEstablished).hasSize(1);
    }

    // ---------------------------------------------------------------- lockstep

    @Test
    void aLineInTheReadThatMadeTheDialogSendACommandIsNeverTakenAsTheAnswer() {
        Run c = new Run(config(TlsPolicy.REQUIRED).build()).receive(Toy.GREETING + "+CAPS STARTTLS\r\n");

        assertThat(c.failure().reason()).isEqualTo(Failure.Reason.UNEXPECTED_REPLY);
        assertThat(log).containsExactly("start(false)", "AwaitingGreeting: +HI toy",
                "AwaitingCaps (before our command was seen): +CAPS STARTTLS");
        assertThat(c.sent.toString()).isEqualTo("CAPS\r\n");
    }

    @Test
    void theSameLinesInSeparateReadsAreAnswers() {
        Run c = upToCaps(TlsPolicy.REQUIRED).receive("+CAPS STARTTLS\r\n");

        assertThat(c.last.isFinished()).isFalse();
        assertThat(c.sent.toString()).isEqualTo("CAPS\r\nSTARTTLS\r\n");
        assertThat(log).contains("AwaitingCaps: +CAPS STARTTLS", "requestStartTls in Idle");
        assertThat(c.last.next().state()).isEqualTo("AwaitingGoAhead");
    }

    @Test
    void unsolicitedDataAnIdleDialogAcceptsIsReadThenThePolicyDecides() {
        Run c = upToCaps(TlsPolicy.REQUIRED).receive("+CAPS STARTTLS\r\n* news\r\n");

        assertThat(c.last.isFinished()).isFalse();
        assertThat(c.sent.toString()).isEqualTo("CAPS\r\nSTARTTLS\r\n");
        assertThat(log).contains("Idle: * news");
    }

    @Test
    void anIdleDialogMayNotAnswerUnsolicitedData() {
        Run c = upToCaps(TlsPolicy.REQUIRED).receive("+CAPS STARTTLS\r\n!ping\r\n");

        assertThat(c.failure().reason()).isEqualTo(Failure.Reason.UNEXPECTED_REPLY);
        assertThat(c.failure().message()).contains("tried to answer");
        assertThat(c.sent.toString()).isEqualTo("CAPS\r\n" + Toy.FAREWELL);
    }

    @Test
    void aPartialLineWhenNoCommandIsOutstandingFails() {
        Run c = upToCaps(TlsPolicy.REQUIRED).receive("+CAPS STARTTLS\r\n+G");

        assertThat(c.failure().reason()).isEqualTo(Failure.Reason.UNEXPECTED_REPLY);
        assertThat(c.failure().peerReply()).contains("+G");
        assertThat(c.sent.toString()).isEqualTo("CAPS\r\n" + Toy.FAREWELL);
    }

    // ---------------------------------------------------------------- policy

    @Test
    void requiredWithoutStartTlsFailsAndSaysFarewell() {
        Run c = upToCaps(TlsPolicy.REQUIRED).receive("+CAPS A B\r\n");

        assertThat(c.failure().reason()).isEqualTo(Failure.Reason.STARTTLS_NOT_OFFERED);
        assertThat(c.sent.toString()).isEqualTo("CAPS\r\n" + Toy.FAREWELL);
        assertThat(c.events(Event.HandedOverInPlaintext.class)).isEmpty();
    }

    @Test
    void opportunisticWithoutStartTlsFallsBackToPlaintextAndSaysWhy() {
        Run c = upToCaps(TlsPolicy.OPPORTUNISTIC).receive("+CAPS A B\r\n");

        PlaintextSession session = c.plaintext();
        assertThat(session.capabilities()).isEqualTo(Toy.caps("A B"));
        assertThat(session.fallbackCause()).hasValueSatisfying(f -> assertThat(f.reason()).isEqualTo(Failure.Reason.STARTTLS_NOT_OFFERED));
        assertThat(c.events(Event.FellBackToPlaintext.class)).singleElement()
                .satisfies(e -> assertThat(e.cause().reason()).isEqualTo(Failure.Reason.STARTTLS_NOT_OFFERED));
        assertThat(c.sent.toString()).isEqualTo("CAPS\r\n");
        assertThat(c.last.next().state()).isEqualTo("Plaintext");
    }

    @Test
    void plaintextOnlyNeverAsksForStartTlsEvenWhenOffered() {
        Run c = upToCaps(TlsPolicy.PLAINTEXT_ONLY).receive("+CAPS STARTTLS A\r\n");

        PlaintextSession session = c.plaintext();
        assertThat(session.fallbackCause()).isEmpty();
        assertThat(session.capabilities().has("A")).isTrue();
        assertThat(c.events(Event.FellBackToPlaintext.class)).isEmpty();
        assertThat(c.sent.toString()).isEqualTo("CAPS\r\n");
    }

    @Test
    void aRefusalFailsUnderRequiredAndFallsBackUnderOpportunistic() {
        Run required = upToCaps(TlsPolicy.REQUIRED).receive("+CAPS STARTTLS\r\n").receive("-NO\r\n");
        Run opportunistic = upToCaps(TlsPolicy.OPPORTUNISTIC).receive("+CAPS STARTTLS\r\n").receive("-NO\r\n");

        assertThat(required.failure().reason()).isEqualTo(Failure.Reason.STARTTLS_REFUSED);
        assertThat(required.sent.toString()).endsWith("STARTTLS\r\n" + Toy.FAREWELL);
        assertThat(opportunistic.plaintext().fallbackCause()).hasValueSatisfying(f -> assertThat(f.reason()).isEqualTo(Failure.Reason.STARTTLS_REFUSED));
        assertThat(opportunistic.sent.toString()).endsWith("STARTTLS\r\n");
    }

    @Test
    void noTlsUnderPlaintextOnlyHandsOverWithoutACause() {
        Run c = upToCaps(TlsPolicy.PLAINTEXT_ONLY).receive("-ERR\r\n");

        assertThat(c.plaintext().fallbackCause()).isEmpty();
        assertThat(c.plaintext().capabilities()).isEqualTo(Toy.caps("X-PLAIN"));
        assertThat(c.events(Event.FellBackToPlaintext.class)).isEmpty();
    }

    @Test
    void anUnknownOfferIsTriedUnderRequired() {
        Run c = upToCaps(TlsPolicy.REQUIRED).receive("+CAPS ?\r\n");

        assertThat(c.last.isFinished()).isFalse();
        assertThat(c.sent.toString()).isEqualTo("CAPS\r\nSTARTTLS\r\n");
    }

    // ---------------------------------------------------------------- injection after the go-ahead

    @Test
    void aLineAfterTheGoAheadIsInjectionAndNoHandshakeStarts() {
        Run c = upToCaps(TlsPolicy.REQUIRED).receive("+CAPS STARTTLS\r\n").receive("+GO\r\n+CAPS EVIL\r\n");

        assertThat(c.failure().reason()).isEqualTo(Failure.Reason.PLAINTEXT_INJECTION);
        assertThat(c.failure().peerReply()).contains("+CAPS EVIL\\x0d\\x0a");
        assertThat(c.last.outboundBytes()).as("no ClientHello, no farewell").isEmpty();
        assertThat(c.events(Event.StartTlsAccepted.class)).isEmpty();
        assertThat(log).doesNotContain("AfterGoAhead: +CAPS EVIL");
    }

    @Test
    void evenOneByteAfterTheGoAheadIsInjection() {
        Run c = upToCaps(TlsPolicy.OPPORTUNISTIC).receive("+CAPS STARTTLS\r\n").receive("+GO\r\n\u0016");

        assertThat(c.failure().reason()).isEqualTo(Failure.Reason.PLAINTEXT_INJECTION);
        assertThat(c.failure().message()).startsWith("1 plaintext bytes");
    }

    // ---------------------------------------------------------------- capabilities after TLS

    @Test
    void theSessionCarriesTheCapabilitiesLearnedInsideTlsNeverThoseFromBefore() {
        ServerConfig server = server(TlsPolicy.REQUIRED).build();

        Loopback.Result r = Loopback.run(Negotiation.client(config(TlsPolicy.REQUIRED).build(), Toy.client(log)),
                Negotiation.server(server, Toy.server(server)), NOW, Toy.appAnnouncing("X-AFTER"));

        assertThat(r.clientSession().capabilities()).isEqualTo(Toy.caps("X-AFTER"));
        assertThat(r.clientEvents()).contains(new Event.GreetingReceived("+HI toy", false), new Event.Secured(r.clientSession()));
        assertThat(r.clientEvents()).filteredOn(e -> e instanceof Event.CapabilitiesReceived).containsExactly(
                new Event.CapabilitiesReceived(Toy.caps("X-BEFORE STARTTLS"), false),
                new Event.CapabilitiesReceived(Toy.caps("X-AFTER"), true));
        assertThat(log).contains("restartAfterTls in AfterGoAhead", "AwaitingCaps: +CAPS X-AFTER");
    }

    // ---------------------------------------------------------------- the TLS step owned by the transport

    @Test
    void overTheTransportsTlsTheFlowAsksForCapabilitiesAgainAndReportsOnlyThoseFromInsideTls() {
        ServerConfig server = server(TlsPolicy.REQUIRED).build();

        TransportLoopback.Result r = TransportLoopback.run(Negotiation.client(config(TlsPolicy.REQUIRED).build(), Toy.client(log))
                .withTransportTls(), null, Negotiation.server(server, Toy.server(server)).withTransportTls(), null, NOW,
                Toy.appAnnouncing("X-AFTER"));

        SecureSession session = ((Outcome.Secured) r.clientOutcome()).session();
        assertThat(session.capabilities()).isEqualTo(Toy.caps("X-AFTER"));
        assertThat(session.ownsRecordLayer()).isFalse();
        assertThat(r.clientEvents()).filteredOn(e -> e instanceof Event.CapabilitiesReceived).containsExactly(
                new Event.CapabilitiesReceived(Toy.caps("X-BEFORE STARTTLS"), false),
                new Event.CapabilitiesReceived(Toy.caps("X-AFTER"), true));
        assertThat(log).contains("restartAfterTls in AfterGoAhead", "AwaitingCaps: +CAPS X-AFTER");
        assertThat(r.appReceived()).isEqualTo("CAPS\r\n");
    }

    @Test
    void theFlowAwaitsTheTransportOnlyAfterTheGoAheadItAskedFor() {
        Run c = upToCaps(TlsPolicy.REQUIRED);
        Negotiation seam = Negotiation.client(config(TlsPolicy.REQUIRED).build(), Toy.client(log)).withTransportTls();

        Transition caps = seam.begin(NOW).next().onReceived(ascii(Toy.GREETING), NOW);
        Transition unasked = caps.next().onReceived(ascii("+GO\r\n"), NOW);
        Transition asked = caps.next().onReceived(ascii("+CAPS STARTTLS\r\n"), NOW).next().onReceived(ascii("+GO\r\n"), NOW);

        assertThat(c.last.next().transportTls()).isEmpty();
        assertThat(((Outcome.Failed) unasked.outcome().orElseThrow()).failure().reason()).isEqualTo(Failure.Reason.UNEXPECTED_REPLY);
        assertThat(unasked.next().transportTls()).isEmpty();
        assertThat(asked.next().state()).isEqualTo("AwaitingTransportTls");
        assertThat(asked.next().transportTls()).isPresent();
        assertThat(asked.events()).contains(new Event.StartTlsAccepted());
    }

    @Test
    void aGoAheadInsideTheTransportsTlsIsRefused() {
        ServerConfig server = server(TlsPolicy.REQUIRED).build();

        TransportLoopback.Result r = TransportLoopback.run(Negotiation.client(config(TlsPolicy.REQUIRED).build(), Toy.client(log))
                .withTransportTls(), null, Negotiation.server(server, Toy.server(server)).withTransportTls(), null, NOW,
                line -> line.equals("CAPS") ? "+GO\r\n" : null);

        Failure failure = ((Outcome.Failed) r.clientOutcome()).failure();
        assertThat(failure.reason()).isEqualTo(Failure.Reason.UNEXPECTED_REPLY);
        assertThat(failure.message()).contains("nobody asked for");
        assertThat(r.clientEvents()).filteredOn(e -> e instanceof Event.StartTlsAccepted).hasSize(1);
    }

    // ---------------------------------------------------------------- bounds, time, the end of the stream

    @Test
    void boundsOnLinesAndPlaintextAreFailures() {
        Run tooLong = new Run(config(TlsPolicy.REQUIRED).limits(Limits.DEFAULT.withMaxLineLength(20)).build())
                .receive("+HI " + "x".repeat(20) + "\r\n");
        Run tooMuch = new Run(config(TlsPolicy.REQUIRED).limits(Limits.DEFAULT.withMaxLineLength(50).withMaxPlaintextBytes(100)).build())
                .receive(Toy.GREETING).receive("+CAPS " + "x".repeat(40)).receive("y".repeat(100 - 46 - Toy.GREETING.length() + 1));
        Run bareLf = new Run(config(TlsPolicy.REQUIRED).build()).receive("+HI toy\n");

        assertThat(tooLong.failure().reason()).isEqualTo(Failure.Reason.LINE_TOO_LONG);
        assertThat(tooMuch.failure().reason()).isEqualTo(Failure.Reason.TOO_MUCH_PLAINTEXT);
        assertThat(bareLf.failure().reason()).isEqualTo(Failure.Reason.MALFORMED_REPLY);
        assertThat(bareLf.failure().message()).contains("bare LF");
    }

    @Test
    void exactlyTheLimitOfPlaintextIsStillRead() {
        Run c = new Run(config(TlsPolicy.REQUIRED).limits(Limits.DEFAULT.withMaxLineLength(16).withMaxPlaintextBytes(Toy.GREETING.length() + 16)).build())
                .receive(Toy.GREETING).receive("+CAPS STARTTLS\r\n");

        assertThat(c.last.isFinished()).isFalse();
        assertThat(c.sent.toString()).endsWith("STARTTLS\r\n");
    }

    @Test
    void theDeadlineFailsAWaitingNegotiationAndNotBefore() {
        Run c = new Run(config(TlsPolicy.REQUIRED).timeouts(Timeouts.of(Duration.ofSeconds(30))).build());
        Instant deadline = c.last.next().deadline().orElseThrow();

        assertThat(deadline).isEqualTo(NOW.plusSeconds(30));
        Transition early = c.last.next().onTick(deadline.minusMillis(1));
        assertThat(early.isFinished()).isFalse();
        Transition late = early.next().onTick(deadline);
        assertThat(((Outcome.Failed) late.outcome().orElseThrow()).failure().reason()).isEqualTo(Failure.Reason.TIMEOUT);
        assertThat(late.next().deadline()).isEmpty();
    }

    @Test
    void theEndOfTheStreamIsPeerClosedInEveryState() {
        Run c = upToCaps(TlsPolicy.REQUIRED);

        Transition end = c.last.next().onEndOfStream(NOW);

        Failure failure = ((Outcome.Failed) end.outcome().orElseThrow()).failure();
        assertThat(failure.reason()).isEqualTo(Failure.Reason.PEER_CLOSED);
        assertThat(failure.message()).contains("AwaitingCaps");
    }

    @Test
    void misuseThrows() {
        Negotiation unstarted = Negotiation.client(config(TlsPolicy.REQUIRED).build(), Toy.client(log));
        Run c = upToCaps(TlsPolicy.REQUIRED);

        assertThat(unstarted.state()).isEqualTo("Unstarted");
        assertThat(unstarted.deadline()).isEmpty();
        assertThatThrownBy(() -> unstarted.onReceived(ByteBuffer.allocate(1), NOW)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> c.last.next().onTasksCompleted(NOW)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> c.last.next().begin(NOW)).isInstanceOf(IllegalStateException.class);
    }

    /** A toy client whose transport owns TLS, trusting the test CA, for {@code server}'s tests. */
    static Negotiation client(ServerConfig server) {
        return Negotiation.client(config(server.policy()).build(), Toy.client(new ArrayList<>())).withTransportTls();
    }

    static ByteBuffer ascii(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1));
    }
}
