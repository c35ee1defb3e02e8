package org.starttls4j;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLSession;

/**
 * One state of a TLS negotiation on a mail connection. Feed it input, get a {@link Transition}:
 * the next state, the bytes to send, the events. It does no I/O, starts no thread and reads no
 * clock: the caller passes the time in and ticks it when {@link #deadline()} passes.
 *
 * <pre>{@code
 * Transition t = Smtp.client(config).begin(now);
 * write(t.outbound());
 * while (!t.isFinished()) {
 *     t = t.next().onReceived(read(), now());   // or onTick / onEndOfStream
 *     write(t.outbound());
 * }
 * }</pre>
 *
 * <p><b>Into the caller's buffer.</b> Every input has a second form that takes a destination
 * buffer, shaped like {@link javax.net.ssl.SSLEngine#wrap(ByteBuffer, ByteBuffer)}: the outbound
 * bytes are written into it from its position (which moves past them), once, with no copy kept by
 * the core; {@link Transition#outboundWritten()} says how many. What does not fit is never lost:
 * the transition owns it, as {@link Transition#outbound()}, to write after the destination's bytes.
 * A loop that keeps one write buffer per connection then allocates nothing for outbound bytes.
 *
 * <pre>{@code
 * Transition t = n.onReceived(read(), writeBuffer, now());   // writeBuffer in fill mode
 * writeBuffer.flip(); write(writeBuffer); write(t.outbound()); writeBuffer.compact();
 * }</pre>
 *
 * <p><b>Ownership.</b> Plaintext states are immutable values: feeding the same state the same
 * bytes gives the same transition, any number of times. From the TLS handshake on, a state owns a
 * mutable {@link javax.net.ssl.SSLEngine}; such a state is consumed by the first call that feeds
 * it, and any further call on it throws {@link IllegalStateException}. Always continue with
 * {@link Transition#next()}.
 *
 * <p><b>Failures.</b> Nothing the peer sends makes a method throw: peer misbehaviour ends in a
 * finished state whose {@link #outcome()} is {@link Outcome.Failed}. Exceptions are for misuse:
 * feeding a consumed or finished state, or beginning twice.
 *
 * <p><b>The TLS step.</b> By default the negotiation runs TLS itself, in its own pump over an
 * {@link javax.net.ssl.SSLEngine}: from the go-ahead on, the bytes in and out are TLS records, and
 * the secured session owns the engine. {@link #withTransportTls()} gives the step to the transport
 * instead (Netty's {@code SslHandler}, an {@code SSLSocket} layered over the connection): at the
 * go-ahead the negotiation waits in {@code "AwaitingTransportTls"}, offers {@link #transportTls()},
 * and goes on when told {@link #onTlsEstablished} or {@link #onTlsFailed}, with the same checks of
 * the result either way; after TLS, its bytes in and out are the plaintext the transport decrypts
 * and encrypts.
 *
 * <p><b>One value per state.</b> A negotiation is its flow: the role's states ({@code ClientFlow},
 * {@code ServerFlow}) are the only subclasses, so a transition makes one state object, not a
 * wrapper around one. This class is the public face (the inputs, and the consumed flag of a state
 * that owns an engine); what a state is and does is the flow's.
 */
public abstract sealed class Negotiation permits Flow {

    /** The prefix of {@link #state()} for a dialog state inside TLS. */
    public static final String INSIDE_TLS = "Tls/";

    private boolean spent;

    /** For the flows alone: a negotiation is one of theirs. */
    Negotiation() {
    }

    /**
     * A client negotiation for any protocol: the entry point protocol packages build on.
     *
     * @param config the client configuration
     * @param dialog the protocol's client dialog, before its greeting
     * @return the unstarted negotiation; call {@link #begin}
     */
    public static Negotiation client(ClientConfig config, ClientDialog dialog) {
        return ClientFlow.start(config, dialog);
    }

    /**
     * A server negotiation for any protocol.
     *
     * @param config the server configuration
     * @param dialog the protocol's server dialog, before its greeting
     * @return the unstarted negotiation; call {@link #begin}
     */
    public static Negotiation server(ServerConfig config, ServerDialog dialog) {
        return ServerFlow.start(config, dialog, true);
    }

    /**
     * A server negotiation that resumes on a connection already greeted: {@link #begin} sends
     * nothing and the first command fed is answered as by a fresh dialog. This is how an
     * application hands a plaintext connection back when the client sends STARTTLS later.
     *
     * @param config the server configuration
     * @param dialog the protocol's server dialog, in the state after the greeting
     * @return the unstarted negotiation; call {@link #begin}
     */
    public static Negotiation serverResuming(ServerConfig config, ServerDialog dialog) {
        return ServerFlow.start(config, dialog, false);
    }

