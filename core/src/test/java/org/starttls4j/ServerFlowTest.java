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
import org.starttls4j.testing.Loopback;
import org.starttls4j.testing.TestPki;
import org.starttls4j.testing.TestPki.KeyType;
import org.starttls4j.testing.TransportLoopback;

/**
 * {@link ServerFlow}'s own rules, driven through {@link Negotiation#server} with the fake dialog of
 * {@link Toy}: nothing pipelined after STARTTLS is acted on, plaintext hand-over only where the
 * policy allows it, the post-TLS capabilities in the secured session, bounds, time.
 */
class ServerFlowTest {

    static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
    static final String HOST = "mail.example.test";

    static ServerConfig.Builder config(TlsPolicy policy) {
        return ServerConfig.builder().hostname(HOST).policy(policy)
                .sslContext(TestPki.server(KeyType.EC_P256, HOST).serverContext())
                .capabilitiesBeforeTls(Toy.caps("X-BEFORE")).capabilitiesAfterTls(Toy.caps("X-AFTER"));
    }

    /** Drives one server negotiation, keeping what it sent and reported. */
    static final class Run {
        Transition last;
        final StringBuilder sent = new StringBuilder();
        final List<Event> events = new ArrayList<>();

        Run(ServerConfig config) {
            this(Negotiation.server(config, Toy.server(config)));
        }

        Run(Negotiation start) {
            take(start.begin(NOW));
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

        Failure failure() {
            Outcome o = last.outcome().orElseThrow(() -> new AssertionError("not finished: " + last));
            assertThat(o).isInstanceOf(Outcome.Failed.class);
            return ((Outcome.Failed) o).failure();
        }

        PlaintextSession plaintext() {
            Outcome o = last.outcome().orElseThrow(() -> new AssertionError("not finished: " + last));
            assertThat(o).isInstanceOf(Outcome.Plaintext.class);
            return ((Outcome.Plaintext) o).session();
        }

        <E extends Event> List<E> events(Class<E> type) {
            return events.stream().filter(type::isInstance).map(type::cast).toList();
        }
    }

    // ---------------------------------------------------------------- STARTTLS

    @Test
    void aCommandPipelinedAfterStartTlsIsInjectionAndNeitherAnsweredNorHandedOver() {
        Run s = new Run(config(TlsPolicy.OPPORTUNISTIC).build()).receive("CAPS\r\nSTARTTLS\r\nMAIL\r\n");

        assertThat(s.failure().reason()).isEqualTo(Failure.Reason.PLAINTEXT_INJECTION);
        assertThat(s.failure().peerReply()).contains("MAIL\\x0d\\x0a");
        assertThat(s.failure().message()).startsWith("6 plaintext bytes after the STARTTLS command");
        assertThat(s.sent.toString()).isEqualTo(Toy.GREETING + "+CAPS X-BEFORE STARTTLS\r\n-BYE PLAINTEXT_INJECTION\r\n");
        assertThat(s.events(Event.StartTlsAccepted.class)).isEmpty();
        assertThat(s.events(Event.HandedOverInPlaintext.class)).isEmpty();
    }

    @Test
    void startTlsAloneIsAnsweredWithTheGoAheadAndTheHandshakeBegins() {
        Run s = new Run(config(TlsPolicy.REQUIRED).build()).receive("STARTTLS\r\n");

        assertThat(s.last.isFinished()).isFalse();
        assertThat(s.sent.toString()).isEqualTo(Toy.GREETING + "+GO\r\n");
        assertThat(s.events(Event.StartTlsAccepted.class)).hasSize(1);
        assertThat(s.last.next().state()).isEqualTo("Handshaking");
        assertThat(s.last.next().deadline()).isPresent();
    }

    @Test
    void theSecuredSessionCarriesThePostTlsCapabilitiesNeverThePreTlsOnes() {
        ServerConfig config = config(TlsPolicy.REQUIRED).build();
        List<String> log = new ArrayList<>();

        Loopback.Result r = Loopback.run(Negotiation.client(ClientFlowTest.config(TlsPolicy.REQUIRED).build(), Toy.client(log)),
                Negotiation.server(config, Toy.server(config)), NOW, Toy.appAnnouncing("X-AFTER"));

        assertThat(r.serverSession().capabilities()).isEqualTo(Toy.caps("X-AFTER"));
        assertThat(r.serverSession().capabilities().has("X-BEFORE")).isFalse();
        assertThat(r.serverEvents()).contains(new Event.Secured(r.serverSession()));
        assertThat(r.serverEvents()).filteredOn(e -> e instanceof Event.TlsEstablished).hasSize(1);
    }

