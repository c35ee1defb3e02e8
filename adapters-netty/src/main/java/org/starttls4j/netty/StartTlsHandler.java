package org.starttls4j.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.CoalescingBufferQueue;
import io.netty.handler.ssl.SslCloseCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.PromiseCombiner;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.starttls4j.DelegatedTasks;
import org.starttls4j.Event;
import org.starttls4j.Failure;
import org.starttls4j.Negotiation;
import org.starttls4j.Outcome;
import org.starttls4j.PlaintextSession;
import org.starttls4j.SecureSession;
import org.starttls4j.TlsResult;
import org.starttls4j.Transition;

/**
 * Runs one starttls4j {@link Negotiation} in a Netty pipeline, then carries the connection on.
 * Use {@link StartTlsClientHandler} or {@link StartTlsServerHandler}; one instance per channel.
 *
 * <pre>
 *  NEW ──active──▶ NEGOTIATING ──Secured──▶ SECURED ──close / close_notify / EOF──▶ CLOSED
 *                      │  └──Plaintext──▶ (fires the unread bytes up, removes itself)
 *                      └──Failed──▶ FAILED (writes QUIT / 421 / alert, closes)
 * </pre>
 *
 * <p><b>Negotiating.</b> The negotiation begins as soon as the channel is active (in
 * {@code handlerAdded} if it already is): bytes read are fed to it, the bytes it returns are
 * written (flushed once per read batch), its deadline is a task on the channel's event loop, and
 * the channel's end is its end of stream. Delegated {@code SSLEngine} tasks, when the
 * configuration hands them over ({@link DelegatedTasks#HAND_TO_CALLER}), run on the executor
 * given to the constructor and the negotiation resumes on the event loop; the loop never blocks.
 * With {@code autoRead} off the handler reads on its own until the negotiation ends; from the
 * outcome on, reads are the application's again (call {@code read()} after the event), and when
 * a read it asked for brings only part of a TLS record, the handler asks for another. A client's
 * application writes made meanwhile wait, counted against the channel's writability, for the
 * outcome; a server's fail at once (see {@link StartTlsServerHandler}).
 *
 * <p><b>Bounded.</b> The handler reads no more than it can answer: while the channel is not
 * writable or more than {@value #MAX_UNSENT_NEGOTIATION_BYTES} bytes of the negotiation's own
 * output are not yet on the wire, it stops reading ({@code autoRead} off, or no {@code read()} of
 * its own) and resumes when the output drains ({@code channelWritabilityChanged}, write
 * completions), restoring {@code autoRead} at the latest with the outcome. The record it keeps
 * for the completion event holds every event but a bounded transcript: its first
 * {@value #MAX_TRANSCRIPT_LINES} lines, then an {@link Event.TranscriptTruncated}. After a
 * failure, the bytes owed to the peer get {@value #LAST_WORDS_TIMEOUT_MILLIS} ms to leave before
 * the channel is closed anyway: a peer that does not read cannot keep a failed connection open.
 *
 * <p><b>Engines.</b> Whatever the configuration's {@code EngineFactory} makes: the JDK's
 * {@code SSLEngine}, or Netty's BoringSSL engine through
 * {@code engineFactory(BoringSsl.engines(sslContext))} with an {@code SslContext} built for
 * {@code SslProvider.OPENSSL} or {@code OPENSSL_REFCNT} (see {@link BoringSsl}; its factory
 * releases a reference-counted engine when the negotiation fails or the session ends).
 *
 * <p><b>The outcome.</b> Exactly one {@link StartTlsCompletionEvent} goes up the pipeline, before
 * any application byte, and completes {@link #completionFuture()}:
 * <ul>
 * <li>{@link StartTlsCompletionEvent.Secured}: the handler stays. Plaintext {@code ByteBuf}s
 *     written through it are encrypted (up to 16 KiB per record, on flush); TLS records read are
 *     decrypted and fired up, starting with bytes that arrived during the negotiation. A
 *     {@code close()} sends {@code close_notify} first; the peer's {@code close_notify} fires
 *     {@link SslCloseCompletionEvent#SUCCESS} and closes the channel; an end of stream without it,
 *     or a broken record, fires a {@link StartTlsException} through {@code exceptionCaught}.</li>
 * <li>{@link StartTlsCompletionEvent.Plaintext}: the writes that waited go out, the unread bytes
 *     ({@link PlaintextSession#unread()}) go up, and the handler removes itself.</li>
 * <li>{@link StartTlsCompletionEvent.Failed}: the bytes the negotiation owes the peer are written,
 *     waiting writes fail, and the channel is closed.</li>
 * </ul>
 *
 * <p>Everything runs on the channel's event loop; only {@link #completionFuture()} may be used from
 * other threads.
 */