    /**
     * The same negotiation, except that the TLS step belongs to the transport. At the go-ahead
     * (client: the go-ahead reply was read; server: its go-ahead reply is in the outbound bytes, the
     * last to write before TLS), or right at {@link #begin} under {@link TlsPolicy#IMPLICIT}, the
     * next state is {@code "AwaitingTransportTls"}: take {@link #transportTls()}, run the handshake,
     * and report with {@link #onTlsEstablished} or {@link #onTlsFailed}. Any byte fed to
     * {@link #onReceived} in that state (read in plaintext after the go-ahead) fails the negotiation
     * with {@link Failure.Reason#PLAINTEXT_INJECTION}, and its deadline is the handshake's. After
     * TLS, {@link #onReceived} takes the plaintext the transport decrypted, and the outbound bytes
     * are plaintext for the transport to encrypt. A secured outcome's session then owns no engine
     * ({@link SecureSession#ownsRecordLayer()} is false).
     *
     * @return the unstarted negotiation, with the TLS step left to the transport
     * @throws IllegalStateException once the negotiation has begun
     */
    public abstract Negotiation withTransportTls();

    /**
     * What the transport needs for the TLS step, in the state {@code "AwaitingTransportTls"} of a
     * negotiation made {@link #withTransportTls()}; empty in every other state.
     *
     * @return the transport's TLS step, while the negotiation awaits it
     */
    public abstract Optional<TransportTls> transportTls();

    /**
     * The transport's handshake succeeded: the core checks the session as after its own handshake
     * (the TLS floor, the certificate's strength and host name, pins, the chain check) and goes on:
     * a client's capabilities request inside TLS is in the outbound bytes (plaintext, for the
     * transport to encrypt); a server hands over (under implicit TLS after its greeting, in the
     * outbound bytes). A session that fails the checks finishes the negotiation with the typed
     * reason; close the connection then.
     *
     * @param session the transport's TLS session, handshake complete
     * @param now     the current time
     * @return the transition
     * @throws IllegalStateException in any state but {@code "AwaitingTransportTls"}
     */
    public Transition onTlsEstablished(SSLSession session, Instant now) {
        Objects.requireNonNull(session, "session");
        return feed(now, null, session, Flow::onTlsEstablished);
    }

    /**
     * {@link #onTlsEstablished(SSLSession, Instant)}, writing the outbound bytes into {@code destination}
     * (see the class documentation).
     *
     * @param session     the transport's TLS session, handshake complete
     * @param destination where the outbound bytes go, from its position; what does not fit stays in
     *                    {@link Transition#outbound()}
     * @param now         the current time
     * @return the transition
     * @throws IllegalArgumentException if {@code destination} is read-only
     * @throws IllegalStateException in any state but {@code "AwaitingTransportTls"}
     */
    public Transition onTlsEstablished(SSLSession session, ByteBuffer destination, Instant now) {
        Objects.requireNonNull(session, "session");
        return feed(now, writable(destination), session, Flow::onTlsEstablished);
    }

    /**
     * The transport's handshake failed: the negotiation finishes with the cause classified as for
     * the core's own handshake ({@link Failure.Reason#TLS_HANDSHAKE_FAILED},
     * {@link Failure.Reason#TLS_VERSION_TOO_OLD}, a certificate's reason, ...).
     *
     * @param cause what the transport's TLS reported (an {@link javax.net.ssl.SSLException}, or
     *              whatever wraps one)
     * @param now   the current time
     * @return the finished transition
     * @throws IllegalStateException in any state but {@code "AwaitingTransportTls"}
     */
    public Transition onTlsFailed(Throwable cause, Instant now) {
        Objects.requireNonNull(cause, "cause");
        return feed(now, null, cause, Flow::onTlsFailed);
    }

    /**
     * {@link #onTlsFailed(Throwable, Instant)}, writing any outbound bytes into {@code destination}
     * (see the class documentation).
     *
     * @param cause       what the transport's TLS reported
     * @param destination where the outbound bytes go, from its position; what does not fit stays in
     *                    {@link Transition#outbound()}
     * @param now         the current time
     * @return the finished transition
     * @throws IllegalArgumentException if {@code destination} is read-only
     * @throws IllegalStateException in any state but {@code "AwaitingTransportTls"}
     */
    public Transition onTlsFailed(Throwable cause, ByteBuffer destination, Instant now) {
        Objects.requireNonNull(cause, "cause");
        return feed(now, writable(destination), cause, Flow::onTlsFailed);
    }

    /**
     * Starts the negotiation: a server's greeting, or an implicit-TLS client's ClientHello, is in
     * the transition's outbound bytes.
     *
     * @param now the current time; deadlines count from it
     * @return the first transition
     */
    public Transition begin(Instant now) {
        return feed(now, null, null, (flow, none, out) -> flow.begin(out));
    }

