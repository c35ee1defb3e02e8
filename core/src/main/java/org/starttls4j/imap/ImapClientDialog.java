package org.starttls4j.imap;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.starttls4j.Capabilities;
import org.starttls4j.Event;
import org.starttls4j.Failure;
import org.starttls4j.Limits;
import org.starttls4j.ClientDialog;
import org.starttls4j.ClientStep;
import org.starttls4j.StartTlsOffer;
import org.starttls4j.internal.dialog.ClientOutline;

/**
 * The IMAP client's side of STARTTLS (RFC 9051 §6.2.1, RFC 3501 §6.2.1, RFC 2595) and of implicit
 * TLS on port 993 (RFC 8314), as an immutable state machine.
 *
 * <p>Theory of operation. Exactly one command is outstanding at a time, under a tag never used
 * before on the connection ({@code A1}, {@code A2}, …; the counter runs on across TLS). Only the
 * tagged response carrying the outstanding tag completes it: a tagged response for any other tag,
 * or a continuation request (we never send literals), is a protocol error. Untagged responses
 * may come at any time and are skipped — literals included, counted by
 * {@link ImapResponseReader} — except {@code * CAPABILITY} while CAPABILITY is outstanding, and
 * {@code * BYE}, which ends the negotiation. Response codes received before TLS ({@code [ALERT]},
 * {@code [REFERRAL …]}) are never surfaced as trusted and never followed: they appear only in
 * the transcript, marked as plaintext. Capabilities learned before TLS decide whether to send
 * STARTTLS and nothing else: the {@code [CAPABILITY …]} code of the STARTTLS go-ahead and any
 * {@code * CAPABILITY} sent with it are ignored, and CAPABILITY is always asked again inside TLS.
 *
 * <pre>
 * state                     response                         next
 * AwaitingGreeting          * OK [CAPABILITY …]              Ready(capabilities) → Idle
 *                           * OK                             send An CAPABILITY → AwaitingCapabilityReply
 *                           * PREAUTH (plaintext)            NoTls(PREAUTH_WITHOUT_TLS) → Idle (preauthenticated)
 *                           * PREAUTH (inside TLS)           as * OK
 *                           * BYE                            fail GREETING_REJECTED
 *                           anything else                    fail GREETING_REJECTED (MALFORMED_REPLY if unparsable)
 * AwaitingCapabilityReply   * CAPABILITY atoms               remember them (the last one wins)
 *                           An OK                            Ready(what * CAPABILITY said, else the OK's
 *                                                            [CAPABILITY] code) → Idle; offer OFFERED or
 *                                                            NOT_OFFERED; if neither was sent, UNKNOWN
 *                           An NO / An BAD                   Ready(no capabilities, UNKNOWN) → Idle
 * Idle (plaintext)          untagged response                ignored (servers send * CAPABILITY, * OK … after
 *                                                            their greeting); * BYE: fail SERVICE_CLOSING;
 *                                                            tagged or +: fail UNEXPECTED_REPLY
 * Idle (inside TLS, PREAUTH) any response                    fail UNEXPECTED_REPLY, LOGOUT
 *                           (requestStartTls)                send An STARTTLS → AwaitingStartTlsReply
 * AwaitingStartTlsReply     An OK                            GoAhead → AwaitingHandshake
 *                           An NO / An BAD                   NoTls(STARTTLS_REFUSED) → Idle
 * AwaitingHandshake         (restartAfterTls)                send An CAPABILITY → AwaitingCapabilityReply,
 *                                                            knowing nothing from before TLS
 * any awaiting state        * BYE                            fail SERVICE_CLOSING
 *                           other untagged responses         ignored (EXISTS, FETCH, LIST, * OK [ALERT] …)
 *                           tagged, not the outstanding tag  fail UNEXPECTED_REPLY
 *                           +                                fail UNEXPECTED_REPLY
 * </pre>
 *
 * <p>{@code NO} or {@code BAD} to CAPABILITY, or an OK without any capability list, leaves the
 * STARTTLS offer {@link StartTlsOffer#UNKNOWN}: the negotiation then sends STARTTLS anyway (under
 * {@code REQUIRED}, "TLS or nothing"; under {@code OPPORTUNISTIC}, a refusal still falls back),
 * since a server that cannot list its capabilities may still support STARTTLS. Inside TLS the same
 * answers hand over with no capabilities.
 *
 * <p>{@link #farewell()} is {@code An LOGOUT} when idle, except after a plaintext PREAUTH
 * greeting: there nothing at all is sent before closing, as a required policy sends nothing but
 * the negotiation in plaintext and the negotiation never started.
 *
 * <p><b>Lockstep.</b> Any response, untagged ones included, that arrives in the same read as the
 * response that made us send a command was sent before the server could have seen that command;
 * the negotiation hands it to {@link #onLineBeforeCommandSeen}: an untagged response there is
 * skipped and never taken as the answer (taking a {@code * CAPABILITY} queued behind the greeting
 * as the answer would let a forgery strip STARTTLS from the list; skipping it lets the many servers
 * that send one unasked work), and anything tagged fails with {@code UNEXPECTED_REPLY}.
 */
