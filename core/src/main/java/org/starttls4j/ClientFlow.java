package org.starttls4j;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import javax.net.ssl.SSLEngine;
import org.starttls4j.spi.ClientDialog;
import org.starttls4j.spi.ClientStep;
import org.starttls4j.spi.StartTlsOffer;
import org.starttls4j.internal.text.LineFramer;
import org.starttls4j.internal.tls.EngineSetup;
import org.starttls4j.internal.tls.HandshakeFailures;
import org.starttls4j.internal.tls.TlsPump;

/**
 * The client's side of every protocol: the dialog supplies the protocol, this supplies the rest.
 *
 * <pre>
 *  Unstarted ──begin──▶ Plain ──GoAhead──▶ Handshaking ──done──▶ Encrypted ──Ready──▶ Secured
 *      │ IMPLICIT          │ Ready + policy says hand over                  ▲
 *      └───────────────────┼──────────────▶ Handshaking ──done──(greeting)─┘
 *                          ├──▶ Plaintext (OPPORTUNISTIC fallback, PLAINTEXT_ONLY)
 *                          └──▶ Failed (any state: bad input, bounds, deadline, policy)
 * </pre>
 *
 * <p>The policy is applied here, in one place: when the dialog is {@link ClientStep.Ready} in
 * plaintext, STARTTLS is sent if it is offered or its offer is unknown; when STARTTLS is not
 * possible ({@link ClientStep.NoTls}, or not offered), {@code OPPORTUNISTIC} hands over in
 * plaintext and every other policy fails. Inside TLS, STARTTLS is never sent again.
 */
final class ClientFlow implements Flow {

    private sealed interface Phase {
    }

    private record Unstarted(ClientDialog dialog) implements Phase {
    }

    /**
     * Reading lines; {@code pump} is null in plaintext and set inside TLS. {@code startTlsAsked}:
     * the flow has called {@link ClientDialog#requestStartTls()}, the one time a go-ahead may come.
     */
    private record Reading(ClientDialog dialog, TlsPump pump, byte[] pending, int received, Instant deadline,
                           boolean startTlsAsked) implements Phase {
    }

    private record Handshaking(TlsPump pump, ClientDialog dialog, boolean implicit, Instant deadline,
                               boolean awaitingTasks) implements Phase {
    }

    private record Finished(Outcome outcome) implements Phase {
    }

    private final ClientConfig config;
    private final Instant startedAt;
    private final Phase phase;

    private ClientFlow(ClientConfig config, Instant startedAt, Phase phase) {
        this.config = config;
        this.startedAt = startedAt;
        this.phase = phase;
    }

    static ClientFlow start(ClientConfig config, ClientDialog dialog) {
        return new ClientFlow(config, null, new Unstarted(dialog));
    }

    @Override
    public Transition begin(Output out) {
        if (!(phase instanceof Unstarted unstarted)) {
            throw new IllegalStateException("begin() was already called");
        }
        ClientFlow started = new ClientFlow(config, out.now(), phase);
        ClientDialog dialog = unstarted.dialog();
        if (config.policy().startsWithTls()) {
            return started.startHandshake(dialog, true, out);
        }
        return started.run(dialog.start(false), dialog, null, NOTHING, 0, false, out);
    }

    @Override
    public Transition onReceived(ByteBuffer bytes, Output out) {
        if (phase instanceof Reading r) {
            if (r.pump() == null) {
                return feed(r, drain(bytes), out);
            }
            return afterPump(r.pump().receive(bytes, out), r, out);
        }
        if (phase instanceof Handshaking h) {
            if (h.awaitingTasks()) {
                if (!h.pump().hold(bytes)) {
                    return fail(Failure.of(Failure.Reason.TLS_HANDSHAKE_FAILED, "the server flooded the handshake"), "", h.pump(), out);
                }
                return out.to(next(h));
            }
            return handshakeProgress(h.pump().receive(bytes, out), h.pump(), h.dialog(), h.implicit(), out);
        }
        throw new IllegalStateException("begin() first");
    }

    @Override
    public Transition onTasksCompleted(Output out) {
        if (!(phase instanceof Handshaking h) || !h.awaitingTasks()) {
            throw new IllegalStateException("no delegated tasks are outstanding");
        }
        return handshakeProgress(h.pump().resume(out), h.pump(), h.dialog(), h.implicit(), out);
    }