    @Test
    void implicitTlsGreetsInsideTls() {
        ServerConfig config = config(TlsPolicy.IMPLICIT).build();
        List<String> log = new ArrayList<>();

        Loopback.Result r = Loopback.run(Negotiation.client(ClientFlowTest.config(TlsPolicy.IMPLICIT).build(), Toy.client(log)),
                Negotiation.server(config, Toy.server(config)), NOW, Toy.appAnnouncing("X-AFTER"));

        assertThat(r.serverSent()[0]).isEqualTo((byte) 0x16);
        assertThat(r.clientEvents()).contains(new Event.GreetingReceived("+HI toy", true));
        assertThat(r.serverSession().capabilities()).isEqualTo(Toy.caps("X-AFTER"));
        assertThat(r.serverEvents()).filteredOn(e -> e instanceof Event.Line)
                .anySatisfy(e -> assertThat(((Event.Line) e).text()).isEqualTo("+HI toy"))
                .allSatisfy(e -> assertThat(((Event.Line) e).encrypted()).isTrue());
    }

    // ---------------------------------------------------------------- hand-over in plaintext

    @Test
    void opportunisticHandsOverTheUnknownCommandUnreadAndSaysWhy() {
        Run s = new Run(config(TlsPolicy.OPPORTUNISTIC).build()).receive("CAPS\r\nMAIL FROM\r\nRCPT\r\n");

        PlaintextSession session = s.plaintext();
        assertThat(StandardCharsets.ISO_8859_1.decode(session.unread()).toString()).isEqualTo("MAIL FROM\r\nRCPT\r\n");
        assertThat(session.capabilities()).isEqualTo(Toy.caps("X-BEFORE"));
        assertThat(session.fallbackCause()).hasValueSatisfying(f -> {
            assertThat(f.reason()).isEqualTo(Failure.Reason.STARTTLS_NOT_USED);
            assertThat(f.peerReply()).contains("MAIL FROM\\x0d\\x0aRCPT\\x0d\\x0a");
        });
        assertThat(s.events(Event.FellBackToPlaintext.class)).hasSize(1);
        assertThat(s.events(Event.HandedOverInPlaintext.class)).singleElement().satisfies(e -> assertThat(e.session()).isEqualTo(session));
        assertThat(s.sent.toString()).isEqualTo(Toy.GREETING + "+CAPS X-BEFORE STARTTLS\r\n");
    }

    @Test
    void plaintextOnlyHandsOverWithoutACause() {
        Run s = new Run(config(TlsPolicy.PLAINTEXT_ONLY).build()).receive("MAIL\r\n");

        assertThat(s.plaintext().fallbackCause()).isEmpty();
        assertThat(s.events(Event.FellBackToPlaintext.class)).isEmpty();
        assertThat(s.last.next().state()).isEqualTo("Plaintext");
    }

    @Test
    void aDialogThatHandsOverUnderRequiredIsAProgrammingError() {
        ServerConfig required = config(TlsPolicy.REQUIRED).build();
        ServerDialog handsOver = new ServerDialog() {
            @Override
            public String state() {
                return "Careless";
            }

            @Override
            public ServerStep start() {
                return new ServerStep.Reply(this, Toy.GREETING);
            }

            @Override
            public ServerStep onLine(String line) {
                return new ServerStep.HandOver(Capabilities.NONE);
            }

            @Override
            public String farewell(Failure.Reason reason) {
                return "";
            }
        };
        Run s = new Run(Negotiation.server(required, handsOver));

        assertThatThrownBy(() -> s.receive("MAIL\r\n")).isInstanceOf(IllegalStateException.class).hasMessageContaining("REQUIRED");
    }

    @Test
    void requiredAnswersUnknownCommandsItselfAndKeepsReading() {
        Run s = new Run(config(TlsPolicy.REQUIRED).build()).receive("MAIL\r\n");

        assertThat(s.last.isFinished()).isFalse();
        assertThat(s.sent.toString()).isEqualTo(Toy.GREETING + "-ERR TLS first\r\n");
    }

    @Test
    void aCloseFailsWithTheDialogsReasonAndLastReply() {
        Run s = new Run(config(TlsPolicy.REQUIRED).build()).receive("QUIT\r\n");

        assertThat(s.failure().reason()).isEqualTo(Failure.Reason.PEER_CLOSED);
        assertThat(s.sent.toString()).isEqualTo(Toy.GREETING + "+BYE\r\n");
    }

