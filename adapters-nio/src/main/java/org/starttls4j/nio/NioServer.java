package org.starttls4j.nio;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.nio.ByteBuffer;
import org.starttls4j.Negotiation;
import org.starttls4j.Outcome;
import org.starttls4j.ServerConfig;
import org.starttls4j.Transition;

/**
 * A selector-based acceptor: one thread accepts connections, negotiates each (greeting,
 * capabilities, STARTTLS, handshake — all decided by the core) and hands every finished session
 * to the application's callback.
 *
 * <pre>{@code
 * ServerConfig config = ServerConfig.builder().hostname("mx.example.com").sslContext(context).build();
 * NioServer server = NioServer.builder(config, Smtp::server)
 *         .bind(new InetSocketAddress(25))
 *         .onSession(channel -> workers.submit(() -> serve(channel)))   // secured (or plaintext) channel
 *         .start();
 * ...
 * server.close();
 * }</pre>
 *
 * <p><b>Hand-over.</b> The callback runs on the acceptor thread and must not block: hand the
 * channel to a worker or register it with another selector. The channel is in non-blocking mode
 * ({@link NegotiatedChannel#configureBlocking} changes that). On a server the first thing to read
 * is the client's first command after the negotiation (inside TLS, typically {@code EHLO}; in
 * plaintext under an opportunistic policy, the command the negotiation did not own): it may
 * already be buffered, see {@link NegotiatedChannel#hasBufferedInput()}. From then on the channel
 * is the application's: the server neither counts nor closes it. The channel's
 * {@link NegotiatedChannel#report() report} keeps the negotiation's transcript for as long as it is
 * open, unless the server was built with {@link Builder#keepTranscript keepTranscript(false)}
 * (about 1.2 KB less per session, for a server holding many idle ones, and no transcript recorded
 * at all while negotiating).
 *
 * <p><b>Timeouts.</b> Each connection's negotiation has its own deadlines, from the configuration's
 * {@link org.starttls4j.Timeouts}: a short one for a client that has said nothing yet
 * ({@code firstCommand}), a longer one per later step ({@code nextCommand}), and one in total. A
 * connection that misses one ends with {@link org.starttls4j.Failure.Reason#TIMEOUT} and the
 * protocol's farewell, and the others are not affected.
 *
 * <p><b>Capacity.</b> At most {@link Builder#maxNegotiating(int)} connections negotiate at once.
 * A connection accepted beyond that gets the protocol's "too busy" reply at once
 * ({@link Negotiation#beginAtCapacity}: {@code 421 4.3.2}, {@code * BYE [UNAVAILABLE]},
 * {@code -ERR [SYS/TEMP]}) and is closed, and {@link Builder#onFailure} hears of it with
 * {@link org.starttls4j.Failure.Reason#SERVER_BUSY}: a client is always answered, never left
 * waiting in the listen backlog, and retries later as it would with Postfix or Dovecot at their
 * process limits. Idle connections cannot hold the server for long either: a client that says
 * nothing is dropped after {@code Timeouts.firstCommand} (30 seconds by default).
 *
 * <p><b>Per connection.</b> What one connection holds while it negotiates is bounded, whatever the
 * client sends and however slowly it reads: see {@link NonBlockingNegotiation} (back-pressure, a
 * bounded report) and {@link org.starttls4j.Limits} (commands, line length, bytes before TLS). With
 * the defaults it is well under 256 KB (measured by {@code HostileLoadTest}).
 *
 * <p><b>Shutdown.</b> {@link #close()} closes the listener and every connection still negotiating,
 * waits for the acceptor thread to end, and leaves handed-over channels alone.
 *
 * <p>{@link #stats()} counts connections: accepted = negotiating + secured + plaintext + failed +
 * aborted + refused, at every moment the acceptor is between steps.
 */
public final class NioServer implements AutoCloseable {

    /** Connections accepted per select, so that a burst of connects never starves the live ones. */
    private static final int ACCEPT_BATCH = 64;

