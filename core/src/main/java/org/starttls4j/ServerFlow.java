package org.starttls4j;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import org.starttls4j.spi.ServerDialog;
import org.starttls4j.spi.ServerStep;
import org.starttls4j.internal.text.LineFramer;
import org.starttls4j.internal.tls.EngineSetup;
import org.starttls4j.internal.tls.HandshakeFailures;
import org.starttls4j.internal.tls.TlsPump;

/**
 * The server's side of every protocol.
 *
 * <pre>
 *  Unstarted ──begin (greet)──▶ Plain ──GoAhead──▶ Handshaking ──done──▶ Secured
 *      │ IMPLICIT                  ├──HandOver──▶ Plaintext (command left unread)
 *      ├──▶ Handshaking ──done, greet inside TLS──▶ Secured
 *      │                           └──▶ Failed (QUIT, bad input, bounds, deadline)
 *      └──beginAtCapacity (the busy reply instead of the greeting)──▶ Failed (SERVER_BUSY)
 * </pre>
 *
 * <p>Bounds in plaintext: bytes ({@link Limits#maxPlaintextBytes()}), the line being read
 * ({@link Limits#maxLineLength()}), commands answered ({@link Limits#maxCommandsBeforeTls()});
 * waits: {@link Timeouts#firstCommand()} until the client's first byte (under implicit TLS, its
 * ClientHello), {@link Timeouts#nextCommand()} after it, within {@link Timeouts#total()}.
 *
 * <p>The session is handed over at the first byte after the handshake: the client's first command
 * inside TLS is the application's, and comes out of {@link SecureSession#decrypt} first.
 */
final class ServerFlow implements Flow {

    private sealed interface Phase {
    }

    private record Unstarted(ServerDialog dialog, boolean greet) implements Phase {
    }

    /**
     * Reading commands in plaintext.
     *
     * @param received bytes received so far (bounded by {@link Limits#maxPlaintextBytes()})
     * @param commands commands answered so far (bounded by {@link Limits#maxCommandsBeforeTls()})
     * @param heard    whether the client has said anything yet (it has, on a resumed connection)
     */
    private record Plain(ServerDialog dialog, byte[] pending, int received, int commands, boolean heard,
                         Instant deadline) implements Phase {
    }

    private record Handshaking(TlsPump pump, ServerDialog dialog, boolean implicit, Instant deadline,
                               boolean awaitingTasks) implements Phase {
    }

    private record Finished(Outcome outcome) implements Phase {
    }

    private final ServerConfig config;
    private final Instant startedAt;
    private final Phase phase;

    private ServerFlow(ServerConfig config, Instant startedAt, Phase phase) {
        this.config = config;
        this.startedAt = startedAt;
        this.phase = phase;
    }

    static ServerFlow start(ServerConfig config, ServerDialog dialog, boolean greet) {
        return new ServerFlow(config, null, new Unstarted(dialog, greet));
    }

    @Override
    public Transition begin(Output out) {
        if (!(phase instanceof Unstarted u)) {
            throw new IllegalStateException("begin() was already called");
        }
        ServerFlow started = new ServerFlow(config, out.now(), phase);
        if (config.policy().startsWithTls()) {
            return started.startHandshake(u.dialog(), true, out);
        }
        if (!u.greet()) {
            return started.run(u.dialog(), ClientFlow.NOTHING, 0, 0, true, out);
        }
        ServerStep greeting = u.dialog().start();
        if (!(greeting instanceof ServerStep.Reply reply)) {
            throw new IllegalStateException("a server dialog must start with a greeting reply, not " + greeting);
        }
        sendPlain(reply.send(), out);
        return started.run(reply.next(), ClientFlow.NOTHING, 0, 0, false, out);
    }

    /**
     * The busy answer instead of a greeting: the dialog's words for {@code SERVER_BUSY}, in
     * plaintext, and nothing at all under implicit TLS (a handshake is what a busy server must not
     * spend, and plaintext would be garbage to a TLS client).
     */
    @Override
    public Transition beginAtCapacity(Output out) {
        if (!(phase instanceof Unstarted unstarted)) {
            throw new IllegalStateException("begin() was already called");
        }
        ServerFlow started = new ServerFlow(config, out.now(), phase);
        String words = config.policy().startsWithTls() ? "" : unstarted.dialog().farewell(Failure.Reason.SERVER_BUSY);
        return started.fail(Failure.of(Failure.Reason.SERVER_BUSY, "refused at capacity"), words, null, out);
    }

    @Override
    public Transition onReceived(ByteBuffer bytes, Output out) {
        if (phase instanceof Plain p) {
            byte[] fresh = ClientFlow.drain(bytes);
            int received = p.received() + fresh.length;
            if (received > config.limits().maxPlaintextBytes()) {
                return fail(Failure.of(Failure.Reason.TOO_MUCH_PLAINTEXT,
                        "more than " + config.limits().maxPlaintextBytes() + " bytes before TLS"),
                        p.dialog().farewell(Failure.Reason.TOO_MUCH_PLAINTEXT), null, out);
            }
            return run(p.dialog(), ClientFlow.concat(p.pending(), fresh), received, p.commands(), p.heard() || received > 0, out);
        }
        if (phase instanceof Handshaking h) {
            if (h.awaitingTasks()) {
                if (!h.pump().hold(bytes)) {
                    return fail(Failure.of(Failure.Reason.TLS_HANDSHAKE_FAILED, "the client flooded the handshake"), "", h.pump(), out);
                }
                return out.to(next(h));
            }
            return handshakeProgress(h.pump().receive(bytes, out), h, out);
        }
        throw new IllegalStateException("begin() first");
    }

