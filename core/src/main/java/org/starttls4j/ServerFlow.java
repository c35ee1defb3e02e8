package org.starttls4j;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import javax.net.ssl.SSLEngine;
import org.starttls4j.internal.tls.EngineSetup;

/**
 * The server's side of every protocol: the dialog supplies the protocol, {@link Flow} the phases
 * both roles share, this the server's reading and its bounds.
 *
 * <pre>
 *  Unstarted ──begin (greet)──▶ AwaitingCommands ──GoAhead (sent)──▶ TLS stage ──checked──▶ Secured
 *      │ IMPLICIT                  ├──HandOver──▶ Plaintext (command left unread)
 *      ├──▶ TLS stage ──checked, greet inside TLS──▶ Secured
 *      │                           └──▶ Failed (QUIT, bad input, bounds, deadline, end of stream)
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
final class ServerFlow extends Flow<ServerDialog> {

    /**
     * Waits for the client's commands, in plaintext.
     *
     * @param received bytes received so far (bounded by {@link Limits#maxPlaintextBytes()})
     * @param commands commands answered so far (bounded by {@link Limits#maxCommandsBeforeTls()})
     * @param heard    whether the client has said anything yet (it has, on a resumed connection)
     */
    record AwaitingCommands(ServerDialog dialog, byte[] pending, int received, int commands, boolean heard,
                            Instant deadline) implements Reading<ServerDialog> {
        @Override
        public TlsStage tls() {
            return null; // a server hands over at TLS: it never reads lines inside it
        }
    }

    private final ServerConfig config;

    private ServerFlow(ServerConfig config, Settings settings, Instant startedAt, boolean transportOwnsTls, Phase<ServerDialog> phase) {
        super(settings, startedAt, transportOwnsTls, phase);
        this.config = config;
    }

    static ServerFlow start(ServerConfig config, ServerDialog dialog, boolean greet) {
        Settings settings = new Settings("client", "command", config.limits(), config.tlsFloor(), config.engineFactory(),
                config.delegatedTasks(), config.recordsTranscript());
        return new ServerFlow(config, settings, null, false, new Unstarted<>(dialog, greet));
    }

    @Override
    ServerFlow with(Instant startedAt, boolean transportOwnsTls, Phase<ServerDialog> phase) {
        return new ServerFlow(config, settings, startedAt, transportOwnsTls, phase);
    }

    @Override
    public boolean greets() {
        return phase instanceof Unstarted<ServerDialog> unstarted && (unstarted.greet() || config.policy().startsWithTls());
    }

    @Override
    Transition begin(Unstarted<ServerDialog> unstarted, Output out) {
        if (config.policy().startsWithTls()) {
            return startTls(unstarted.dialog(), true, out);
        }
        if (!unstarted.greet()) {
            return run(unstarted.dialog(), Lines.NOTHING, 0, 0, 0, 0, true, out);
        }
        ServerStep.Reply greeting = greeting(unstarted.dialog());
        send(greeting.send(), null, out);
        return run(greeting.next(), Lines.NOTHING, 0, 0, 0, 0, false, out);
    }

    /**
     * The busy answer instead of a greeting: the dialog's words for {@code SERVER_BUSY}, in
     * plaintext, and nothing at all under implicit TLS (a handshake is what a busy server must not
     * spend, and plaintext would be garbage to a TLS client).
     */
    @Override
    Transition beginAtCapacity(Output out) {
        if (!(phase instanceof Unstarted<ServerDialog> unstarted)) {
            throw new IllegalStateException("begin() was already called");
        }
        String words = config.policy().startsWithTls() ? "" : unstarted.dialog().farewell(Failure.Reason.SERVER_BUSY);
        return with(out.now(), transportOwnsTls, phase).fail(Failure.of(Failure.Reason.SERVER_BUSY, "refused at capacity"), words, null, out);
    }

    @Override
    Transition read(Reading<ServerDialog> reading, ByteBuffer bytes, Output out) {
        if (!(reading instanceof AwaitingCommands p)) {
            throw new IllegalStateException("a server reads commands");
        }
        int received = p.received() + bytes.remaining();
        if (Lines.tooMany(received, settings.limits())) {
            bytes.position(bytes.limit()); // every byte is consumed, even those that broke the bound
            return fail(Lines.tooMuchPlaintext(settings.limits(), "before TLS"), p.dialog().farewell(Failure.Reason.TOO_MUCH_PLAINTEXT), null, out);
        }
        boolean heard = p.heard() || received > 0;
        if (p.pending().length == 0 && bytes.hasArray()) { // framed where they lie (Lines.inPlace)
            int end = bytes.arrayOffset() + bytes.limit();
            return run(p.dialog(), bytes.array(), Lines.inPlace(bytes), end, received, p.commands(), heard, out);
        }
        byte[] fresh = Lines.drain(bytes);
        byte[] all = p.pending().length == 0 ? fresh : Lines.concat(p.pending(), fresh, 0, fresh.length);
        return run(p.dialog(), all, 0, all.length, received, p.commands(), heard, out);
    }

    /** Frames and answers commands until the buffer runs out or the negotiation leaves plaintext. */
    private Transition run(ServerDialog dialog, byte[] buffer, int position, int end, int received, int commands, boolean heard, Output out) {
        while (true) {
            int found = Lines.scan(buffer, position, end, settings.limits());
            if (found < 0 && found != Lines.INCOMPLETE) {
                Failure broken = Lines.broken(found, buffer, position, end, settings.limits(), Role.SERVER);
                return fail(broken, dialog.farewell(broken.reason()), null, out);
            }
            if (found == Lines.INCOMPLETE) { // wait for the rest
                Timeouts timeouts = config.timeouts();
                Instant deadline = timeouts.deadline(startedAt, out.now(), heard ? timeouts.nextCommand() : timeouts.firstCommand(),
                        deadlineSoFar());
                return out.to(next(new AwaitingCommands(dialog, Lines.rest(buffer, position, end), received, commands, heard, deadline)));
            }
            String line = Lines.text(buffer, position, found);
            int lineStart = position;
            position += found;
            out.received(dialog.readsLiteral() ? Event.Line.literalData(line.length()) : line, false);
            ServerStep step = dialog.onLine(line);
            if (step == null) {
                return fail(Flow.noStep(dialog, "a command"), dialog.farewell(Failure.Reason.LOCAL_ABORT), null, out);
            }
            if (step instanceof ServerStep.Reply reply) {
                // A command counts when it is answered: the lines of an IMAP literal get no answer of their own.
                if (!reply.send().isEmpty() && ++commands > settings.limits().maxCommandsBeforeTls()) {
                    return fail(Failure.of(Failure.Reason.TOO_MANY_COMMANDS,
                            "more than " + settings.limits().maxCommandsBeforeTls() + " commands before TLS", line),
                            dialog.farewell(Failure.Reason.TOO_MANY_COMMANDS), null, out);
                }
                send(reply.send(), null, out);
                dialog = reply.next();
            } else if (step instanceof ServerStep.Close close) {
                return fail(close.failure(), close.send(), null, out);
            } else if (step instanceof ServerStep.HandOver handOver) {
                return handOver(handOver.capabilities(), Arrays.copyOfRange(buffer, lineStart, end), out);
            } else if (step instanceof ServerStep.GoAhead goAhead) {
                if (position < end) {
                    // RFC 3207 §4.2: commands pipelined after STARTTLS are discarded, never executed.
                    return fail(Failure.of(Failure.Reason.PLAINTEXT_INJECTION,
                            (end - position) + " plaintext bytes after the STARTTLS command",
                            Lines.preview(buffer, position, end)), dialog.farewell(Failure.Reason.PLAINTEXT_INJECTION), null, out);
                }
                send(goAhead.send(), null, out);
                out.event(new Event.StartTlsAccepted());
                return startTls(null, false, out);
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
                    Lines.preview(unread, 0));
            out.event(new Event.FellBackToPlaintext(notUsed));
            cause = Optional.of(notUsed);
        }
        return plaintext(new PlaintextSession(Role.SERVER, announced, cause, ByteBuffer.wrap(unread)), out);
    }

    // ---------------------------------------------------------------- the TLS stage, the server's parts

    @Override
    SSLEngine newEngine() {
        return setUp(config.engineFactory().create(null, -1));
    }

    @Override
    SSLEngine setUp(SSLEngine made) {
        return EngineSetup.server(made, config.tlsFloor().floor());
    }

    @Override
    Optional<Failure> checkPeer(TlsFacts facts, boolean byTransport, Instant now) {
        return Optional.empty(); // the floor is all a server asks of a client that sent no certificate
    }

    /** Under implicit TLS the greeting goes first, inside TLS; then the session is the application's. */
    @Override
    Transition afterTls(TlsStage tls, ServerDialog dialogForImplicitGreeting, boolean implicit, Output out) {
        if (implicit && !send(greeting(dialogForImplicitGreeting).send(), tls, out)) {
            return fail(Failure.of(Failure.Reason.PEER_CLOSED, "TLS closed before the greeting"), "", TlsStage.ended(tls), out);
        }
        return secured(tls, Role.SERVER, config.capabilitiesAfterTls(), out);
    }

    private static ServerStep.Reply greeting(ServerDialog dialog) {
        ServerStep greeting = dialog.start();
        if (!(greeting instanceof ServerStep.Reply reply)) {
            throw new IllegalStateException("a server dialog must start with a greeting reply, not " + greeting);
        }
        return reply;
    }

    @Override
    Instant tlsDeadline(boolean clientSilent, Output out) {
        Timeouts timeouts = config.timeouts();
        return timeouts.deadline(startedAt, out.now(), clientSilent ? timeouts.firstCommand() : timeouts.nextCommand(), deadlineSoFar());
    }

    @Override
    String timeoutFarewell(Reading<ServerDialog> reading) {
        return reading.dialog().farewell(Failure.Reason.TIMEOUT);
    }

    @Override
    String dialogState(ServerDialog dialog) {
        return dialog.state();
    }
}
