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
import org.starttls4j.StartTlsOffer;

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
public final class LmtpClientDialog implements ClientDialog {

    private static final String QUIT = "QUIT\r\n";

    private sealed interface State {
    }

    private record AwaitingGreeting(boolean encrypted) implements State {
    }

    private record AwaitingLhloReply() implements State {
    }

    private record Idle(Capabilities capabilities) implements State {
    }

    private record AwaitingStartTlsReply(Capabilities capabilities) implements State {
    }

    private record AwaitingHandshake() implements State {
    }

    private final String clientName;
    private final State state;
    private final SmtpReplyReader reader;

    private LmtpClientDialog(String clientName, State state, SmtpReplyReader reader) {
        this.clientName = clientName;
        this.state = state;
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
    public String state() {
        return state.getClass().getSimpleName();
    }

    @Override
    public ClientStep start(boolean encrypted) {
        return ClientStep.Await.sending(to(new AwaitingGreeting(encrypted)), "");
    }

    @Override
    public ClientStep onLine(String line) {
        if (state instanceof Idle || state instanceof AwaitingHandshake) {
            return new ClientStep.Fail(Failure.of(Failure.Reason.UNEXPECTED_REPLY, "a reply when no command was outstanding", line),
                    farewell());
        }
        SmtpReplyReader.Read read = reader.accept(line);
        if (read instanceof SmtpReplyReader.Bad bad) {
            return new ClientStep.Fail(bad.failure(), "");
        }
        if (read instanceof SmtpReplyReader.More more) {
            return ClientStep.Await.sending(new LmtpClientDialog(clientName, state, more.next()), "");
        }
        return onReply((SmtpReplyReader.Complete) read);
    }

    private ClientStep onReply(SmtpReplyReader.Complete reply) {
        int code = reply.code();
        if (code == 421) {
            return new ClientStep.Fail(Failure.of(Failure.Reason.SERVICE_CLOSING, "the server is closing the connection", reply.summary()), "");
        }
        if (state instanceof AwaitingGreeting greeting) {
            if (code != 220) {
                return new ClientStep.Fail(Failure.of(Failure.Reason.GREETING_REJECTED, "the greeting was not 220", reply.summary()), QUIT);
            }
            return new ClientStep.Await(to(new AwaitingLhloReply()), lhlo(),
                    List.of(new Event.GreetingReceived(String.join("\n", reply.reply().lines()), greeting.encrypted())));
        }
        if (state instanceof AwaitingLhloReply) {
            if (code != 250) {
                // RFC 2033 §4.1: LMTP has no HELO to fall back to.
                return new ClientStep.Fail(Failure.of(Failure.Reason.COMMAND_REJECTED, "LHLO was rejected", reply.summary()), QUIT);
            }
            Capabilities capabilities = EhloCapabilities.parse(reply);
            StartTlsOffer offer = capabilities.has("STARTTLS") ? StartTlsOffer.OFFERED : StartTlsOffer.NOT_OFFERED;
            return new ClientStep.Ready(to(new Idle(capabilities)), capabilities, offer);
        }
        Capabilities capabilities = ((AwaitingStartTlsReply) state).capabilities();
        if (code == 220) {
            return new ClientStep.GoAhead(to(new AwaitingHandshake()));
        }
        if (code >= 400) {
            return new ClientStep.NoTls(to(new Idle(capabilities)),
                    Failure.of(Failure.Reason.STARTTLS_REFUSED, "the server refused STARTTLS", reply.summary()), capabilities);
        }
        return new ClientStep.Fail(Failure.of(Failure.Reason.UNEXPECTED_REPLY, "STARTTLS was answered with " + code + ", not 220",
                reply.summary()), "");
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
        // RFC 3207 §4.2: discard all knowledge from before TLS and greet again.
        return ClientStep.Await.sending(to(new AwaitingLhloReply()), lhlo());
    }

    @Override
    public String farewell() {
        return state instanceof Idle ? QUIT : "";
    }

    private String lhlo() {
        return "LHLO " + clientName + "\r\n";
    }

    private LmtpClientDialog to(State next) {
        return new LmtpClientDialog(clientName, next, reader.fresh());
    }
}
