package org.starttls4j.lmtp;

import java.util.List;
import org.starttls4j.Capabilities;
import org.starttls4j.Event;
import org.starttls4j.Failure;
import org.starttls4j.Limits;
import org.starttls4j.smtp.EhloCapabilities;
import org.starttls4j.smtp.SmtpReplyReader;
import org.starttls4j.ClientDialog;
import org.starttls4j.ClientStep;
import org.starttls4j.internal.dialog.ClientOutline;

/**
 * The LMTP client's side of STARTTLS (RFC 2033, RFC 3207), as an immutable state machine.
 *
 * <p>Theory of operation. LMTP is SMTP with {@code LHLO} for {@code EHLO} and without
 * {@code HELO} (RFC 2033 §4.1): replies have SMTP's syntax and are read by SMTP's reader, and
 * every decision is taken on a complete reply's code. Exactly one command is outstanding at a time,
 * so a reply while {@link Idle}, or a reply sent before the server could have seen our command,
 * is a protocol error.
 *
 * <pre>
 * state                  reply                     next
 * AwaitingGreeting       220                       send LHLO → AwaitingLhloReply
 *                        421                       fail SERVICE_CLOSING
 *                        other                     fail GREETING_REJECTED, QUIT
 * AwaitingLhloReply      250                       Ready(capabilities, STARTTLS listed?) → Idle
 *                        421                       fail SERVICE_CLOSING
 *                        other                     fail COMMAND_REJECTED, QUIT (no HELO in LMTP)
 * Idle                   any line                  fail UNEXPECTED_REPLY, QUIT
 *                        (requestStartTls)         send STARTTLS → AwaitingStartTlsReply
 * AwaitingStartTlsReply  220                       GoAhead → AwaitingHandshake
 *                        421                       fail SERVICE_CLOSING
 *                        4yz/5yz                   NoTls(STARTTLS_REFUSED) → Idle
 *                        2yz other than 220, 3yz   fail UNEXPECTED_REPLY
 * AwaitingHandshake      (restartAfterTls)         send LHLO → AwaitingLhloReply, nothing kept
 * </pre>
 */
@SuppressWarnings("exports") // its superclass is the core's inside: see ClientOutline
public final class LmtpClientDialog extends ClientOutline {

    private static final Words WORDS = new Words("STARTTLS\r\n", "QUIT\r\n");

    /** LMTP's own state; the others are the outline's. */
    private record AwaitingLhloReply() implements Phase {
    }

    /** The state carries nothing: made once. */
    private static final AwaitingLhloReply AWAITING_LHLO_REPLY = new AwaitingLhloReply();

    private final String clientName;
    private final SmtpReplyReader reader;

    private LmtpClientDialog(String clientName, Phase state, SmtpReplyReader reader) {
        super(state);
        this.clientName = clientName;
        this.reader = reader;
    }

    /**
     * A dialog before the greeting.
     *
     * @param clientName the LHLO argument
     * @param limits     bounds on replies
     * @return the dialog
     */
    public static LmtpClientDialog create(String clientName, Limits limits) {
        return new LmtpClientDialog(clientName, new AwaitingGreeting(false), SmtpReplyReader.empty(limits.maxLinesPerReply()));
    }

    @Override
    protected ClientStep onAnswer(String line) {
        return reader.clientStep(line, this, LmtpClientDialog::reading, LmtpClientDialog::onReply);
    }

    /** This dialog reading on with {@code next}: a reply line costs the reader's link and this, nothing else. */
    private ClientDialog reading(SmtpReplyReader next) {
        return new LmtpClientDialog(clientName, state, next);
    }

    private ClientStep onReply(SmtpReplyReader.Complete reply) {
        int code = reply.code();
        if (code == 421) {
            return fail(Failure.Reason.SERVICE_CLOSING, "the server is closing the connection", reply.summary());
        }
        if (state instanceof AwaitingGreeting greeting) {
            if (code != 220) {
                return new ClientStep.Fail(Failure.of(Failure.Reason.GREETING_REJECTED, "the greeting was not 220", reply.summary()),
                        WORDS.farewell());
            }
            return askCapabilities(List.of(new Event.GreetingReceived(reply.text(), greeting.encrypted())));
        }
        if (state instanceof AwaitingLhloReply) {
            // RFC 2033 §4.1: LMTP has no HELO to fall back to.
            return code == 250 ? ready(EhloCapabilities.parse(reply), "STARTTLS", List.of())
                    : new ClientStep.Fail(Failure.of(Failure.Reason.COMMAND_REJECTED, "LHLO was rejected", reply.summary()),
                    WORDS.farewell());
        }
        if (code == 220) {
            return goAhead();
        }
        Capabilities capabilities = ((AwaitingStartTlsReply) state).capabilities();
        return code >= 400 ? refused(capabilities, "the server refused STARTTLS", reply.summary())
                : fail(Failure.Reason.UNEXPECTED_REPLY, "STARTTLS was answered with " + code + ", not 220", reply.summary());
    }

    @Override
    protected ClientStep askCapabilities(List<Event> events) {
        // Inside TLS too: RFC 3207 §4.2, discard all knowledge from before TLS and greet again.
        return new ClientStep.Await(to(AWAITING_LHLO_REPLY), "LHLO " + clientName + "\r\n", events);
    }

    @Override
    protected Words words() {
        return WORDS;
    }

    @Override
    protected LmtpClientDialog to(Phase next) {
        return new LmtpClientDialog(clientName, next, reader.fresh());
    }
}