    @Override
    public Transition onEndOfStream(Output out) {
        TlsPump pump = pump();
        String how = pump == null ? "the server closed the connection"
                : pump.isInboundDone() ? "the server closed TLS (close_notify)" : "the server closed the connection without close_notify";
        return fail(Failure.of(Failure.Reason.PEER_CLOSED, how + " in state " + state()), "", pump, out);
    }

    @Override
    public Transition onTick(Output out) {
        Optional<Instant> deadline = deadline();
        if (deadline.isEmpty() || out.now().isBefore(deadline.get())) {
            return out.to(new Negotiation(this));
        }
        return fail(Failure.of(Failure.Reason.TIMEOUT, "no answer from the server in state " + state()), "", pump(), out);
    }

    @Override
    public Optional<Instant> deadline() {
        if (phase instanceof Reading reading) {
            return Optional.of(reading.deadline());
        }
        if (phase instanceof Handshaking handshaking) {
            return Optional.of(handshaking.deadline());
        }
        return Optional.empty();
    }

    @Override
    public Limits limits() {
        return config.limits();
    }

    @Override
    public Optional<Outcome> outcome() {
        return phase instanceof Finished done ? Optional.of(done.outcome()) : Optional.empty();
    }

    @Override
    public boolean ownsEngine() {
        return pump() != null;
    }

    @Override
    public String state() {
        if (phase instanceof Unstarted) {
            return "Unstarted";
        }
        if (phase instanceof Reading reading) {
            // the same dialog state can wait before TLS and inside it (EHLO's reply, twice)
            return reading.pump() == null ? reading.dialog().state() : Negotiation.INSIDE_TLS + reading.dialog().state();
        }
        if (phase instanceof Handshaking handshaking) {
            return handshaking.awaitingTasks() ? "AwaitingDelegatedTasks" : "Handshaking";
        }
        Outcome o = ((Finished) phase).outcome();
        return o instanceof Outcome.Secured ? "Secured" : o instanceof Outcome.Plaintext ? "Plaintext" : "Failed";
    }

    // ---- reading lines, in plaintext or inside TLS ----

    private Transition feed(Reading r, byte[] fresh, Output out) {
        int received = r.received() + fresh.length;
        if (received > config.limits().maxPlaintextBytes()) {
            return fail(Failure.of(Failure.Reason.TOO_MUCH_PLAINTEXT,
                    "more than " + config.limits().maxPlaintextBytes() + " bytes before the hand-over"), "", r.pump(), out);
        }
        return run(null, r.dialog(), r.pump(), concat(r.pending(), fresh), received, r.startTlsAsked(), out);
    }

    private Transition afterPump(TlsPump.Progress progress, Reading r, Output out) {
        if (progress instanceof TlsPump.Progress.Failed failed) {
            return fail(HandshakeFailures.classify(failed.cause(), true), "", ended(r.pump()), out);
        }
        if (progress instanceof TlsPump.Progress.Refused refused) {
            return fail(refused.failure(), "", ended(r.pump()), out);
        }
        if (progress instanceof TlsPump.Progress.PeerClosed) {
            // A reply and close_notify may share a read: let the dialog see the reply first (a 421,
            // or the capabilities that secure the session), and fail only if it is still waiting.
            String closedIn = state();
            Transition read = feed(r, r.pump().takePlaintext(), out);
            if (read.isFinished()) {
                return read;
            }
            return fail(Failure.of(Failure.Reason.PEER_CLOSED, "the server closed TLS in state " + closedIn), "", r.pump(), out);
        }
        if (progress instanceof TlsPump.Progress.NeedsTasks needsTasks) {
            // Post-handshake tasks are rare (a TLS 1.3 ticket or KeyUpdate: the pump refuses a
            // renegotiation before it gets here); run them rather than stall.
            needsTasks.tasks().forEach(Runnable::run);
            return afterPump(r.pump().resume(out), r, out);
        }
        return feed(r, r.pump().takePlaintext(), out);
    }

