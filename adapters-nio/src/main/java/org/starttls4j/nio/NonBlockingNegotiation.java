package org.starttls4j.nio;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NotYetConnectedException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.starttls4j.DelegatedTasks;
import org.starttls4j.Event;
import org.starttls4j.EventLog;
import org.starttls4j.Failure;
import org.starttls4j.Negotiation;
import org.starttls4j.Outcome;
import org.starttls4j.Transition;

/**
 * One negotiation on a non-blocking {@link SocketChannel}, driven by the caller's own
 * {@link Selector} loop: readiness goes in, interest ops and a deadline come out. It moves bytes
 * between the socket and the core's {@link Negotiation} and does nothing else; all protocol
 * decisions are the core's.
 *
 * <pre>{@code
 * Selector selector = Selector.open();
 * SocketChannel socket = SocketChannel.open();
 * socket.configureBlocking(false);
 * socket.connect(address);                                    // may still be pending
 * NonBlockingNegotiation n = NonBlockingNegotiation.builder(socket, Smtp.client(config))
 *         .taskExecutor(executor, selector::wakeup)            // for DelegatedTasks.HAND_TO_CALLER
 *         .start();
 * n.register(selector);                                       // attaches n to its key
 * while (!n.isFinished()) {
 *     selector.select(n.millisUntilDeadline());               // never 0 (forever) while unfinished
 *     for (SelectionKey key : selector.selectedKeys()) {
 *         ((NonBlockingNegotiation) key.attachment()).handle(key);
 *     }
 *     selector.selectedKeys().clear();
 *     n.onTick();                                             // deadlines, finished delegated tasks
 *     n.updateInterest(n.socketChannel().keyFor(selector));
 * }
 * NegotiatedChannel channel = n.channel();                    // or NegotiationException
 * }</pre>
 *
 * <p>With many negotiations, call {@link #onTick()} on each after every select (it is cheap when
 * nothing is due), and select with the earliest {@link #deadline()}.
 *
 * <p><b>Delegated tasks.</b> When the configuration says {@link DelegatedTasks#HAND_TO_CALLER},
 * the engine's tasks go to the {@linkplain Builder#taskExecutor executor}; meanwhile the
 * negotiation asks for no readiness, and when they are done it calls the wakeup action (typically
 * {@link Selector#wakeup()}) so that the loop's next {@link #onTick()} goes on. Without an
 * executor they run inline. An executor that refuses them ends the negotiation with
 * {@link Failure.Reason#LOCAL_ABORT}.
 *
 * <p><b>Endings.</b> On success the outbound bytes are flushed (still within the deadline) before
 * {@link #isFinished()} turns true, and {@link #channel()} returns a {@link SecureChannel} or
 * {@link PlaintextChannel} in non-blocking mode over the same socket. On failure the bytes the
 * negotiation had to send (an SMTP {@code QUIT} or {@code 421}, a TLS alert) are written if the
 * socket takes them at once (it does unless the peer stopped reading), the socket is closed, and
 * {@link #channel()} throws a {@link NegotiationException}. A socket error counts as the peer
 * closing ({@link Failure.Reason#PEER_CLOSED}). A connect that fails or times out is no
 * negotiation: {@link #channel()} throws the connect's own {@link IOException}.
 *
 * <p><b>Bounded.</b> What one connection can make it hold is small whatever the peer sends and
 * however slowly it reads: it reads no more than it can answer (while more than
 * {@link #PENDING_OUTPUT_BOUND} bytes wait for the socket, it asks for no {@code OP_READ}, so a
 * peer that does not read its answers stops being read; the kernel's buffers hold the rest), each
 * read is one pooled buffer given back at once, the core's own bounds
 * ({@link org.starttls4j.Limits}) hold the negotiation's state, and the report keeps at most
 * {@link #MAX_REPORTED_LINES} transcript lines and {@link #MAX_REPORTED_CHARS} characters (then one
 * {@link Event.TranscriptTruncated}; other events are always kept).
 *
 * <p>Not thread-safe: use it from the loop's thread only (the executor's wakeup is the only
 * cross-thread call).
 */
public final class NonBlockingNegotiation {