    private final Supplier<Negotiation> negotiations;
    private final Consumer<? super NegotiatedChannel> onSession;
    private final BiConsumer<? super SocketAddress, ? super NegotiationReport> onFailure;
    private final int maxNegotiating;
    private final boolean keepTranscript;
    private final NioOptions options;
    private final ServerSocketChannel listener;
    private final Selector selector;
    private final SelectionKey acceptKey;
    private final InetSocketAddress localAddress;
    private final Thread thread;
    private final Set<Connection> live = new LinkedHashSet<>();
    private final CountDownLatch terminated = new CountDownLatch(1);
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicInteger negotiating = new AtomicInteger();
    private final AtomicLong secured = new AtomicLong();
    private final AtomicLong plaintext = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong aborted = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private volatile boolean running = true;
    private Instant acceptPausedUntil;

    /** One connection still negotiating. */
    private static final class Connection {
        final NonBlockingNegotiation negotiation;
        final SocketAddress remote;
        SelectionKey key;

        Connection(NonBlockingNegotiation negotiation, SocketAddress remote) {
            this.negotiation = negotiation;
            this.remote = remote;
        }
    }

    /**
     * Connection counts.
     *
     * @param accepted    connections accepted since the start
     * @param negotiating connections negotiating now: the channels the server holds open
     * @param secured     connections handed over inside TLS
     * @param plaintext   connections handed over in plaintext
     * @param failed      negotiations that failed (each closed, and reported to the failure callback)
     * @param aborted     connections closed without an outcome: by {@link #close()}, or because
     *                    their setup failed
     * @param refused     connections answered with the "too busy" reply at capacity and closed
     */
    public record Stats(long accepted, int negotiating, long secured, long plaintext, long failed, long aborted,
                        long refused) {

        /**
         * Counts without refusals, as before there were any.
         *
         * @param accepted    see {@link #accepted()}
         * @param negotiating see {@link #negotiating()}
         * @param secured     see {@link #secured()}
         * @param plaintext   see {@link #plaintext()}
         * @param failed      see {@link #failed()}
         * @param aborted     see {@link #aborted()}
         */
        public Stats(long accepted, int negotiating, long secured, long plaintext, long failed, long aborted) {
            this(accepted, negotiating, secured, plaintext, failed, aborted, 0);
        }

        /**
         * Connections handed to the application.
         *
         * @return secured plus plaintext
         */
        public long handedOver() {
            return secured + plaintext;
        }

        /**
         * Connections that have ended their negotiation one way or another.
         *
         * @return every count but accepted and negotiating, summed
         */
        public long finished() {
            return secured + plaintext + failed + aborted + refused;
        }
    }

    private NioServer(Builder b, ServerSocketChannel listener, Selector selector) throws IOException {
        this.negotiations = b.negotiations();
        this.onSession = b.onSession;
        this.onFailure = b.onFailure;
        this.maxNegotiating = b.maxNegotiating;
        this.keepTranscript = b.keepTranscript;
        this.options = b.options;
        this.listener = listener;
        this.selector = selector;
        this.localAddress = (InetSocketAddress) listener.getLocalAddress();
        this.acceptKey = listener.register(selector, SelectionKey.OP_ACCEPT);
        ThreadFactory factory = b.threadFactory != null ? b.threadFactory : r -> {
            Thread t = new Thread(r, "starttls4j-nio-server-" + localAddress.getPort());
            t.setDaemon(true);
            return t;
        };
        this.thread = factory.newThread(this::run);
    }