@SuppressWarnings("exports") // its superclass is the core's inside: see ClientOutline
public final class ImapClientDialog extends ClientOutline {

    /** Sent under a tag by {@link #requestStartTls} and {@link #farewell}, which IMAP words itself. */
    private static final Words WORDS = new Words("STARTTLS\r\n", "LOGOUT\r\n");

    /**
     * IMAP's own states: the greeting and {@code AwaitingHandshake} are the outline's; {@code Idle}
     * and {@code AwaitingStartTlsReply} here hide the outline's, as IMAP's carry more.
     */
    private sealed interface State extends Phase {
    }

    private record AwaitingCapabilityReply(String tag, boolean encrypted, Optional<Capabilities> announced) implements State {
    }

    /**
     * Capabilities known, no command outstanding.
     *
     * @param encrypted whether TLS is up: inside TLS, anything unsolicited would be lost to the
     *                  application, so it stays an error there
     */
    private record Idle(Capabilities capabilities, boolean preauthenticated, boolean encrypted) implements State {
    }

    private record AwaitingStartTlsReply(String tag, Capabilities capabilities) implements State {
    }

    private final Limits limits;
    private final int nextTag;
    private final ImapResponseReader reader;

    private ImapClientDialog(Limits limits, int nextTag, Phase state, ImapResponseReader reader) {
        super(state);
        this.limits = limits;
        this.nextTag = nextTag;
        this.reader = reader;
    }

    /**
     * A dialog before the greeting.
     *
     * @param limits bounds on responses (lines per response, literal size)
     * @return the dialog
     */
    public static ImapClientDialog create(Limits limits) {
        return new ImapClientDialog(limits, 1, new AwaitingGreeting(false), ImapResponseReader.empty(limits));
    }

    @Override
    public ClientStep onLine(String line) {
        if (state instanceof Idle idle && !idle.encrypted() && !idle.preauthenticated()) {
            return unsolicited(line);
        }
        if (state instanceof Idle) {
            return unexpected(line);
        }
        return super.onLine(line);
    }

    @Override
    protected ClientStep onAnswer(String line) {
        return reader.accept(line).clientStep(this, ImapClientDialog::reading, ImapClientDialog::onAnswered);
    }

    private ClientStep onAnswered(ImapResponse response) {
        return state instanceof AwaitingGreeting greeting ? onGreeting(response, greeting.encrypted()) : onResponse(response);
    }

    /** This dialog reading on with {@code next}: the same state, the response not complete yet. */
    private ClientDialog reading(ImapResponseReader next) {
        return new ImapClientDialog(limits, nextTag, state, next);
    }

    /**
     * A line the server sent before it could have seen our command (see the class comment): an
     * untagged response other than BYE is skipped unread, never taken as the answer, so a
     * {@code * CAPABILITY} queued behind the greeting is never the capability list; anything else
     * is an error.
     */
    @Override
    public ClientStep onLineBeforeCommandSeen(String line) {
        if (state instanceof Idle || state instanceof AwaitingHandshake || state instanceof AwaitingGreeting) {
            return onLine(line);
        }
        return unsolicited(line);
    }

    /**
     * An unsolicited response in plaintext, before the client's first command was seen or while it
     * is idle: many servers send {@code * CAPABILITY …} or {@code * OK} lines right after their
     * greeting. Untagged responses are skipped (literals included); {@code * BYE} ends the
     * negotiation; a tagged response or a continuation request answers nothing we sent.
     */
    private ClientStep unsolicited(String line) {
        return reader.accept(line).clientStep(this, ImapClientDialog::reading, (dialog, response) -> dialog.unsolicited(line, response));
    }

