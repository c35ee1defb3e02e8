package org.starttls4j;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Optional;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;
import org.starttls4j.internal.tls.TlsPump;

/**
 * What both roles do: the phases of a negotiation, the TLS stage in its two forms, the deadlines
 * and the endings. {@link ClientFlow} and {@link ServerFlow} add what their role reads and decides;
 * each value is one state, each method returns the transition to the next.
 *
 * <pre>
 *  Unstarted ──begin──▶ Reading (the role's phase: lines in plaintext)
 *      │ IMPLICIT          │ go-ahead
 *      ▼                   ▼
 *  the TLS stage, in one of two forms:
 *      own pump:  AwaitingHandshake ⇄ AwaitingTasks ──handshake done──▶ checks
 *      transport: AwaitingTransportTls ──onTlsEstablished──▶ checks   (onTlsFailed ──▶ Failed)
 *  checks passed ──▶ the role after TLS: the client reads again (Reading, "Tls/" in state()), the
 *                    server greets (implicit) and is Secured
 *  Finished: Secured │ Plaintext │ Failed (from any phase: bad input, bounds, deadline, end of stream)
 * </pre>
 *
 * <p>The checks after a handshake ({@link #established}) are one path for both forms: the TLS
 * floor, then the role's own ({@link #checkPeer}: the client's certificate judgement, pins and
 * chain check). Failures of either form are classified in one place, {@link TlsFailures}.
 *
 * @param <D> the role's dialog
 */
abstract sealed class Flow<D> extends Negotiation permits ClientFlow, ServerFlow {

    // ---------------------------------------------------------------- phases, named for what they wait for

    sealed interface Phase<D> permits Unstarted, Reading, AwaitingHandshake, AwaitingTasks, AwaitingTransportTls, Finished {
    }

    /** Waits for {@link Negotiation#begin}; {@code greet} is false for a resumed server. */
    record Unstarted<D>(D dialog, boolean greet) implements Phase<D> {
    }

    /** Waits for the peer's lines: the role's own phase, in plaintext ({@code tls} null) or inside TLS. */
    sealed interface Reading<D> extends Phase<D> permits ClientFlow.AwaitingReplies, ServerFlow.AwaitingCommands {
        D dialog();

        TlsStage tls();

        Instant deadline();
    }

    /**
     * Waits for the peer's handshake bytes in the core's own pump. {@code dialog} goes on after TLS
     * (the server's only under implicit TLS, to greet).
     */
    record AwaitingHandshake<D>(TlsPump pump, D dialog, boolean implicit, Instant deadline) implements Phase<D> {
    }

    /** Waits for {@link Negotiation#onTasksCompleted} after handing the engine's tasks out. */
    record AwaitingTasks<D>(TlsPump pump, D dialog, boolean implicit, Instant deadline) implements Phase<D> {
    }

    /** Waits for the transport's handshake: {@link Negotiation#onTlsEstablished} or {@link Negotiation#onTlsFailed}. */
    record AwaitingTransportTls<D>(TransportTls tls, D dialog, boolean implicit, Instant deadline) implements Phase<D> {
    }

    record Finished<D>(Outcome outcome) implements Phase<D> {
    }

    /**
     * What the shared stages read of the role's configuration.
     *
     * @param peer    "server" for a client, "client" for a server: whose doing a failure is
     * @param awaited what the role waits for from the peer: "answer" (client), "command" (server)
     * @param transcript whether transitions report the lines crossed
     */
    record Settings(String peer, String awaited, Limits limits, TlsVersion tlsFloor, EngineFactory engineFactory, DelegatedTasks delegatedTasks,
                    boolean transcript) {
    }

    final Settings settings;
    final Instant startedAt;
    final boolean transportOwnsTls;
    final Phase<D> phase;

    Flow(Settings settings, Instant startedAt, boolean transportOwnsTls, Phase<D> phase) {
        this.settings = settings;
        this.startedAt = startedAt;
        this.transportOwnsTls = transportOwnsTls;
        this.phase = phase;
    }

    // ---------------------------------------------------------------- what the role supplies

    /** The same role and configuration in another phase. */
    abstract Flow<D> with(Instant startedAt, boolean transportOwnsTls, Phase<D> phase);

    /** The role's start, once {@link #begin} checked there was none before. */
    abstract Transition begin(Unstarted<D> unstarted, Output out);

    /** Bytes received while reading lines. */
    abstract Transition read(Reading<D> reading, ByteBuffer bytes, Output out);

    /** A fresh engine, set up for the role (mode, floor, SNI, trust). */
    abstract SSLEngine newEngine();

    /** An engine made elsewhere (a transport's), set up for the role as {@link #newEngine()} sets up its own. */
    abstract SSLEngine setUp(SSLEngine made);