    /**
     * A builder for a server speaking the protocol of {@code protocol}.
     *
     * @param config   the server configuration (policy, certificate, capabilities, timeouts)
     * @param protocol the protocol's entry point, e.g. {@code Smtp::server}
     * @return the builder
     */
    public static Builder builder(ServerConfig config, Function<? super ServerConfig, Negotiation> protocol) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(protocol, "protocol");
        Builder b = new Builder(() -> protocol.apply(config));
        b.config = config;
        b.protocol = protocol;
        return b;
    }

    /**
     * A builder for a server that starts each connection's negotiation with {@code negotiations}.
     *
     * @param negotiations gives a fresh unstarted server negotiation per connection
     * @return the builder
     */
    public static Builder builder(Supplier<Negotiation> negotiations) {
        return new Builder(Objects.requireNonNull(negotiations, "negotiations"));
    }

    /**
     * The address the server listens on (with the actual port when bound to port 0).
     *
     * @return the address the server listens on (with the actual port when bound to port 0)
     */
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    /**
     * The counts, as of now.
     *
     * @return the counts, as of now
     */
    public Stats stats() {
        return new Stats(accepted.get(), negotiating.get(), secured.get(), plaintext.get(), failed.get(), aborted.get(),
                refused.get());
    }

    /**
     * Whether the server is still accepting (not closed, and its thread alive).
     *
     * @return whether the server is still accepting (not closed, and its thread alive)
     */
    public boolean isOpen() {
        return running && terminated.getCount() > 0;
    }

    /**
     * Stops: closes the listener and every connection still negotiating, and waits (up to ten
     * seconds) for the acceptor thread to end. Channels already handed over stay open. Idempotent.
     */
    @Override
    public void close() {
        running = false;
        selector.wakeup();
        if (Thread.currentThread() == thread) {
            return; // called from a callback: the loop ends after it returns
        }
        try {
            if (!terminated.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the acceptor thread did not stop within ten seconds");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- the acceptor thread ----

    private void run() {
        try {
            while (running) {
                long timeout = tickAll();
                if (!running) {
                    break;
                }
                selector.select(timeout);
                for (SelectionKey key : selector.selectedKeys()) {
                    if (key == acceptKey) {
                        if (key.isValid() && key.isAcceptable()) {
                            acceptSome();
                        }
                    } else {
                        Connection c = (Connection) key.attachment();
                        try {
                            c.negotiation.handle(key);
                        } catch (RuntimeException e) {
                            c.negotiation.abort();
                            report(e);
                        }
                    }
                }
                selector.selectedKeys().clear();
            }
        } catch (IOException | RuntimeException e) {
            report(e);
        } finally {
            shutdown();
        }
    }

    /** Ticks every connection, retires the finished ones, resumes accepting if there is room; returns the select timeout. */
    private long tickAll() {
        Instant now = options.clock().instant();
        Instant earliest = null;
        for (Iterator<Connection> it = live.iterator(); it.hasNext(); ) {
            Connection c = it.next();
            try {
                c.negotiation.onTick(now);
                c.negotiation.updateInterest(c.key);
            } catch (RuntimeException e) {
                c.negotiation.abort();
                report(e);
            }
            if (c.negotiation.isFinished()) {
                it.remove();
                retire(c);
            } else {
                Instant d = c.negotiation.deadline().orElse(null);
                if (d != null && (earliest == null || d.isBefore(earliest))) {
                    earliest = d;
                }
            }
        }
        if (acceptPausedUntil != null) {
            if (now.isBefore(acceptPausedUntil)) {
                earliest = earliest == null || acceptPausedUntil.isBefore(earliest) ? acceptPausedUntil : earliest;
            } else {
                acceptPausedUntil = null;
            }
        }
        // Accepting goes on at capacity: those over it get the busy reply (see acceptSome).
        boolean accepting = acceptPausedUntil == null;
        if (acceptKey.isValid()) {
            acceptKey.interestOps(accepting ? SelectionKey.OP_ACCEPT : 0);
        }
        if (earliest == null) {
            return 0; // nothing pending: wait for a connection (or close's wakeup)
        }
        return Math.max(1, Duration.between(now, earliest).toMillis() + 1);
    }

    /** Accepts what is waiting, a bounded batch per select so that the live connections get their turn. */
    private void acceptSome() {
        for (int i = 0; i < ACCEPT_BATCH; i++) {
            SocketChannel socket;
            try {
                socket = listener.accept();
            } catch (IOException e) {
                // Typically out of file descriptors: pause rather than spin on the ready listener.
                acceptPausedUntil = options.clock().instant().plusMillis(100);
                return;
            }
            if (socket == null) {
                return;
            }
            accepted.incrementAndGet();
            if (live.size() >= maxNegotiating) {
                refuse(socket);
                continue;
            }
            negotiating.incrementAndGet();
            open(socket);
        }
    }

    /**
     * At capacity: the protocol's busy reply, written at once (a fresh socket's send buffer always
     * takes it), then the close. The client's own bytes, if any arrived, are read away first, as a
     * close with unread input would reset the connection and could destroy the reply before the
     * client reads it.
     */
    private void refuse(SocketChannel socket) {
        refused.incrementAndGet();
        SocketAddress remote = null;
        Transition busy = null;
        try {
            socket.configureBlocking(false);
            remote = socket.getRemoteAddress();
            busy = negotiations.get().beginAtCapacity(options.clock().instant());
            socket.write(busy.outbound());
            socket.shutdownOutput();
            ByteBuffer sink = ByteBuffer.allocate(512);
            for (int i = 0; i < 8 && socket.read(sink.clear()) > 0; i++) {
                // discarded: nothing a refused client says is read
            }
        } catch (IOException e) {
            // the client went away first; it is closed either way
        } catch (RuntimeException e) {
            report(e); // a misconfiguration, not the client's doing
        } finally {
            try {
                socket.close();
            } catch (IOException ignored) {
                // nothing more to release
            }
        }
        if (busy != null && busy.outcome().orElse(null) instanceof Outcome.Failed f) {
            try {
                onFailure.accept(remote, NegotiationReport.failed(busy.events(), f.failure()));
            } catch (RuntimeException callbackFailed) {
                report(callbackFailed);
            }
        }
    }

    private void open(SocketChannel socket) {
        Connection c;
        try {
            socket.configureBlocking(false);
            socket.setOption(StandardSocketOptions.TCP_NODELAY, true);
            SocketAddress remote = socket.getRemoteAddress();
            NonBlockingNegotiation n = NonBlockingNegotiation.builder(socket, negotiations.get())
                    .options(options, selector::wakeup).handOverTranscript(keepTranscript).start();
            c = new Connection(n, remote);
            if (!n.isFinished()) {
                c.key = socket.register(selector, n.interestOps(), c);
            }
        } catch (IOException | RuntimeException e) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // nothing more to release
            }
            negotiating.decrementAndGet();
            aborted.incrementAndGet();
            if (e instanceof RuntimeException) {
                report(e); // a misconfiguration, not the peer's doing
            }
            return;
        }
        if (c.negotiation.isFinished()) {
            retire(c);
        } else {
            live.add(c);
        }
    }

    /** Counts a finished connection and calls the application. */
    private void retire(Connection c) {
        if (c.key != null) {
            c.key.cancel(); // the channel is the application's now, to register where it likes
        }
        negotiating.decrementAndGet();
        NegotiatedChannel channel;
        try {
            channel = c.negotiation.channel();
        } catch (NegotiationException e) {
            failed.incrementAndGet();
            try {
                onFailure.accept(c.remote, e.report());
            } catch (RuntimeException callbackFailed) {
                report(callbackFailed);
            }
            return;
        } catch (IOException e) {
            aborted.incrementAndGet();
            return;
        }
        (channel.isEncrypted() ? secured : plaintext).incrementAndGet();
        try {
            onSession.accept(channel);
        } catch (RuntimeException e) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // the application's callback failed; the channel is closed either way
            }
            report(e);
        }
    }

    private void shutdown() {
        for (Connection c : live) {
            c.negotiation.abort();
            negotiating.decrementAndGet();
            aborted.incrementAndGet();
        }
        live.clear();
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing is all that is left
        }
        try {
            selector.close();
        } catch (IOException ignored) {
            // closing is all that is left
        }
        running = false;
        terminated.countDown();
    }

    private void report(Throwable e) {
        Thread t = Thread.currentThread();
        t.getUncaughtExceptionHandler().uncaughtException(t, e);
    }

    /** Configures a {@link NioServer}: the settings every NIO builder has, and the server's own. */
    public static final class Builder extends NioBuilder<Builder> {
        private final Supplier<Negotiation> negotiations;
        private ServerConfig config; // with the protocol, when the builder was given them: keepTranscript(false) varies it
        private Function<? super ServerConfig, Negotiation> protocol;
        private SocketAddress address;
        private int backlog = 1024;
        private int maxNegotiating = 1024;
        private boolean keepTranscript = true;
        private Consumer<? super NegotiatedChannel> onSession;
        private BiConsumer<? super SocketAddress, ? super NegotiationReport> onFailure = (peer, report) -> { };
        private ThreadFactory threadFactory;

        private Builder(Supplier<Negotiation> negotiations) {
            // The acceptor thread must never run a handshake's tasks itself.
            super(NioOptions.DEFAULTS.withTaskExecutor(ForkJoinPool.commonPool()));
            this.negotiations = negotiations;
        }

        /**
         * The address to listen on, e.g. {@code new InetSocketAddress("127.0.0.1", 0)} for any free
         * port. Required.
         *
         * @param value the address
         * @return this builder
         */
        public Builder bind(SocketAddress value) {
            this.address = Objects.requireNonNull(value, "address");
            return this;
        }

        /**
         * The listen backlog, where connections over the cap wait; default 1024 (the kernel may cap it).
         *
         * @param value the backlog, at least 1
         * @return this builder
         */
        public Builder backlog(int value) {
            if (value < 1) {
                throw new IllegalArgumentException("backlog must be positive");
            }
            this.backlog = value;
            return this;
        }

        /**
         * The most connections negotiating at once; default 1024. Further ones get the protocol's
         * "too busy" reply and are closed (see the class comment).
         *
         * @param value the cap, at least 1
         * @return this builder
         */
        public Builder maxNegotiating(int value) {
            if (value < 1) {
                throw new IllegalArgumentException("maxNegotiating must be positive");
            }
            this.maxNegotiating = value;
            return this;
        }

        /**
         * Whether each channel handed over keeps the negotiation's transcript in its
         * {@link NegotiatedChannel#report() report}; default true. The transcript (every line of the
         * plaintext dialog, timed) is about a kilobyte, held for as long as the session stays open;
         * a server that keeps many idle sessions and logs what it needs from the report in
         * {@link #onSession} can leave it out. The report keeps everything else (encrypted or why
         * not, TLS facts, capabilities, the other events). With false, a server built from a
         * configuration ({@link NioServer#builder(ServerConfig, Function)}) negotiates with a
         * variant of it that records no transcript at all
         * ({@link org.starttls4j.ConfigBuilder#recordTranscript recordTranscript(false)}: about 1 KB
         * less allocated per negotiation), so {@link #onFailure}'s reports have no lines either;
         * one built from a supplier of negotiations drops the transcript at the hand-over (build
         * its configuration with {@code recordTranscript(false)} for the same saving).
         *
         * @param value false to hand channels over without the transcript
         * @return this builder
         */
        public Builder keepTranscript(boolean value) {
            this.keepTranscript = value;
            return this;
        }

        /** The negotiations to start: without the transcript, from a variant of the configuration that records none. */
        private Supplier<Negotiation> negotiations() {
            if (keepTranscript || config == null || !config.recordsTranscript()) {
                return negotiations;
            }
            ServerConfig lean = config.toBuilder().recordTranscript(false).build();
            Function<? super ServerConfig, Negotiation> start = protocol;
            return () -> start.apply(lean);
        }

        /**
         * What to do with each negotiated channel; runs on the acceptor thread and must not block.
         * If it throws, the channel is closed and the exception goes to the thread's uncaught
         * exception handler. Required.
         *
         * @param value the callback
         * @return this builder
         */
        public Builder onSession(Consumer<? super NegotiatedChannel> value) {
            this.onSession = Objects.requireNonNull(value, "onSession");
            return this;
        }

        /**
         * Told of each failed negotiation, with the peer's address; runs on the acceptor thread. Optional.
         *
         * @param value the callback
         * @return this builder
         */
        public Builder onFailure(BiConsumer<? super SocketAddress, ? super NegotiationReport> value) {
            this.onFailure = Objects.requireNonNull(value, "onFailure");
            return this;
        }

        /**
         * Where delegated engine tasks run when the configuration says
         * {@link org.starttls4j.DelegatedTasks#HAND_TO_CALLER}; default the common fork-join pool,
         * so that no handshake task ever runs on the acceptor thread.
         *
         * @param value the executor
         * @return this builder
         */
        public Builder taskExecutor(Executor value) {
            return taskExecutorOption(value);
        }

        /**
         * Makes the acceptor thread; default a daemon thread named {@code starttls4j-nio-server-<port>}.
         *
         * @param value the factory
         * @return this builder
         */
        public Builder threadFactory(ThreadFactory value) {
            this.threadFactory = Objects.requireNonNull(value, "threadFactory");
            return this;
        }

        /**
         * Binds and starts the acceptor thread.
         *
         * @return the running server
         * @throws IOException if the address cannot be bound
         */
        public NioServer start() throws IOException {
            if (address == null) {
                throw new IllegalStateException("bind(address) is required");
            }
            if (onSession == null) {
                throw new IllegalStateException("onSession(callback) is required");
            }
            ServerSocketChannel listener = ServerSocketChannel.open();
            Selector selector = null;
            try {
                listener.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                listener.bind(address, backlog);
                listener.configureBlocking(false);
                selector = Selector.open();
                NioServer server = new NioServer(this, listener, selector);
                server.thread.start();
                return server;
            } catch (IOException | RuntimeException e) {
                listener.close();
                if (selector != null) {
                    selector.close();
                }
                throw e;
            }
        }
    }
}
