package org.starttls4j.nntp;

import java.util.List;
import org.starttls4j.Capabilities;
import org.starttls4j.Event;
import org.starttls4j.Failure;
import org.starttls4j.Limits;
import org.starttls4j.ClientDialog;
import org.starttls4j.ClientStep;
import org.starttls4j.internal.dialog.ClientOutline;
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
@SuppressWarnings("exports") // its superclass is the core's inside: see ClientOutline
public final class NntpClientDialog extends ClientOutline {

    private static final Words WORDS = new Words("STARTTLS\r\n", "QUIT\r\n");

    /** NNTP's own state; the others are the outline's. */
    private record AwaitingCapabilitiesReply(NntpReplyReader reader) implements Phase {
    }

    private final Limits limits;

    private NntpClientDialog(Limits limits, Phase state) {
        super(state);
        this.limits = limits;
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
    protected ClientStep onAnswer(String line) {
        if (state instanceof AwaitingCapabilitiesReply capabilities) {
            return capabilities.reader().accept(line).clientStep(next -> to(new AwaitingCapabilitiesReply(next)),
                    reply -> onCapabilitiesReply(reply, line));
        }
        NntpReply status = NntpReply.parseStatus(line);
        if (state instanceof AwaitingGreeting greeting) {
            return onGreeting(status, line, greeting.encrypted());
        }
        return onStartTlsReply(status, line, ((AwaitingStartTlsReply) state).capabilities());
    }

    private ClientStep onGreeting(NntpReply greeting, String line, boolean encrypted) {
        if (greeting == null) {
            return fail(Failure.Reason.MALFORMED_REPLY, "the greeting is not an NNTP status line", line);
        }
        if (greeting.code() != 200 && greeting.code() != 201) {
            // RFC 3977 §5.1.1: 400 and 502 greetings come with the connection closing.
            return fail(Failure.Reason.GREETING_REJECTED, "the server refused service in its greeting", line);
        }
        return askCapabilities(List.of(new Event.GreetingReceived(greeting.text(), encrypted))); // after the code, as in every protocol
    }

    private ClientStep onCapabilitiesReply(NntpReply reply, String line) {
        if (reply.code() == NntpReplyReader.CAPABILITY_LIST) {
            return ready(Capabilities.fromLines(reply.lines()), "STARTTLS", List.of());
        }
        if (reply.code() == 400) {
            return fail(Failure.Reason.SERVICE_CLOSING, "the server is closing the connection", line);
        }
        if (reply.code() >= 400) {
            // The server predates RFC 3977 (no CAPABILITIES): capabilities unknown; see the class comment.
            return readyUnknown();
        }
        return fail(Failure.Reason.UNEXPECTED_REPLY, "CAPABILITIES was answered with " + reply.code(), line);
    }

    private ClientStep onStartTlsReply(NntpReply reply, String line, Capabilities capabilities) {
        if (reply == null) {
            return fail(Failure.Reason.MALFORMED_REPLY, "STARTTLS was answered with no status line", line);
        }
        if (reply.code() == 382) {
            return goAhead();
        }
        if (reply.code() == 400) {
            return fail(Failure.Reason.SERVICE_CLOSING, "the server is closing the connection", line);
        }
        if (reply.code() >= 400) {
            return refused(capabilities, "the server refused STARTTLS", line);
        }
        // Not the go-ahead, and what state the server is in is unknowable: abandon in every policy.
        return fail(Failure.Reason.UNEXPECTED_REPLY, "STARTTLS was answered with " + reply.code() + ", not 382", line);
    }

    @Override
    protected ClientStep askCapabilities(List<Event> events) {
        // Inside TLS too: RFC 4642 §2.2.2, the client MUST discard what it learned before TLS and ask again.
        return new ClientStep.Await(to(new AwaitingCapabilitiesReply(NntpReplyReader.empty(limits.maxLinesPerReply()))),
                "CAPABILITIES\r\n", events);
    }

    @Override
    protected Words words() {
        return WORDS;
    }

    @Override
    protected NntpClientDialog to(Phase next) {
        return new NntpClientDialog(limits, next);
    }
}
