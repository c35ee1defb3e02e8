package org.starttls4j.sieve;

import java.util.List;
import java.util.function.Function;
import org.starttls4j.Capabilities;
import org.starttls4j.Event;
import org.starttls4j.Failure;
import org.starttls4j.Limits;
import org.starttls4j.ClientDialog;
import org.starttls4j.ClientStep;
import org.starttls4j.StartTlsOffer;

/**
 * The ManageSieve client's side of STARTTLS (RFC 5804 §2.2), as an immutable state machine.
 *
 * <p>Theory of operation. ManageSieve announces capabilities unasked: the greeting is the
 * capability list followed by {@code OK}, and right after the TLS handshake the server sends the
 * list again, with {@code OK}, before the client says anything. So the client sends nothing but
 * {@code STARTTLS} (and {@code LOGOUT} when giving up), and after TLS it waits for the second list
 * instead of asking. Decisions use the status keyword and the capability names only; the text and
 * response codes received before TLS are untrusted and never followed ({@code REFERRAL} included).
 *
 * <pre>
 * state                    response                            next
 * AwaitingGreeting         capability lines, then OK           Ready(capabilities, STARTTLS listed?) → Idle
 *                          NO, BYE                             fail GREETING_REJECTED
 *                          anything else                       fail MALFORMED_REPLY
 * Idle                     any line                            fail UNEXPECTED_REPLY, LOGOUT
 *                          (requestStartTls)                   send STARTTLS → AwaitingStartTlsReply
 * AwaitingStartTlsReply    OK                                  GoAhead → AwaitingHandshake
 *                          NO                                  NoTls(STARTTLS_REFUSED) → Idle
 *                          BYE                                 fail SERVICE_CLOSING
 *                          a capability line                   fail UNEXPECTED_REPLY
 * AwaitingHandshake        (restartAfterTls)                   send nothing → AwaitingCapabilities
 * AwaitingCapabilities     capability lines, then OK           Ready(the post-TLS capabilities) → Idle
 *   (inside TLS)           NO, BYE                             fail SERVICE_CLOSING
 * </pre>
 *
 * <p>Nothing learned before TLS survives it: {@code AwaitingHandshake} holds nothing, and only the
 * list the server sends inside TLS is reported after it (RFC 5804 §2.2: the client MUST discard
 * what it cached). A list that arrives in the same read as the go-ahead is plaintext injected
 * behind it, and fails the negotiation before it could be taken for the post-TLS list.
 */
public final class SieveClientDialog implements ClientDialog {

    private static final String LOGOUT = "LOGOUT\r\n";

    private sealed interface State {
    }

    private record AwaitingGreeting(boolean encrypted, SieveResponseReader reader) implements State {
    }

    private record Idle(Capabilities capabilities) implements State {
    }

    private record AwaitingStartTlsReply(Capabilities capabilities, SieveResponseReader reader) implements State {
    }

    private record AwaitingHandshake() implements State {
    }

    private record AwaitingCapabilities(SieveResponseReader reader) implements State {
    }

    private final Limits limits;
    private final State state;

    private SieveClientDialog(Limits limits, State state) {
        this.limits = limits;
        this.state = state;
    }

    /**
     * A dialog before the greeting.
     *
     * @param limits bounds on responses (lines per response, literal size)
     * @return the dialog
     */
    public static SieveClientDialog create(Limits limits) {
        return new SieveClientDialog(limits, new AwaitingGreeting(false, SieveResponseReader.empty(limits)));
    }

    @Override
    public String state() {
        return state.getClass().getSimpleName();
    }

    @Override
    public ClientStep start(boolean encrypted) {
        return ClientStep.Await.sending(to(new AwaitingGreeting(encrypted, SieveResponseReader.empty(limits))), "");
    }

