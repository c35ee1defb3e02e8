package org.starttls4j.lmtp;

import org.starttls4j.ClientStep;
import org.starttls4j.Failure;
import org.starttls4j.Limits;
import org.starttls4j.smtp.SmtpClientDialog;
import org.starttls4j.smtp.SmtpReplyReader;

/**
 * The LMTP client's side of STARTTLS (RFC 2033, RFC 3207), as an immutable state machine.
 *
 * <p>Theory of operation. LMTP is SMTP with {@code LHLO} for {@code EHLO} and without
 * {@code HELO} (RFC 2033 §4.1): replies have SMTP's syntax and are read by SMTP's reader, and
 * every decision is taken on a complete reply's code. Exactly one command is outstanding at a time,
 * so a reply while {@code Idle}, or a reply sent before the server could have seen our command,
 * is a protocol error. It is {@link SmtpClientDialog} but for the hello: its own state
 * {@code AwaitingLhloReply}, and no fallback when LHLO is rejected.
 *
 * <pre>
 * state                  reply                     next
 * AwaitingGreeting       220                       send LHLO → AwaitingLhloReply
 *                        421                       fail SERVICE_CLOSING
 *                        other (554, …)            fail GREETING_REJECTED, QUIT
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
@SuppressWarnings("exports") // its superclass's superclass is the core's inside: see ClientOutline
public final class LmtpClientDialog extends SmtpClientDialog {

    /** LMTP's own state; the others are SMTP's and the outline's. */
    private record AwaitingLhloReply() implements Phase {
    }

    /** The state carries nothing: made once. */
    private static final AwaitingLhloReply AWAITING_LHLO_REPLY = new AwaitingLhloReply();

    private LmtpClientDialog(String lhlo, Phase state, SmtpReplyReader reader) {
        super(lhlo, state, reader);
    }

    /**
     * A dialog before the greeting.
     *
     * @param clientName the LHLO argument
     * @param limits     bounds on replies
     * @return the dialog
     */
    public static LmtpClientDialog create(String clientName, Limits limits) {
        return new LmtpClientDialog("LHLO " + clientName + "\r\n", new AwaitingGreeting(false), SmtpReplyReader.empty(limits.maxLinesPerReply()));
    }

    @Override
    protected LmtpClientDialog dialog(String lhlo, Phase state, SmtpReplyReader reader) {
        return new LmtpClientDialog(lhlo, state, reader);
    }

    @Override
    protected Phase awaitingHelloReply() {
        return AWAITING_LHLO_REPLY;
    }

    @Override
    protected ClientStep helloRejected(SmtpReplyReader.Complete reply) {
        // RFC 2033 §4.1: LMTP has no HELO to fall back to.
        return new ClientStep.Fail(Failure.of(Failure.Reason.COMMAND_REJECTED, "LHLO was rejected", reply.summary()), words().farewell());
    }
}