    /**
     * {@link #begin(Instant)}, writing the outbound bytes into {@code destination} (see the class
     * documentation).
     *
     * @param destination where the outbound bytes go, from its position; what does not fit stays in
     *                    {@link Transition#outbound()}
     * @param now         the current time; deadlines count from it
     * @return the first transition
     * @throws IllegalArgumentException if {@code destination} is read-only
     * @throws IllegalStateException once the negotiation has begun
     */
    public Transition begin(ByteBuffer destination, Instant now) {
        return feed(now, writable(destination), null, (flow, none, out) -> flow.begin(out));
    }

    /**
     * Refuses the connection at capacity, instead of {@link #begin}: the protocol's own "too busy"
     * words go out in plaintext ({@code 421 4.3.2} for SMTP, {@code * BYE [UNAVAILABLE]} for IMAP,
     * {@code -ERR [SYS/TEMP]} for POP3: {@link ServerDialog#farewell} for
     * {@link Failure.Reason#SERVER_BUSY}), and the transition is finished with
     * {@link Failure.Reason#SERVER_BUSY}. No engine is made. Under {@link TlsPolicy#IMPLICIT} the
     * client expects a TLS handshake, which is what a busy server must not spend, so nothing is
     * sent: close the connection. Write the outbound bytes, then close.
     *
     * @param now the current time
     * @return the finished transition
     * @throws IllegalStateException for a client negotiation, or one already begun
     */
    public Transition beginAtCapacity(Instant now) {
        return feed(now, null, null, (flow, none, out) -> flow.beginAtCapacity(out));
    }

    /**
     * {@link #beginAtCapacity(Instant)}, writing the busy reply into {@code destination} (see the
     * class documentation).
     *
     * @param destination where the outbound bytes go, from its position; what does not fit stays in
     *                    {@link Transition#outbound()}
     * @param now         the current time
     * @return the finished transition
     * @throws IllegalArgumentException if {@code destination} is read-only
     * @throws IllegalStateException for a client negotiation, or one already begun
     */
    public Transition beginAtCapacity(ByteBuffer destination, Instant now) {
        return feed(now, writable(destination), null, (flow, none, out) -> flow.beginAtCapacity(out));
    }

    /**
     * Feeds bytes received from the peer. Every byte is consumed: the buffer's position moves to
     * its limit.
     *
     * @param bytes the bytes read
     * @param now   the current time
     * @return the transition
     */
    public Transition onReceived(ByteBuffer bytes, Instant now) {
        Objects.requireNonNull(bytes, "bytes");
        return feed(now, null, bytes, Flow::onReceived);
    }

    /**
     * {@link #onReceived(ByteBuffer, Instant)}, writing the outbound bytes into {@code destination}
     * (see the class documentation).
     *
     * @param bytes       the bytes read; every one is consumed
     * @param destination where the outbound bytes go, from its position; what does not fit stays in
     *                    {@link Transition#outbound()}
     * @param now         the current time
     * @return the transition
     * @throws IllegalArgumentException if {@code destination} is read-only
     */
    public Transition onReceived(ByteBuffer bytes, ByteBuffer destination, Instant now) {
        Objects.requireNonNull(bytes, "bytes");
        return feed(now, writable(destination), bytes, Flow::onReceived);
    }

    /**
     * Tells the negotiation the peer closed its end of the connection.
     *
     * @param now the current time
     * @return the transition (always to a finished state)
     */
    public Transition onEndOfStream(Instant now) {
        return feed(now, null, null, (flow, none, out) -> flow.onEndOfStream(out));
    }

    /**
     * {@link #onEndOfStream(Instant)}, writing any outbound bytes (a TLS alert) into
     * {@code destination} (see the class documentation).
     *
     * @param destination where the outbound bytes go, from its position; what does not fit stays in
     *                    {@link Transition#outbound()}
     * @param now         the current time
     * @return the transition (always to a finished state)
     * @throws IllegalArgumentException if {@code destination} is read-only
     */
    public Transition onEndOfStream(ByteBuffer destination, Instant now) {
        return feed(now, writable(destination), null, (flow, none, out) -> flow.onEndOfStream(out));
    }

    /**
     * Lets time pass: when {@code now} is at or past {@link #deadline()}, the negotiation fails with
     * {@link Failure.Reason#TIMEOUT}; otherwise nothing happens.
     *
     * @param now the current time
     * @return the transition
     */
    public Transition onTick(Instant now) {
        return feed(now, null, null, (flow, none, out) -> flow.onTick(out));
    }

