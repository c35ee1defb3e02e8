package org.starttls4j.internal.dialog;

import java.util.List;
import org.starttls4j.Capabilities;
import org.starttls4j.ClientDialog;
import org.starttls4j.ClientStep;
import org.starttls4j.Event;
import org.starttls4j.Failure;
import org.starttls4j.StartTlsOffer;

/**
 * The outline every client dialog follows, whatever its protocol: await the greeting, learn the
 * capabilities, wait {@link Idle} until the policy asks for STARTTLS, send the protocol's word for
 * it, and on the go-ahead wait for the handshake, then ask again knowing nothing from before TLS
 * (RFC 3207 §4.2, RFC 2595 §4, RFC 4642 §2.2.2, RFC 5804 §2.2, RFC 9051 §6.2.1 all say so). The
 * protocol's dialog extends it and keeps its own state table, its own sealed states for what only
 * it waits for (the capability exchange), and every decision on a reply; the outline owns the
 * states every protocol has and the turns that only move between them.
 *
 * <p>Not exported: the public dialogs extend it the way {@code StringBuilder} extends a class of
 * the JDK's inside, so its methods are theirs, and nothing outside the core sees this type.
 */
public abstract class ClientOutline implements ClientDialog {

    /** A state of a client dialog: one of the outline's records below, or one of the protocol's own. */
    public interface Phase {
    }

    /**
     * Before the greeting.
     *
     * @param encrypted whether TLS is up already (implicit TLS), so the greeting is trustworthy
     */
    public record AwaitingGreeting(boolean encrypted) implements Phase {
    }

    /**
     * Capabilities known, no command outstanding: a line now answers nothing we sent.
     *
     * @param capabilities what the server announced
     */
    public record Idle(Capabilities capabilities) implements Phase {
    }

    /**
     * STARTTLS sent; its answer is awaited.
     *
     * @param capabilities what the server announced before, kept for a refusal
     */
    public record AwaitingStartTlsReply(Capabilities capabilities) implements Phase {
    }

    /** The go-ahead received: nothing is kept, {@link #restartAfterTls()} is all that may follow. */
    public record AwaitingHandshake() implements Phase {
    }

    /**
     * What a protocol's client says in the outline's turns.
     *
     * @param startTls its STARTTLS command, CRLF included
     * @param farewell what it sends when giving up while idle ({@code QUIT}, {@code LOGOUT}), CRLF included
     */
    public record Words(String startTls, String farewell) {
    }

    /** The outline's states that carry nothing but a flag, made once. */
    private static final AwaitingGreeting GREETING_PLAIN = new AwaitingGreeting(false);
    private static final AwaitingGreeting GREETING_ENCRYPTED = new AwaitingGreeting(true);
    private static final AwaitingHandshake AWAITING_HANDSHAKE = new AwaitingHandshake();

    /** The state, which the protocol's dialog reads to decide. */
    protected final Phase state;

    /**
     * The outline in {@code state}.
     *
     * @param state the state
     */
    protected ClientOutline(Phase state) {
        this.state = state;
    }

    /**
     * The protocol's words: a constant of the protocol, asked for rather than kept in every state
     * (a dialog is made for every line of a multi-line reply, so each field counts).
     *
     * @return the words
     */
    protected abstract Words words();

    /**
     * The protocol's dialog in {@code next}, with a fresh reader.
     *
     * @param next the state
     * @return the dialog
     */
    protected abstract ClientOutline to(Phase next);

    /**
     * A line while the greeting or the answer to a command is awaited.
     *
     * @param line the line without CRLF
     * @return what to do
     */
    protected abstract ClientStep onAnswer(String line);

    /**
     * Asks for the capabilities: after the greeting, and again first thing inside TLS, knowing
     * nothing from before; where the server announces them unasked, sends nothing and waits.
     *
     * @param events what happened with the request (the greeting, the first time)
     * @return the step
     */
    protected abstract ClientStep askCapabilities(List<Event> events);

    /**
     * The state in which the answer to STARTTLS is awaited; a protocol whose reader or name for it
     * differs gives its own.
     *
     * @param capabilities what the server announced before
     * @return the state
     */
    protected Phase awaitingStartTlsReply(Capabilities capabilities) {
        return new AwaitingStartTlsReply(capabilities);
    }

