package org.starttls4j.pop3;

import java.util.List;
import org.starttls4j.Capabilities;
import org.starttls4j.Event;
import org.starttls4j.Failure;
import org.starttls4j.Limits;
import org.starttls4j.ClientDialog;
import org.starttls4j.internal.dialog.ClientOutline;
import org.starttls4j.internal.dialog.DotTerminatedLines;
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
@SuppressWarnings("exports") // the outline is the inside, as StringBuilder's superclass is the JDK's
public final class Pop3ClientDialog extends ClientOutline {

    private static final Words WORDS = new Words("STLS\r\n", "QUIT\r\n");

    /** POP3's own states; the greeting, {@code Idle} and {@code AwaitingHandshake} are the outline's. */
    private sealed interface State extends Phase {
    }

    /**
     * CAPA sent: its status line, then ({@code listing}) its list, are read here rather than through
     * a {@link Pop3ReplyReader}. The list so far is the dialog's own field, as SMTP's reader is, so
     * a list line costs the list's link, the dialog and its step; the two forms of this state are
     * constants.
     *
     * @param listing whether the {@code +OK} came and the list lines are being read
     */
    private record AwaitingCapaReply(boolean listing) implements State {
    }

    private static final AwaitingCapaReply AWAITING_CAPA_STATUS = new AwaitingCapaReply(false);
    private static final AwaitingCapaReply AWAITING_CAPA_LIST = new AwaitingCapaReply(true);

    private record AwaitingStlsReply(Capabilities capabilities) implements State {
    }

    private final Limits limits;
    /** The CAPA list so far while {@link #AWAITING_CAPA_LIST}; otherwise null. */
    private final DotTerminatedLines list;

    private Pop3ClientDialog(Limits limits, Phase state, DotTerminatedLines list) {
        super(state);
        this.limits = limits;
        this.list = list;
    }

    /**
     * A dialog before the greeting.
     *
     * @param limits bounds on responses ({@link Limits#maxLinesPerReply()} bounds the CAPA list)
     * @return the dialog
     */
    public static Pop3ClientDialog create(Limits limits) {
        return new Pop3ClientDialog(limits, new AwaitingGreeting(false), null);
    }

    @Override
    protected ClientStep onAnswer(String line) {
        if (state instanceof AwaitingGreeting greeting) {
            return onGreeting(line, greeting.encrypted());
        }
        if (state instanceof AwaitingCapaReply capa) {
            return onCapaLine(line, capa);
        }
        return onStlsReply(line, ((AwaitingStlsReply) state).capabilities());
    }

    private ClientStep onGreeting(String line, boolean encrypted) {
        Pop3Reply greeting = Pop3Reply.parseStatus(line);
        if (greeting == null) {
            return fail(Failure.Reason.MALFORMED_REPLY, "the greeting is not +OK or -ERR", line);
        }
        if (!greeting.positive()) {
            return new ClientStep.Fail(Failure.of(Failure.Reason.GREETING_REJECTED, "the server refused service in its greeting",
                    line), WORDS.farewell());
        }
        return askCapabilities(List.of(new Event.GreetingReceived(greeting.text(), encrypted)));
    }

    private ClientStep onCapaLine(String line, AwaitingCapaReply capa) {
        // Only the status indicator decides here: the +OK's text is not kept, so no reply is parsed.
        boolean status = Pop3Reply.isPositive(line) || Pop3Reply.isNegative(line);
        if (!capa.listing()) {
            if (!status) {
                return fail(Failure.Reason.MALFORMED_REPLY, "not a POP3 status line (+OK or -ERR)", line);
            }
            // A -ERR is one line: the server predates RFC 2449 (no CAPA), capabilities unknown; see
            // the class comment. After +OK the list follows.
            return Pop3Reply.isPositive(line) ? ClientStep.Await.sending(listing(DotTerminatedLines.empty(limits.maxLinesPerReply())), "")
                    : readyUnknown();
        }
        if (status) {
            // No capability tag reads "+OK" or "-ERR": this is a second response, sent out of turn.
            return fail(Failure.Reason.UNEXPECTED_REPLY, "a status line inside the CAPA list", line);
        }
        return list.accept(line, this, Pop3ClientDialog::onCapaList, Pop3ClientDialog::readingCapa,
                (dialog, failure) -> new ClientStep.Fail(failure, ""));
    }

    /** The list is complete. */
    private ClientStep onCapaList(List<String> lines) {
        return ready(CapaList.parse(lines), "STLS", List.of());
    }

    /** This dialog reading the CAPA list on with {@code next}. */
    private ClientStep readingCapa(DotTerminatedLines next) {
        return ClientStep.Await.sending(listing(next), "");
    }

    private Pop3ClientDialog listing(DotTerminatedLines next) {
        return new Pop3ClientDialog(limits, AWAITING_CAPA_LIST, next);
    }

    private ClientStep onStlsReply(String line, Capabilities capabilities) {
        if (Pop3Reply.isPositive(line)) {
            return goAhead();
        }
        if (Pop3Reply.isNegative(line)) {
            return refused(capabilities, "the server refused STLS", line);
        }
        return fail(Failure.Reason.MALFORMED_REPLY, "STLS was answered with neither +OK nor -ERR", line);
    }

    @Override
    protected Phase awaitingStartTlsReply(Capabilities capabilities) {
        return new AwaitingStlsReply(capabilities);
    }

    @Override
    protected ClientStep askCapabilities(List<Event> events) {
        // Inside TLS too: RFC 2595 §4, discard what was learned before TLS and ask CAPA again.
        return new ClientStep.Await(to(AWAITING_CAPA_STATUS), "CAPA\r\n", events);
    }

    @Override
    protected Words words() {
        return WORDS;
    }

    @Override
    protected Pop3ClientDialog to(Phase next) {
        return new Pop3ClientDialog(limits, next, null);
    }
}
