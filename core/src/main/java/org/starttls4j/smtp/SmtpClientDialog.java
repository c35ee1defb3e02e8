package org.starttls4j.smtp;

import java.util.List;
import org.starttls4j.Capabilities;
import org.starttls4j.Event;
import org.starttls4j.Failure;
import org.starttls4j.Limits;
import org.starttls4j.ClientDialog;
import org.starttls4j.ClientStep;
import org.starttls4j.StartTlsOffer;
import org.starttls4j.internal.dialog.ClientOutline;

/**
 * The SMTP client's side of STARTTLS (RFC 5321, RFC 3207), as an immutable state machine.
 *
 * <p>Theory of operation. Every decision is taken on a <em>complete</em> reply and its code only;
 * reply text received before TLS is shown as untrusted and never parsed for decisions other than
 * the EHLO keywords. Exactly one command is outstanding at a time (no pipelining during the
 * negotiation), so a reply that arrives while {@link Idle}, or a second reply to one command, is
 * a protocol error, never an answer to a later command.
 *
 * <pre>
 * state                  reply                     next
 * AwaitingGreeting       220                       send EHLO → AwaitingEhloReply
 *                        554                       fail GREETING_REJECTED, QUIT
 *                        421                       fail SERVICE_CLOSING
 * AwaitingEhloReply      250                       Ready(capabilities) → Idle
 *                        500/501/502/504/550       send HELO → AwaitingHeloReply
 *                        421                       fail SERVICE_CLOSING
 *                        other                     fail COMMAND_REJECTED, QUIT
 * AwaitingHeloReply      250                       Ready(no capabilities) → Idle
 *                        421                       fail SERVICE_CLOSING
 *                        other                     fail COMMAND_REJECTED, QUIT
 * Idle                   any line                  fail UNEXPECTED_REPLY, QUIT
 *                        (requestStartTls)         send STARTTLS → AwaitingStartTlsReply
 * AwaitingStartTlsReply  220                       GoAhead → AwaitingHandshake
 *                        421                       fail SERVICE_CLOSING
 *                        4yz/5yz (454, 501, …)     NoTls(STARTTLS_REFUSED) → Idle
 *                        2yz other than 220, 3yz   fail UNEXPECTED_REPLY
 * AwaitingHandshake      (restartAfterTls)         send EHLO → AwaitingEhloReply, nothing kept
 * </pre>
 *
 * <p>LMTP is SMTP with {@code LHLO} for {@code EHLO} and no {@code HELO} (RFC 2033 §4.1): its
 * client, {@link org.starttls4j.lmtp.LmtpClientDialog}, is this dialog with its own hello state and
 * its own answer to a rejected hello, and nothing else of its own. That is why this class is not
 * final (a sealed class could only name LMTP's by making the two packages depend on each other);
 * it is not an extension point for other dialects.
 */
@SuppressWarnings("exports") // its superclass is the core's inside: see ClientOutline
public class SmtpClientDialog extends ClientOutline {

    private static final Words WORDS = new Words("STARTTLS\r\n", "QUIT\r\n");

    /** SMTP's own states; the greeting, {@code Idle}, STARTTLS and the handshake are the outline's. */
    private sealed interface State extends Phase {
    }

    private record AwaitingEhloReply() implements State {
    }

    private record AwaitingHeloReply() implements State {
    }

    /** The states that carry nothing, made once. */
    private static final AwaitingEhloReply AWAITING_EHLO_REPLY = new AwaitingEhloReply();
    private static final AwaitingHeloReply AWAITING_HELO_REPLY = new AwaitingHeloReply();

    /**
     * The hello command, {@code "EHLO <client name>\r\n"} (LMTP's {@code LHLO}): made once per
     * dialog, sent before TLS and again inside it.
     */
    private final String hello;
    private final SmtpReplyReader reader;

    /**
     * The dialog in {@code state}; for this class and LMTP's (see the class comment).
     *
     * @param hello  the hello command, CRLF included
     * @param state  the state
     * @param reader the reply read so far
     */
    protected SmtpClientDialog(String hello, Phase state, SmtpReplyReader reader) {
        super(state);
        this.hello = hello;
        this.reader = reader;
    }

    /**
     * A dialog before the greeting.
     *
     * @param clientName the EHLO/HELO argument
     * @param limits     bounds on replies
     * @return the dialog
     */
    public static SmtpClientDialog create(String clientName, Limits limits) {
        return new SmtpClientDialog("EHLO " + clientName + "\r\n", new AwaitingGreeting(false), SmtpReplyReader.empty(limits.maxLinesPerReply()));
    }