public abstract sealed class StartTlsHandler extends ChannelDuplexHandler
        permits StartTlsClientHandler, StartTlsServerHandler {

    /** The most plaintext put into one TLS record. */
    static final int MAX_RECORD_PLAINTEXT = 16 * 1024;

    /** More than any cipher suite adds to a record (header, IV, MAC or tag, padding). */
    private static final int RECORD_OVERHEAD = 1024;

    /**
     * How long our close_notify, or a failed negotiation's last words, may take to leave before the
     * channel is closed anyway.
     */
    static final long LAST_WORDS_TIMEOUT_MILLIS = 3_000;

    /**
     * Most bytes of the negotiation's own output written and not yet on the wire before the
     * handler stops reading: a few dozen replies, so a peer that sends commands and never reads
     * the answers makes the server hold little.
     */
    static final int MAX_UNSENT_NEGOTIATION_BYTES = 4 * 1024;

    /** Transcript lines kept for the completion event across the negotiation; all other events are kept. */
    static final int MAX_TRANSCRIPT_LINES = 64;

    /** Most bytes kept, for the failure's preview, of plaintext that followed a resumed command. */
    private static final int MAX_HELD_AFTER_COMMAND = 512;

    private static final byte[] CRLF = {'\r', '\n'};

    /** Guards against an engine that keeps asking for room it never uses. */
    private static final int MAX_IDLE_TURNS = 16;

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private enum Phase { NEW, NEGOTIATING, SECURED, PLAINTEXT, FAILED, CLOSED }

    private final Negotiation unstarted;
    private final Executor taskExecutor;
    private final boolean serverRole;             // the application's writes fail while negotiating
    private final NegotiationCapacity capacity;   // server only; null: no limit
    private final byte[] resumedCommand;          // set by StartTlsServerHandler.resume; fed once the read batch is over
    private final CompletableFuture<StartTlsCompletionEvent> completion = new CompletableFuture<>();
    private final List<Event> events = new ArrayList<>();

    private ChannelHandlerContext ctx;
    private Phase phase = Phase.NEW;
    private Negotiation negotiation;
    private SecureSession session;
    private CoalescingBufferQueue pendingWrites; // plaintext from the application, not yet encrypted
    private ByteBuf cumulation;                  // TLS bytes read, not yet decrypted
    private ScheduledFuture<?> tick;
    private Instant tickAt;
    private Instant origin;
    private long originNanos;
    private boolean tasksOutstanding;
    private boolean appFlushed;          // the application flushed while its writes had to wait
    private boolean needsFlush;          // we wrote and did not flush yet
    private boolean reading;             // between channelRead and channelReadComplete
    private boolean appReadRequested;    // the application asked to read and got nothing yet
    private boolean closing;             // our close_notify is (being) sent
    private boolean closeNotifyReceived;
    private boolean decrypting;
    private int transcriptLines;         // Event.Lines in events
    private boolean transcriptCut;       // a TranscriptTruncated is in events: no more lines
    private long unsentNegotiationBytes; // written by the negotiation, not yet on the wire
    private boolean readsPaused;         // output is not leaving: no more reads until it does
    private boolean autoReadSuspended;   // and autoRead was turned off to stop them
    private boolean holdsCapacity;
    private boolean refusingAtCapacity;  // no place was free: the "too busy" reply is on its way
    private boolean resumedCommandFed;
    private byte[] heldAfterCommand;     // plaintext that followed the resumed command (bounded preview)

    StartTlsHandler(Negotiation unstarted, Executor delegatedTaskExecutor) {
        this(unstarted, delegatedTaskExecutor, false, null, null);
    }

    StartTlsHandler(Negotiation unstarted, Executor delegatedTaskExecutor, boolean serverRole,
                    NegotiationCapacity capacity, byte[] resumedCommand) {
        this.unstarted = Objects.requireNonNull(unstarted, "the protocol function returned null");
        this.taskExecutor = Objects.requireNonNull(delegatedTaskExecutor, "delegatedTaskExecutor");
        this.serverRole = serverRole;
        this.capacity = capacity;
        this.resumedCommand = resumedCommand;
        if (unstarted.isFinished() || unstarted.deadline().isPresent() || unstarted.isConsumed()) {
            throw new IllegalArgumentException("the negotiation must not be started yet: " + unstarted);
        }
    }

    /**
     * Completes with the same event the handler fires through the pipeline, on the channel's event
     * loop: dependent actions run there unless given an executor, so they must not block.
     *
     * @return a future of this handler's outcome (a copy: completing it does nothing)
     */
    public final CompletableFuture<StartTlsCompletionEvent> completionFuture() {
        return completion.copy();
    }

    /**
     * Where the handler is, for diagnostics: the negotiation's state while it runs (e.g.
     * {@code "AwaitingEhloReply"}, {@code "Handshaking"}; {@code "AtCapacity"} for a server about to
     * refuse), then {@code "SECURED"}, {@code "PLAINTEXT"},
     * {@code "FAILED"} or {@code "CLOSED"}.
     *
     * @return the state's name
     */
    public final String state() {
        if (phase == Phase.NEGOTIATING) {
            return refusingAtCapacity ? "AtCapacity" : negotiation.state();
        }
        return phase.name();
    }

    // ------------------------------------------------------------------ lifecycle

    @Override
    public final void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.pendingWrites = new CoalescingBufferQueue(ctx.channel(), 4, true);
        if (ctx.channel().isActive()) {
            begin();
        }
    }

    @Override
    public final void channelActive(ChannelHandlerContext ctx) {
        begin();
        ctx.fireChannelActive();
    }

    @Override
    public final void handlerRemoved(ChannelHandlerContext ctx) {
        if (phase == Phase.NEW || phase == Phase.NEGOTIATING) {
            abort(Failure.Reason.LOCAL_ABORT, "the handler was removed before the negotiation finished");
        }
        releaseCapacity();
        restoreReading();
        cancelTick();
        if (!pendingWrites.isEmpty()) {
            pendingWrites.releaseAndFailAll(ctx, new ClosedChannelException());
        }
        if (!decrypting) {
            releaseCumulation();
        }
    }

    @Override
    public final void channelInactive(ChannelHandlerContext ctx) {
        if (phase == Phase.NEGOTIATING && refusingAtCapacity) {
            abort(Failure.Reason.PEER_CLOSED, "the client left before it was told the server is busy");
        } else if (phase == Phase.NEGOTIATING) {
            try {
                apply(negotiation.onEndOfStream(now()));
            } catch (RuntimeException e) {
                internalError(e);
            }
        } else if (phase == Phase.SECURED) {
            phase = Phase.CLOSED;
            SecureSession.Termination end = session.onEndOfStream();
            if (end == SecureSession.Termination.TRUNCATED && !closing && !closeNotifyReceived) {
                ctx.fireExceptionCaught(new StartTlsException(Failure.of(Failure.Reason.PEER_CLOSED,
                        "the peer closed the connection without close_notify: data may have been truncated"), true));
            }
        }
        releaseCapacity();
        cancelTick();
        if (!pendingWrites.isEmpty()) {
            pendingWrites.releaseAndFailAll(ctx, new ClosedChannelException());
        }
        if (!decrypting) {
            releaseCumulation();
        }
        ctx.fireChannelInactive();
    }

    // ------------------------------------------------------------------ inbound

    @Override
    public final void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf)) {
            ctx.fireChannelRead(msg);
            return;
        }
        ByteBuf in = (ByteBuf) msg;
        reading = true;
        switch (phase) {
            case NEGOTIATING:
                if (refusingAtCapacity) {
                    in.release(); // nothing of a refused client's is read
                } else if (awaitingResumedCommand()) {
                    if (in.isReadable()) {
                        hold(plaintextOf(in)); // after the resumed command, before its go-ahead: an injection
                    }
                    in.release();
                } else {
                    feed(in);
                }
                break;
            case SECURED:
                decryptInbound(in);
                break;
            default:
                in.release(); // nothing reads past a failure or a close
                break;
        }
    }

    @Override
    public final void channelReadComplete(ChannelHandlerContext ctx) {
        reading = false;
        flushIfNeeded();
        if (!ctx.channel().config().isAutoRead()) {
            if (phase == Phase.NEGOTIATING) {
                if (!readsPaused) {
                    ctx.read(); // the negotiation reads on its own until it ends
                }
            } else if (phase == Phase.SECURED && appReadRequested && !closing) {
                ctx.read(); // the application asked for bytes and the records read so far held none
            }
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public final void channelWritabilityChanged(ChannelHandlerContext ctx) {
        resumeReadingIfDrained();
        ctx.fireChannelWritabilityChanged();
    }

    // ------------------------------------------------------------------ outbound

    @Override
    public final void read(ChannelHandlerContext ctx) {
        if (phase == Phase.NEGOTIATING && readsPaused) {
            return; // the peer is not reading our answers: read nothing more until it does
        }
        if (phase == Phase.SECURED) {
            appReadRequested = true;
        }
        ctx.read();
    }

    @Override
    public final void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!(msg instanceof ByteBuf)) {
            ReferenceCountUtil.release(msg);
            promise.tryFailure(new IllegalArgumentException(
                    "StartTlsHandler carries ByteBufs only, not " + (msg == null ? "null" : msg.getClass().getName())));
            return;
        }
        ByteBuf buf = (ByteBuf) msg;
        switch (phase) {
            case NEW:
            case NEGOTIATING:
                if (serverRole) {
                    // A reply written now answers plaintext and would travel inside TLS: refused.
                    buf.release();
                    promise.tryFailure(new IllegalStateException("the server's negotiation is running ("
                            + state() + "): nothing the application writes goes out before its StartTlsCompletionEvent"));
                } else {
                    pendingWrites.add(buf, promise); // sent, encrypted or not, once the outcome is known
                }
                break;
            case SECURED:
                if (closing) {
                    buf.release();
                    promise.tryFailure(new ClosedChannelException());
                } else {
                    pendingWrites.add(buf, promise);
                }
                break;
            case PLAINTEXT:
                ctx.write(buf, promise); // during the hand-over, before the handler is gone
                break;
            default:
                buf.release();
                promise.tryFailure(new ClosedChannelException());
                break;
        }
    }

    @Override
    public final void flush(ChannelHandlerContext ctx) {
        switch (phase) {
            case NEW:
            case NEGOTIATING:
                appFlushed = true; // nothing of the application's leaves before the outcome
                break;
            case SECURED:
                encryptPending();
                needsFlush = false;
                ctx.flush();
                break;
            default:
                ctx.flush();
                break;
        }
    }

    @Override
    public final void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        if (phase == Phase.NEW || phase == Phase.NEGOTIATING) {
            abort(Failure.Reason.LOCAL_ABORT, "the channel was closed locally before the negotiation finished");
            ctx.close(promise);
        } else if (phase == Phase.SECURED && !closing) {
            sendCloseNotify(promise);
        } else {
            ctx.close(promise);
        }
    }

    // ------------------------------------------------------------------ the negotiation

    private void begin() {
        if (phase != Phase.NEW) {
            return;
        }
        phase = Phase.NEGOTIATING;
        origin = Instant.now();
        originNanos = ctx.executor().ticker().nanoTime();
        if (capacity != null && !capacity.tryAcquire()) {
            // Refused from a task: begin() may run in handlerAdded, inside the server's
            // ChannelInitializer, before the application's handlers that must see the event.
            refusingAtCapacity = true;
            ctx.executor().execute(this::refuseAtCapacity);
            return;
        }
        holdsCapacity = capacity != null;
        try {
            apply(unstarted.begin(now()));
        } catch (RuntimeException e) {
            internalError(e);
            return;
        }
        if (phase == Phase.NEGOTIATING && resumedCommand != null) {
            // After the read batch that brought the command: whatever the application's decoders
            // still fire from it, or removing them forwards, reaches the guard first and is fed
            // behind the command, so the core sees it as what it is, plaintext after STARTTLS.
            ctx.executor().execute(this::feedResumedCommand);
        }
        if (phase == Phase.NEGOTIATING && !readsPaused && !ctx.channel().config().isAutoRead()) {
            ctx.read();
        }
    }

    private void refuseAtCapacity() {
        if (phase != Phase.NEGOTIATING) {
            return; // closed or removed meanwhile
        }
        try {
            apply(unstarted.beginAtCapacity(now())); // the protocol's "too busy", then close
        } catch (RuntimeException e) {
            internalError(e);
        }
    }

    /**
     * The negotiation's time: wall-clock time at the start, advanced by the event loop's ticker, so
     * the deadline task and the negotiation agree on what "now" is (and a test's mock ticker moves
     * both).
     */
    private Instant now() {
        return origin.plusNanos(ctx.executor().ticker().nanoTime() - originNanos);
    }

    private void feed(ByteBuf in) {
        try {
            apply(negotiation.onReceived(nioView(in), now()));
        } catch (RuntimeException e) {
            internalError(e);
        } finally {
            in.release();
        }
    }

    private void apply(Transition t) {
        negotiation = t.next();
        record(t.events());
        if (t.isFinished()) {
            finish(t.outcome().orElseThrow(), t.outbound());
            return;
        }
        writeNet(t.outbound());
        if (!t.delegatedTasks().isEmpty()) {
            runDelegated(t.delegatedTasks());
        }
        scheduleTick();
        flushIfNeeded();
        pauseReadingIfBacklogged();
    }

    /**
     * Keeps every event and the transcript's first {@value #MAX_TRANSCRIPT_LINES} lines: past them
     * (or past the core's own cut in one transition), one {@link Event.TranscriptTruncated} and no
     * more lines, as the core does within a transition.
     */
    private void record(List<Event> happened) {
        for (Event e : happened) {
            if (e instanceof Event.Line || e instanceof Event.TranscriptTruncated) {
                if (transcriptCut) {
                    continue;
                }
                if (e instanceof Event.TranscriptTruncated) {
                    transcriptCut = true;
                } else if (transcriptLines++ == MAX_TRANSCRIPT_LINES) {
                    transcriptCut = true;
                    e = new Event.TranscriptTruncated(MAX_TRANSCRIPT_LINES, Integer.MAX_VALUE);
                }
            }
            events.add(e);
        }
    }

    // ------------------------------------------------------------------ back-pressure

    private void pauseReadingIfBacklogged() {
        if (phase != Phase.NEGOTIATING || readsPaused) {
            return;
        }
        if (unsentNegotiationBytes > MAX_UNSENT_NEGOTIATION_BYTES || !ctx.channel().isWritable()) {
            readsPaused = true;
            ChannelConfig config = ctx.channel().config();
            if (config.isAutoRead()) {
                autoReadSuspended = true;
                config.setAutoRead(false);
            }
        }
    }

    /** Reads again once the output drained; only while negotiating (an outcome restores reading itself). */
    private void resumeReadingIfDrained() {
        if (!readsPaused || phase != Phase.NEGOTIATING
                || unsentNegotiationBytes > MAX_UNSENT_NEGOTIATION_BYTES / 2 || !ctx.channel().isWritable()) {
            return;
        }
        boolean ownRead = !autoReadSuspended;
        restoreReading();
        if (ownRead) {
            ctx.read();
        }
    }

    /** Gives reading back as it was: with the outcome, or once the output drained. */
    private void restoreReading() {
        readsPaused = false;
        if (autoReadSuspended) {
            autoReadSuspended = false;
            ctx.channel().config().setAutoRead(true); // which reads at once
        }
    }

    /** Whether the handler stopped reading because its output does not leave; for tests. */
    final boolean isReadingPaused() {
        return readsPaused;
    }

    // ------------------------------------------------------------------ a resumed command

    private boolean awaitingResumedCommand() {
        return resumedCommand != null && !resumedCommandFed;
    }

    /**
     * What reached the guard after the application's decoders once a command was resumed: never
     * delivered, never answered. Before the command is fed it goes behind it (the core then fails
     * with PLAINTEXT_INJECTION and sends nothing, not even the go-ahead); later it fails the
     * negotiation the same way.
     */
    final void plaintextAfterCommand(Object msg) {
        try {
            if (phase != Phase.NEGOTIATING) {
                return; // nothing is read past an outcome; the guard leaves with the event
            }
            byte[] bytes = plaintextOf(msg);
            if (awaitingResumedCommand()) {
                hold(bytes);
            } else {
                abortAndClose(Failure.of(Failure.Reason.PLAINTEXT_INJECTION,
                        "plaintext reached the application's pipeline after the resumed command",
                        new String(bytes, StandardCharsets.ISO_8859_1)));
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    /**
     * At most {@value #MAX_HELD_AFTER_COMMAND} bytes of what a message carries; a decoded line gets
     * back the CRLF its decoder stripped.
     */
    private static byte[] plaintextOf(Object msg) {
        if (msg instanceof ByteBuf) {
            ByteBuf buf = (ByteBuf) msg;
            if (!buf.isReadable()) {
                return CRLF; // an empty line, its delimiter stripped
            }
            byte[] bytes = new byte[Math.min(buf.readableBytes(), MAX_HELD_AFTER_COMMAND)];
            buf.getBytes(buf.readerIndex(), bytes);
            return bytes;
        }
        byte[] line = (msg + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
        return line.length > MAX_HELD_AFTER_COMMAND ? Arrays.copyOf(line, MAX_HELD_AFTER_COMMAND) : line;
    }

    /** Keeps what followed the resumed command, up to {@value #MAX_HELD_AFTER_COMMAND} bytes: enough to see and quote. */
    private void hold(byte[] more) {
        byte[] held = heldAfterCommand == null ? new byte[0] : heldAfterCommand;
        int kept = Math.min(MAX_HELD_AFTER_COMMAND - held.length, more.length);
        heldAfterCommand = Arrays.copyOf(held, held.length + kept);
        System.arraycopy(more, 0, heldAfterCommand, held.length, kept);
    }

    private void feedResumedCommand() {
        if (phase != Phase.NEGOTIATING || resumedCommandFed) {
            return;
        }
        resumedCommandFed = true;
        byte[] held = heldAfterCommand == null ? new byte[0] : heldAfterCommand;
        heldAfterCommand = null;
        byte[] both = Arrays.copyOf(resumedCommand, resumedCommand.length + held.length);
        System.arraycopy(held, 0, both, resumedCommand.length, held.length);
        try {
            apply(negotiation.onReceived(ByteBuffer.wrap(both), now()));
        } catch (RuntimeException e) {
            internalError(e);
        }
    }

    private void runDelegated(List<Runnable> tasks) {
        tasksOutstanding = true;
        EventExecutor loop = ctx.executor();
        Runnable job = () -> {
            try {
                for (Runnable task : tasks) {
                    task.run();
                }
            } finally {
                try {
                    loop.execute(this::tasksCompleted);
                } catch (RejectedExecutionException shuttingDown) {
                    // the event loop is gone, and the channel with it: nothing is left to drive
                }
            }
        };
        try {
            taskExecutor.execute(job);
        } catch (RejectedExecutionException rejected) {
            ctx.fireExceptionCaught(rejected);
            abortAndClose(Failure.of(Failure.Reason.LOCAL_ABORT,
                    "the delegated-task executor rejected the handshake's tasks (in state " + state() + ")"));
        }
    }

    private void tasksCompleted() {
        if (phase != Phase.NEGOTIATING || !tasksOutstanding) {
            return;
        }
        tasksOutstanding = false;
        try {
            apply(negotiation.onTasksCompleted(now()));
        } catch (RuntimeException e) {
            internalError(e);
        }
    }

    private void scheduleTick() {
        Optional<Instant> deadline = negotiation.deadline();
        if (tick != null && deadline.isPresent() && deadline.get().equals(tickAt)) {
            return;
        }
        cancelTick();
        if (deadline.isEmpty()) {
            return;
        }
        tickAt = deadline.get();
        Duration wait = Duration.between(now(), tickAt);
        long nanos = wait.isNegative() ? 0 : wait.compareTo(Duration.ofDays(365)) > 0 ? TimeUnit.DAYS.toNanos(365) : wait.toNanos();
        tick = ctx.executor().schedule(this::onTick, nanos, TimeUnit.NANOSECONDS);
    }

    private void onTick() {
        tick = null;
        tickAt = null;
        if (phase != Phase.NEGOTIATING) {
            return;
        }
        try {
            apply(negotiation.onTick(now()));
        } catch (RuntimeException e) {
            internalError(e);
        }
    }

    private void cancelTick() {
        if (tick != null) {
            tick.cancel(false);
            tick = null;
            tickAt = null;
        }
    }

    private void finish(Outcome outcome, ByteBuffer outbound) {
        cancelTick();
        tasksOutstanding = false;
        if (!(outcome instanceof Outcome.Failed)) {
            restoreReading(); // a failed channel is closing: nothing more is worth reading
        }
        if (outcome instanceof Outcome.Secured) {
            secured(((Outcome.Secured) outcome).session(), outbound);
        } else if (outcome instanceof Outcome.Plaintext) {
            plaintext(((Outcome.Plaintext) outcome).session(), outbound);
        } else {
            failed(((Outcome.Failed) outcome).failure(), outbound);
        }
    }

    private void secured(SecureSession secured, ByteBuffer outbound) {
        session = secured;
        phase = Phase.SECURED;
        writeNet(outbound); // e.g. an implicit-TLS server's greeting
        complete(new StartTlsCompletionEvent.Secured(secured.role(), secured.tls(), secured.capabilities(), events));
        if (phase == Phase.SECURED && !closing && !ctx.isRemoved()) {
            decryptLoop(); // what arrived with the negotiation's last bytes comes first
        }
        if (phase == Phase.SECURED && appFlushed) {
            encryptPending();
        }
        flushIfNeeded();
    }

    private void plaintext(PlaintextSession plain, ByteBuffer outbound) {
        phase = Phase.PLAINTEXT;
        writeNet(outbound);
        pendingWrites.writeAndRemoveAll(ctx); // in order, before anything written in reaction to what follows
        if (appFlushed) {
            needsFlush = true;
        }
        if (needsFlush) {
            needsFlush = false;
            ctx.flush();
        }
        complete(new StartTlsCompletionEvent.Plaintext(plain, events));
        ByteBuffer unread = plain.unread();
        if (unread.hasRemaining()) {
            ByteBuf bytes = ctx.alloc().buffer(unread.remaining());
            bytes.writeBytes(unread);
            ctx.fireChannelRead(bytes);
            if (!reading) {
                ctx.fireChannelReadComplete();
            }
        }
        if (!ctx.isRemoved()) {
            ctx.pipeline().remove(this);
        }
    }

    private void failed(Failure failure, ByteBuffer outbound) {
        phase = Phase.FAILED;
        pendingWrites.releaseAndFailAll(ctx, new StartTlsException(failure, false));
        boolean active = ctx.channel().isActive();
        ChannelFuture last = active ? writeNet(outbound) : null;
        complete(new StartTlsCompletionEvent.Failed(failure, events));
        if (!active) {
            return;
        }
        needsFlush = false;
        if (last != null) {
            ctx.flush();
            ScheduledFuture<?> timeout = ctx.executor().schedule(() -> {
                ctx.close(); // the peer does not read: its last words are not worth holding the connection for
            }, LAST_WORDS_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
            last.addListener(written -> {
                timeout.cancel(false);
                ctx.close();
            });
        } else {
            ctx.flush();
            ctx.close();
        }
    }

    /** Ends a negotiation the application gave up on (local close, handler removed) or the peer left. */
    private void abort(Failure.Reason reason, String why) {
        if (phase != Phase.NEW && phase != Phase.NEGOTIATING) {
            return;
        }
        abort(Failure.of(reason, why + " (in state " + state() + ")"));
    }

    /** Ends the negotiation with {@code failure}, which the adapter saw and the core could not. */
    private void abort(Failure failure) {
        if (phase != Phase.NEW && phase != Phase.NEGOTIATING) {
            return;
        }
        cancelTick();
        restoreReading();
        if (negotiation != null && !negotiation.isFinished()) {
            try {
                negotiation.onEndOfStream(now()); // lets the core close its engine; its words do not apply
            } catch (RuntimeException ignored) {
                // nothing more can be done for a negotiation being abandoned
            }
        }
        phase = Phase.FAILED;
        events.add(new Event.Failed(failure));
        pendingWrites.releaseAndFailAll(ctx, new StartTlsException(failure, false));
        complete(new StartTlsCompletionEvent.Failed(failure, events));
    }

    private void abortAndClose(Failure failure) {
        abort(failure);
        ctx.close();
    }

    /** The core threw: misuse or a broken engine factory. The negotiation cannot go on. */
    private void internalError(RuntimeException e) {
        if (phase != Phase.NEW && phase != Phase.NEGOTIATING) {
            ctx.fireExceptionCaught(e);
            return;
        }
        Failure failure = Failure.of(Failure.Reason.TLS_HANDSHAKE_FAILED, "the negotiation could not go on: " + e);
        events.add(new Event.Failed(failure));
        failed(failure, EMPTY);
        ctx.fireExceptionCaught(e);
    }

    private void complete(StartTlsCompletionEvent event) {
        releaseCapacity();
        ctx.fireUserEventTriggered(event);
        completion.complete(event);
    }

    // ------------------------------------------------------------------ TLS after the hand-over

    private void decryptInbound(ByteBuf in) {
        if (cumulation == null) {
            cumulation = in;
        } else {
            ByteBuf merged = cumulation;
            int needed = in.readableBytes();
            if (merged.isReadOnly() || merged.refCnt() != 1 || merged.writableBytes() < needed) {
                merged = ctx.alloc().buffer(Math.max(cumulation.readableBytes() + needed, session.minNetworkBufferSize()));
                merged.writeBytes(cumulation);
                cumulation.release();
            }
            merged.writeBytes(in);
            in.release();
            cumulation = merged;
        }
        decryptLoop();
    }

    /** Decrypts every whole record held (and what the session holds), firing the plaintext up. */
    private void decryptLoop() {
        decrypting = true;
        try {
            int idle = 0;
            while (phase == Phase.SECURED && !ctx.isRemoved()) {
                ByteBuffer source = cumulation == null ? EMPTY : contiguousCumulation();
                ByteBuf plain = ctx.alloc().buffer(session.minApplicationBufferSize());
                TlsResult r;
                try {
                    r = session.decrypt(source, plain.nioBuffer(plain.writerIndex(), plain.writableBytes()));
                } catch (RuntimeException e) {
                    plain.release();
                    throw e;
                }
                if (cumulation != null) {
                    cumulation.skipBytes(r.consumed());
                }
                plain.writerIndex(plain.writerIndex() + r.produced());
                if (r.produced() > 0) {
                    appReadRequested = false;
                    ctx.fireChannelRead(plain);
                } else {
                    plain.release();
                }
                if (r.status() == TlsResult.Status.FAILED) {
                    broken(session.failure().orElse(Failure.of(Failure.Reason.TLS_SESSION_BROKEN, "the TLS session broke")));
                    return;
                }
                if (r.status() == TlsResult.Status.CLOSED) {
                    closeNotifyReceived();
                    return;
                }
                if (r.wantsToWrite() && phase == Phase.SECURED) {
                    encrypt(EMPTY, null); // a handshake message the engine owes the peer (e.g. KeyUpdate)
                }
                boolean progress = r.consumed() > 0 || r.produced() > 0;
                idle = progress ? 0 : idle + 1;
                if (r.status() == TlsResult.Status.NEEDS_INPUT && !session.hasBufferedPlaintext()) {
                    return;
                }
                if (!progress && !session.hasBufferedPlaintext() && (cumulation == null || !cumulation.isReadable())) {
                    return;
                }
                if (idle > MAX_IDLE_TURNS) {
                    broken(Failure.of(Failure.Reason.TLS_SESSION_BROKEN, "the TLS engine made no progress decrypting"));
                    return;
                }
            }
        } finally {
            decrypting = false;
            if (cumulation != null && (!cumulation.isReadable() || phase != Phase.SECURED || ctx.isRemoved())) {
                releaseCumulation();
            } else if (cumulation != null && cumulation.readerIndex() > cumulation.capacity() / 2) {
                cumulation.discardSomeReadBytes();
            }
            flushIfNeeded();
        }
    }

    private ByteBuffer contiguousCumulation() {
        if (cumulation.nioBufferCount() != 1) {
            ByteBuf flat = ctx.alloc().buffer(cumulation.readableBytes());
            flat.writeBytes(cumulation);
            cumulation.release();
            cumulation = flat;
        }
        return cumulation.nioBuffer();
    }

    private void encryptPending() {
        while (phase == Phase.SECURED && !closing && !pendingWrites.isEmpty()) {
            ChannelPromise promise = ctx.newPromise();
            ByteBuf plain = pendingWrites.remove(MAX_RECORD_PLAINTEXT, promise);
            try {
                if (plain.nioBufferCount() != 1) {
                    ByteBuf flat = ctx.alloc().buffer(plain.readableBytes());
                    flat.writeBytes(plain);
                    plain.release();
                    plain = flat;
                }
                encrypt(plain.nioBuffer(), promise);
            } finally {
                plain.release();
            }
        }
    }

    /**
     * Encrypts all of {@code source} into records and writes them; {@code promise} (if any)
     * completes when the last of them is written.
     */
    private void encrypt(ByteBuffer source, ChannelPromise promise) {
        PromiseCombiner combiner = new PromiseCombiner(ctx.executor());
        boolean fullSize = false;
        try {
            while (true) {
                int capacity = fullSize ? 2 * session.minNetworkBufferSize() : networkSizeFor(source.remaining());
                ByteBuf net = ctx.alloc().buffer(capacity);
                TlsResult r;
                try {
                    r = session.encrypt(source, net.nioBuffer(net.writerIndex(), net.writableBytes()));
                } catch (RuntimeException e) {
                    net.release();
                    throw e;
                }
                net.writerIndex(net.writerIndex() + r.produced());
                if (r.produced() > 0) {
                    combiner.add(ctx.write(net));
                    needsFlush = true;
                } else {
                    net.release();
                }
                if (r.status() == TlsResult.Status.FAILED) {
                    failPromise(promise, broken(session.failure()
                            .orElse(Failure.of(Failure.Reason.TLS_SESSION_BROKEN, "the TLS session broke"))));
                    return;
                }
                if (r.status() == TlsResult.Status.CLOSED) {
                    failPromise(promise, new ClosedChannelException());
                    return;
                }
                boolean progress = r.consumed() > 0 || r.produced() > 0;
                if (r.status() == TlsResult.Status.NEEDS_OUTPUT_SPACE && !progress) {
                    if (fullSize) {
                        throw new IllegalStateException("a TLS record does not fit " + capacity + " bytes");
                    }
                    fullSize = true;
                    continue;
                }
                if (!progress) {
                    if (source.hasRemaining()) {
                        throw new IllegalStateException("the TLS engine made no progress encrypting");
                    }
                    break;
                }
                if (!source.hasRemaining() && !r.wantsToWrite()) {
                    break;
                }
            }
        } catch (RuntimeException e) {
            failPromise(promise, e);
            ctx.fireExceptionCaught(e);
            return;
        }
        if (promise != null) {
            combiner.finish(promise);
        }
    }

    /**
     * Room for the records {@code plaintext} bytes make. Some engines (the JDK's) want a whole
     * packet of room for every record they write and may cut 16 KiB into two records (TLS 1.3
     * counts the content type and more within the limit), so never less than one packet.
     */
    private int networkSizeFor(int plaintext) {
        int records = plaintext / (MAX_RECORD_PLAINTEXT - RECORD_OVERHEAD) + 1;
        return Math.max(session.minNetworkBufferSize(), plaintext + records * RECORD_OVERHEAD);
    }

    private static void failPromise(ChannelPromise promise, Throwable cause) {
        if (promise != null) {
            promise.tryFailure(cause);
        }
    }

    private void sendCloseNotify(ChannelPromise promise) {
        encryptPending(); // what the application wrote goes out first
        closing = true;
        if (!pendingWrites.isEmpty()) {
            pendingWrites.releaseAndFailAll(ctx, new ClosedChannelException());
        }
        ByteBuf net = ctx.alloc().buffer(session.minNetworkBufferSize());
        TlsResult r = session.close(net.nioBuffer(net.writerIndex(), net.writableBytes()));
        net.writerIndex(net.writerIndex() + r.produced());
        needsFlush = false;
        ChannelFuture sent = ctx.writeAndFlush(net);
        ScheduledFuture<?> timeout = ctx.executor().schedule(() -> {
            ctx.close(); // the peer does not read: close without waiting for close_notify to leave
        }, LAST_WORDS_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        sent.addListener(done -> {
            timeout.cancel(false);
            ctx.close(promise);
        });
    }

    private void closeNotifyReceived() {
        closeNotifyReceived = true;
        ctx.fireUserEventTriggered(SslCloseCompletionEvent.SUCCESS);
        if (phase == Phase.SECURED && !closing && !ctx.isRemoved()) {
            sendCloseNotify(ctx.newPromise());
        }
    }

    private StartTlsException broken(Failure failure) {
        StartTlsException e = new StartTlsException(failure, false);
        phase = Phase.CLOSED;
        closing = true;
        if (!pendingWrites.isEmpty()) {
            pendingWrites.releaseAndFailAll(ctx, e);
        }
        ByteBuf alert = ctx.alloc().buffer(session.minNetworkBufferSize());
        TlsResult r = session.close(alert.nioBuffer(alert.writerIndex(), alert.writableBytes()));
        alert.writerIndex(alert.writerIndex() + r.produced());
        needsFlush = false;
        ctx.writeAndFlush(alert).addListener(done -> ctx.close());
        ctx.fireExceptionCaught(e);
        return e;
    }

    // ------------------------------------------------------------------ helpers

    private ChannelFuture writeNet(ByteBuffer bytes) {
        if (!bytes.hasRemaining()) {
            return null;
        }
        int n = bytes.remaining();
        ByteBuf buf = ctx.alloc().buffer(n);
        buf.writeBytes(bytes);
        needsFlush = true;
        unsentNegotiationBytes += n;
        ChannelFuture written = ctx.write(buf);
        written.addListener(done -> {
            unsentNegotiationBytes -= n;
            resumeReadingIfDrained();
        });
        return written;
    }

    private void releaseCapacity() {
        if (holdsCapacity) {
            holdsCapacity = false;
            capacity.release();
        }
    }

    private void flushIfNeeded() {
        if (needsFlush && !reading) {
            needsFlush = false;
            ctx.flush();
        }
    }

    private void releaseCumulation() {
        if (cumulation != null) {
            cumulation.release();
            cumulation = null;
        }
    }

    /** A view of {@code buf}'s readable bytes; copied when they are not contiguous. */
    private static ByteBuffer nioView(ByteBuf buf) {
        if (buf.nioBufferCount() == 1) {
            return buf.nioBuffer();
        }
        byte[] copy = new byte[buf.readableBytes()];
        buf.getBytes(buf.readerIndex(), copy);
        return ByteBuffer.wrap(copy);
    }
}