    /** When the TLS step must be done; {@code peerSilent}: the peer has not said anything yet. */
    abstract Instant tlsDeadline(boolean peerSilent, Output out);

    /** The role's checks of an established TLS session, after the floor; {@code byTransport}: the transport's handshake. */
    abstract Optional<Failure> checkPeer(TlsFacts facts, boolean byTransport, Instant now);

    /** What the role does once TLS is up and checked. */
    abstract Transition afterTls(TlsStage tls, D dialog, boolean implicit, Output out);

    /** What the role says before closing when its wait in {@code reading} timed out. */
    abstract String timeoutFarewell(Reading<D> reading);

    /** The dialog's own name for its state. */
    abstract String dialogState(D dialog);

    // ---------------------------------------------------------------- inputs

    @Override
    public final Flow<D> withTransportTls() {
        if (!(phase instanceof Unstarted)) {
            throw new IllegalStateException("withTransportTls() goes before begin()");
        }
        return with(startedAt, true, phase);
    }

    final Transition begin(Output out) {
        if (!(phase instanceof Unstarted<D> unstarted)) {
            throw new IllegalStateException("begin() was already called");
        }
        return with(out.now(), transportOwnsTls, phase).begin(unstarted, out);
    }

    /** A server's refusal at capacity; a client has none. */
    Transition beginAtCapacity(Output out) {
        throw new IllegalStateException("only a server negotiation answers at capacity");
    }

    final Transition onReceived(ByteBuffer bytes, Output out) {
        if (phase instanceof Reading<D> reading) {
            return read(reading, bytes, out);
        }
        if (phase instanceof AwaitingHandshake<D> h) {
            return handshake(h.pump().receive(bytes, out), h.pump(), h.dialog(), h.implicit(), false, out);
        }
        if (phase instanceof AwaitingTasks<D> t) {
            if (!t.pump().hold(bytes)) {
                return fail(Failure.of(Failure.Reason.TLS_HANDSHAKE_FAILED, "the " + settings.peer() + " flooded the handshake"), "",
                        new TlsStage.OwnPump(t.pump(), settings.engineFactory()), out);
            }
            return out.to(again());
        }
        if (phase instanceof AwaitingTransportTls<D>) {
            if (!bytes.hasRemaining()) {
                return out.to(again());
            }
            // Non-negotiable 1: the transport read these in plaintext after the go-ahead, before TLS.
            byte[] injected = Lines.drain(bytes);
            return fail(Failure.of(Failure.Reason.PLAINTEXT_INJECTION,
                    injected.length + " plaintext bytes after the STARTTLS go-ahead, before the transport's TLS",
                    Lines.preview(injected, 0)), "", null, out);
        }
        throw new IllegalStateException("begin() first");
    }

    final Transition onTasksCompleted(Output out) {
        if (!(phase instanceof AwaitingTasks<D> t)) {
            throw new IllegalStateException("no delegated tasks are outstanding");
        }
        return handshake(t.pump().resume(out), t.pump(), t.dialog(), t.implicit(), false, out);
    }

    final Transition onTlsEstablished(SSLSession session, Output out) {
        AwaitingTransportTls<D> awaiting = awaitingTransport("onTlsEstablished");
        if ("NONE".equals(session.getProtocol()) || "SSL_NULL_WITH_NULL_NULL".equals(session.getCipherSuite())) {
            // JSSE's placeholder session: the transport reported before its handshake completed
            return fail(Failure.of(Failure.Reason.TLS_HANDSHAKE_FAILED, "the transport reported a session whose handshake has not completed"),
                    "", null, out);
        }
        return established(new TlsStage.Transport(TlsStage.factsOf(session, awaiting.tls().mayHavePeerCertificates())), awaiting.dialog(), awaiting.implicit(), out);
    }

    final Transition onTlsFailed(Throwable cause, Output out) {
        awaitingTransport("onTlsFailed");
        SSLException tls = cause instanceof SSLException ssl ? ssl : new SSLException(cause);
        return fail(TlsFailures.classify(tls, false), "", null, out);
    }

    final Transition onEndOfStream(Output out) {
        TlsStage tls = tlsOf(phase);
        String how = tls == null ? "closed the connection"
                : tls.peerSentCloseNotify() ? "closed TLS (close_notify)" : "closed the connection without close_notify";
        return fail(Failure.of(Failure.Reason.PEER_CLOSED, "the " + settings.peer() + " " + how + " in state " + state()), "", tls, out);
    }

    final Transition onTick(Output out) {
        Optional<Instant> deadline = deadline();
        if (deadline.isEmpty() || out.now().isBefore(deadline.get())) {
            return out.to(again());
        }
        Failure timeout = Failure.of(Failure.Reason.TIMEOUT,
                "no " + settings.awaited() + " from the " + settings.peer() + " in state " + state());
        String farewell = phase instanceof Reading<D> reading ? timeoutFarewell(reading) : "";
        return fail(timeout, farewell, tlsOf(phase), out);
    }