    /**
     * Pending output above which the negotiation stops reading. The largest output an honest
     * negotiation produces at once is a server's handshake flight with its certificate chain, a few
     * KiB even with three RSA-4096 certificates, so an honest peer never meets it; a peer that sends
     * commands and never reads the answers makes the server hold this much, plus one read's answers.
     * The Netty adapter's bound is the same ({@code StartTlsHandler.PENDING_OUTPUT_BOUND}; the
     * examples' {@code ServerBoundsTableTest} holds them together).
     */
    public static final int PENDING_OUTPUT_BOUND = 8 * 1024;
    /**
     * The most transcript lines a report keeps: two replies of the most lines a client accepts
     * ({@link org.starttls4j.Limits#maxLinesPerReply()}, 100; an EHLO reply before TLS and another
     * inside it) would nearly fill it, while an honest negotiation with a large EHLO reply has under
     * 60 lines. The Netty adapter keeps the same ({@code StartTlsHandler.MAX_REPORTED_LINES}).
     */
    public static final int MAX_REPORTED_LINES = 200;
    /**
     * The most transcript characters a report keeps: what {@link #MAX_REPORTED_LINES} lines of 160
     * characters hold, ten times an honest negotiation's, and the most text a hostile peer's
     * transcript costs. The Netty adapter keeps the same ({@code StartTlsHandler.MAX_REPORTED_CHARS}).
     */
    public static final int MAX_REPORTED_CHARS = 32 * 1024;

    private enum Phase {
        CONNECTING, NEGOTIATING, AWAITING_TASKS, FLUSHING, DONE
    }

    private final SocketChannel socket;
    private final NioOptions options;
    private final Runnable wakeup;
    private final boolean blockingResult;
    private final boolean handOverTranscript;
    // The report's events: a transition's transcript kept as the core made it, its lines made only
    // if the application reads them.
    private final EventLog events = new EventLog(MAX_REPORTED_LINES, MAX_REPORTED_CHARS);
    // Waiting for the socket, in order: pooled buffers a transition wrote into (writable, given back
    // once written) and the read-only rest a transition owned when one did not hold it all.
    private final ArrayDeque<ByteBuffer> outbound = new ArrayDeque<>();
    private int pendingOutput; // bytes in outbound
    private ByteBuffer destination; // the pooled buffer the call being made writes into (into()), until apply()
    private ByteBuffer alreadyRead; // fed right after begin (a resumed connection); null when none
    private Negotiation negotiation;
    private Phase phase;
    private Instant connectDeadline;
    private Instant lastDeadline;
    private volatile boolean tasksDone;
    private NegotiatedChannel result;
    private IOException error;
    private NegotiationReport report;

    private NonBlockingNegotiation(Builder b) {
        this.socket = b.socket;
        this.negotiation = b.negotiation;
        this.options = b.options;
        this.wakeup = b.wakeup;
        this.blockingResult = b.blockingResult;
        this.handOverTranscript = b.handOverTranscript;
        this.alreadyRead = b.alreadyRead;
    }

    /**
     * A builder for a negotiation on {@code socket}.
     *
     * @param socket      a socket that is connected or whose non-blocking connect is pending
     * @param negotiation the unstarted negotiation, e.g. {@code Smtp.client(config)} or
     *                    {@code Smtp.server(config)}
     * @return the builder
     */
    public static Builder builder(SocketChannel socket, Negotiation negotiation) {
        return new Builder(socket, negotiation);
    }

    // ---- readiness in ----

    /**
     * Dispatches the key's ready operations, ticks, and updates the key's interest (see
     * {@link #updateInterest}). The usual way to drive a negotiation from a selector loop.
     *
     * @param key this negotiation's key, as selected
     */
    public void handle(SelectionKey key) {
        if (key.isValid()) {
            int ready = key.readyOps();
            if ((ready & SelectionKey.OP_CONNECT) != 0) {
                onConnectable();
            }
            if ((ready & SelectionKey.OP_WRITE) != 0) {
                onWritable();
            }
            if ((ready & SelectionKey.OP_READ) != 0) {
                onReadable();
            }
        }
        onTick();
        updateInterest(key);
    }

    /** The socket's non-blocking connect can be completed. */
    public void onConnectable() {
        if (phase != Phase.CONNECTING) {
            return;
        }
        try {
            if (!socket.finishConnect()) {
                return;
            }
        } catch (IOException e) {
            end(e);
            return;
        }
        phase = Phase.NEGOTIATING;
        apply(negotiation.begin(into(), now()));
    }