    private ClientStep unsolicited(String line, ImapResponse response) {
        if (response.is(ImapResponse.Kind.UNTAGGED_STATUS, "BYE")) {
            return fail(Failure.Reason.SERVICE_CLOSING, "the server is closing the connection (BYE)", response);
        }
        if (response.kind() == ImapResponse.Kind.UNTAGGED_STATUS || response.kind() == ImapResponse.Kind.UNTAGGED_DATA) {
            return stay(state);
        }
        return new ClientStep.Fail(Failure.of(Failure.Reason.UNEXPECTED_REPLY,
                "a tagged response or continuation request that answers no command we sent", line), farewell());
    }

    /**
     * The greeting's text as every protocol reports it: what follows the status, here
     * {@code * OK }, {@code * PREAUTH } or {@code * BYE } (a response code included).
     */
    private static String greetingText(ImapResponse greeting) {
        String line = greeting.line();
        int from = Math.min(line.length(), 2 + greeting.keyword().length());
        return line.substring(from < line.length() && line.charAt(from) == ' ' ? from + 1 : from);
    }

    private ClientStep onGreeting(ImapResponse greeting, boolean encrypted) {
        boolean ok = greeting.is(ImapResponse.Kind.UNTAGGED_STATUS, "OK");
        boolean preauth = greeting.is(ImapResponse.Kind.UNTAGGED_STATUS, "PREAUTH");
        if (greeting.is(ImapResponse.Kind.UNTAGGED_STATUS, "BYE")) {
            return fail(Failure.Reason.GREETING_REJECTED, "the server refused service in its greeting (BYE)", greeting);
        }
        if (!ok && !preauth) {
            return fail(Failure.Reason.GREETING_REJECTED, "the greeting was not * OK, * PREAUTH or * BYE", greeting);
        }
        Optional<Capabilities> announced = Optional.empty();
        Optional<String> code = greeting.codeArgument("CAPABILITY");
        if (code.isPresent()) {
            announced = ImapSyntax.capabilities(code.get());
            if (announced.isEmpty()) {
                return fail(Failure.Reason.MALFORMED_REPLY, "a CAPABILITY response code that is not a list of atoms", greeting);
            }
        }
        if (preauth && !encrypted) {
            // RFC 9051 §6.2.1: STARTTLS is only valid in the not-authenticated state; PREAUTH has
            // left it, so TLS is impossible on this connection.
            Capabilities capabilities = announced.orElse(Capabilities.NONE);
            return new ClientStep.NoTls(to(new Idle(capabilities, true, encrypted)), Failure.of(Failure.Reason.PREAUTH_WITHOUT_TLS,
                    "the server greeted with PREAUTH, so STARTTLS is impossible", greeting.line()), capabilities,
                    List.of(new Event.GreetingReceived(greetingText(greeting), false)));
        }
        if (announced.isPresent()) {
            // RFC 9051 §7.1: a [CAPABILITY] code in the greeting spares the CAPABILITY command.
            Capabilities capabilities = announced.get();
            return new ClientStep.Ready(to(new Idle(capabilities, false, encrypted)), capabilities,
                    StartTlsOffer.in(capabilities, "STARTTLS"), List.of(new Event.GreetingReceived(greetingText(greeting), encrypted)));
        }
        return askCapabilities(List.of(new Event.GreetingReceived(greetingText(greeting), encrypted)));
    }