    /**
     * Applies {@code first} (if any), then frames and feeds lines from {@code buffer} until it runs
     * out or the negotiation leaves the reading phase.
     *
     * <p>Two facts about one read drive the security checks here. Once the dialog has sent a
     * command, every further line of the same read was sent by the server before it could have
     * seen that command, so it goes to {@link ClientDialog#onLineBeforeCommandSeen} instead of
     * being taken as the answer. And when the dialog becomes idle ({@link ClientStep.Ready} or
     * {@link ClientStep.NoTls}), the policy's decision waits until the read is consumed: lines
     * still in it are unsolicited and go to the idle dialog, which refuses them (SMTP) or may
     * accept some (IMAP untagged data).
     */
    private Transition run(ClientStep first, ClientDialog dialog, TlsPump pump, byte[] buffer, int received,
                           boolean startTlsAsked, Output out) {
        boolean encrypted = pump != null;
        boolean commandSentThisRead = false;
        ClientStep idle = null;
        ClientStep step = first;
        int position = 0;
        while (true) {
            if (step instanceof ClientStep.Await await) {
                out.events(await.events());
                if (!await.send().isEmpty()) {
                    commandSentThisRead = true;
                    if (!send(await.send(), pump, out)) {
                        return fail(Failure.of(Failure.Reason.PEER_CLOSED, "TLS closed while sending"), "", ended(pump), out);
                    }
                }
                dialog = await.next();
            } else if (step instanceof ClientStep.Fail f) {
                return fail(f.failure(), f.send(), pump, out);
            } else if (step instanceof ClientStep.GoAhead goAhead) {
                // Only the answer to the STARTTLS the flow asked for may start a handshake: not one
                // inside TLS, not one an idle dialog read, not one a (plug-in) dialog returns in
                // plaintext before the policy chose TLS (under PLAINTEXT_ONLY it never does).
                if (encrypted || idle != null || !startTlsAsked) {
                    return fail(Failure.of(Failure.Reason.UNEXPECTED_REPLY, "a STARTTLS go-ahead nobody asked for"), "", pump, out);
                }
                if (position < buffer.length) {
                    // RFC 3207 §4.2 / RFC 2595 §3.1: nothing received after the go-ahead is acted on.
                    return fail(Failure.of(Failure.Reason.PLAINTEXT_INJECTION,
                            (buffer.length - position) + " plaintext bytes after the STARTTLS go-ahead",
                            preview(buffer, position)), "", null, out);
                }
                out.event(new Event.StartTlsAccepted());
                return startHandshake(goAhead.next(), false, out);
            } else if (step instanceof ClientStep.Ready ready) {
                out.events(ready.events());
                out.event(new Event.CapabilitiesReceived(ready.capabilities(), encrypted));
                idle = step;
                dialog = ready.next();
            } else if (step instanceof ClientStep.NoTls noTls) {
                out.events(noTls.events());
                idle = step;
                dialog = noTls.next();
            }
            int found = LineFramer.scan(buffer, position, buffer.length, config.limits().maxLineLength());
            if (found == LineFramer.INCOMPLETE) {
                if (idle == null) {
                    byte[] pending = rest(buffer, position);
                    Instant deadline = config.timeouts().deadline(startedAt, out.now());
                    return out.to(next(new Reading(dialog, pump, pending, received, deadline, startTlsAsked)));
                }
                if (position < buffer.length) {
                    return fail(Failure.of(Failure.Reason.UNEXPECTED_REPLY, "the server sent data when no command was outstanding",
                            preview(buffer, position)), dialog.farewell(), pump, out);
                }
                return decide(idle, dialog, pump, received, out);
            }
            if (found == LineFramer.TOO_LONG) {
                return fail(Failure.of(Failure.Reason.LINE_TOO_LONG,
                        "a line longer than " + config.limits().maxLineLength() + " bytes"), "", pump, out);
            }
            if (found < 0) {
                return fail(Failure.of(Failure.Reason.MALFORMED_REPLY, LineFramer.why(found) + " in a reply",
                        preview(buffer, position)), "", pump, out);
            }
            String line = LineFramer.line(buffer, position, found);
            position += found;
            out.received(line, encrypted);
            step = commandSentThisRead ? dialog.onLineBeforeCommandSeen(line) : dialog.onLine(line);
            if (idle != null && !(step instanceof ClientStep.Await || step instanceof ClientStep.Fail)) {
                return fail(Failure.of(Failure.Reason.UNEXPECTED_REPLY, "a reply when no command was outstanding", line),
                        dialog.farewell(), pump, out);
            }
            if (idle != null && step instanceof ClientStep.Await awaiting && !awaiting.send().isEmpty()) {
                return fail(Failure.of(Failure.Reason.UNEXPECTED_REPLY, "an idle dialog tried to answer unsolicited data", line),
                        dialog.farewell(), pump, out);
            }
        }
    }