    /** The socket has bytes (or the end of the stream) to read. */
    public void onReadable() {
        if (phase != Phase.NEGOTIATING) {
            return;
        }
        ByteBuffer buffer = options.bufferPool().acquire(0);
        try {
            int n;
            try {
                n = socket.read(buffer);
            } catch (IOException reset) {
                n = -1;
            }
            if (n > 0) {
                buffer.flip();
                apply(negotiation.onReceived(buffer, into(), now()));
            } else if (n < 0) {
                apply(negotiation.onEndOfStream(into(), now()));
            }
        } finally {
            options.bufferPool().release(buffer);
        }
    }

    /** The socket can take more bytes. */
    public void onWritable() {
        if (phase != Phase.NEGOTIATING && phase != Phase.AWAITING_TASKS && phase != Phase.FLUSHING) {
            return;
        }
        if (!writeOut()) {
            if (phase == Phase.FLUSHING) {
                fail(Failure.of(Failure.Reason.PEER_CLOSED, "the peer closed the connection before the negotiation's last bytes were out"));
            } else {
                apply(negotiation.onEndOfStream(into(), now()));
            }
        } else if (phase == Phase.FLUSHING && outbound.isEmpty()) {
            complete();
        }
    }

    /** Lets time pass, reading the clock: see {@link #onTick(Instant)}. */
    public void onTick() {
        onTick(now());
    }

    /**
     * Lets time pass: goes on after finished delegated tasks, and fails the negotiation (or the
     * connect) once its deadline has passed. Cheap when nothing is due.
     *
     * @param now the current time, from the same clock as the negotiation's
     */
    public void onTick(Instant now) {
        while (phase == Phase.AWAITING_TASKS && tasksDone) {
            tasksDone = false;
            phase = Phase.NEGOTIATING;
            apply(negotiation.onTasksCompleted(into(), now));
        }
        switch (phase) {
            case CONNECTING:
                if (!now.isBefore(connectDeadline)) {
                    end(new SocketTimeoutException("connect timed out after " + options.connectTimeout()));
                }
                break;
            case NEGOTIATING:
            case AWAITING_TASKS:
                Optional<Instant> deadline = negotiation.deadline();
                if (deadline.isPresent() && !now.isBefore(deadline.get())) {
                    apply(negotiation.onTick(into(), now));
                }
                break;
            case FLUSHING:
                if (lastDeadline != null && !now.isBefore(lastDeadline)) {
                    fail(Failure.of(Failure.Reason.TIMEOUT, "the peer did not take the negotiation's last bytes in time"));
                }
                break;
            default:
                break;
        }
    }

    // ---- interest and deadline out ----

    /**
     * The {@link SelectionKey} operations to wait for now; 0 once finished and while delegated tasks run without output pending.
     *
     * @return the {@link SelectionKey} operations to wait for now
     */
    public int interestOps() {
        switch (phase) {
            case CONNECTING:
                return SelectionKey.OP_CONNECT;
            case NEGOTIATING:
                // Back-pressure: a peer that does not read what we answer is not read either.
                return (pendingOutput > PENDING_OUTPUT_BOUND ? 0 : SelectionKey.OP_READ)
                        | (outbound.isEmpty() ? 0 : SelectionKey.OP_WRITE);
            case AWAITING_TASKS:
                return outbound.isEmpty() ? 0 : SelectionKey.OP_WRITE;
            case FLUSHING:
                return SelectionKey.OP_WRITE;
            default:
                return 0;
        }
    }

    /**
     * When to call {@link #onTick} at the latest; empty once finished.
     *
     * @return when to call {@link #onTick} at the latest
     */
    public Optional<Instant> deadline() {
        switch (phase) {
            case CONNECTING:
                return Optional.of(connectDeadline);
            case NEGOTIATING:
            case AWAITING_TASKS:
                return negotiation.deadline();
            case FLUSHING:
                return Optional.ofNullable(lastDeadline);
            default:
                return Optional.empty();
        }
    }

    /**
     * Milliseconds from now to {@link #deadline()}, at least 1, for {@link Selector#select(long)};
     * 0 (forever) only once finished.
     *
     * @return milliseconds from now to {@link #deadline()}, at least 1
     */
    public long millisUntilDeadline() {
        Optional<Instant> deadline = deadline();
        if (deadline.isEmpty()) {
            return isFinished() ? 0 : 1000;
        }
        return Math.max(1, Duration.between(now(), deadline.get()).toMillis() + 1);
    }