    /**
     * {@link #onTick(Instant)}, writing any outbound bytes (a farewell on a timeout) into
     * {@code destination} (see the class documentation).
     *
     * @param destination where the outbound bytes go, from its position; what does not fit stays in
     *                    {@link Transition#outbound()}
     * @param now         the current time
     * @return the transition
     * @throws IllegalArgumentException if {@code destination} is read-only
     */
    public Transition onTick(ByteBuffer destination, Instant now) {
        return feed(now, writable(destination), null, (flow, none, out) -> flow.onTick(out));
    }

    /**
     * Goes on after the caller ran the {@link Transition#delegatedTasks()}.
     *
     * @param now the current time
     * @return the transition
     */
    public Transition onTasksCompleted(Instant now) {
        return feed(now, null, null, (flow, none, out) -> flow.onTasksCompleted(out));
    }

    /**
     * {@link #onTasksCompleted(Instant)}, writing the outbound bytes into {@code destination} (see
     * the class documentation).
     *
     * @param destination where the outbound bytes go, from its position; what does not fit stays in
     *                    {@link Transition#outbound()}
     * @param now         the current time
     * @return the transition
     * @throws IllegalArgumentException if {@code destination} is read-only
     */
    public Transition onTasksCompleted(ByteBuffer destination, Instant now) {
        return feed(now, writable(destination), null, (flow, none, out) -> flow.onTasksCompleted(out));
    }

    /**
     * When to call {@link #onTick} at the latest; empty before {@link #begin} and once finished.
     *
     * @return when to call {@link #onTick} at the latest
     */
    public abstract Optional<Instant> deadline();

    /**
     * Whether the negotiation has ended; a finished state accepts no more input.
     *
     * @return whether the negotiation has ended
     */
    public abstract boolean isFinished();

    /**
     * How the negotiation ended, once it has.
     *
     * @return how the negotiation ended, once it has
     */
    public abstract Optional<Outcome> outcome();

    /**
     * The state's name, for diagnostics: the dialog's state while it reads lines, e.g.
     * {@code "AwaitingEhloReply"}, prefixed with {@value #INSIDE_TLS} when it reads them inside TLS
     * ({@code "Tls/AwaitingEhloReply"}, the client's second EHLO); otherwise the step of the
     * negotiation itself: {@code "Unstarted"}, {@code "Handshaking"}, {@code "AwaitingDelegatedTasks"},
     * {@code "AwaitingTransportTls"}, {@code "Secured"}, {@code "Plaintext"} or {@code "Failed"}.
     *
     * @return the state's name
     */
    public abstract String state();

    /**
     * Whether {@link #begin} greets the peer: true for an unstarted server negotiation from
     * {@link #server} (its greeting goes out at {@code begin}, or under {@link TlsPolicy#IMPLICIT}
     * first thing inside TLS); false for one from {@link #serverResuming} in plaintext (the
     * connection was greeted before), for a client's, and once the negotiation has begun. Nothing
     * is begun to find out.
     *
     * @return whether beginning this negotiation greets
     */
    public boolean greets() {
        return false;
    }

    /**
     * Whether feeding this state again would throw (it owned an engine and was fed).
     *
     * @return whether feeding this state again would throw (it owned an engine and was fed)
     */
    public boolean isConsumed() {
        return spent;
    }

    @Override
    public String toString() {
        return "Negotiation[" + state() + (spent ? ", consumed" : "") + "]";
    }

    /** One input to the flow, with the argument it carries (or none): a non-capturing reference, so feeding allocates nothing. */
    @FunctionalInterface
    private interface Input<A> {
        Transition apply(Flow<?> flow, A argument, Output out);
    }

    /**
     * Feeds one input: the time and the destination are checked before the state is taken (a
     * rejected call leaves it unfed), and the output, the thread's kept one when it is free, is
     * handed back afterwards.
     */
    private <A> Transition feed(Instant now, ByteBuffer destination, A argument, Input<A> input) {
        Flow<?> flow = (Flow<?>) this; // the only kind there is (sealed)
        Output out = Output.open(Objects.requireNonNull(now, "now"), flow.settings.limits(), flow.settings.transcript(), destination);
        try {
            return input.apply(take(flow), argument, out);
        } finally {
            out.close();
        }
    }

    /** A destination the core can write into, or a clear refusal before anything is fed. */
    private static ByteBuffer writable(ByteBuffer destination) {
        Objects.requireNonNull(destination, "destination");
        if (destination.isReadOnly()) {
            throw new IllegalArgumentException("the destination buffer is read-only: outbound bytes cannot be written into it");
        }
        return destination;
    }

    private Flow<?> take(Flow<?> flow) {
        if (flow.isFinished()) {
            throw new IllegalStateException("the negotiation has finished: " + flow.outcome().get());
        }
        if (flow.ownsEngine()) {
            if (spent) {
                throw new IllegalStateException("this state owns an SSLEngine and was already fed; continue with Transition.next()");
            }
            spent = true;
        }
        return flow;
    }
}