    /** The dialog is idle with the read consumed: apply the policy. */
    private Transition decide(ClientStep idle, ClientDialog dialog, TlsPump pump, int received, Output out) {
        boolean encrypted = pump != null;
        if (idle instanceof ClientStep.NoTls no) {
            if (encrypted) {
                return secured(pump, no.capabilities(), out); // e.g. IMAP PREAUTH inside implicit TLS
            }
            return noTls(dialog, no.why(), no.capabilities(), out);
        }
        ClientStep.Ready ready = (ClientStep.Ready) idle;
        if (encrypted) {
            return secured(pump, ready.capabilities(), out);
        }
        if (config.policy() == TlsPolicy.PLAINTEXT_ONLY) {
            return plaintext(ready.capabilities(), Optional.empty(), out);
        }
        if (ready.offer() == StartTlsOffer.NOT_OFFERED) {
            return noTls(dialog, Failure.of(Failure.Reason.STARTTLS_NOT_OFFERED,
                    "the server did not announce STARTTLS"), ready.capabilities(), out);
        }
        return run(dialog.requestStartTls(), dialog, null, NOTHING, received, true, out);
    }

    // ---- TLS ----

    private Transition startHandshake(ClientDialog dialog, boolean implicit, Output out) {
        SSLEngine engine = EngineSetup.client(config.engineFactory().create(config.serverName(), config.serverPort()),
                config.serverName(), config.tlsFloor(), config.certificateCheck());
        TlsPump pump = TlsPump.over(engine, config.delegatedTasks() == DelegatedTasks.RUN_INLINE, config.engineFactory());
        return handshakeProgress(pump.start(out), pump, dialog, implicit, out);
    }

    private Transition handshakeProgress(TlsPump.Progress progress, TlsPump pump, ClientDialog dialog, boolean implicit, Output out) {
        Instant deadline = config.timeouts().deadline(startedAt, out.now());
        if (progress instanceof TlsPump.Progress.NeedsInput) {
            return out.to(next(new Handshaking(pump, dialog, implicit, deadline, false)));
        }
        if (progress instanceof TlsPump.Progress.NeedsTasks needsTasks) {
            out.tasks(needsTasks.tasks());
            return out.to(next(new Handshaking(pump, dialog, implicit, deadline, true)));
        }
        if (progress instanceof TlsPump.Progress.PeerClosed) {
            return fail(Failure.of(Failure.Reason.PEER_CLOSED, "the server closed TLS during the handshake"), "", ended(pump), out);
        }
        if (progress instanceof TlsPump.Progress.Failed failed) {
            return fail(HandshakeFailures.classify(failed.cause(), pump.handshakeDone()), "", ended(pump), out);
        }
        if (progress instanceof TlsPump.Progress.Refused refused) {
            return fail(refused.failure(), "", ended(pump), out);
        }
        return established(pump, dialog, implicit, out);
    }

    private Transition established(TlsPump pump, ClientDialog dialog, boolean implicit, Output out) {
        TlsFacts facts = pump.facts();
        if (!config.tlsFloor().admits(facts.protocol())) {
            return fail(Failure.of(Failure.Reason.TLS_VERSION_TOO_OLD,
                    facts.protocol() + " is below the floor " + config.tlsFloor().jsseName()), "", pump, out);
        }
        Optional<Failure> judged = config.judgeAfterHandshake(facts.peerCertificates());
        if (judged.isPresent()) {
            return fail(judged.get(), "", pump, out);
        }
        if (!config.certificateCheck().pinnedSha256().isEmpty()) {
            Optional<String> fingerprint = facts.peerCertificateSha256();
            if (fingerprint.isEmpty() || !config.certificateCheck().pinAllows(fingerprint.get())) {
                return fail(Failure.certificate(CertificateProblem.PIN_MISMATCH,
                        "the certificate's SHA-256 fingerprint " + fingerprint.orElse("(none)") + " is not pinned",
                        facts.peerCertificate().map(c -> c.getSubjectX500Principal().getName())), "", pump, out);
            }
        }
        if (config.chainCheck().isPresent()) {
            Optional<Failure> rejected = config.chainCheck().get().check(facts.peerCertificates(), out.now());
            if (rejected.isPresent()) {
                return fail(rejected.get(), "", pump, out);
            }
        }
        out.event(new Event.TlsEstablished(facts));
        // RFC 3207 §4.2: everything learned before TLS is forgotten; the dialog starts afresh.
        ClientStep first = implicit ? dialog.start(true) : dialog.restartAfterTls();
        return feedAfter(first, dialog, pump, out);
    }