    /**
     * Sets the key's interest to {@link #interestOps()}. Once the negotiation has finished that is
     * 0 and the key stays registered, so that the loop can go on with the same key for the
     * channel ({@code key.attach(...)}, {@code key.interestOps(OP_READ)}): a cancelled key could
     * not be replaced until the next select. Cancel it yourself if the channel moves elsewhere.
     * After a failure the socket is closed, which cancels the key.
     *
     * @param key this negotiation's key, or null (ignored)
     */
    public void updateInterest(SelectionKey key) {
        if (key != null && key.isValid()) {
            int ops = interestOps();
            if (key.interestOps() != ops) { // each set queues a selector update, even an unchanged one
                key.interestOps(ops);
            }
        }
    }

    /**
     * Registers the socket with {@code selector} for {@link #interestOps()}, with this negotiation
     * as the key's attachment.
     *
     * @param selector the loop's selector
     * @return the key
     * @throws ClosedChannelException if the socket is closed (the negotiation already failed)
     */
    public SelectionKey register(Selector selector) throws ClosedChannelException {
        return socket.register(selector, interestOps(), this);
    }

    // ---- result ----

    /**
     * Whether the negotiation has ended, in success or failure.
     *
     * @return whether the negotiation has ended, in success or failure
     */
    public boolean isFinished() {
        return phase == Phase.DONE;
    }

    /**
     * The negotiated channel, once {@link #isFinished()}.
     *
     * @return a {@link SecureChannel}, or a {@link PlaintextChannel} where the policy allowed it
     * @throws NegotiationException if the negotiation failed (the socket is closed)
     * @throws IOException          the connect's failure, if the connect failed or timed out
     * @throws IllegalStateException if the negotiation has not finished
     */
    public NegotiatedChannel channel() throws IOException {
        if (phase != Phase.DONE) {
            throw new IllegalStateException("the negotiation has not finished: " + state());
        }
        if (error != null) {
            throw error;
        }
        return result;
    }

    /**
     * What happened so far; the final report once finished.
     *
     * @return what happened so far
     */
    public NegotiationReport report() {
        return report != null ? report : NegotiationReport.of(events.events(), Optional.empty());
    }

    /**
     * Why the negotiation failed, if it did.
     *
     * @return why the negotiation failed, if it did
     */
    public Optional<Failure> failure() {
        return report().failure();
    }

    /**
     * The socket.
     *
     * @return the socket
     */
    public SocketChannel socketChannel() {
        return socket;
    }

    /**
     * The state's name, for diagnostics, e.g. {@code "NEGOTIATING/Handshaking"}.
     *
     * @return the state's name, for diagnostics
     */
    public String state() {
        return phase + "/" + negotiation.state();
    }

    /**
     * Gives up: closes the socket, after TLS's {@code close_notify} when the handshake has begun
     * and no delegated task is running (then the engine also goes back to its
     * {@link org.starttls4j.EngineFactory}), without the dialog's last words (this side, not the
     * peer, ended it). Does nothing once finished. The negotiation has then failed with
     * {@link Failure.Reason#LOCAL_ABORT}, as the Netty adapter's does when its channel is closed
     * or its handler removed: {@link #failure()} says so, and {@link #channel()} throws a
     * {@link NegotiationException}.
     */
    public void abort() {
        if (phase != Phase.DONE) {
            // Not while delegated tasks run: they use the engine.
            endLocally("the negotiation was aborted locally before it finished", phase == Phase.NEGOTIATING);
        }
    }

    @Override
    public String toString() {
        return "NonBlockingNegotiation[" + state() + "]";
    }

    // ---- moving bytes ----

    private Instant now() {
        return options.clock().instant();
    }

    private void start() throws IOException {
        socket.configureBlocking(false);
        if (socket.isConnected()) {
            phase = Phase.NEGOTIATING;
            apply(negotiation.begin(into(), now()));
            if (alreadyRead != null && phase == Phase.NEGOTIATING) {
                ByteBuffer first = alreadyRead;
                alreadyRead = null;
                apply(negotiation.onReceived(first, into(), now()));
            }
        } else if (socket.isConnectionPending()) {
            phase = Phase.CONNECTING;
            connectDeadline = now().plus(options.connectTimeout());
            // Over loopback (and to a near peer) the connect has usually completed by now: one try
            // spares the wait for OP_CONNECT and its selector round.
            onConnectable();
        } else {
            throw new NotYetConnectedException();
        }
    }

