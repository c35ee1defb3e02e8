package org.starttls4j.nntp;

import java.util.List;
import org.starttls4j.Capabilities;
import org.starttls4j.Event;
import org.starttls4j.Failure;
import org.starttls4j.Limits;
import org.starttls4j.ClientDialog;
import org.starttls4j.ClientStep;
import org.starttls4j.StartTlsOffer;

/**
 * The NNTP client's side of STARTTLS (RFC 3977, RFC 4642) and of implicit TLS on port 563, as an
 * immutable state machine.
 *
 * <p>Theory of operation. Every decision is taken on a complete response's status code; text
 * received before TLS is shown as untrusted and parsed for nothing but the capability labels.
 * Exactly one command is outstanding at a time, so a line while {@code Idle}, or a line the server
 * sent before it could have seen our command, is a protocol error.
 *
 * <pre>
 * state                        response                       next
 * AwaitingGreeting             200, 201                       send CAPABILITIES → AwaitingCapabilitiesReply
 *                              anything else (400, 502, …)    fail GREETING_REJECTED (MALFORMED_REPLY if no status)
 * AwaitingCapabilitiesReply    101, list, "."                 Ready(capabilities, STARTTLS listed?) → Idle
 *                              400                            fail SERVICE_CLOSING
 *                              other 4xx/5xx (500, 502, …)    Ready(none, UNKNOWN) → Idle
 *                              1xx/2xx/3xx other than 101     fail UNEXPECTED_REPLY
 * Idle                         any line                       fail UNEXPECTED_REPLY, QUIT
 *                              (requestStartTls)              send STARTTLS → AwaitingStartTlsReply
 * AwaitingStartTlsReply        382                            GoAhead → AwaitingHandshake
 *                              400                            fail SERVICE_CLOSING
 *                              4xx/5xx (580, 502, 483, …)     NoTls(STARTTLS_REFUSED) → Idle
 *                              anything else                  fail UNEXPECTED_REPLY
 * AwaitingHandshake            (restartAfterTls)              send CAPABILITIES → AwaitingCapabilitiesReply,
 *                                                             knowing nothing from before TLS (RFC 4642 §2.2.2)
 * </pre>
 *
 * <p>A server that does not know CAPABILITIES predates RFC 3977 and may still know STARTTLS: the
 * offer is then {@link StartTlsOffer#UNKNOWN} and the negotiation tries STARTTLS anyway, as for
 * POP3 without CAPA.
 */
public final class NntpClientDialog implements ClientDialog {

    private static final String CAPABILITIES = "CAPABILITIES\r\n";
    private static final String QUIT = "QUIT\r\n";

    private sealed interface State {
    }

    private record AwaitingGreeting(boolean encrypted) implements State {
    }

    private record AwaitingCapabilitiesReply(NntpReplyReader reader) implements State {
    }

    private record Idle(Capabilities capabilities) implements State {
    }

    private record AwaitingStartTlsReply(Capabilities capabilities) implements State {
    }

    private record AwaitingHandshake() implements State {
    }

    private final Limits limits;
    private final State state;

    private NntpClientDialog(Limits limits, State state) {
        this.limits = limits;
        this.state = state;
    }

    /**
     * A dialog before the greeting.
     *
     * @param limits bounds on responses ({@link Limits#maxLinesPerReply()} bounds the capability list)
     * @return the dialog
     */
    public static NntpClientDialog create(Limits limits) {
        return new NntpClientDialog(limits, new AwaitingGreeting(false));
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
        if (state instanceof AwaitingGreeting greeting) {
            return onGreeting(line, greeting.encrypted());
        }
        if (state instanceof AwaitingCapabilitiesReply capabilities) {
            return onCapabilitiesLine(line, capabilities.reader());
        }
        if (state instanceof AwaitingStartTlsReply startTls) {
            return onStartTlsReply(line, startTls.capabilities());
        }
        return new ClientStep.Fail(Failure.of(Failure.Reason.UNEXPECTED_REPLY, "a response when no command was outstanding", line),
                farewell());
    }