    // ---------------------------------------------------------------- what a state reports

    @Override
    public final Optional<Instant> deadline() {
        return Optional.ofNullable(deadlineSoFar());
    }

    /**
     * The deadline this state waits under, or null: what the next state's deadline is compared with,
     * so that a deadline that did not move stays the same value ({@link Timeouts}).
     */
    final Instant deadlineSoFar() {
        if (phase instanceof Reading<D> reading) {
            return reading.deadline();
        }
        if (phase instanceof AwaitingHandshake<D> h) {
            return h.deadline();
        }
        if (phase instanceof AwaitingTasks<D> t) {
            return t.deadline();
        }
        return phase instanceof AwaitingTransportTls<D> a ? a.deadline() : null;
    }

    /** {@link #outcome()}'s answer, without an {@code Optional} made to ask. */
    @Override
    public final boolean isFinished() {
        return phase instanceof Finished;
    }

    @Override
    public final Optional<Outcome> outcome() {
        return phase instanceof Finished<D> done ? Optional.of(done.outcome()) : Optional.empty();
    }

    @Override
    public final Optional<TransportTls> transportTls() {
        return phase instanceof AwaitingTransportTls<D> a ? Optional.of(a.tls()) : Optional.empty();
    }

    /** Whether this state holds an engine, and so may be fed only once. */
    final boolean ownsEngine() {
        if (phase instanceof Reading<D> reading) {
            return reading.tls() != null && reading.tls().ownsEngine();
        }
        return phase instanceof AwaitingHandshake || phase instanceof AwaitingTasks; // the pump's engine, without a stage made to ask
    }

    @Override
    public final String state() {
        if (phase instanceof Reading<D> reading) {
            // the same dialog state can wait before TLS and inside it (EHLO's reply, twice)
            return (reading.tls() == null ? "" : Negotiation.INSIDE_TLS) + dialogState(reading.dialog());
        }
        if (phase instanceof Finished<D> done) {
            Outcome o = done.outcome();
            return o instanceof Outcome.Secured ? "Secured" : o instanceof Outcome.Plaintext ? "Plaintext" : "Failed";
        }
        return phase instanceof Unstarted ? "Unstarted"
                : phase instanceof AwaitingHandshake ? "Handshaking"
                : phase instanceof AwaitingTasks ? "AwaitingDelegatedTasks"
                : "AwaitingTransportTls";
    }

    // ---------------------------------------------------------------- the TLS stage

    /** The go-ahead was given, or TLS is implicit: the TLS step begins, in the core's pump or the transport. */
    final Transition startTls(D dialog, boolean implicit, Output out) {
        if (transportOwnsTls) {
            TransportTls tls = new TransportTls(this::newEngine, this::setUp, settings.engineFactory(), settings.limits().maxHandshakeBytes());
            return out.to(next(new AwaitingTransportTls<>(tls, dialog, implicit, tlsDeadline(implicit, out))));
        }
        TlsPump pump = TlsPump.over(newEngine(), settings.delegatedTasks() == DelegatedTasks.RUN_INLINE, settings.engineFactory()::release,
                settings.limits().maxHandshakeBytes());
        return handshake(pump.start(out), pump, dialog, implicit, true, out);
    }

    /** Where one step of the core's own handshake left it; {@code first}: the step that began it. */
    private Transition handshake(TlsPump.Progress progress, TlsPump pump, D dialog, boolean implicit, boolean first, Output out) {
        if (progress instanceof TlsPump.Progress.NeedsInput) {
            // Under implicit TLS, a peer that has not sent its first flight has said nothing yet.
            return out.to(next(new AwaitingHandshake<>(pump, dialog, implicit, tlsDeadline(implicit && first, out))));
        }
        if (progress instanceof TlsPump.Progress.NeedsTasks needsTasks) {
            out.tasks(needsTasks.tasks());
            return out.to(next(new AwaitingTasks<>(pump, dialog, implicit, tlsDeadline(false, out))));
        }
        if (progress instanceof TlsPump.Progress.PeerClosed && pump.handshakeDone()) {
            return closedRightAfterHandshake(new TlsStage.OwnPump(pump, settings.engineFactory()), dialog, implicit, out);
        }
        if (progress instanceof TlsPump.Progress.PeerClosed) {
            return fail(Failure.of(Failure.Reason.PEER_CLOSED, "the " + settings.peer() + " closed TLS during the handshake"), "",
                    TlsStage.ended(pump), out);
        }
        if (progress instanceof TlsPump.Progress.Failed failed) {
            return fail(TlsFailures.classify(failed.cause(), pump.handshakeDone()), "", TlsStage.ended(pump), out);
        }
        if (progress instanceof TlsPump.Progress.Refused refused) {
            return fail(TlsFailures.of(refused.failure()), "", TlsStage.ended(pump), out);
        }
        return established(new TlsStage.OwnPump(pump, settings.engineFactory()), dialog, implicit, out);
    }