    /**
     * A pooled buffer for the next call into the negotiation to write its bytes into: they are
     * written once, there, and go to the socket from it ({@link #apply} queues it, or gives it back
     * at once when the call wrote nothing).
     */
    private ByteBuffer into() {
        options.bufferPool().release(destination); // left by a call that threw
        destination = options.bufferPool().acquire(0);
        return destination;
    }

    private void apply(Transition t) {
        events.add(t);
        queueOutbound(t);
        negotiation = t.next();
        negotiation.deadline().ifPresent(d -> lastDeadline = d);
        boolean written = writeOut();
        if (negotiation.isFinished()) {
            finish();
            return;
        }
        if (!t.delegatedTasks().isEmpty()) {
            phase = Phase.AWAITING_TASKS;
            if (!submit(t.delegatedTasks())) {
                // None of them runs, so the engine is free to end TLS with.
                endLocally("the delegated-task executor refused the handshake's tasks", true);
                return;
            }
        }
        if (!written) {
            apply(negotiation.onEndOfStream(into(), now())); // the socket broke: the peer is gone
        }
    }

    /** Queues the bytes {@code t} wrote, in {@link #destination} and in its own rest. */
    private void queueOutbound(Transition t) {
        ByteBuffer filled = destination;
        destination = null;
        if (t.outboundWritten() > 0) {
            queue(filled.flip());
        } else {
            options.bufferPool().release(filled);
        }
        ByteBuffer rest = t.outbound(); // what did not fit: read-only, owned by the transition
        if (rest.hasRemaining()) {
            queue(rest);
        }
    }

    /**
     * Ends the negotiation on this side's account, {@link Failure.Reason#LOCAL_ABORT}. With
     * {@code endTls} (no delegated task holds the engine) the core first ends its side as at the
     * peer's end: inside TLS its close_notify (what Netty's SslHandler sends on a local close) goes
     * out if the socket takes it at once, and the engine goes back to its factory (a
     * reference-counted one would otherwise leak); the PEER_CLOSED it reports is not this one's.
     */
    private void endLocally(String why, boolean endTls) {
        String where = state();
        if (endTls) {
            queueOutbound(negotiation.onEndOfStream(into(), now()));
            writeOut();
        }
        fail(Failure.of(Failure.Reason.LOCAL_ABORT, why + " (in state " + where + ")"));
    }

    private void queue(ByteBuffer bytes) {
        outbound.add(bytes);
        pendingOutput += bytes.remaining();
    }

    /** Drops what waits for the socket, giving the pooled buffers back. */
    private void dropOutbound() {
        for (ByteBuffer bytes = outbound.poll(); bytes != null; bytes = outbound.poll()) {
            giveBack(bytes);
        }
        pendingOutput = 0;
    }

    /** A written or dropped buffer: pooled ones (writable) go back to the pool; a transition's read-only rest is the collector's. */
    private void giveBack(ByteBuffer bytes) {
        if (!bytes.isReadOnly()) {
            options.bufferPool().release(bytes);
        }
    }

    /** Writes what the socket takes now; false if the socket failed. */
    private boolean writeOut() {
        try {
            while (!outbound.isEmpty()) {
                ByteBuffer head = outbound.peek();
                pendingOutput -= socket.write(head);
                if (head.hasRemaining()) {
                    return true;
                }
                giveBack(outbound.poll());
            }
            return true;
        } catch (IOException e) {
            dropOutbound();
            return false;
        }
    }

    /** Runs the tasks inline, or hands them to the executor; false if it refused them (none ran). */
    private boolean submit(List<Runnable> tasks) {
        Runnable job = () -> {
            try {
                for (Runnable task : tasks) {
                    task.run();
                }
            } finally {
                tasksDone = true;
                wakeup.run();
            }
        };
        Executor executor = options.taskExecutor();
        if (executor == null) {
            job.run();
            return true;
        }
        try {
            executor.execute(job);
            return true;
        } catch (RejectedExecutionException e) {
            return false; // the README's LOCAL_ABORT, as the Netty adapter's: not run here, where the loop would wait on them
        }
    }

    private void finish() {
        Outcome outcome = negotiation.outcome().orElseThrow();
        if (outcome instanceof Outcome.Failed) {
            fail(((Outcome.Failed) outcome).failure());
        } else if (outbound.isEmpty()) {
            complete();
        } else {
            phase = Phase.FLUSHING;
        }
    }

