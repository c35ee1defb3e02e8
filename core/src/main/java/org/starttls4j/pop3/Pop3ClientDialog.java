package org.starttls4j.pop3;

import java.util.List;
import org.starttls4j.Capabilities;
import org.starttls4j.Event;
import org.starttls4j.Failure;
import org.starttls4j.Limits;
import org.starttls4j.ClientDialog;
import org.starttls4j.ClientStep;
import org.starttls4j.StartTlsOffer;

/**
 * The POP3 client's side of STLS (RFC 1939, CAPA per RFC 2449, STLS per RFC 2595 §4), as an
 * immutable state machine.
 *
 * <p>Theory of operation. Every decision is taken on a <em>complete</em> response and its status
 * indicator only; text received before TLS is shown as untrusted and never parsed for decisions
 * other than the CAPA tags. Exactly one command is outstanding at a time, so a line that arrives
 * while {@code Idle} is a protocol error, never an answer to a later command.
 *
 * <pre>
 * state               line                              next
 * AwaitingGreeting    +OK …                             send CAPA → AwaitingCapaReply
 *                     -ERR …                            fail GREETING_REJECTED, QUIT
 *                     anything else                     fail MALFORMED_REPLY
 * AwaitingCapaReply   +OK …                             (the list follows) AwaitingCapaReply
 *                     a list line, unstuffed            AwaitingCapaReply; more than maxLinesPerReply
 *                                                       lines: fail REPLY_TOO_LONG
 *                     a list line that is +OK/-ERR …    fail UNEXPECTED_REPLY
 *                     .                                 Ready(capabilities, STLS listed?) → Idle
 *                     -ERR …                            Ready(none, UNKNOWN) → Idle
 *                     anything else, first              fail MALFORMED_REPLY
 * Idle                any line                          fail UNEXPECTED_REPLY, QUIT
 *                     (requestStartTls)                 send STLS → AwaitingStlsReply
 * AwaitingStlsReply   +OK …                             GoAhead → AwaitingHandshake
 *                     -ERR …                            NoTls(STARTTLS_REFUSED) → Idle
 *                     anything else                     fail MALFORMED_REPLY
 * AwaitingHandshake   (restartAfterTls)                 send CAPA → AwaitingCapaReply (nothing kept)
 *                     any line                          fail UNEXPECTED_REPLY
 * </pre>
 *
 * <p><b>A server that answers CAPA with {@code -ERR}</b> predates RFC 2449; it may still support
 * STLS (RFC 2595 came first). The dialog then says {@link StartTlsOffer#UNKNOWN} with no
 * capabilities, and the negotiation sends STLS anyway under {@code OPPORTUNISTIC} and
 * {@code REQUIRED}: a {@code -ERR} to STLS is then a refusal like any other (a fall-back under
 * {@code OPPORTUNISTIC}, a failure with {@code QUIT} under {@code REQUIRED}). Trying costs one
 * round trip and reveals nothing; not trying would leave such a server unencrypted, or
 * unreachable under {@code REQUIRED}. Inside TLS, a {@code -ERR} to CAPA hands over with no
 * capabilities.
 *
 * <p><b>After TLS</b> the dialog keeps nothing: {@code AwaitingHandshake} holds no capabilities,
 * and CAPA is asked again (RFC 2595 §4: the client MUST discard cached capabilities). Only what the
 * server lists inside TLS is ever reported as post-TLS capabilities.
 *
 * <p><b>The APOP timestamp.</b> A greeting may carry an RFC 1939 §7 timestamp such as
 * {@code <1896.697170952@dbc.mtview.ca.us>}. It is part of {@link Event.GreetingReceived#text()};
 * {@link Pop3#apopTimestamp(String)} extracts it. It is not a capability and the dialog acts on it
 * in no way. Note that after STLS the server does not greet again, so an application that uses
 * APOP inside TLS must use the timestamp of the plaintext greeting, which an attacker may have
 * chosen; APOP protects nothing that TLS does not already protect.
 *
 * <p><b>Lines that arrive early.</b> A line the server sends before it has read our command
 * cannot be an answer to it. The negotiation sees reads, so it catches every such line: bytes
 * still unread in the read that made us send a command go to
 * {@link ClientDialog#onLineBeforeCommandSeen}, which fails with {@code UNEXPECTED_REPLY} (POP3 has
 * no unsolicited data). Bytes after the dialog became idle are refused the same way. Inside a
 * reply, the dialog itself refuses a second status line among the CAPA lines and anything after
 * the list's terminating dot.
 */
public final class Pop3ClientDialog implements ClientDialog {

    private static final String CAPA = "CAPA\r\n";
    private static final String STLS = "STLS\r\n";
    private static final String QUIT = "QUIT\r\n";

    private sealed interface State {
    }

    private record AwaitingGreeting(boolean encrypted) implements State {
    }

    private record AwaitingCapaReply(Pop3ReplyReader reader) implements State {
    }

    private record Idle(Capabilities capabilities) implements State {
    }

    private record AwaitingStlsReply(Capabilities capabilities) implements State {
    }

    private record AwaitingHandshake() implements State {
    }

    private final Limits limits;
    private final State state;

