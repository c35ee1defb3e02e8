package org.starttls4j;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Optional;
import javax.net.ssl.SSLEngine;
import org.starttls4j.internal.tls.EngineSetup;

/**
 * The client's side of every protocol: the dialog supplies the protocol, {@link Flow} the phases
 * both roles share, this the client's reading and its policy.
 *
 * <pre>
 *  Unstarted ──begin──▶ AwaitingReplies ──GoAhead──▶ TLS stage ──checked──▶ AwaitingReplies (Tls/) ──Ready──▶ Secured
 *      │ IMPLICIT          │ (plaintext)              (Flow: AwaitingHandshake,             │ (inside TLS: capabilities again)
 *      └───────────────────┼──────────▶ TLS stage      AwaitingTasks or AwaitingTransportTls) └──▶ Secured (greeting inside TLS)
 *                          ├──Ready / NoTls, no TLS possible──▶ Plaintext (OPPORTUNISTIC fallback, PLAINTEXT_ONLY)
 *                          └──▶ Failed (any phase: bad input, bounds, deadline, policy, end of stream)
 * </pre>
 *
 * <p>The policy is applied here, in one place: when the dialog is {@link ClientStep.Ready} in
 * plaintext, STARTTLS is sent if it is offered or its offer is unknown; when STARTTLS is not
 * possible ({@link ClientStep.NoTls}, or not offered), {@code OPPORTUNISTIC} hands over in
 * plaintext and every other policy fails. Inside TLS, STARTTLS is never sent again.
 */
final class ClientFlow extends Flow<ClientDialog> {

    /**
     * Waits for the server's replies; {@code tls} is null in plaintext. {@code startTlsAsked}: the
     * flow has called {@link ClientDialog#requestStartTls()}, the one time a go-ahead may come.
     */
    record AwaitingReplies(ClientDialog dialog, TlsStage tls, byte[] pending, int received, Instant deadline,
                           boolean startTlsAsked) implements Reading<ClientDialog> {
    }

    private final ClientConfig config;

    private ClientFlow(ClientConfig config, Settings settings, Instant startedAt, boolean transportOwnsTls, Phase<ClientDialog> phase) {
        super(settings, startedAt, transportOwnsTls, phase);
        this.config = config;
    }

    static ClientFlow start(ClientConfig config, ClientDialog dialog) {
        Settings settings = new Settings("server", "answer", config.limits(), config.tlsFloor(), config.engineFactory(),
                config.delegatedTasks(), config.recordsTranscript());
        return new ClientFlow(config, settings, null, false, new Unstarted<>(dialog, false));
    }

    @Override
    ClientFlow with(Instant startedAt, boolean transportOwnsTls, Phase<ClientDialog> phase) {
        return new ClientFlow(config, settings, startedAt, transportOwnsTls, phase);
    }

    @Override
    Transition begin(Unstarted<ClientDialog> unstarted, Output out) {
        if (config.policy().startsWithTls()) {
            return startTls(unstarted.dialog(), true, out);
        }
        ClientStep first = unstarted.dialog().start(false);
        if (first == null) {
            return fail(Flow.noStep(unstarted.dialog(), "start"), "", null, out);
        }
        return run(first, unstarted.dialog(), null, Lines.NOTHING, 0, 0, 0, false, out);
    }

    @Override
    Transition read(Reading<ClientDialog> reading, ByteBuffer bytes, Output out) {
        if (!(reading instanceof AwaitingReplies r)) {
            throw new IllegalStateException("a client reads replies");
        }
        if (r.tls() == null && bytes.hasArray()) {
            int end = bytes.arrayOffset() + bytes.limit();
            return feed(r, bytes.array(), Lines.inPlace(bytes), end, out);
        }
        if (r.tls() == null) {
            byte[] fresh = Lines.drain(bytes);
            return feed(r, fresh, 0, fresh.length, out);
        }
        TlsStage.Read read = r.tls().receive(bytes, out);
        if (read.broken() != null) {
            return fail(read.broken(), "", null, out);
        }
        if (!read.peerClosed()) {
            return feed(r, read.bytes(), 0, read.bytes().length, out);
        }
        // A reply and close_notify may share a read: let the dialog see the reply first (a 421, or
        // the capabilities that secure the session), and fail only if it is still waiting.
        String closedIn = state();
        Transition t = feed(r, read.bytes(), 0, read.bytes().length, out);
        if (t.isFinished()) {
            return t;
        }
        return fail(Failure.of(Failure.Reason.PEER_CLOSED, "the server closed TLS in state " + closedIn), "", r.tls(), out);
    }