    private ClientStep onGreeting(String line, boolean encrypted) {
        NntpReply greeting = NntpReply.parseStatus(line);
        if (greeting == null) {
            return new ClientStep.Fail(Failure.of(Failure.Reason.MALFORMED_REPLY, "the greeting is not an NNTP status line", line), "");
        }
        if (greeting.code() != 200 && greeting.code() != 201) {
            // RFC 3977 §5.1.1: 400 and 502 greetings come with the connection closing.
            return new ClientStep.Fail(Failure.of(Failure.Reason.GREETING_REJECTED, "the server refused service in its greeting", line), "");
        }
        return new ClientStep.Await(to(new AwaitingCapabilitiesReply(NntpReplyReader.empty(limits.maxLinesPerReply()))), CAPABILITIES,
                List.of(new Event.GreetingReceived(greeting.text(), encrypted))); // after the code, as in every protocol
    }

    private ClientStep onCapabilitiesLine(String line, NntpReplyReader reader) {
        return reader.accept(line).clientStep(next -> to(new AwaitingCapabilitiesReply(next)),
                reply -> onCapabilitiesReply(reply, line));
    }

    private ClientStep onCapabilitiesReply(NntpReply reply, String line) {
        if (reply.code() == NntpReplyReader.CAPABILITY_LIST) {
            Capabilities capabilities = Capabilities.fromLines(reply.lines());
            return new ClientStep.Ready(to(new Idle(capabilities)), capabilities, StartTlsOffer.in(capabilities, "STARTTLS"));
        }
        if (reply.code() == 400) {
            return new ClientStep.Fail(Failure.of(Failure.Reason.SERVICE_CLOSING, "the server is closing the connection", line), "");
        }
        if (reply.code() >= 400) {
            // The server predates RFC 3977 (no CAPABILITIES): capabilities unknown; see the class comment.
            return new ClientStep.Ready(to(new Idle(Capabilities.NONE)), Capabilities.NONE, StartTlsOffer.UNKNOWN);
        }
        return new ClientStep.Fail(Failure.of(Failure.Reason.UNEXPECTED_REPLY, "CAPABILITIES was answered with " + reply.code(), line), "");
    }

    private ClientStep onStartTlsReply(String line, Capabilities capabilities) {
        NntpReply reply = NntpReply.parseStatus(line);
        if (reply == null) {
            return new ClientStep.Fail(Failure.of(Failure.Reason.MALFORMED_REPLY, "STARTTLS was answered with no status line", line), "");
        }
        if (reply.code() == 382) {
            return new ClientStep.GoAhead(to(new AwaitingHandshake()));
        }
        if (reply.code() == 400) {
            return new ClientStep.Fail(Failure.of(Failure.Reason.SERVICE_CLOSING, "the server is closing the connection", line), "");
        }
        if (reply.code() >= 400) {
            return new ClientStep.NoTls(to(new Idle(capabilities)),
                    Failure.of(Failure.Reason.STARTTLS_REFUSED, "the server refused STARTTLS", line), capabilities);
        }
        // Not the go-ahead, and what state the server is in is unknowable: abandon in every policy.
        return new ClientStep.Fail(Failure.of(Failure.Reason.UNEXPECTED_REPLY, "STARTTLS was answered with " + reply.code() + ", not 382",
                line), "");
    }

    @Override
    public ClientStep requestStartTls() {
        if (!(state instanceof Idle idle)) {
            throw new IllegalStateException("STARTTLS can only be sent when idle, not in " + state());
        }
        return ClientStep.Await.sending(to(new AwaitingStartTlsReply(idle.capabilities())), "STARTTLS\r\n");
    }

    @Override
    public ClientStep restartAfterTls() {
        if (!(state instanceof AwaitingHandshake)) {
            throw new IllegalStateException("restartAfterTls is for the dialog of a GoAhead, not " + state());
        }
        // RFC 4642 §2.2.2: the client MUST discard what it learned before TLS and ask again.
        return ClientStep.Await.sending(to(new AwaitingCapabilitiesReply(NntpReplyReader.empty(limits.maxLinesPerReply()))), CAPABILITIES);
    }

    @Override
    public String farewell() {
        return state instanceof Idle ? QUIT : "";
    }

    private NntpClientDialog to(State next) {
        return new NntpClientDialog(limits, next);
    }
}