    @Override
    public Transition onTasksCompleted(Output out) {
        if (!(phase instanceof Handshaking h) || !h.awaitingTasks()) {
            throw new IllegalStateException("no delegated tasks are outstanding");
        }
        return handshakeProgress(h.pump().resume(out), h, out);
    }

    @Override
    public Transition onEndOfStream(Output out) {
        TlsPump pump = phase instanceof Handshaking handshaking ? handshaking.pump() : null;
        return fail(Failure.of(Failure.Reason.PEER_CLOSED, "the client closed the connection in state " + state()), "", pump, out);
    }

    @Override
    public Transition onTick(Output out) {
        Optional<Instant> deadline = deadline();
        if (deadline.isEmpty() || out.now().isBefore(deadline.get())) {
            return out.to(new Negotiation(this));
        }
        Failure timeout = Failure.of(Failure.Reason.TIMEOUT, "no command from the client in state " + state());
        if (phase instanceof Plain plain) {
            return fail(timeout, plain.dialog().farewell(Failure.Reason.TIMEOUT), null, out);
        }
        return fail(timeout, "", ((Handshaking) phase).pump(), out);
    }

    @Override
    public Optional<Instant> deadline() {
        if (phase instanceof Plain plain) {
            return Optional.of(plain.deadline());
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
        return phase instanceof Handshaking;
    }

    @Override
    public String state() {
        if (phase instanceof Unstarted) {
            return "Unstarted";
        }
        if (phase instanceof Plain plain) {
            return plain.dialog().state();
        }
        if (phase instanceof Handshaking handshaking) {
            return handshaking.awaitingTasks() ? "AwaitingDelegatedTasks" : "Handshaking";
        }
        Outcome o = ((Finished) phase).outcome();
        return o instanceof Outcome.Secured ? "Secured" : o instanceof Outcome.Plaintext ? "Plaintext" : "Failed";
    }

    /** Frames and answers commands until the buffer runs out or the negotiation leaves plaintext. */
    private Transition run(ServerDialog dialog, byte[] buffer, int received, int commands, boolean heard, Output out) {
        int position = 0;
        while (true) {
            int found = LineFramer.scan(buffer, position, buffer.length, config.limits().maxLineLength());
            if (found == LineFramer.INCOMPLETE) {
                byte[] pending = ClientFlow.rest(buffer, position);
                Timeouts timeouts = config.timeouts();
                Instant deadline = timeouts.deadline(startedAt, out.now(), heard ? timeouts.nextCommand() : timeouts.firstCommand());
                return out.to(next(new Plain(dialog, pending, received, commands, heard, deadline)));
            }
            if (found == LineFramer.TOO_LONG) {
                return fail(Failure.of(Failure.Reason.COMMAND_TOO_LONG,
                        "a command longer than " + config.limits().maxLineLength() + " bytes"),
                        dialog.farewell(Failure.Reason.COMMAND_TOO_LONG), null, out);
            }
            if (found < 0) {
                return fail(Failure.of(Failure.Reason.MALFORMED_COMMAND, LineFramer.why(found) + " in a command",
                        ClientFlow.preview(buffer, position)), dialog.farewell(Failure.Reason.MALFORMED_COMMAND), null, out);
            }
            String line = LineFramer.line(buffer, position, found);
            int lineStart = position;
            position += found;
            out.received(line, false);
            ServerStep step = dialog.onLine(line);
            if (step instanceof ServerStep.Reply reply) {
                // A command counts when it is answered: the lines of an IMAP literal get no answer of their own.
                if (!reply.send().isEmpty() && ++commands > config.limits().maxCommandsBeforeTls()) {
                    return fail(Failure.of(Failure.Reason.TOO_MANY_COMMANDS,
                            "more than " + config.limits().maxCommandsBeforeTls() + " commands before TLS", line),
                            dialog.farewell(Failure.Reason.TOO_MANY_COMMANDS), null, out);
                }
                sendPlain(reply.send(), out);
                dialog = reply.next();
            } else if (step instanceof ServerStep.Close close) {
                return fail(close.failure(), close.send(), null, out);
            } else if (step instanceof ServerStep.HandOver handOver) {
                return handOver(handOver.capabilities(), Arrays.copyOfRange(buffer, lineStart, buffer.length), out);
            } else if (step instanceof ServerStep.GoAhead goAhead) {
                if (position < buffer.length) {
                    // RFC 3207 §4.2: commands pipelined after STARTTLS are discarded, never executed.
                    return fail(Failure.of(Failure.Reason.PLAINTEXT_INJECTION,
                            (buffer.length - position) + " plaintext bytes after the STARTTLS command",
                            ClientFlow.preview(buffer, position)), dialog.farewell(Failure.Reason.PLAINTEXT_INJECTION), null, out);
                }
                sendPlain(goAhead.send(), out);
                out.event(new Event.StartTlsAccepted());
                return startHandshake(null, false, out);
            }
        }
    }

    private Transition handOver(Capabilities announced, byte[] unread, Output out) {
        if (!config.policy().allowsPlaintext()) {
            throw new IllegalStateException("the dialog handed over in plaintext under " + config.policy());
        }
        Optional<Failure> cause = Optional.empty();
        if (config.policy() == TlsPolicy.OPPORTUNISTIC) {
            Failure notUsed = Failure.of(Failure.Reason.STARTTLS_NOT_USED, "the client went on without STARTTLS",
                    ClientFlow.preview(unread, 0));
            out.event(new Event.FellBackToPlaintext(notUsed));
            cause = Optional.of(notUsed);
        }
        PlaintextSession session = new PlaintextSession(Role.SERVER, announced, cause, ByteBuffer.wrap(unread));
        out.event(new Event.HandedOverInPlaintext(session));
        return out.to(next(new Finished(new Outcome.Plaintext(session))));
    }

    private Transition startHandshake(ServerDialog dialogForImplicitGreeting, boolean implicit, Output out) {
        TlsPump pump = TlsPump.over(EngineSetup.server(config.engineFactory().create(null, -1), config.tlsFloor()),
                config.delegatedTasks() == DelegatedTasks.RUN_INLINE, config.engineFactory());
        return handshakeProgress(pump.start(out), new Handshaking(pump, dialogForImplicitGreeting, implicit, null, false), out);
    }

    private Transition handshakeProgress(TlsPump.Progress progress, Handshaking h, Output out) {
        // Under implicit TLS, a client that has not sent its ClientHello has said nothing yet.
        Timeouts timeouts = config.timeouts();
        boolean silent = h.implicit() && h.deadline() == null && progress instanceof TlsPump.Progress.NeedsInput;
        Instant deadline = timeouts.deadline(startedAt, out.now(), silent ? timeouts.firstCommand() : timeouts.nextCommand());
        if (progress instanceof TlsPump.Progress.NeedsInput) {
            return out.to(next(new Handshaking(h.pump(), h.dialog(), h.implicit(), deadline, false)));
        }
        if (progress instanceof TlsPump.Progress.NeedsTasks needsTasks) {
            out.tasks(needsTasks.tasks());
            return out.to(next(new Handshaking(h.pump(), h.dialog(), h.implicit(), deadline, true)));
        }
        if (progress instanceof TlsPump.Progress.PeerClosed) {
            return fail(Failure.of(Failure.Reason.PEER_CLOSED, "the client closed TLS during the handshake"), "", ClientFlow.ended(h.pump()), out);
        }
        if (progress instanceof TlsPump.Progress.Failed failed) {
            return fail(HandshakeFailures.classify(failed.cause(), h.pump().handshakeDone()), "", ClientFlow.ended(h.pump()), out);
        }
        if (progress instanceof TlsPump.Progress.Refused refused) {
            return fail(refused.failure(), "", ClientFlow.ended(h.pump()), out);
        }
        TlsFacts facts = h.pump().facts();
        if (!config.tlsFloor().admits(facts.protocol())) {
            return fail(Failure.of(Failure.Reason.TLS_VERSION_TOO_OLD,
                    facts.protocol() + " is below the floor " + config.tlsFloor().jsseName()), "", h.pump(), out);
        }
        out.event(new Event.TlsEstablished(facts));
        if (h.implicit()) {
            ServerStep greeting = h.dialog().start();
            if (!(greeting instanceof ServerStep.Reply reply)) {
                throw new IllegalStateException("a server dialog must start with a greeting reply, not " + greeting);
            }
            String text = reply.send();
            out.sent(text, true);
            if (!(h.pump().encrypt(text.getBytes(StandardCharsets.ISO_8859_1), out) instanceof TlsPump.Progress.Idle)) {
                return fail(Failure.of(Failure.Reason.PEER_CLOSED, "TLS closed before the greeting"), "", ClientFlow.ended(h.pump()), out);
            }
        }
        SecureSession session = h.pump().handOver(Role.SERVER, config.capabilitiesAfterTls());
        out.event(new Event.Secured(session));
        return out.to(next(new Finished(new Outcome.Secured(session))));
    }

    private Transition fail(Failure failure, String farewell, TlsPump pump, Output out) {
        if (!farewell.isEmpty()) {
            sendPlain(farewell, out);
        }
        if (pump != null) {
            pump.closeOutbound(out);
            pump.release();
        }
        out.event(new Event.Failed(failure));
        return out.to(next(new Finished(new Outcome.Failed(failure))));
    }

    private static void sendPlain(String text, Output out) {
        if (!text.isEmpty()) {
            out.sent(text, false);
            out.write(text);
        }
    }

    private Negotiation next(Phase phase) {
        return new Negotiation(new ServerFlow(config, startedAt, phase));
    }
}
