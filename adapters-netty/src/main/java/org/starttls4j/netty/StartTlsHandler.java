package org.starttls4j.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.CoalescingBufferQueue;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.ImmediateExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.starttls4j.DelegatedTasks;
import org.starttls4j.Event;
import org.starttls4j.EventLog;
import org.starttls4j.Failure;
import org.starttls4j.Negotiation;
import org.starttls4j.NegotiationConfig;
import org.starttls4j.Outcome;
import org.starttls4j.PlaintextSession;
import org.starttls4j.RenegotiationRefusedException;
import org.starttls4j.SecureSession;
import org.starttls4j.ServerConfig;
import org.starttls4j.Transition;
import org.starttls4j.TransportTls;

/**
 * Runs one starttls4j {@link Negotiation} in a Netty pipeline, with Netty's own {@link SslHandler}
 * for the TLS. Use {@link StartTlsClientHandler} or {@link StartTlsServerHandler}; one instance
 * per channel.
 *
 * <pre>
 *  plaintext dialog     … ─ StartTlsHandler ─ application
 *  at the go-ahead      … ─ SslHandler ─ StartTlsHandler ─ application   (the dialog goes on inside TLS)
 *  Secured              … ─ SslHandler ─ application
 *  Plaintext            … ─ application
 *  Failed               the channel is closed after the negotiation's last words
 * </pre>
 *
 * <p><b>Negotiating.</b> The negotiation begins as soon as the channel is active (in
 * {@code handlerAdded} if it already is): bytes read are fed to it, the bytes it returns are
 * written (flushed once per read batch), its deadline is a task on the channel's event loop, and
 * the channel's end is its end of stream. With {@code autoRead} off the handler reads on its own
 * until the negotiation ends; from the outcome on, reads are the application's again. A client's
 * application writes made meanwhile wait, counted against the channel's writability, for the
 * outcome; a server's fail at once (see {@link StartTlsServerHandler}).
 *
 * <p><b>TLS.</b> When the dialog reaches the go-ahead (the client read it; the server wrote it,
 * flushed, in plaintext), the handler puts an {@link SslHandler} right in front of itself, over the
 * engine the negotiation set up ({@link TransportTls#engine()}: the configuration's
 * {@code EngineFactory}); for {@link BoringSsl#engines} over an OpenSSL context it is the context's
 * own {@code SslHandler}, as Netty makes it ({@code SslContext.newHandler}), its engine set up as
 * the core sets up its own (version floor, no host name check of the engine's). Netty runs the
 * handshake (delegated tasks on the executor given to the constructor when the configuration
 * hands them over); its {@link io.netty.handler.ssl.SslHandshakeCompletionEvent} goes up the pipeline as usual, and the
 * negotiation checks the result (TLS floor, pins, certificates) and finishes its dialog on the
 * plaintext the {@code SslHandler} decrypts. Any byte read past the go-ahead before TLS fails the
 * negotiation with {@code PLAINTEXT_INJECTION}. The negotiation's deadline, not the
 * {@code SslHandler}'s handshake timeout, bounds the handshake. The {@code SslHandler} stays when
 * the handler leaves: {@code pipeline.get(SslHandler.class)}, its {@code close_notify} on
 * {@code close()}, its {@code SslCloseCompletionEvent} (failed when the peer ended without
 * {@code close_notify}) and its release of reference-counted engines
 * ({@code SslProvider.OPENSSL_REFCNT}) when the channel ends are Netty's. A TLS 1.2 renegotiation,
 * or a flood of TLS 1.3 KeyUpdates, ends the connection: the engine applies the core's rule
 * ({@link TransportTls#engine()}), and the {@code SslHandler} fires its
 * {@link RenegotiationRefusedException} with {@code RENEGOTIATION_REFUSED} (inside a
 * {@code DecoderException}) and closes. Netty's OpenSSL engines go to the {@code SslHandler} as
 * they are and apply BoringSSL's rules (see {@link BoringSsl}). A server with several names puts
 * Netty's {@code SniHandler} there instead, which picks the context by the ClientHello's name and
 * leaves the {@code SslHandler} ({@link StartTlsServerHandler#serverNames}).
 *
 * <p><b>Bounded.</b> The handler reads no more than it can answer ({@link ReadThrottle}: while
 * the channel is not writable or more than {@value #PENDING_OUTPUT_BOUND} bytes of the
 * negotiation's own output are not yet on the wire, it stops reading), keeps a bounded transcript
 * for the completion event ({@value #MAX_REPORTED_LINES} lines and {@value #MAX_REPORTED_CHARS}
 * characters, see {@link EventLog}), and after a failure gives the bytes owed to
 * the peer {@value #LAST_WORDS_TIMEOUT_MILLIS} ms to leave before it closes the channel anyway.
 *
 * <p><b>The outcome.</b> Exactly one {@link StartTlsCompletionEvent} goes up the pipeline, before
 * any application byte, and completes {@link #completionFuture()}:
 * <ul>
 * <li>{@link StartTlsCompletionEvent.Secured}: the writes that waited go out through the
 *     {@code SslHandler}, application bytes that came with the negotiation's last ones go up,
 *     and the handler removes itself.</li>
 * <li>{@link StartTlsCompletionEvent.Plaintext}: the writes that waited go out, the unread bytes
 *     ({@link PlaintextSession#unread()}) go up, and the handler removes itself.</li>
 * <li>{@link StartTlsCompletionEvent.Failed}: the bytes the negotiation owes the peer are written,
 *     waiting writes fail, and the channel is closed. A local {@code close()} or the handler's
 *     removal is {@code LOCAL_ABORT}, the peer's end {@code PEER_CLOSED} (inside TLS, its message
 *     tells a {@code close_notify}, which the {@code SslHandler} reports, from a truncation, as the
 *     core's own pump does).</li>
 * </ul>
 *
 * <p>Everything runs on the channel's event loop; only {@link #completionFuture()} may be used from
 * other threads.
 */