    private void complete() {
        report = NegotiationReport.of(events.events(), negotiation.outcome());
        if (!handOverTranscript) {
            report = report.withoutTranscript();
        }
        Endpoint io = new Endpoint(socket, blockingResult);
        Outcome outcome = negotiation.outcome().orElseThrow();
        if (outcome instanceof Outcome.Secured) {
            result = new SecureChannel(io, ((Outcome.Secured) outcome).session(), report, options.bufferPool(), options.closeTimeout());
        } else {
            result = new PlaintextChannel(io, ((Outcome.Plaintext) outcome).session(), report, options);
        }
        phase = Phase.DONE;
    }

    private void fail(Failure failure) {
        report = NegotiationReport.failed(events.events(), failure);
        end(new NegotiationException(report));
    }

    private void end(IOException why) {
        dropOutbound();
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing is all that is left to do
        }
        error = why;
        phase = Phase.DONE;
    }

    /** Configures and starts a {@link NonBlockingNegotiation}: the settings every NIO builder has, and its own. */
    public static final class Builder extends NioBuilder<Builder> {
        private final SocketChannel socket;
        private final Negotiation negotiation;
        private Runnable wakeup = () -> { };
        private boolean blockingResult;
        private boolean handOverTranscript = true;
        private ByteBuffer alreadyRead;

        private Builder(SocketChannel socket, Negotiation negotiation) {
            super(NioOptions.DEFAULTS);
            this.socket = Objects.requireNonNull(socket, "socket");
            this.negotiation = Objects.requireNonNull(negotiation, "negotiation");
        }

        /**
         * Where delegated engine tasks run under {@link DelegatedTasks#HAND_TO_CALLER}, and what to
         * call once they are done (from the executor's thread) so that the loop ticks again.
         *
         * @param executor the executor
         * @param wakeup   e.g. {@code selector::wakeup}
         * @return this builder
         */
        public Builder taskExecutor(Executor executor, Runnable wakeup) {
            taskExecutorOption(executor);
            this.wakeup = Objects.requireNonNull(wakeup, "wakeup");
            return this;
        }

        /**
         * How long a pending connect may take; default 30 seconds.
         *
         * @param value the bound
         * @return this builder
         * @throws IllegalArgumentException if it is not positive
         */
        public Builder connectTimeout(Duration value) {
            return connectTimeoutOption(value);
        }

        /** A client's or server's settings whole, with the wakeup of the loop that drives this negotiation. */
        Builder options(NioOptions value, Runnable loopWakeup) {
            this.options = Objects.requireNonNull(value, "options");
            this.wakeup = Objects.requireNonNull(loopWakeup, "wakeup");
            return this;
        }

        Builder blockingResult(boolean value) {
            this.blockingResult = value;
            return this;
        }

        /** Whether the channel's report keeps the transcript; a failure's report always does. */
        Builder handOverTranscript(boolean value) {
            this.handOverTranscript = value;
            return this;
        }
        /**
         * Bytes the application already read from the socket itself, fed to the negotiation right
         * after it begins: for a connection resumed at STARTTLS with
         * {@link org.starttls4j.Negotiation#serverResuming}, the STARTTLS (or STLS) command line
         * and every byte read after it. Whatever follows the command fails the negotiation with
         * {@link Failure.Reason#PLAINTEXT_INJECTION}: it is never answered, and never reaches the
         * application. {@link PlaintextChannel#startTls} does this for a channel the server handed over.
         *
         * @param value the bytes, from the command line on; copied
         * @return this builder
         */
        public Builder alreadyRead(ByteBuffer value) {
            Objects.requireNonNull(value, "alreadyRead");
            this.alreadyRead = value.hasRemaining() ? ByteBuffer.allocate(value.remaining()).put(value.duplicate()).flip() : null;
            return this;
        }

        /**
         * Puts the socket in non-blocking mode and starts: a connected socket begins the
         * negotiation at once (a server's greeting is written if the socket takes it); a pending
         * connect is finished at once if it can be (then the negotiation begins, or, if the connect
         * failed, it is finished and {@link #channel()} throws the connect's failure), else it waits
         * for {@code OP_CONNECT}.
         *
         * @return the negotiation, to register with a selector
         * @throws IOException if the socket cannot be put in non-blocking mode
         * @throws NotYetConnectedException if the socket is neither connected nor connecting
         */
        public NonBlockingNegotiation start() throws IOException {
            NonBlockingNegotiation n = new NonBlockingNegotiation(this);
            n.start();
            return n;
        }
    }
}