    /** The state's type name: the negotiation adds the layer ({@code "Tls/"} inside TLS). */
    @Override
    public final String state() {
        return state.getClass().getSimpleName();
    }

    @Override
    public ClientStep start(boolean encrypted) {
        return ClientStep.Await.sending(to(encrypted ? GREETING_ENCRYPTED : GREETING_PLAIN), "");
    }

    /** A line while idle or waiting for the handshake answers nothing we sent: it fails; any other goes to {@link #onAnswer}. */
    @Override
    public ClientStep onLine(String line) {
        return nothingOutstanding() ? unexpected(line) : onAnswer(line);
    }

    @Override
    public ClientStep requestStartTls() {
        if (!(state instanceof Idle idle)) {
            throw new IllegalStateException(words().startTls().strip() + " can only be sent when idle, not in " + state());
        }
        return ClientStep.Await.sending(to(awaitingStartTlsReply(idle.capabilities())), words().startTls());
    }

    @Override
    public final ClientStep restartAfterTls() {
        if (!(state instanceof AwaitingHandshake)) {
            throw new IllegalStateException("restartAfterTls is for the dialog of a GoAhead, not " + state());
        }
        return askCapabilities(List.of());
    }

    @Override
    public String farewell() {
        return state instanceof Idle ? words().farewell() : "";
    }

    /**
     * Whether no command is outstanding, so that any line is a protocol error.
     *
     * @return true when idle or waiting for the handshake
     */
    protected final boolean nothingOutstanding() {
        return state instanceof Idle || state instanceof AwaitingHandshake;
    }

    /**
     * A line when no command was outstanding: never an answer to a later command.
     *
     * @param line the line
     * @return the failure, with the farewell
     */
    protected final ClientStep unexpected(String line) {
        return new ClientStep.Fail(Failure.of(Failure.Reason.UNEXPECTED_REPLY, "a response when no command was outstanding", line),
                farewell());
    }

    /**
     * The capabilities are known: idle, with STARTTLS offered if {@code startTlsWord} is among them.
     *
     * @param capabilities the capabilities
     * @param startTlsWord the capability that announces STARTTLS ({@code STARTTLS}, {@code STLS})
     * @param events       what happened with them (the greeting, where it carried them)
     * @return the step
     */
    protected final ClientStep ready(Capabilities capabilities, String startTlsWord, List<Event> events) {
        return new ClientStep.Ready(to(new Idle(capabilities)), capabilities, StartTlsOffer.in(capabilities, startTlsWord), events);
    }

    /**
     * The server would not list its capabilities (it predates the command): none known, the offer
     * {@link StartTlsOffer#UNKNOWN}, so the negotiation tries STARTTLS anyway.
     *
     * @return the step
     */
    protected final ClientStep readyUnknown() {
        return new ClientStep.Ready(to(new Idle(Capabilities.NONE)), Capabilities.NONE, StartTlsOffer.UNKNOWN);
    }

    /**
     * The go-ahead: wait for the handshake, keeping nothing.
     *
     * @return the step
     */
    protected final ClientStep goAhead() {
        return new ClientStep.GoAhead(to(AWAITING_HANDSHAKE));
    }

    /**
     * STARTTLS refused: idle again with what was known before.
     *
     * @param capabilities what the server announced before
     * @param message      the refusal, in the protocol's words
     * @param reply        the server's answer
     * @return the step
     */
    protected final ClientStep refused(Capabilities capabilities, String message, String reply) {
        return new ClientStep.NoTls(to(new Idle(capabilities)), Failure.of(Failure.Reason.STARTTLS_REFUSED, message, reply), capabilities);
    }

    /**
     * The negotiation fails and nothing is sent: the server's state is unknowable, or it is closing.
     *
     * @param reason why
     * @param message what happened
     * @param reply   the server's line or reply
     * @return the step
     */
    protected static ClientStep fail(Failure.Reason reason, String message, String reply) {
        return new ClientStep.Fail(Failure.of(reason, message, reply), "");
    }
}