    /**
     * A dialog of this one's kind: how LMTP's stays LMTP's from state to state.
     *
     * @param hello  the hello command, CRLF included
     * @param state  the state
     * @param reader the reply read so far
     * @return the dialog
     */
    protected SmtpClientDialog dialog(String hello, Phase state, SmtpReplyReader reader) {
        return new SmtpClientDialog(hello, state, reader);
    }

    /**
     * The state in which the answer to the hello command is awaited, as {@link #state()} names it.
     *
     * @return the state
     */
    protected Phase awaitingHelloReply() {
        return AWAITING_EHLO_REPLY;
    }

    /**
     * The hello command was rejected (not 250, not 421): RFC 5321 §4.1.4 has SMTP fall back to
     * {@code HELO} when the server does not know EHLO.
     *
     * @param reply the rejection
     * @return the step
     */
    protected ClientStep helloRejected(SmtpReplyReader.Complete reply) {
        int code = reply.code();
        if (code == 500 || code == 501 || code == 502 || code == 504 || code == 550) {
            return ClientStep.Await.sending(to(AWAITING_HELO_REPLY), "HELO " + hello.substring("EHLO ".length()));
        }
        return new ClientStep.Fail(Failure.of(Failure.Reason.COMMAND_REJECTED, "EHLO was rejected", reply.summary()), WORDS.farewell());
    }

    @Override
    protected final ClientStep onAnswer(String line) {
        return reader.clientStep(line, this, SmtpClientDialog::reading, SmtpClientDialog::onReply);
    }

    /** This dialog reading on with {@code next}: a reply line costs the reader's link and this, nothing else. */
    private ClientDialog reading(SmtpReplyReader next) {
        return dialog(hello, state, next);
    }

    private ClientStep onReply(SmtpReplyReader.Complete reply) {
        if (reply.code() == 421) {
            // RFC 5321 §3.8: the server is closing the channel, whatever we asked.
            return fail(Failure.Reason.SERVICE_CLOSING, "the server is closing the connection", reply.summary());
        }
        if (state instanceof AwaitingGreeting greeting) {
            return onGreeting(reply, greeting.encrypted());
        }
        if (state instanceof AwaitingStartTlsReply startTls) {
            return onStartTlsReply(reply, startTls.capabilities());
        }
        return onHelloReply(reply);
    }

    private ClientStep onGreeting(SmtpReplyReader.Complete reply, boolean encrypted) {
        if (reply.code() != 220) {
            return new ClientStep.Fail(Failure.of(Failure.Reason.GREETING_REJECTED,
                    reply.code() == 554 ? "the server refused service in its greeting" : "the greeting was not 220", reply.summary()),
                    WORDS.farewell());
        }
        return askCapabilities(List.of(new Event.GreetingReceived(reply.text(), encrypted)));
    }

    private ClientStep onHelloReply(SmtpReplyReader.Complete reply) {
        int code = reply.code();
        if (state instanceof AwaitingHeloReply) {
            if (code == 250) {
                return new ClientStep.Ready(to(new Idle(Capabilities.NONE)), Capabilities.NONE, StartTlsOffer.NOT_OFFERED);
            }
            return new ClientStep.Fail(Failure.of(Failure.Reason.COMMAND_REJECTED, "EHLO and HELO were both rejected", reply.summary()),
                    WORDS.farewell());
        }
        return code == 250 ? ready(EhloCapabilities.parse(reply), "STARTTLS", List.of()) : helloRejected(reply);
    }

    private ClientStep onStartTlsReply(SmtpReplyReader.Complete reply, Capabilities capabilities) {
        int code = reply.code();
        if (code == 220) {
            return goAhead();
        }
        if (code >= 400) {
            return refused(capabilities, "the server refused STARTTLS", reply.summary());
        }
        // Any other positive or intermediate reply is not the go-ahead; what state the server is
        // in is unknowable, so the connection is abandoned in every policy.
        return fail(Failure.Reason.UNEXPECTED_REPLY, "STARTTLS was answered with " + code + ", not 220", reply.summary());
    }

    @Override
    protected final ClientStep askCapabilities(List<Event> events) {
        // Inside TLS too: RFC 3207 §4.2, discard all knowledge from before TLS and greet again.
        return new ClientStep.Await(to(awaitingHelloReply()), hello, events);
    }

    @Override
    protected final Words words() {
        return WORDS;
    }

    @Override
    protected final SmtpClientDialog to(Phase next) {
        return dialog(hello, next, reader.fresh());
    }
}