public abstract sealed class StartTlsHandler extends ChannelDuplexHandler
        permits StartTlsClientHandler, StartTlsServerHandler {

    /**
     * How long a failed negotiation's last words may take to leave before the channel is closed
     * anyway.
     */
    static final long LAST_WORDS_TIMEOUT_MILLIS = 3_000;

    /**
     * Bytes of the negotiation's own output written and not yet on the wire above which it stops
     * reading ({@link ReadThrottle}). The NIO adapter's bound has the same name and value
     * ({@code NonBlockingNegotiation.PENDING_OUTPUT_BOUND}; the examples' {@code ServerBoundsTableTest}
     * holds them together), and the reason is theirs: the largest output an honest negotiation
     * produces at once is a server's handshake flight with its certificate chain, a few KiB even with
     * three RSA-4096 certificates, so an honest peer never meets the bound; a peer that sends
     * commands and never reads the answers makes the server hold this much, plus one read's answers.
     */
    public static final int PENDING_OUTPUT_BOUND = 8 * 1024;

    /**
     * Transcript lines the completion event keeps, then one {@link Event.TranscriptTruncated}: a
     * long transcript is a hostile or broken peer's. Every other event is kept. The same as the NIO
     * adapter's report ({@code NonBlockingNegotiation.MAX_REPORTED_LINES}): two replies of the
     * most lines a client accepts ({@link org.starttls4j.Limits#maxLinesPerReply()}, 100; an EHLO
     * reply before TLS and another inside it) would nearly fill it, while an honest negotiation
     * with a large EHLO reply has under 60 lines.
     */
    public static final int MAX_REPORTED_LINES = 200;

    /**
     * Transcript characters the completion event keeps, then one {@link Event.TranscriptTruncated}:
     * what {@link #MAX_REPORTED_LINES} lines of 160 characters hold, ten times an honest negotiation's
     * (a large EHLO reply is about 1 KiB, an IMAP CAPABILITY line a few hundred characters), and the
     * most text a hostile peer's transcript costs. The same as the NIO adapter's report
     * ({@code NonBlockingNegotiation.MAX_REPORTED_CHARS}).
     */
    public static final int MAX_REPORTED_CHARS = 32 * 1024;

    /**
     * What each call into a negotiation writes its bytes into, one per event loop: the plaintext
     * lines it sends fit (a longer answer goes on in a second write). They leave in a buffer of the
     * channel's allocator at their exact length; a call that writes nothing allocates nothing.
     */
    private static final FastThreadLocal<ByteBuffer> OUTBOUND = new FastThreadLocal<>() {
        @Override
        protected ByteBuffer initialValue() {
            return ByteBuffer.allocate(1024);
        }
    };

    private final Negotiation unstarted;
    private final boolean serverRole;             // the application's writes fail while negotiating
    private final NegotiationCapacity capacity;   // server only; null: no limit
    private final ResumedCommand resumed;         // set by StartTlsServerHandler.resume
    private final CompletableFuture<StartTlsCompletionEvent> completion = new CompletableFuture<>();
    private final EventLog log = new EventLog(MAX_REPORTED_LINES, MAX_REPORTED_CHARS);
    private final TlsStep tls;                    // Netty's SslHandler in front of us from the go-ahead on

    private ChannelHandlerContext ctx;
    private ReadThrottle throttle;
    private NegotiationClock clock;
    private CoalescingBufferQueue pendingWrites; // a client's application writes, until the outcome; made at the first
    private Negotiation negotiation;
    private String outcome;                   // null until the event: SECURED, PLAINTEXT or FAILED
    private boolean appFlushed;               // the application flushed while its writes had to wait
    private boolean needsFlush;               // we wrote and did not flush yet
    private boolean reading;                  // between channelRead and channelReadComplete
    private boolean holdsCapacity;
    private boolean refusingAtCapacity;       // no place was free: the "too busy" reply is on its way

    StartTlsHandler(Negotiation unstarted, NegotiationConfig config, Executor delegatedTaskExecutor,
                    NegotiationCapacity capacity, ResumedCommand resumed) {
        Objects.requireNonNull(unstarted, "the protocol function returned null");
        if (unstarted.isFinished() || unstarted.deadline().isPresent() || unstarted.isConsumed()) {
            throw new IllegalArgumentException("the negotiation must not be started yet: " + unstarted);
        }
        this.unstarted = unstarted.withTransportTls();
        this.tls = new TlsStep(tlsTasks(config.delegatedTasks(), delegatedTaskExecutor), config);
        this.serverRole = config instanceof ServerConfig;
        this.capacity = capacity;
        this.resumed = resumed;
    }

    /** Where the {@code SslHandler} runs the engine's delegated tasks: as the configuration says. */
    private static Executor tlsTasks(DelegatedTasks delegatedTasks, Executor executor) {
        Objects.requireNonNull(executor, "delegatedTaskExecutor");
        return delegatedTasks == DelegatedTasks.HAND_TO_CALLER ? executor : ImmediateExecutor.INSTANCE;
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
     * Where the handler is, for diagnostics: {@code "NEW"} before the channel is active, the
     * negotiation's state while it runs (e.g. {@code "AwaitingEhloReply"},
     * {@code "AwaitingTransportTls"} while Netty's {@code SslHandler} shakes hands;
     * {@code "AtCapacity"} for a server about to refuse), then {@code "SECURED"},
     * {@code "PLAINTEXT"} or {@code "FAILED"}.
     *
     * @return the state's name
     */
    public final String state() {
        if (outcome != null) {
            return outcome;
        }
        if (refusingAtCapacity) {
            return "AtCapacity";
        }
        return negotiation == null ? "NEW" : negotiation.state();
    }

    // ------------------------------------------------------------------ lifecycle

    @Override
    public final void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.throttle = new ReadThrottle(ctx);
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
        abort(Failure.Reason.LOCAL_ABORT, "the handler was removed before the negotiation finished");
        failPendingWrites(ClosedChannelException::new);
    }

    @Override
    public final void channelInactive(ChannelHandlerContext ctx) {
        if (negotiating() && refusingAtCapacity) {
            abort(Failure.Reason.PEER_CLOSED, "the client left before it was told the server is busy");
        } else if (negotiating()) {
            peerClosed();
        }
        failPendingWrites(ClosedChannelException::new);
        ctx.fireChannelInactive();
    }

    // ------------------------------------------------------------------ inbound

    @Override
    public final void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf in)) {
            ctx.fireChannelRead(msg);
            return;
        }
        reading = true;
        try {
            if (!negotiating() || refusingAtCapacity) {
                return; // nothing is read past a failure, nor from a client refused at capacity
            }
            if (resumed != null && !resumed.isFed()) {
                if (in.isReadable()) {
                    resumed.hold(in); // after the resumed command, before its go-ahead: an injection
                }
                return;
            }
            run(out -> negotiation.onReceived(readable(in), out, clock.now()));
        } finally {
            in.release();
        }
    }

    @Override
    public final void channelReadComplete(ChannelHandlerContext ctx) {
        reading = false;
        flushIfNeeded();
        if (negotiating() && !throttle.isPaused() && !ctx.channel().config().isAutoRead()) {
            ctx.read(); // the negotiation reads on its own until it ends
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public final void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        ctx.fireUserEventTriggered(evt); // Netty's handshake event first, as its users expect it
        tls.noteClose(evt);
        TlsStep.Ended ended = negotiating() ? tls.end(ctx, evt) : null;
        if (ended instanceof TlsStep.Ended.Established established) {
            run(out -> negotiation.onTlsEstablished(established.session(), out, clock.now()));
        } else if (ended instanceof TlsStep.Ended.Failed failed && TlsStep.refusedTasks(failed.cause())) {
            // This side's executor, not the peer or TLS: the README's LOCAL_ABORT (the SslHandler closes)
            abort(Failure.Reason.LOCAL_ABORT, "the delegated-task executor refused the handshake's tasks: " + failed.cause());
        } else if (ended instanceof TlsStep.Ended.Failed failed) {
            run(out -> negotiation.onTlsFailed(failed.cause(), out, clock.now()));
        } else if (ended instanceof TlsStep.Ended.PeerLeft) {
            peerClosed();
        }
    }

    /**
     * The peer closed mid-negotiation: PEER_CLOSED. Once the {@code SslHandler} is in place the
     * message says whether TLS ended with the peer's {@code close_notify} or was truncated, as the
     * core's own pump says it; the core sees only the handler's plaintext and cannot tell (it would
     * call every end inside TLS a truncation, and one during the handshake neither).
     */
    private void peerClosed() {
        if (!tls.started()) {
            run(out -> negotiation.onEndOfStream(out, clock.now()));
            return;
        }
        abort(Failure.of(Failure.Reason.PEER_CLOSED, "the " + (serverRole ? "client" : "server")
                + (tls.peerSentCloseNotify() ? " closed TLS (close_notify)" : " closed the connection without close_notify")
                + " in state " + state()));
    }

    @Override
    public final void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (tls.isReportedFailure(cause)) {
            return; // the failed handshake, already reported as the Failed event
        }
        if (negotiating() && tls.ended()) {
            // TLS broke during the dialog inside it (a forged record, an alert, a refused renegotiation): the SslHandler closes
            abort(cause.getCause() instanceof RenegotiationRefusedException refused ? refused.failure()
                    : TlsStep.refusedByBoringSsl(cause) ? Failure.of(Failure.Reason.RENEGOTIATION_REFUSED,
                            "the engine refused a renegotiation or KeyUpdates during the negotiation (in state " + state() + "): " + cause)
                    : Failure.of(Failure.Reason.TLS_SESSION_BROKEN, "TLS broke during the negotiation (in state " + state() + "): " + cause));
            ctx.close();
            return;
        }
        ctx.fireExceptionCaught(cause);
    }

    @Override
    public final void channelWritabilityChanged(ChannelHandlerContext ctx) {
        throttle.resumeIfDrained();
        ctx.fireChannelWritabilityChanged();
    }

    // ------------------------------------------------------------------ outbound

    @Override
    public final void read(ChannelHandlerContext ctx) {
        if (negotiating() && throttle.isPaused()) {
            return; // the peer is not reading our answers: read nothing more until it does
        }
        ctx.read();
    }

    @Override
    public final void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!(msg instanceof ByteBuf buf)) {
            ReferenceCountUtil.release(msg);
            promise.tryFailure(new IllegalArgumentException(
                    "StartTlsHandler carries ByteBufs only, not " + (msg == null ? "null" : msg.getClass().getName())));
        } else if (outcome == null && serverRole) {
            // A reply written now answers plaintext and would travel inside TLS: refused.
            buf.release();
            promise.tryFailure(new IllegalStateException("the server's negotiation is running ("
                    + state() + "): nothing the application writes goes out before its StartTlsCompletionEvent"));
        } else if (outcome == null) {
            if (pendingWrites == null) {
                pendingWrites = new CoalescingBufferQueue(ctx.channel(), 4, true);
            }
            pendingWrites.add(buf, promise); // sent, encrypted or not, once the outcome is known
        } else if ("FAILED".equals(outcome)) {
            buf.release();
            promise.tryFailure(new ClosedChannelException());
        } else {
            ctx.write(buf, promise); // during the hand-over, before the handler is gone
        }
    }

    @Override
    public final void flush(ChannelHandlerContext ctx) {
        if (outcome == null) {
            appFlushed = true; // nothing of the application's leaves before the outcome
        } else {
            ctx.flush();
        }
    }

    @Override
    public final void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        abort(Failure.Reason.LOCAL_ABORT, "the channel was closed locally before the negotiation finished");
        ctx.close(promise);
    }

    // ------------------------------------------------------------------ the negotiation

    private boolean negotiating() {
        return clock != null && outcome == null;
    }

    private void begin() {
        if (clock != null) {
            return;
        }
        clock = new NegotiationClock(ctx.executor(), () -> {
            if (negotiating()) {
                run(out -> negotiation.onTick(out, clock.now()));
            }
        });
        if (capacity != null && !capacity.tryAcquire()) {
            // Refused from a task: begin() may run in handlerAdded, inside the server's
            // ChannelInitializer, before the application's handlers that must see the event.
            refusingAtCapacity = true;
            ctx.executor().execute(() -> {
                if (negotiating()) { // not closed or removed meanwhile
                    run(out -> unstarted.beginAtCapacity(out, clock.now())); // the protocol's "too busy", then close
                }
            });
            return;
        }
        holdsCapacity = capacity != null;
        run(out -> unstarted.begin(out, clock.now()));
        if (negotiating() && resumed != null) {
            // After the read batch that brought the command: whatever the application's decoders
            // still fire from it, or removing them forwards, reaches the guard first and is fed
            // behind the command, so the core sees it as what it is, plaintext after STARTTLS.
            ctx.executor().execute(() -> {
                if (negotiating() && !resumed.isFed()) {
                    run(out -> negotiation.onReceived(resumed.feed(), out, clock.now()));
                }
            });
        }
        if (negotiating() && !throttle.isPaused() && !ctx.channel().config().isAutoRead()) {
            ctx.read();
        }
    }

    /**
     * What reached the guard after the application's decoders once a command was resumed: never
     * delivered, never answered. Before the command is fed it goes behind it (the core then fails
     * with PLAINTEXT_INJECTION and sends nothing, not even the go-ahead); later it fails the
     * negotiation the same way.
     */
    final void plaintextAfterCommand(Object msg) {
        try {
            if (!negotiating()) {
                return; // nothing is read past an outcome; the guard leaves with the event
            }
            if (!resumed.isFed()) {
                resumed.hold(msg);
            } else {
                abort(Failure.of(Failure.Reason.PLAINTEXT_INJECTION,
                        "plaintext reached the application's pipeline after the resumed command",
                        new String(ResumedCommand.plaintextOf(msg), StandardCharsets.ISO_8859_1)));
                ctx.close();
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    /**
     * Feeds the negotiation; the core throwing is misuse or a broken engine factory: ours, a local
     * abort. Nothing between the call and the copy reaches the pipeline, so the event loop's buffer
     * is not used twice at once.
     */
    private void run(Function<ByteBuffer, Transition> step) {
        ByteBuf written = null;
        try {
            ByteBuffer into = OUTBOUND.get().clear();
            Transition t = step.apply(into);
            ByteBuffer rest = t.outbound(); // what did not fit in ours, to go out after it
            if (t.hasOutbound()) {
                written = ctx.alloc().buffer(t.outboundWritten() + rest.remaining()).writeBytes(into.array(), 0, t.outboundWritten());
                if (rest.hasRemaining()) {
                    written.writeBytes(rest);
                }
            }
            ByteBuf handed = written;
            written = null; // apply sends or releases it
            apply(t, handed);
        } catch (RuntimeException e) {
            if (negotiating()) {
                Failure failure = Failure.of(Failure.Reason.LOCAL_ABORT, "the negotiation could not go on: " + e);
                log.add(new Event.Failed(failure));
                failed(failure, null);
            }
            ctx.fireExceptionCaught(e);
        } finally {
            if (written != null) {
                written.release();
            }
        }
    }

    /** Goes on with a transition whose bytes are {@code outbound} (null: none), which it sends or releases. */
    private void apply(Transition t, ByteBuf outbound) {
        negotiation = t.next();
        log.add(t); // lines are made only if the application reads the event's
        if (t.isFinished()) {
            finish(t.outcome().orElseThrow(), outbound);
            return;
        }
        send(outbound);
        Optional<TransportTls> transportTls = negotiation.transportTls();
        if (!tls.started() && transportTls.isPresent()) {
            startTls(transportTls.get());
        }
        clock.tickAt(negotiation.deadline());
        flushIfNeeded();
        throttle.pauseIfBacklogged();
    }

    /**
     * At the go-ahead: the server's reply leaves first, in plaintext; then Netty's
     * {@code SslHandler} goes right in front of us, so every byte read from now on is TLS.
     */
    private void startTls(TransportTls transport) {
        needsFlush = false;
        ctx.flush();
        ctx.pipeline().addBefore(ctx.name(), null, tls.start(transport, ctx.alloc()));
    }

    private void finish(Outcome result, ByteBuf outbound) {
        if (result instanceof Outcome.Failed failure) {
            failed(failure.failure(), outbound);
            return;
        }
        clock.cancel();
        throttle.stop(true);
        send(outbound); // e.g. an implicit-TLS server's greeting, encrypted by the SslHandler
        if (result instanceof Outcome.Secured secured) {
            SecureSession session = secured.session();
            outcome = "SECURED";
            handOver(new StartTlsCompletionEvent.Secured(session.role(), session.tls(), session.capabilities(),
                    log.events()), session.unread());
        } else {
            PlaintextSession session = ((Outcome.Plaintext) result).session();
            outcome = "PLAINTEXT";
            handOver(new StartTlsCompletionEvent.Plaintext(session, log.events()), session.unread());
        }
    }

    /** The writes that waited go out after the negotiation's last bytes; then the event, the unread bytes, and we leave. */
    private void handOver(StartTlsCompletionEvent event, ByteBuffer unread) {
        if (pendingWrites != null) {
            pendingWrites.writeAndRemoveAll(ctx);
        }
        if (appFlushed || needsFlush) {
            needsFlush = false;
            ctx.flush();
        }
        complete(event);
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

    /** The negotiation failed: its last words go out, then the event, and the channel closes once they left. */
    private void failed(Failure failure, ByteBuf lastWords) {
        boolean active = ctx.channel().isActive();
        ChannelFuture last = null;
        if (active) {
            last = send(lastWords);
        } else if (lastWords != null) {
            lastWords.release();
        }
        ended(failure, false);
        if (!active) {
            return;
        }
        needsFlush = false;
        ctx.flush();
        if (last == null) {
            ctx.close();
            return;
        }
        ScheduledFuture<?> timeout = ctx.executor().schedule(() -> {
            ctx.close(); // the peer does not read: its last words are not worth holding the connection for
        }, LAST_WORDS_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        last.addListener(written -> {
            timeout.cancel(false);
            ctx.close();
        });
    }

    /** Ends a negotiation the application gave up on (local close, handler removed) or the peer left. */
    private void abort(Failure.Reason reason, String why) {
        if (outcome == null) {
            abort(Failure.of(reason, why + " (in state " + state() + ")"));
        }
    }

    /** Ends the negotiation with {@code failure}, which the adapter saw and the core could not; whoever saw it closes. */
    private void abort(Failure failure) {
        if (outcome == null) {
            log.add(new Event.Failed(failure));
            ended(failure, true);
        }
    }

    private void ended(Failure failure, boolean readsGoOn) {
        outcome = "FAILED";
        if (clock != null) { // null: removed before the channel was active
            clock.cancel();
            throttle.stop(readsGoOn);
        }
        failPendingWrites(() -> new StartTlsException(failure));
        complete(new StartTlsCompletionEvent.Failed(failure, log.events()));
    }

    private void complete(StartTlsCompletionEvent event) {
        if (holdsCapacity) {
            holdsCapacity = false;
            capacity.release();
        }
        ctx.fireUserEventTriggered(event);
        completion.complete(event);
    }

    // ------------------------------------------------------------------ helpers

    /** The TLS step, for a server's {@link StartTlsServerHandler#serverNames}. */
    final TlsStep tls() {
        return tls;
    }

    /** Whether the handler stopped reading because its output does not leave; for tests. */
    final boolean isReadingPaused() {
        return throttle.isPaused();
    }

    /** Writes a transition's bytes (null: none); the future of the write, or null when there was none. */
    private ChannelFuture send(ByteBuf outbound) {
        if (outbound == null) {
            return null;
        }
        int n = outbound.readableBytes();
        needsFlush = true;
        ChannelFuture written = ctx.write(outbound);
        throttle.written(written, n);
        return written;
    }


    /** Fails the writes that waited, if any: the cause is made only then (an exception's stack trace is not free). */
    private void failPendingWrites(Supplier<? extends Throwable> cause) {
        if (pendingWrites != null && !pendingWrites.isEmpty()) {
            pendingWrites.releaseAndFailAll(ctx, cause.get());
        }
    }

    private void flushIfNeeded() {
        if (needsFlush && !reading) {
            needsFlush = false;
            ctx.flush();
        }
    }

    /**
     * {@code buf}'s readable bytes for one call into the negotiation: the buffer's own internal view
     * where it has one (no object per read, as Netty's {@code SslHandler} reads), else a copy of bytes
     * that are not contiguous.
     */
    private static ByteBuffer readable(ByteBuf buf) {
        if (buf.nioBufferCount() == 1) {
            return buf.internalNioBuffer(buf.readerIndex(), buf.readableBytes());
        }
        byte[] copy = new byte[buf.readableBytes()];
        buf.getBytes(buf.readerIndex(), copy);
        return ByteBuffer.wrap(copy);
    }
}
