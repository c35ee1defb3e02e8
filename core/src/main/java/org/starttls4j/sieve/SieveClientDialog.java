package org.starttls4j.sieve;

import java.util.List;
import java.util.function.Function;
import org.starttls4j.Capabilities;
import org.starttls4j.Event;
import org.starttls4j.Failure;
import org.starttls4j.Limits;
import org.starttls4j.ClientDialog;
import org.starttls4j.ClientStep;
import org.starttls4j.internal.dialog.ClientOutline;

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
@SuppressWarnings("exports") // its superclass is the core's inside: see ClientOutline
public final class SieveClientDialog extends ClientOutline {

    private static final Words WORDS = new Words("STARTTLS\r\n", "LOGOUT\r\n");

    /**
     * ManageSieve's own states, each reading a response: {@code Idle} and {@code AwaitingHandshake}
     * are the outline's; the greeting and {@code AwaitingStartTlsReply} here hide the outline's.
     */
    private sealed interface State extends Phase {
    }

    private record AwaitingGreeting(boolean encrypted, SieveResponseReader reader) implements State {
    }

    private record AwaitingStartTlsReply(Capabilities capabilities, SieveResponseReader reader) implements State {
    }

    private record AwaitingCapabilities(SieveResponseReader reader) implements State {
    }

    private final Limits limits;

    private SieveClientDialog(Limits limits, Phase state) {
        super(state);
        this.limits = limits;
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
    public ClientStep start(boolean encrypted) {
        return ClientStep.Await.sending(to(new AwaitingGreeting(encrypted, SieveResponseReader.empty(limits))), "");
    }

    @Override
    protected ClientStep onAnswer(String line) {
        if (state instanceof AwaitingGreeting greeting) {
            return read(greeting.reader(), line, next -> new AwaitingGreeting(greeting.encrypted(), next),
                    done -> onGreeting(done, greeting.encrypted()));
        }
        if (state instanceof AwaitingCapabilities awaiting) {
            return read(awaiting.reader(), line, AwaitingCapabilities::new, this::onCapabilitiesAfterTls);
        }
        AwaitingStartTlsReply startTls = (AwaitingStartTlsReply) state;
        if (startTls.reader().literal() == null && SieveSyntax.status(line) == null) {
            return fail(Failure.Reason.UNEXPECTED_REPLY, "capabilities in answer to STARTTLS", line);
        }
        return read(startTls.reader(), line, next -> new AwaitingStartTlsReply(startTls.capabilities(), next),
                done -> onStartTlsReply(done, startTls.capabilities()));
    }

    private ClientStep read(SieveResponseReader reader, String line, Function<SieveResponseReader, Phase> more,
                            Function<SieveResponseReader.Response, ClientStep> complete) {
        return reader.accept(line).clientStep(next -> to(more.apply(next)), complete);
    }

    private ClientStep onGreeting(SieveResponseReader.Response greeting, boolean encrypted) {
        if (!greeting.status().equals("OK")) {
            return fail(Failure.Reason.GREETING_REJECTED, "the server refused service in its greeting", greeting.line());
        }
        // The text after the status, as in every protocol (here still quoted, as the server wrote it).
        String text = greeting.line().length() > 2 ? greeting.line().substring(3) : "";
        return ready(greeting.capabilities(), "STARTTLS", List.of(new Event.GreetingReceived(text, encrypted)));
    }

    private ClientStep onCapabilitiesAfterTls(SieveResponseReader.Response response) {
        if (!response.status().equals("OK")) {
            return fail(Failure.Reason.SERVICE_CLOSING, "the server ended the session after TLS", response.line());
        }
        return ready(response.capabilities(), "STARTTLS", List.of());
    }

    private ClientStep onStartTlsReply(SieveResponseReader.Response reply, Capabilities capabilities) {
        switch (reply.status()) {
            case "OK":
                return goAhead();
            case "NO":
                return refused(capabilities, "the server refused STARTTLS", reply.line());
            default:
                return fail(Failure.Reason.SERVICE_CLOSING, "the server is closing the connection (BYE)", reply.line());
        }
    }

    @Override
    protected Phase awaitingStartTlsReply(Capabilities capabilities) {
        return new AwaitingStartTlsReply(capabilities, SieveResponseReader.empty(limits));
    }

    @Override
    protected ClientStep askCapabilities(List<Event> events) {
        // Only inside TLS (the greeting carries them): RFC 5804 §2.2, the server re-issues its
        // capabilities unasked; ask nothing, forget everything.
        return new ClientStep.Await(to(new AwaitingCapabilities(SieveResponseReader.empty(limits))), "", events);
    }

    @Override
    protected Words words() {
        return WORDS;
    }

    @Override
    protected SieveClientDialog to(Phase next) {
        return new SieveClientDialog(limits, next);
    }
}
