package org.starttls4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * A plug-in dialog that answers with no step (null), or with a step that names no dialog to go on
 * with, ends the negotiation with {@link Failure.Reason#LOCAL_ABORT}: no exception escapes the
 * caller's read, and the peer's line is never silently dropped.
 */
class PlugInDialogNoStepTest {

    static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");

    /** A client dialog that awaits the greeting, then answers a line as {@code onLine} says; STARTTLS and restart give nothing. */
    static class Client implements ClientDialog {
        private final Function<ClientDialog, ClientStep> onLine;
        private final boolean startsWithNothing;

        Client(Function<ClientDialog, ClientStep> onLine, boolean startsWithNothing) {
            this.onLine = onLine;
            this.startsWithNothing = startsWithNothing;
        }

        @Override
        public String state() {
            return "Plugged";
        }

        @Override
        public ClientStep start(boolean encrypted) {
            return startsWithNothing ? null : ClientStep.Await.sending(this, "");
        }

        @Override
        public ClientStep onLine(String line) {
            return onLine.apply(this);
        }

        @Override
        public ClientStep requestStartTls() {
            return null;
        }

        @Override
        public ClientStep restartAfterTls() {
            return null;
        }

        @Override
        public String farewell() {
            return "";
        }
    }

    static Transition client(ClientDialog dialog, String received) {
        Transition t = Negotiation.client(ClientFlowTest.config(TlsPolicy.REQUIRED).build(), dialog).begin(NOW);
        return t.isFinished() ? t : t.next().onReceived(ByteBuffer.wrap(received.getBytes(StandardCharsets.ISO_8859_1)), NOW);
    }

    static Failure.Reason reason(Transition t) {
        assertThat(t.isFinished()).as("finished: %s", t).isTrue();
        return ((Outcome.Failed) t.outcome().orElseThrow()).failure().reason();
    }

    @Test
    void aClientDialogThatAnswersALineWithNothingEndsTheNegotiation() {
        Transition t = client(new Client(d -> null, false), "+HI toy\r\n");

        assertThat(reason(t)).isEqualTo(Failure.Reason.LOCAL_ABORT);
        assertThat(((Outcome.Failed) t.outcome().orElseThrow()).failure().message()).contains("no step");
    }

    @Test
    void aClientDialogThatStartsWithNothingEndsTheNegotiationAtBegin() {
        assertThat(reason(client(new Client(d -> null, true), ""))).isEqualTo(Failure.Reason.LOCAL_ABORT);
    }

    @Test
    void aReadyStepThatNamesNoDialogEndsTheNegotiation() {
        Transition t = client(new Client(d -> new ClientStep.Ready(null, Capabilities.NONE, StartTlsOffer.OFFERED), false), "+HI toy\r\n");

        assertThat(reason(t)).isEqualTo(Failure.Reason.LOCAL_ABORT);
    }

    @Test
    void aStartTlsRequestThatGivesNothingEndsTheNegotiation() {
        Transition t = client(new Client(d -> new ClientStep.Ready(d, Capabilities.NONE, StartTlsOffer.OFFERED), false), "+HI toy\r\n");

        assertThat(reason(t)).isEqualTo(Failure.Reason.LOCAL_ABORT);
    }

    @Test
    void aGoAheadThatNamesNoDialogEndsTheNegotiationBeforeAnyHandshake() {
        ClientDialog[] asked = new ClientDialog[1];
        ClientDialog goAheadWithNothing = new Client(d -> new ClientStep.GoAhead(null), false) {
        };
        Client dialog = new Client(d -> new ClientStep.Ready(d, Capabilities.NONE, StartTlsOffer.OFFERED), false) {
            @Override
            public ClientStep requestStartTls() {
                asked[0] = goAheadWithNothing;
                return ClientStep.Await.sending(goAheadWithNothing, "STARTTLS\r\n");
            }
        };
        Transition ready = client(dialog, "+HI toy\r\n");
        Transition t = ready.next().onReceived(ByteBuffer.wrap("+GO\r\n".getBytes(StandardCharsets.ISO_8859_1)), NOW);

        assertThat(asked[0]).isNotNull();
        assertThat(reason(t)).isEqualTo(Failure.Reason.LOCAL_ABORT);
        assertThat(t.events()).noneMatch(e -> e instanceof Event.StartTlsAccepted);
    }

    @Test
    void aServerDialogThatAnswersACommandWithNothingEndsTheNegotiationWithItsFarewell() {
        ServerConfig config = ServerFlowTest.config(TlsPolicy.REQUIRED).build();
        ServerDialog dialog = new ServerDialog() {
            @Override
            public ServerStep start() {
                return new ServerStep.Reply(this, "+HI\r\n");
            }

            @Override
            public ServerStep onLine(String line) {
                return null;
            }

            @Override
            public String farewell(Failure.Reason reason) {
                return "-BYE " + reason + "\r\n";
            }
        };
        Transition t = Negotiation.server(config, dialog).begin(NOW);
        t = t.next().onReceived(ByteBuffer.wrap("CAPS\r\n".getBytes(StandardCharsets.ISO_8859_1)), NOW);

        assertThat(reason(t)).isEqualTo(Failure.Reason.LOCAL_ABORT);
        assertThat(new String(t.outboundBytes(), StandardCharsets.ISO_8859_1)).isEqualTo("-BYE LOCAL_ABORT\r\n");
    }

    /** A plug-in dialog that gives nothing to restart with after the handshake, and is otherwise {@code inner}. */
    record NoRestart(ClientDialog inner) implements ClientDialog {
        @Override
        public String state() {
            return inner.state();
        }

        @Override
        public ClientStep start(boolean encrypted) {
            return wrap(inner.start(encrypted));
        }

        @Override
        public ClientStep onLine(String line) {
            return wrap(inner.onLine(line));
        }

        @Override
        public ClientStep requestStartTls() {
            return wrap(inner.requestStartTls());
        }

        @Override
        public ClientStep restartAfterTls() {
            return null;
        }

        @Override
        public String farewell() {
            return inner.farewell();
        }

        private static ClientStep wrap(ClientStep step) {
            if (step instanceof ClientStep.Await a) {
                return new ClientStep.Await(new NoRestart(a.next()), a.send(), a.events());
            }
            if (step instanceof ClientStep.Ready r) {
                return new ClientStep.Ready(new NoRestart(r.next()), r.capabilities(), r.offer(), r.events());
            }
            if (step instanceof ClientStep.GoAhead g) {
                return new ClientStep.GoAhead(new NoRestart(g.next()));
            }
            return step;
        }
    }

    @Test
    void aDialogThatGivesNothingToRestartWithAfterTheHandshakeEndsTheNegotiationInsideTls() {
        ServerConfig config = ServerFlowTest.config(TlsPolicy.REQUIRED).build();
        org.starttls4j.testing.Loopback.Result r = org.starttls4j.testing.Loopback.run(
                Negotiation.client(ClientFlowTest.config(TlsPolicy.REQUIRED).build(), new NoRestart(Toy.client(new java.util.ArrayList<>()))),
                Negotiation.server(config, Toy.server(config)), NOW);

        assertThat(r.clientEvents()).anyMatch(e -> e instanceof Event.TlsEstablished);
        assertThat(((Outcome.Failed) r.clientOutcome()).failure().reason()).isEqualTo(Failure.Reason.LOCAL_ABORT);
    }
}