    private Transition feedAfter(ClientStep first, ClientDialog dialog, TlsPump pump, Output out) {
        byte[] early = pump.takePlaintext();
        if (early.length > config.limits().maxPlaintextBytes()) {
            return fail(Failure.of(Failure.Reason.TOO_MUCH_PLAINTEXT, "too many bytes right after the handshake"), "", pump, out);
        }
        return run(first, dialog, pump, early, early.length, false, out);
    }

    // ---- endings ----

    private Transition noTls(ClientDialog idle, Failure why, Capabilities capabilities, Output out) {
        if (config.policy() == TlsPolicy.OPPORTUNISTIC) {
            out.event(new Event.FellBackToPlaintext(why));
            return plaintext(capabilities, Optional.of(why), out);
        }
        if (config.policy() == TlsPolicy.PLAINTEXT_ONLY) {
            return plaintext(capabilities, Optional.empty(), out);
        }
        return fail(why, idle.farewell(), null, out);
    }

    private Transition plaintext(Capabilities capabilities, Optional<Failure> cause, Output out) {
        PlaintextSession session = new PlaintextSession(Role.CLIENT, capabilities, cause, ByteBuffer.allocate(0));
        out.event(new Event.HandedOverInPlaintext(session));
        return out.to(next(new Finished(new Outcome.Plaintext(session))));
    }

    private Transition secured(TlsPump pump, Capabilities capabilities, Output out) {
        SecureSession session = pump.handOver(Role.CLIENT, capabilities);
        out.event(new Event.Secured(session));
        return out.to(next(new Finished(new Outcome.Secured(session))));
    }

    private Transition fail(Failure failure, String farewell, TlsPump pump, Output out) {
        if (!farewell.isEmpty()) {
            send(farewell, pump, out);
        }
        if (pump != null) {
            pump.closeOutbound(out);
            pump.release();
        }
        out.event(new Event.Failed(failure));
        return out.to(next(new Finished(new Outcome.Failed(failure))));
    }

    // ---- helpers ----

    /**
     * Releases the engine of a pump that has already said its last words (an alert, or nothing
     * left to say to a closed peer), and gives null so that {@code fail} sends nothing more.
     */
    static TlsPump ended(TlsPump pump) {
        if (pump != null) {
            pump.release();
        }
        return null;
    }

    /** Sends a dialog line, encrypting it inside TLS; false if TLS refused it. */
    private static boolean send(String text, TlsPump pump, Output out) {
        if (text.isEmpty()) {
            return true;
        }
        out.sent(text, pump != null);
        if (pump == null) {
            out.write(text);
            return true;
        }
        return pump.encrypt(text.getBytes(StandardCharsets.ISO_8859_1), out) instanceof TlsPump.Progress.Idle;
    }

    private TlsPump pump() {
        if (phase instanceof Reading reading) {
            return reading.pump();
        }
        if (phase instanceof Handshaking handshaking) {
            return handshaking.pump();
        }
        return null;
    }

    private Negotiation next(Phase phase) {
        return new Negotiation(new ClientFlow(config, startedAt, phase));
    }

    private Negotiation next(Handshaking same) {
        return next((Phase) same);
    }

    /** No bytes: what a reading state holds when every byte it received was a whole line. */
    static final byte[] NOTHING = new byte[0];

    /** The bytes of {@code buffer} from {@code position} on, kept for the next read. */
    static byte[] rest(byte[] buffer, int position) {
        return position == buffer.length ? NOTHING : Arrays.copyOfRange(buffer, position, buffer.length);
    }

    static byte[] drain(ByteBuffer bytes) {
        byte[] data = new byte[bytes.remaining()];
        bytes.get(data);
        return data;
    }

    static byte[] concat(byte[] a, byte[] b) {
        if (a.length == 0) {
            return b;
        }
        byte[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    /** The first bytes of what the peer sent, for a failure report (never acted on). */
    static String preview(byte[] buffer, int from) {
        int to = Math.min(buffer.length, from + 120);
        String text = new String(buffer, from, to - from, StandardCharsets.ISO_8859_1);
        StringBuilder shown = new StringBuilder();
        for (char c : text.toCharArray()) {
            shown.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\x%02x", (int) c));
        }
        return shown + (to < buffer.length ? "…" : "");
    }
}