    @Test
    void aResumingServerSendsNoGreeting() {
        ServerConfig config = config(TlsPolicy.REQUIRED).build();
        Run s = new Run(Negotiation.serverResuming(config, new Toy.Server(config, "AwaitingCommand", Toy.GREETING)));

        assertThat(s.sent.toString()).isEmpty();
        s.receive("STARTTLS\r\n");
        assertThat(s.sent.toString()).isEqualTo("+GO\r\n");
    }

    @Test
    void aDialogThatDoesNotGreetIsAProgrammingError() {
        ServerConfig config = config(TlsPolicy.REQUIRED).build();
        Negotiation silent = Negotiation.server(config, new ServerDialog() {
            @Override
            public String state() {
                return "Silent";
            }

            @Override
            public ServerStep start() {
                return new ServerStep.GoAhead("+GO\r\n");
            }

            @Override
            public ServerStep onLine(String line) {
                return new ServerStep.Reply(this, "");
            }

            @Override
            public String farewell(Failure.Reason reason) {
                return "";
            }
        });

        assertThatThrownBy(() -> silent.begin(NOW)).isInstanceOf(IllegalStateException.class).hasMessageContaining("greeting");
    }

    // ---------------------------------------------------------------- bounds, time, the end of the stream

    @Test
    void boundsOnCommandsAndPlaintextAreFailuresWithTheDialogsFarewell() {
        Run tooLong = new Run(config(TlsPolicy.REQUIRED).limits(Limits.DEFAULT.withMaxLineLength(20)).build())
                .receive("CAPS" + "x".repeat(20) + "\r\n");
        Run tooMuch = new Run(config(TlsPolicy.REQUIRED).limits(Limits.DEFAULT.withMaxLineLength(50).withMaxPlaintextBytes(100)).build())
                .receive("CAPS\r\n".repeat(10)).receive("CAPS " + "x".repeat(35)).receive("y");
        Run nul = new Run(config(TlsPolicy.REQUIRED).build()).receive("CA\0PS\r\n");

        assertThat(tooLong.failure().reason()).isEqualTo(Failure.Reason.COMMAND_TOO_LONG);
        assertThat(tooLong.sent.toString()).endsWith("-BYE COMMAND_TOO_LONG\r\n");
        assertThat(tooMuch.failure().reason()).isEqualTo(Failure.Reason.TOO_MUCH_PLAINTEXT);
        assertThat(tooMuch.sent.toString()).endsWith("-BYE TOO_MUCH_PLAINTEXT\r\n");
        assertThat(nul.failure().reason()).isEqualTo(Failure.Reason.MALFORMED_COMMAND);
        assertThat(nul.failure().message()).contains("NUL");
        assertThat(nul.sent.toString()).isEqualTo(Toy.GREETING + "-BYE MALFORMED_COMMAND\r\n");
    }

    @Test
    void exactlyTheLimitOfPlaintextIsStillAnswered() {
        Run s = new Run(config(TlsPolicy.REQUIRED).limits(Limits.DEFAULT.withMaxLineLength(50).withMaxPlaintextBytes(60)).build())
                .receive("CAPS\r\n".repeat(10));

        assertThat(s.last.isFinished()).isFalse();
        assertThat(s.sent.toString()).endsWith("+CAPS X-BEFORE STARTTLS\r\n");
    }

    @Test
    void theDeadlineFailsAWaitingNegotiationWithTheDialogsFarewellAndNotBefore() {
        Run s = new Run(config(TlsPolicy.REQUIRED).timeouts(Timeouts.of(Duration.ofSeconds(30))).build());
        Instant deadline = s.last.next().deadline().orElseThrow();

        assertThat(deadline).isEqualTo(NOW.plusSeconds(30));
        Transition early = s.last.next().onTick(deadline.minusMillis(1));
        assertThat(early.isFinished()).isFalse();
        Transition late = early.next().onTick(deadline);
        assertThat(((Outcome.Failed) late.outcome().orElseThrow()).failure().reason()).isEqualTo(Failure.Reason.TIMEOUT);
        assertThat(new String(late.outboundBytes(), StandardCharsets.ISO_8859_1)).isEqualTo("-BYE TIMEOUT\r\n");
    }

    @Test
    void theDeadlineAlsoEndsAHandshake() {
        Run s = new Run(config(TlsPolicy.REQUIRED).timeouts(Timeouts.of(Duration.ofSeconds(30))).build()).receive("STARTTLS\r\n");

        Transition late = s.last.next().onTick(NOW.plusSeconds(30));

        assertThat(((Outcome.Failed) late.outcome().orElseThrow()).failure().reason()).isEqualTo(Failure.Reason.TIMEOUT);
        assertThat(late.outboundBytes()).as("no plaintext farewell inside TLS").doesNotContain((byte) '-');
    }