    private ClientStep onResponse(ImapResponse response) {
        String outstanding = state instanceof AwaitingCapabilityReply c ? c.tag() : ((AwaitingStartTlsReply) state).tag();
        switch (response.kind()) {
            case CONTINUATION:
                return fail(Failure.Reason.UNEXPECTED_REPLY, "a continuation request, but no literal was sent", response);
            case UNTAGGED_STATUS:
                if (response.keyword().equals("BYE")) {
                    return fail(Failure.Reason.SERVICE_CLOSING, "the server is closing the connection (BYE)", response);
                }
                return stay(state); // * OK [ALERT] …, * NO …: informational, and untrusted before TLS
            case UNTAGGED_DATA:
                if (state instanceof AwaitingCapabilityReply c && response.keyword().equals("CAPABILITY")) {
                    Optional<Capabilities> announced = ImapSyntax.capabilities(response.text());
                    if (announced.isEmpty()) {
                        return fail(Failure.Reason.MALFORMED_REPLY, "a CAPABILITY response that is not a list of atoms", response);
                    }
                    return stay(new AwaitingCapabilityReply(c.tag(), c.encrypted(), announced));
                }
                return stay(state); // EXISTS, FETCH, LIST…, and CAPABILITY sent along with STARTTLS's answer
            default:
                break;
        }
        if (!response.tag().equals(outstanding)) {
            return fail(Failure.Reason.UNEXPECTED_REPLY,
                    "a tagged response for " + response.tag() + ", but the outstanding command is " + outstanding, response);
        }
        if (state instanceof AwaitingCapabilityReply c) {
            return onCapabilityCompleted(response, c);
        }
        Capabilities capabilities = ((AwaitingStartTlsReply) state).capabilities();
        if (response.keyword().equals("OK")) {
            // Whatever capabilities came with the go-ahead are forgotten with the rest.
            return new ClientStep.GoAhead(to(new AwaitingHandshake()));
        }
        return new ClientStep.NoTls(to(new Idle(capabilities, false, false)), Failure.of(Failure.Reason.STARTTLS_REFUSED,
                "the server answered STARTTLS with " + response.keyword(), response.line()), capabilities);
    }

    private ClientStep onCapabilityCompleted(ImapResponse response, AwaitingCapabilityReply c) {
        if (!response.keyword().equals("OK")) {
            return new ClientStep.Ready(to(new Idle(Capabilities.NONE, false, c.encrypted())), Capabilities.NONE, StartTlsOffer.UNKNOWN);
        }
        Optional<Capabilities> announced = c.announced();
        Optional<String> code = response.codeArgument("CAPABILITY");
        if (announced.isEmpty() && code.isPresent()) {
            announced = ImapSyntax.capabilities(code.get());
            if (announced.isEmpty()) {
                return fail(Failure.Reason.MALFORMED_REPLY, "a CAPABILITY response code that is not a list of atoms", response);
            }
        }
        if (announced.isEmpty()) {
            return new ClientStep.Ready(to(new Idle(Capabilities.NONE, false, c.encrypted())), Capabilities.NONE, StartTlsOffer.UNKNOWN);
        }
        return ready(announced.get(), c.encrypted());
    }

    @Override
    public ClientStep requestStartTls() {
        if (!(state instanceof Idle idle) || idle.preauthenticated()) {
            throw new IllegalStateException("STARTTLS can only be sent when idle and not authenticated, not in " + state());
        }
        return command("STARTTLS", tag -> new AwaitingStartTlsReply(tag, idle.capabilities()), List.of());
    }

    @Override
    protected ClientStep askCapabilities(List<Event> events) {
        // Inside TLS too: RFC 9051 §6.2.1, discard all knowledge from before TLS and issue
        // CAPABILITY first. After a greeting, whether TLS is up is the greeting's to say.
        boolean encrypted = !(state instanceof AwaitingGreeting greeting) || greeting.encrypted();
        return command("CAPABILITY", tag -> new AwaitingCapabilityReply(tag, encrypted, Optional.empty()), events);
    }

    @Override
    public String farewell() {
        return state instanceof Idle idle && !idle.preauthenticated() ? "A" + nextTag + " LOGOUT\r\n" : "";
    }

    private ClientStep ready(Capabilities capabilities, boolean encrypted) {
        return new ClientStep.Ready(to(new Idle(capabilities, false, encrypted)), capabilities, StartTlsOffer.in(capabilities, "STARTTLS"));
    }

    /** Sends {@code verb} under the next tag, moving to the state made for that tag. */
    private ClientStep command(String verb, Function<String, Phase> awaiting, List<Event> events) {
        String tag = "A" + nextTag;
        ImapClientDialog next = new ImapClientDialog(limits, nextTag + 1, awaiting.apply(tag), reader.fresh());
        return new ClientStep.Await(next, tag + " " + verb + "\r\n", events);
    }

    private ClientStep stay(Phase same) {
        return ClientStep.Await.sending(to(same), "");
    }

    private static ClientStep fail(Failure.Reason reason, String message, ImapResponse response) {
        return new ClientStep.Fail(Failure.of(reason, message, response.line()), "");
    }

    @Override
    protected Words words() {
        return WORDS;
    }

    @Override
    protected ImapClientDialog to(Phase next) {
        return new ImapClientDialog(limits, nextTag, next, reader.fresh());
    }
}
