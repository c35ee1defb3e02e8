package org.starttls4j.smtp;

import java.util.List;
import org.starttls4j.Capabilities;
import org.starttls4j.Event;
import org.starttls4j.Failure;
import org.starttls4j.Limits;
import org.starttls4j.ClientDialog;
import org.starttls4j.ClientStep;
import org.starttls4j.StartTlsOffer;

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
 * AwaitingStartTlsReply  220                       GoAhead → (handshake) → restartAfterTls: send EHLO
 *                        421                       fail SERVICE_CLOSING
 *                        4yz/5yz (454, 501, …)     NoTls(STARTTLS_REFUSED) → Idle
 *                        2yz other than 220, 3yz   fail UNEXPECTED_REPLY
 * </pre>
 */
public final class SmtpClientDialog implements ClientDialog {

    private static final String QUIT = "QUIT\r\n";

    private sealed interface State {
    }

    private record AwaitingGreeting(boolean encrypted) implements State {
    }

    private record AwaitingEhloReply() implements State {
    }

    private record AwaitingHeloReply() implements State {
    }

    private record Idle(Capabilities capabilities) implements State {
    }

    private record AwaitingStartTlsReply(Capabilities capabilities) implements State {
    }

    private final String clientName;
    private final Limits limits;
    private final State state;
    private final SmtpReplyReader reader;

    private SmtpClientDialog(String clientName, Limits limits, State state, SmtpReplyReader reader) {
        this.clientName = clientName;
        this.limits = limits;
        this.state = state;
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
        return new SmtpClientDialog(clientName, limits, new AwaitingGreeting(false), SmtpReplyReader.empty(limits.maxLinesPerReply()));
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
        if (state instanceof Idle) {
            return new ClientStep.Fail(Failure.of(Failure.Reason.UNEXPECTED_REPLY, "a reply when no command was outstanding", line), QUIT);
        }
        SmtpReplyReader.Read read = reader.accept(line);
        if (read instanceof SmtpReplyReader.Bad) {
            return new ClientStep.Fail(((SmtpReplyReader.Bad) read).failure(), "");
        }
        if (read instanceof SmtpReplyReader.More) {
            return ClientStep.Await.sending(new SmtpClientDialog(clientName, limits, state, ((SmtpReplyReader.More) read).next()), "");
        }
        return onReply((SmtpReplyReader.Complete) read);
    }

    private ClientStep onReply(SmtpReplyReader.Complete reply) {
        int code = reply.code();
        if (code == 421) {
            // RFC 5321 §3.8: the server is closing the channel, whatever we asked.
            return new ClientStep.Fail(Failure.of(Failure.Reason.SERVICE_CLOSING, "the server is closing the connection", reply.summary()), "");
        }
        if (state instanceof AwaitingGreeting) {
            if (code == 220) {
                boolean encrypted = ((AwaitingGreeting) state).encrypted();
                return new ClientStep.Await(to(new AwaitingEhloReply()), "EHLO " + clientName + "\r\n",
                        List.of(new Event.GreetingReceived(String.join("\n", reply.reply().lines()), encrypted)));
            }
            return new ClientStep.Fail(Failure.of(Failure.Reason.GREETING_REJECTED,
                    code == 554 ? "the server refused service in its greeting" : "the greeting was not 220", reply.summary()), QUIT);
        }
        if (state instanceof AwaitingEhloReply) {
            if (code == 250) {
                Capabilities capabilities = EhloCapabilities.parse(reply);
                StartTlsOffer offer = capabilities.has("STARTTLS") ? StartTlsOffer.OFFERED : StartTlsOffer.NOT_OFFERED;
                return new ClientStep.Ready(to(new Idle(capabilities)), capabilities, offer);
            }
            if (code == 500 || code == 501 || code == 502 || code == 504 || code == 550) {
                // RFC 5321 §4.1.4: a server that does not support EHLO gets HELO.
                return ClientStep.Await.sending(to(new AwaitingHeloReply()), "HELO " + clientName + "\r\n");
            }
            return new ClientStep.Fail(Failure.of(Failure.Reason.COMMAND_REJECTED, "EHLO was rejected", reply.summary()), QUIT);
        }
        if (state instanceof AwaitingHeloReply) {
            if (code == 250) {
                return new ClientStep.Ready(to(new Idle(Capabilities.NONE)), Capabilities.NONE, StartTlsOffer.NOT_OFFERED);
            }
            return new ClientStep.Fail(Failure.of(Failure.Reason.COMMAND_REJECTED, "EHLO and HELO were both rejected", reply.summary()), QUIT);
        }
        Capabilities capabilities = ((AwaitingStartTlsReply) state).capabilities();
        if (code == 220) {
            return new ClientStep.GoAhead(to(new AwaitingGreeting(true)));
        }
        if (code >= 400) {
            return new ClientStep.NoTls(to(new Idle(capabilities)),
                    Failure.of(Failure.Reason.STARTTLS_REFUSED, "the server refused STARTTLS", reply.summary()), capabilities);
        }
        // Any other positive or intermediate reply is not the go-ahead; what state the server is
        // in is unknowable, so the connection is abandoned in every policy.
        return new ClientStep.Fail(Failure.of(Failure.Reason.UNEXPECTED_REPLY, "STARTTLS was answered with " + code + ", not 220",
                reply.summary()), "");
    }

    @Override
    public ClientStep requestStartTls() {
        if (!(state instanceof Idle)) {
            throw new IllegalStateException("STARTTLS can only be sent when idle, not in " + state());
        }
        return ClientStep.Await.sending(to(new AwaitingStartTlsReply(((Idle) state).capabilities())), "STARTTLS\r\n");
    }

    @Override
    public ClientStep restartAfterTls() {
        // RFC 3207 §4.2: discard all knowledge from before TLS and issue EHLO first.
        return ClientStep.Await.sending(to(new AwaitingEhloReply()), "EHLO " + clientName + "\r\n");
    }

    @Override
    public String farewell() {
        return state instanceof Idle ? QUIT : "";
    }

    private SmtpClientDialog to(State next) {
        return new SmtpClientDialog(clientName, limits, next, reader.fresh());
    }
}