    /**
     * The peer's close_notify came with its last handshake flight: a TLS 1.3 client may send data
     * right after its Finished (RFC 8446 §4.4.4), and its close_notify ends only its own side
     * (§6.1); {@code openssl s_client -starttls smtp </dev/null} and gnutls-cli at the end of their
     * input send all three at once. TLS is up: it is checked as any other, the role takes what came
     * with it (a server hands it over, the end of stream behind it), and only a role still waiting
     * for the peer fails.
     */
    private Transition closedRightAfterHandshake(TlsStage tls, D dialog, boolean implicit, Output out) {
        Transition t = established(tls, dialog, implicit, out);
        if (t.isFinished()) {
            return t;
        }
        return fail(Failure.of(Failure.Reason.PEER_CLOSED, "the " + settings.peer() + " closed TLS (close_notify) right after the handshake, in state "
                + t.next().state()), "", tls, out);
    }

    /** TLS is up, by either form: the same checks, then the role goes on. */
    private Transition established(TlsStage tls, D dialog, boolean implicit, Output out) {
        TlsFacts facts = tls.facts();
        Optional<Failure> refused = !settings.tlsFloor().admits(facts.protocol())
                ? Optional.of(Failure.of(Failure.Reason.TLS_VERSION_TOO_OLD,
                        facts.protocol() + " is below the floor " + settings.tlsFloor().jsseName()))
                : checkPeer(facts, tls instanceof TlsStage.Transport, out.now());
        if (refused.isPresent()) {
            return fail(refused.get(), "", tls, out);
        }
        out.event(new Event.TlsEstablished(facts));
        return afterTls(tls, dialog, implicit, out);
    }

    private AwaitingTransportTls<D> awaitingTransport(String call) {
        if (!(phase instanceof AwaitingTransportTls<D> awaiting)) {
            throw new IllegalStateException(call + "() is for a negotiation awaiting the transport's TLS, not state " + state());
        }
        return awaiting;
    }

    private TlsStage tlsOf(Phase<D> phase) {
        if (phase instanceof Reading<D> reading) {
            return reading.tls();
        }
        if (phase instanceof AwaitingHandshake<D> h) {
            return new TlsStage.OwnPump(h.pump(), settings.engineFactory());
        }
        if (phase instanceof AwaitingTasks<D> t) {
            return new TlsStage.OwnPump(t.pump(), settings.engineFactory());
        }
        return null;
    }

    // ---------------------------------------------------------------- endings

    /**
     * A (plug-in) dialog answered {@code what} with no step, or a step with no dialog to go on
     * with: the negotiation cannot go on, and the peer did nothing wrong, so it ends with
     * {@link Failure.Reason#LOCAL_ABORT} rather than an exception out of the caller's read.
     */
    static Failure noStep(Object dialog, String what) {
        return Failure.of(Failure.Reason.LOCAL_ABORT, "the dialog " + dialog.getClass().getName() + " answered " + what + " with no step");
    }

    final Transition fail(Failure failure, String farewell, TlsStage tls, Output out) {
        if (!farewell.isEmpty()) {
            send(farewell, tls, out);
        }
        if (tls != null) {
            tls.end(out);
        }
        out.event(new Event.Failed(failure));
        return out.to(next(new Finished<>(new Outcome.Failed(failure))));
    }

    final Transition secured(TlsStage tls, Role role, Capabilities capabilities, Output out) {
        SecureSession session = tls.handOver(role, capabilities);
        out.event(new Event.Secured(session));
        return out.to(next(new Finished<>(new Outcome.Secured(session))));
    }

    final Transition plaintext(PlaintextSession session, Output out) {
        out.event(new Event.HandedOverInPlaintext(session));
        return out.to(next(new Finished<>(new Outcome.Plaintext(session))));
    }

    /** Sends dialog text: in plaintext before TLS, through the TLS stage after; false if TLS refused it. */
    static boolean send(String text, TlsStage tls, Output out) {
        if (text.isEmpty()) {
            return true;
        }
        out.sent(text, tls != null);
        if (tls == null) {
            out.write(text);
            return true;
        }
        return tls.send(text, out);
    }

    /** The state after this one: the same role and configuration in phase {@code next}. */
    final Flow<D> next(Phase<D> next) {
        return with(startedAt, transportOwnsTls, next);
    }

    /**
     * This state again, for an input that changed nothing: itself when it is a plaintext value, a
     * fresh copy when it owns an engine (this one was consumed by the input).
     */
    private Flow<D> again() {
        return ownsEngine() ? with(startedAt, transportOwnsTls, phase) : this;
    }
}