    @Override
    public ClientStep onLine(String line) {
        if (state instanceof AwaitingGreeting greeting) {
            return read(greeting.reader(), line, next -> new AwaitingGreeting(greeting.encrypted(), next),
                    done -> onGreeting(done, greeting.encrypted()));
        }
        if (state instanceof AwaitingCapabilities awaiting) {
            return read(awaiting.reader(), line, AwaitingCapabilities::new, this::onCapabilitiesAfterTls);
        }
        if (state instanceof AwaitingStartTlsReply startTls) {
            if (startTls.reader().literal() == null && SieveSyntax.status(line) == null) {
                return new ClientStep.Fail(Failure.of(Failure.Reason.UNEXPECTED_REPLY, "capabilities in answer to STARTTLS", line), "");
            }
            return read(startTls.reader(), line, next -> new AwaitingStartTlsReply(startTls.capabilities(), next),
                    done -> onStartTlsReply(done, startTls.capabilities()));
        }
        return new ClientStep.Fail(Failure.of(Failure.Reason.UNEXPECTED_REPLY, "a response when no command was outstanding", line),
                farewell());
    }

    private ClientStep read(SieveResponseReader reader, String line, Function<SieveResponseReader, State> more,
                            Function<SieveResponseReader.Response, ClientStep> complete) {
        return reader.accept(line).clientStep(next -> to(more.apply(next)), complete);
    }

    private ClientStep onGreeting(SieveResponseReader.Response greeting, boolean encrypted) {
        if (!greeting.status().equals("OK")) {
            return new ClientStep.Fail(Failure.of(Failure.Reason.GREETING_REJECTED, "the server refused service in its greeting",
                    greeting.line()), "");
        }
        // The text after the status, as in every protocol (here still quoted, as the server wrote it).
        String text = greeting.line().length() > 2 ? greeting.line().substring(3) : "";
        return ready(greeting.capabilities(), List.of(new Event.GreetingReceived(text, encrypted)));
    }

    private ClientStep onCapabilitiesAfterTls(SieveResponseReader.Response response) {
        if (!response.status().equals("OK")) {
            return new ClientStep.Fail(Failure.of(Failure.Reason.SERVICE_CLOSING, "the server ended the session after TLS",
                    response.line()), "");
        }
        return ready(response.capabilities(), List.of());
    }

    private ClientStep onStartTlsReply(SieveResponseReader.Response reply, Capabilities capabilities) {
        switch (reply.status()) {
            case "OK":
                return new ClientStep.GoAhead(to(new AwaitingHandshake()));
            case "NO":
                return new ClientStep.NoTls(to(new Idle(capabilities)),
                        Failure.of(Failure.Reason.STARTTLS_REFUSED, "the server refused STARTTLS", reply.line()), capabilities);
            default:
                return new ClientStep.Fail(Failure.of(Failure.Reason.SERVICE_CLOSING, "the server is closing the connection (BYE)",
                        reply.line()), "");
        }
    }

    private ClientStep ready(Capabilities capabilities, List<Event> events) {
        return new ClientStep.Ready(to(new Idle(capabilities)), capabilities, StartTlsOffer.in(capabilities, "STARTTLS"), events);
    }

    @Override
    public ClientStep requestStartTls() {
        if (!(state instanceof Idle idle)) {
            throw new IllegalStateException("STARTTLS can only be sent when idle, not in " + state());
        }
        return ClientStep.Await.sending(to(new AwaitingStartTlsReply(idle.capabilities(), SieveResponseReader.empty(limits))),
                "STARTTLS\r\n");
    }

    @Override
    public ClientStep restartAfterTls() {
        if (!(state instanceof AwaitingHandshake)) {
            throw new IllegalStateException("restartAfterTls is for the dialog of a GoAhead, not " + state());
        }
        // RFC 5804 §2.2: the server re-issues its capabilities unasked; ask nothing, forget everything.
        return ClientStep.Await.sending(to(new AwaitingCapabilities(SieveResponseReader.empty(limits))), "");
    }

    @Override
    public String farewell() {
        return state instanceof Idle ? LOGOUT : "";
    }

    private SieveClientDialog to(State next) {
        return new SieveClientDialog(limits, next);
    }
}