    private Pop3ClientDialog(Limits limits, State state) {
        this.limits = limits;
        this.state = state;
    }

    /**
     * A dialog before the greeting.
     *
     * @param limits bounds on responses ({@link Limits#maxLinesPerReply()} bounds the CAPA list)
     * @return the dialog
     */
    public static Pop3ClientDialog create(Limits limits) {
        return new Pop3ClientDialog(limits, new AwaitingGreeting(false));
    }

    @Override
    public String state() {
        return state.getClass().getSimpleName();
    }

    @Override
    public ClientStep start(boolean encrypted) {
        return ClientStep.Await.sending(to(new AwaitingGreeting(encrypted)), "");
    }

    @Override
    public ClientStep onLine(String line) {
        if (state instanceof AwaitingGreeting) {
            return onGreeting(line, ((AwaitingGreeting) state).encrypted());
        }
        if (state instanceof AwaitingCapaReply) {
            return onCapaLine(line, ((AwaitingCapaReply) state).reader());
        }
        if (state instanceof AwaitingStlsReply) {
            return onStlsReply(line, ((AwaitingStlsReply) state).capabilities());
        }
        return new ClientStep.Fail(Failure.of(Failure.Reason.UNEXPECTED_REPLY, "a response when no command was outstanding", line),
                farewell());
    }

    private ClientStep onGreeting(String line, boolean encrypted) {
        Pop3Reply greeting = Pop3Reply.parseStatus(line);
        if (greeting == null) {
            return new ClientStep.Fail(Failure.of(Failure.Reason.MALFORMED_REPLY, "the greeting is not +OK or -ERR", line), "");
        }
        if (!greeting.positive()) {
            return new ClientStep.Fail(Failure.of(Failure.Reason.GREETING_REJECTED, "the server refused service in its greeting",
                    line), QUIT);
        }
        return new ClientStep.Await(to(new AwaitingCapaReply(Pop3ReplyReader.empty(limits.maxLinesPerReply()))), CAPA,
                List.of(new Event.GreetingReceived(greeting.text(), encrypted)));
    }

    private ClientStep onCapaLine(String line, Pop3ReplyReader reader) {
        if (reader.inList() && Pop3Reply.parseStatus(line) != null) {
            // No capability tag reads "+OK" or "-ERR": this is a second response, sent out of turn.
            return new ClientStep.Fail(Failure.of(Failure.Reason.UNEXPECTED_REPLY, "a status line inside the CAPA list", line), "");
        }
        Pop3ReplyReader.Read read = reader.accept(line);
        if (read instanceof Pop3ReplyReader.Bad) {
            return new ClientStep.Fail(((Pop3ReplyReader.Bad) read).failure(), "");
        }
        if (read instanceof Pop3ReplyReader.More) {
            return ClientStep.Await.sending(to(new AwaitingCapaReply(((Pop3ReplyReader.More) read).next())), "");
        }
        Pop3Reply reply = ((Pop3ReplyReader.Complete) read).reply();
        if (!reply.positive()) {
            // The server predates RFC 2449 (no CAPA): capabilities unknown; see the class comment.
            return new ClientStep.Ready(to(new Idle(Capabilities.NONE)), Capabilities.NONE, StartTlsOffer.UNKNOWN);
        }
        Capabilities capabilities = CapaList.parse(reply);
        StartTlsOffer offer = capabilities.has("STLS") ? StartTlsOffer.OFFERED : StartTlsOffer.NOT_OFFERED;
        return new ClientStep.Ready(to(new Idle(capabilities)), capabilities, offer);
    }

    private ClientStep onStlsReply(String line, Capabilities capabilities) {
        Pop3Reply reply = Pop3Reply.parseStatus(line);
        if (reply == null) {
            return new ClientStep.Fail(Failure.of(Failure.Reason.MALFORMED_REPLY, "STLS was answered with neither +OK nor -ERR", line), "");
        }
        if (reply.positive()) {
            return new ClientStep.GoAhead(to(new AwaitingHandshake()));
        }
        return new ClientStep.NoTls(to(new Idle(capabilities)),
                Failure.of(Failure.Reason.STARTTLS_REFUSED, "the server refused STLS", line), capabilities);
    }

    @Override
    public ClientStep requestStartTls() {
        if (!(state instanceof Idle)) {
            throw new IllegalStateException("STLS can only be sent when idle, not in " + state());
        }
        return ClientStep.Await.sending(to(new AwaitingStlsReply(((Idle) state).capabilities())), STLS);
    }

    @Override
    public ClientStep restartAfterTls() {
        if (!(state instanceof AwaitingHandshake)) {
            throw new IllegalStateException("restartAfterTls is for the dialog of a GoAhead, not " + state());
        }
        // RFC 2595 §4: discard what was learned before TLS and ask CAPA again.
        return ClientStep.Await.sending(to(new AwaitingCapaReply(Pop3ReplyReader.empty(limits.maxLinesPerReply()))), CAPA);
    }

    @Override
    public String farewell() {
        return state instanceof Idle ? QUIT : "";
    }

    private Pop3ClientDialog to(State next) {
        return new Pop3ClientDialog(limits, next);
    }
}