    /** The bytes of {@code fresh} from {@code from} to {@code to} arrived: framed where they lie unless a line was pending. */
    private Transition feed(AwaitingReplies r, byte[] fresh, int from, int to, Output out) {
        int received = r.received() + to - from;
        if (Lines.tooMany(received, settings.limits())) {
            return fail(Lines.tooMuchPlaintext(settings.limits(), "before the hand-over"), "", r.tls(), out);
        }
        if (r.pending().length == 0) {
            return run(null, r.dialog(), r.tls(), fresh, from, to, received, r.startTlsAsked(), out);
        }
        byte[] all = Lines.concat(r.pending(), fresh, from, to);
        return run(null, r.dialog(), r.tls(), all, 0, all.length, received, r.startTlsAsked(), out);
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
    private Transition run(ClientStep first, ClientDialog dialog, TlsStage tls, byte[] buffer, int position, int end, int received,
                           boolean startTlsAsked, Output out) {
        boolean encrypted = tls != null;
        boolean commandSentThisRead = false;
        ClientStep idle = null;
        ClientStep step = first;
        while (true) {
            if (step instanceof ClientStep.Await await) {
                out.events(await.events());
                if (!await.send().isEmpty()) {
                    commandSentThisRead = true;
                    if (!send(await.send(), tls, out)) {
                        return fail(Failure.of(Failure.Reason.PEER_CLOSED, "TLS closed while sending"), "", TlsStage.ended(tls), out);
                    }
                }
                dialog = await.next();
            } else if (step instanceof ClientStep.Fail f) {
                return fail(f.failure(), f.send(), tls, out);
            } else if (step instanceof ClientStep.GoAhead goAhead) {
                // Only the answer to the STARTTLS the flow asked for may start a handshake: not one
                // inside TLS, not one an idle dialog read, not one a (plug-in) dialog returns in
                // plaintext before the policy chose TLS (under PLAINTEXT_ONLY it never does).
                if (encrypted || idle != null || !startTlsAsked) {
                    return fail(Failure.of(Failure.Reason.UNEXPECTED_REPLY, "a STARTTLS go-ahead nobody asked for"), "", tls, out);
                }
                if (position < end) {
                    // RFC 3207 §4.2 / RFC 2595 §3.1: nothing received after the go-ahead is acted on.
                    return fail(Failure.of(Failure.Reason.PLAINTEXT_INJECTION,
                            (end - position) + " plaintext bytes after the STARTTLS go-ahead",
                            Lines.preview(buffer, position, end)), "", null, out);
                }
                if (goAhead.next() == null) {
                    return fail(Flow.noStep(dialog, "a go-ahead"), "", null, out);
                }
                out.event(new Event.StartTlsAccepted());
                return startTls(goAhead.next(), false, out);
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
            if (dialog == null) { // a Ready or NoTls that names no dialog to go on with
                return fail(Flow.noStep(step, "its next dialog"), "", tls, out);
            }
            int found = Lines.scan(buffer, position, end, settings.limits());
            if (found < 0 && found != Lines.INCOMPLETE) {
                return fail(Lines.broken(found, buffer, position, end, settings.limits(), Role.CLIENT), "", tls, out);
            }
            if (found == Lines.INCOMPLETE) { // the read is consumed
                if (idle == null) {
                    Instant deadline = config.timeouts().deadline(startedAt, out.now(), config.timeouts().perStep(), deadlineSoFar());
                    return out.to(next(new AwaitingReplies(dialog, tls, Lines.rest(buffer, position, end), received, deadline, startTlsAsked)));
                }
                if (position < end) {
                    return fail(Failure.of(Failure.Reason.UNEXPECTED_REPLY, "the server sent data when no command was outstanding",
                            Lines.preview(buffer, position, end)), dialog.farewell(), tls, out);
                }
                return decide(idle, dialog, tls, received, out);
            }
            String line = Lines.text(buffer, position, found);
            position += found;
            out.received(line, encrypted);
            ClientDialog reading = dialog;
            step = commandSentThisRead ? dialog.onLineBeforeCommandSeen(line) : dialog.onLine(line);
            if (step == null) {
                return fail(Flow.noStep(reading, "a line"), "", tls, out);
            }
            if (idle != null && !(step instanceof ClientStep.Await || step instanceof ClientStep.Fail)) {
                return fail(Failure.of(Failure.Reason.UNEXPECTED_REPLY, "a reply when no command was outstanding", line),
                        dialog.farewell(), tls, out);
            }
            if (idle != null && step instanceof ClientStep.Await awaiting && !awaiting.send().isEmpty()) {
                return fail(Failure.of(Failure.Reason.UNEXPECTED_REPLY, "an idle dialog tried to answer unsolicited data", line),
                        dialog.farewell(), tls, out);
            }
        }
    }

    /** The dialog is idle with the read consumed: apply the policy. */
    private Transition decide(ClientStep idle, ClientDialog dialog, TlsStage tls, int received, Output out) {
        if (idle instanceof ClientStep.NoTls no) {
            // inside TLS, e.g. IMAP PREAUTH inside implicit TLS: secured all the same
            return tls != null ? secured(tls, Role.CLIENT, no.capabilities(), out) : noTls(dialog, no.why(), no.capabilities(), out);
        }
        if (!(idle instanceof ClientStep.Ready ready)) {
            throw new IllegalStateException("not idle: " + idle);
        }
        if (tls != null) {
            return secured(tls, Role.CLIENT, ready.capabilities(), out);
        }
        if (config.policy() == TlsPolicy.PLAINTEXT_ONLY) {
            return plaintext(new PlaintextSession(Role.CLIENT, ready.capabilities(), Optional.empty(), ByteBuffer.allocate(0)), out);
        }
        if (ready.offer() == StartTlsOffer.NOT_OFFERED) {
            return noTls(dialog, Failure.of(Failure.Reason.STARTTLS_NOT_OFFERED, "the server did not announce STARTTLS"),
                    ready.capabilities(), out);
        }
        ClientStep asked = dialog.requestStartTls();
        if (asked == null) {
            return fail(Flow.noStep(dialog, "requestStartTls"), "", null, out);
        }
        return run(asked, dialog, null, Lines.NOTHING, 0, 0, received, true, out);
    }

    private Transition noTls(ClientDialog idle, Failure why, Capabilities capabilities, Output out) {
        if (config.policy() == TlsPolicy.OPPORTUNISTIC) {
            out.event(new Event.FellBackToPlaintext(why));
            return plaintext(new PlaintextSession(Role.CLIENT, capabilities, Optional.of(why), ByteBuffer.allocate(0)), out);
        }
        if (config.policy() == TlsPolicy.PLAINTEXT_ONLY) {
            return plaintext(new PlaintextSession(Role.CLIENT, capabilities, Optional.empty(), ByteBuffer.allocate(0)), out);
        }
        return fail(why, idle.farewell(), null, out);
    }

    // ---------------------------------------------------------------- the TLS stage, the client's parts

    @Override
    SSLEngine newEngine() {
        return setUp(config.engineFactory().create(config.serverName(), config.serverPort()));
    }

    @Override
    SSLEngine setUp(SSLEngine made) {
        return EngineSetup.client(made, config.serverName(), config.tlsFloor().floor());
    }

    /**
     * The certificate's judgement the engine's trust manager may not have made (always after a
     * transport's handshake: its stack may not have used the configuration's trust manager), the
     * pins, then the chain check (DANE).
     */
    @Override
    Optional<Failure> checkPeer(TlsFacts facts, boolean byTransport, Instant now) {
        Optional<Failure> judged = config.judgeAfterHandshake(facts.peerCertificates(), byTransport);
        if (judged.isPresent()) {
            return judged;
        }
        if (!config.certificateCheck().pinnedSha256().isEmpty()) {
            Optional<String> fingerprint = facts.peerCertificateSha256();
            if (fingerprint.isEmpty() || !config.certificateCheck().pinAllows(fingerprint.get())) {
                return Optional.of(Failure.certificate(CertificateProblem.PIN_MISMATCH,
                        "the certificate's SHA-256 fingerprint " + fingerprint.orElse("(none)") + " is not pinned",
                        facts.peerCertificate().map(c -> c.getSubjectX500Principal().getName())));
            }
        }
        return config.chainCheck().isPresent() ? config.chainCheck().get().check(facts.peerCertificates(), now) : Optional.empty();
    }

    /** RFC 3207 §4.2: everything learned before TLS is forgotten; the dialog starts afresh inside it. */
    @Override
    Transition afterTls(TlsStage tls, ClientDialog dialog, boolean implicit, Output out) {
        ClientStep first = implicit ? dialog.start(true) : dialog.restartAfterTls();
        if (first == null) {
            return fail(Flow.noStep(dialog, implicit ? "start" : "restartAfterTls"), "", tls, out);
        }
        byte[] early = tls.takePlaintext();
        if (Lines.tooMany(early.length, settings.limits())) {
            return fail(Failure.of(Failure.Reason.TOO_MUCH_PLAINTEXT, "too many bytes right after the handshake"), "", tls, out);
        }
        return run(first, dialog, tls, early, 0, early.length, early.length, false, out);
    }

    @Override
    Instant tlsDeadline(boolean peerSilent, Output out) {
        return config.timeouts().deadline(startedAt, out.now(), config.timeouts().perStep(), deadlineSoFar());
    }

    @Override
    String timeoutFarewell(Reading<ClientDialog> reading) {
        return ""; // a server that does not answer is not waiting for our QUIT
    }

    @Override
    String dialogState(ClientDialog dialog) {
        return dialog.state();
    }
}