    // ---------------------------------------------------------------- the TLS step owned by the transport

    @Test
    void overTheTransportsTlsTheGoAheadIsTheLastPlaintextAndTheSessionIsHandedOverAtTls() {
        ServerConfig config = config(TlsPolicy.REQUIRED).build();
        Run s = new Run(Negotiation.server(config, Toy.server(config)).withTransportTls()).receive("CAPS\r\n").receive("STARTTLS\r\n");

        assertThat(new String(s.last.outboundBytes(), StandardCharsets.ISO_8859_1)).isEqualTo("+GO\r\n");
        assertThat(s.last.next().state()).isEqualTo("AwaitingTransportTls");
        assertThat(s.last.next().deadline()).isPresent();

        TransportLoopback.Result r = TransportLoopback.run(ClientFlowTest.client(config), null,
                Negotiation.server(config, Toy.server(config)).withTransportTls(), null, NOW, Toy.appAnnouncing("X-AFTER"));

        SecureSession session = ((Outcome.Secured) r.serverOutcome()).session();
        assertThat(session.capabilities()).isEqualTo(Toy.caps("X-AFTER"));
        assertThat(session.ownsRecordLayer()).isFalse();
        assertThat(r.appReceived()).as("the client's first command inside TLS is the application's").isEqualTo("CAPS\r\n");
        assertThat(r.serverEvents()).filteredOn(e -> e instanceof Event.TlsEstablished).hasSize(1);
    }

    @Test
    void aCommandPipelinedAfterStartTlsOrFedWhileAwaitingTheTransportIsInjection() {
        ServerConfig config = config(TlsPolicy.REQUIRED).build();
        Run pipelined = new Run(Negotiation.server(config, Toy.server(config)).withTransportTls()).receive("STARTTLS\r\nCAPS\r\n");
        Run fedLater = new Run(Negotiation.server(config, Toy.server(config)).withTransportTls()).receive("STARTTLS\r\n").receive("CAPS\r\n");

        assertThat(pipelined.failure().reason()).isEqualTo(Failure.Reason.PLAINTEXT_INJECTION);
        assertThat(pipelined.sent.toString()).doesNotContain("+GO");
        assertThat(fedLater.failure().reason()).isEqualTo(Failure.Reason.PLAINTEXT_INJECTION);
        assertThat(fedLater.sent.toString()).endsWith("+GO\r\n");
    }

    @Test
    void theImplicitGreetingWaitsForTheTransportsTlsAndGoesOutInPlaintextForIt() throws Exception {
        ServerConfig config = config(TlsPolicy.IMPLICIT).build();
        Run s = new Run(Negotiation.server(config, Toy.server(config)).withTransportTls());
        assertThat(s.sent.toString()).isEmpty();
        javax.net.ssl.SSLEngine engine = s.last.next().transportTls().orElseThrow().engine();
        javax.net.ssl.SSLEngine client = TestPki.clientContextTrusting(TestPki.ca(KeyType.EC_P256)).createSSLEngine(HOST, 465);
        client.setUseClientMode(true);
        org.starttls4j.testing.EnginePair.handshake(client, engine);

        s.take(s.last.next().onTlsEstablished(engine.getSession(), NOW));

        assertThat(s.sent.toString()).isEqualTo(Toy.GREETING);
        assertThat(s.last.outcome()).containsInstanceOf(Outcome.Secured.class);
        assertThat(s.events).filteredOn(e -> e instanceof Event.Line l && l.direction() == Event.Direction.SENT)
                .allSatisfy(e -> assertThat(((Event.Line) e).encrypted()).isTrue());
    }

    @Test
    void theEndOfTheStreamIsPeerClosed() {
        Run s = new Run(config(TlsPolicy.REQUIRED).build());

        Transition end = s.last.next().onEndOfStream(NOW);

        Failure failure = ((Outcome.Failed) end.outcome().orElseThrow()).failure();
        assertThat(failure.reason()).isEqualTo(Failure.Reason.PEER_CLOSED);
        assertThat(failure.message()).contains("AwaitingCommand");
    }

    @Test
    void misuseThrows() {
        Negotiation unstarted = Negotiation.server(config(TlsPolicy.REQUIRED).build(), Toy.server(config(TlsPolicy.REQUIRED).build()));
        Run s = new Run(config(TlsPolicy.REQUIRED).build());

        assertThat(unstarted.state()).isEqualTo("Unstarted");
        assertThatThrownBy(() -> unstarted.onReceived(ByteBuffer.allocate(1), NOW)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> s.last.next().onTasksCompleted(NOW)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> s.last.next().begin(NOW)).isInstanceOf(IllegalStateException.class);
    }
}
