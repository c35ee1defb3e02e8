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
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
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
 * A selector-based server: it accepts connections, negotiates each (greeting, capabilities,
 * STARTTLS, handshake — all decided by the core) on one of its selector loops, and hands every
 * finished session to the application's callback.
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
 * <p><b>Threads.</b> The server runs {@link Builder#selectorThreads(int)} selector loops, one
 * thread and one {@link Selector} each (by default one per available processor). Loop 0 also
 * accepts; it hands the accepted connections to the loops in turn (round robin, itself included),
 * and each connection then lives its whole negotiation on that one loop: its reads, writes,
 * deadlines and callbacks all run on that loop's thread, so a connection's own steps never run
 * concurrently, while different connections' steps do. {@link Builder#onSession} and
 * {@link Builder#onFailure} therefore run on the thread of the loop that negotiated the connection,
 * and may run concurrently with each other on different loops: they must be thread-safe (or the
 * server built with {@code selectorThreads(1)}, which runs everything on one thread as before). A
 * refusal at capacity is reported on loop 0. A loop stalls no other loop: a peer's slowness only
 * ever waits in its own connection's deadlines, and a callback that blocks holds up the
 * connections of its loop (and, on loop 0, the accepting), never those of the other loops. The
 * dealing does not look at load: a held-up loop is still dealt its turn, and those connections
 * wait for it, as every connection did when the server had one loop. The engines' delegated tasks
 * run on the loop under the default {@link org.starttls4j.DelegatedTasks#RUN_INLINE}; under
 * {@link org.starttls4j.DelegatedTasks#HAND_TO_CALLER} they run on the server's own task threads
 * (or the executor given to {@link Builder#taskExecutor}), which end with the server.
 *
 * <p><b>Hand-over.</b> The callback must not block: hand the channel to a worker or register it
 * with another selector. The channel is in non-blocking mode
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
 * protocol's farewell, and the others are not affected. The step deadline moves with every byte
 * that arrives, the total does not: a client that trickles its bytes, each just inside the step
 * wait, is still cut off at {@code total} (ten minutes by default). That is the design, not a
 * side effect: without it a peer could hold a negotiation slot for ever at a byte a minute, and
 * ten minutes is far more than an honest client needs for EHLO, STARTTLS and a handshake. A loop
 * looks at all its connections only when one's deadline is due or delegated tasks finished: a
 * turn of the loop costs what happened in it, however many connections it holds.
 *
 * <p><b>Capacity.</b> At most {@link Builder#maxNegotiating(int)} connections negotiate at once,
 * across all loops (one count, reserved at accept and released on whichever loop the connection
 * ends). A connection accepted beyond that gets the protocol's "too busy" reply at once
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
 * <p><b>Shutdown.</b> {@link #close()} closes the listener and every connection still negotiating
 * on every loop, waits for every loop's thread to end, and leaves handed-over channels alone. A loop
 * that fails (an exception out of its selector) is reported to its thread's uncaught exception
 * handler and stops the whole server the same way.
 *
 * <p>{@link #stats()} counts connections: accepted = negotiating + secured + plaintext + failed +
 * aborted + refused, whenever no loop is between steps (the counts are read one by one).
 */
public final class NioServer implements AutoCloseable {

    /** Connections accepted per select, so that a burst of connects never starves the live ones. */
    private static final int ACCEPT_BATCH = 64;

    /** The most selector loops a server runs; see {@link Builder#selectorThreads(int)}. */
    public static final int MAX_SELECTOR_THREADS = 256;

    /** The most loops the default gives, however many processors there are; see {@link Builder#selectorThreads(int)}. */
    private static final int DEFAULT_SELECTOR_THREADS_CAP = 32;

    private final Supplier<Negotiation> negotiations;
    private final Consumer<? super NegotiatedChannel> onSession;
    private final BiConsumer<? super SocketAddress, ? super NegotiationReport> onFailure;
    private final int maxNegotiating;
    private final boolean keepTranscript;
    private final NioOptions options;
    private final ExecutorService ownTasks; // the default task executor, the server's to shut down; null when given one
    private final ServerSocketChannel listener;
    private final InetSocketAddress localAddress;
    private final Loop[] loops; // loops[0] also accepts
    private final SelectionKey acceptKey;
    private final CountDownLatch terminated;
    private final AtomicLong accepted = new AtomicLong();
    /** The connections the server holds open, handed-in ones included: also the capacity's count (see reserve()). */
    private final AtomicInteger negotiating = new AtomicInteger();
    private final AtomicLong secured = new AtomicLong();
    private final AtomicLong plaintext = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong aborted = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private volatile boolean running = true;
    private Instant acceptPausedUntil; // loop 0's thread only
    private int nextLoop; // loop 0's thread only: the round robin

    /** One connection still negotiating. */
    private static final class Connection {
        final NonBlockingNegotiation negotiation;
        final SocketAddress remote;
        SelectionKey key;
        int index = -1; // in its loop's live list; -1 once out of it

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

    private NioServer(Builder b, ServerSocketChannel listener, Selector[] selectors) throws IOException {
        this.negotiations = b.negotiations();
        this.onSession = b.onSession;
        this.onFailure = b.onFailure;
        this.maxNegotiating = b.maxNegotiating;
        this.keepTranscript = b.keepTranscript;
        this.listener = listener;
        this.localAddress = (InetSocketAddress) listener.getLocalAddress();
        if (b.options.taskExecutor() == null) {
            this.ownTasks = taskThreads(Math.max(2, selectors.length), "starttls4j-nio-server-" + localAddress.getPort() + "-tasks-");
            this.options = b.options.withTaskExecutor(ownTasks);
        } else {
            this.ownTasks = null;
            this.options = b.options;
        }
        this.acceptKey = listener.register(selectors[0], SelectionKey.OP_ACCEPT);
        this.terminated = new CountDownLatch(selectors.length);
        ThreadFactory factory = b.threadFactory;
        this.loops = new Loop[selectors.length];
        for (int i = 0; i < loops.length; i++) {
            loops[i] = new Loop(selectors[i]);
            String name = "starttls4j-nio-server-" + localAddress.getPort() + "-loop-" + i;
            loops[i].thread = factory != null ? factory.newThread(loops[i]) : defaultThread(loops[i], name);
        }
    }

    /**
     * The default executor for delegated tasks: the server's own daemon threads, at most
     * {@code threads}, started when a task comes and ended after 30 idle seconds (so a server whose
     * configuration runs tasks inline never starts one), and shut down with the server.
     */
    private static ExecutorService taskThreads(int threads, String prefix) {
        AtomicInteger next = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                task -> defaultThread(task, prefix + next.getAndIncrement()));
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /** The default task executor, for tests: null when the builder was given one. */
    ExecutorService ownTaskExecutor() {
        return ownTasks;
    }

    private static Thread defaultThread(Runnable loop, String name) {
        Thread t = new Thread(loop, name);
        t.setDaemon(true);
        return t;
    }

    /** Starts every loop; if one cannot start, stops those that did and rethrows. */
    private void startLoops() {
        try {
            for (Loop loop : loops) {
                loop.thread.start();
            }
        } catch (RuntimeException | Error e) {
            running = false;
            wakeAll();
            throw e;
        }
    }

    /**
     * A builder for a server speaking the protocol of {@code protocol}, which is applied to the
     * configuration once per connection, on the loop's thread (so with several loops concurrently:
     * a protocol's entry point such as {@code Smtp::server} is).
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
     * It is called on the thread of the loop the connection runs on (and on loop 0's for a refusal's
     * busy reply), so with several loops concurrently: it must be thread-safe.
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
     * How many selector loops negotiate (see {@link Builder#selectorThreads(int)}).
     *
     * @return the number of loops, at least 1
     */
    public int selectorThreads() {
        return loops.length;
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
     * Whether the server is still accepting (not closed, and every loop's thread alive).
     *
     * @return whether the server is still accepting (not closed, and every loop's thread alive)
     */
    public boolean isOpen() {
        return running && terminated.getCount() == loops.length;
    }

    /**
     * Stops: closes the listener and every connection still negotiating on every loop, and waits
     * (up to ten seconds in all) for every loop's thread to end. Channels already handed over stay
     * open. Idempotent. Called from a callback (on a loop's thread), it returns at once and the
     * loops end after the callback returns.
     *
     * @throws IllegalStateException if a loop's thread did not end within the ten seconds (a
     *                               callback that blocks)
     */
    @Override
    public void close() {
        running = false;
        wakeAll();
        for (Loop loop : loops) {
            if (Thread.currentThread() == loop.thread) {
                return;
            }
        }
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            if (!terminated.await(10, TimeUnit.SECONDS)
                    || (ownTasks != null && !ownTasks.awaitTermination(deadline - System.nanoTime(), TimeUnit.NANOSECONDS))) {
                throw new IllegalStateException("a selector loop's or delegated task's thread did not stop within ten seconds");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Connections ticked by the loops' sweeps since the start: what watching the deadlines costs, for tests. */
    long connectionsTicked() {
        long n = 0;
        for (Loop loop : loops) {
            n += loop.ticked;
        }
        return n;
    }

    private void wakeAll() {
        for (Loop loop : loops) {
            loop.selector.wakeup(); // a no-op on a closed selector
        }
    }

    /**
     * Takes one of the {@code maxNegotiating} slots, or none at capacity. A compare-and-set rather
     * than a check and an increment, so that the bound stays exact whichever threads reserve: the
     * slots are released on every loop's thread, concurrently with this.
     */
    private boolean reserve() {
        for (int n = negotiating.get(); n < maxNegotiating; n = negotiating.get()) {
            if (negotiating.compareAndSet(n, n + 1)) {
                return true;
            }
        }
        return false;
    }

    private void report(Throwable e) {
        Thread t = Thread.currentThread();
        t.getUncaughtExceptionHandler().uncaughtException(t, e);
    }

    /**
     * One selector and its thread. Everything but {@link #handedIn} and {@link #closed} is confined to that thread:
     * the connections it negotiates, their keys, their deadlines.
     */
    private final class Loop implements Runnable {
        final Selector selector;
        /** Sockets loop 0 accepted for this loop (their slots reserved), waiting to be opened here. */
        final Queue<SocketChannel> handedIn = new ConcurrentLinkedQueue<>();
        /** Set before the last drain of {@link #handedIn}: loop 0 then drains what it hands in itself. */
        volatile boolean closed;
        /** Unordered: a finished one is swapped out for the last (no node per connection, no iterator per select). */
        final List<Connection> live = new ArrayList<>();
        /** What {@link #run} does with each key the selector finds ready. */
        private final Consumer<SelectionKey> onReady = this::onReady;
        Thread thread;
        /** Connections ticked by this loop's sweeps (see {@link #tickAll}); written by the loop's thread only. */
        volatile long ticked;
        /** Connections whose negotiation finished in {@link #onReady}, to retire at the next {@link #tickAll}. */
        private final List<Connection> finished = new ArrayList<>();
        /**
         * No live connection's deadline is before this (null: none has one): the last sweep's
         * earliest, lowered by every connection that moved since. A connection's deadline moves only
         * when it is fed, so until then no sweep is due.
         */
        private Instant due;
        /** Delegated tasks finished on another thread: a sweep goes on with their connections. */
        private volatile boolean tasksFinished;

        Loop(Selector selector) {
            this.selector = selector;
        }

        private boolean accepts() {
            return this == loops[0];
        }

        @Override
        public void run() {
            try {
                while (running) {
                    openHandedIn();
                    long timeout = tickAll();
                    if (!running) {
                        break;
                    }
                    selector.select(onReady, timeout); // no selected-key set to fill, iterate and clear
                }
            } catch (IOException | RuntimeException e) {
                report(e);
            } finally {
                running = false; // one loop's end is the server's, as when there was one thread
                wakeAll();
                shutdown();
            }
        }

        private void onReady(SelectionKey key) {
            if (key == acceptKey) {
                if (key.isValid() && key.isAcceptable()) {
                    acceptSome();
                }
                return;
            }
            Connection c = (Connection) key.attachment();
            try {
                c.negotiation.handle(key);
            } catch (RuntimeException e) {
                c.negotiation.abort();
                report(e);
            }
            if (c.negotiation.isFinished()) {
                finished.add(c);
            } else {
                lowerDue(c.negotiation.deadline().orElse(null));
            }
        }

        private void lowerDue(Instant deadline) {
            if (deadline != null && (due == null || deadline.isBefore(due))) {
                due = deadline;
            }
        }

        /** From an executor's thread: a connection's delegated tasks are done. */
        private void tasksDone() {
            tasksFinished = true;
            selector.wakeup();
        }

        private void addLive(Connection c) {
            c.index = live.size();
            live.add(c);
        }

        /** Takes {@code c} out of the live list, the last one taking its place. */
        private void removeLive(Connection c) {
            Connection last = live.remove(live.size() - 1);
            if (last != c) {
                live.set(c.index, last);
                last.index = c.index;
            }
            c.index = -1;
        }

        /** Opens what loop 0 handed in since the last turn. */
        private void openHandedIn() {
            for (SocketChannel socket; (socket = handedIn.poll()) != null; ) {
                open(socket);
            }
        }

        /**
         * Retires the connections that finished since the last turn and, when a deadline is due or
         * delegated tasks finished, ticks every connection (a sweep); resumes accepting if there is
         * room; returns the select timeout. Between sweeps a turn costs what happened in it, not a
         * look at every connection the loop holds.
         */
        private long tickAll() {
            Instant now = options.clock().instant();
            for (Connection c : finished) {
                if (c.index >= 0) {
                    removeLive(c);
                    retire(c);
                }
            }
            finished.clear();
            boolean tasks = tasksFinished;
            if (tasks || (due != null && !now.isBefore(due))) {
                tasksFinished = false;
                due = sweep(now);
            }
            Instant earliest = due;
            if (accepts()) {
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
            }
            if (earliest == null) {
                return 0; // nothing pending: wait for a connection (or close's wakeup)
            }
            return Math.max(1, Duration.between(now, earliest).toMillis() + 1);
        }

        /** Ticks every connection and retires the finished ones; returns the earliest deadline left, or null. */
        private Instant sweep(Instant now) {
            Instant earliest = null;
            ticked += live.size();
            for (int i = 0; i < live.size(); ) {
                Connection c = live.get(i);
                try {
                    c.negotiation.onTick(now);
                    c.negotiation.updateInterest(c.key);
                } catch (RuntimeException e) {
                    c.negotiation.abort();
                    report(e);
                }
                if (c.negotiation.isFinished()) {
                    removeLive(c); // the last one takes its place: look at it next, at this index
                    retire(c);
                } else {
                    Instant d = c.negotiation.deadline().orElse(null);
                    if (d != null && (earliest == null || d.isBefore(earliest))) {
                        earliest = d;
                    }
                    i++;
                }
            }
            return earliest;
        }

        /**
         * Loop 0: accepts what is waiting, a bounded batch per select so that the live connections
         * get their turn, and deals each to the next loop in turn.
         */
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
                if (!reserve()) {
                    refuse(socket);
                    continue;
                }
                Loop target = loops[nextLoop];
                nextLoop = (nextLoop + 1) % loops.length;
                if (target == this) {
                    open(socket);
                } else {
                    target.handIn(socket);
                }
            }
        }

        /** From loop 0's thread: queues a socket for this loop; if this loop has ended meanwhile, closes it. */
        private void handIn(SocketChannel socket) {
            handedIn.add(socket);
            selector.wakeup();
            if (closed) {
                abortHandedIn(); // this loop's last drain may have run before the add: whoever polls a socket closes it
            }
        }

        private void abortHandedIn() {
            for (SocketChannel socket; (socket = handedIn.poll()) != null; ) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // nothing more to release
                }
                negotiating.decrementAndGet();
                aborted.incrementAndGet();
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

        /** Starts a connection's negotiation on this loop; its slot is already reserved. */
        private void open(SocketChannel socket) {
            Connection c;
            try {
                socket.configureBlocking(false);
                socket.setOption(StandardSocketOptions.TCP_NODELAY, true);
                SocketAddress remote = socket.getRemoteAddress();
                NonBlockingNegotiation n = NonBlockingNegotiation.builder(socket, negotiations.get())
                        .options(options, this::tasksDone).handOverTranscript(keepTranscript).start();
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
                addLive(c);
                lowerDue(c.negotiation.deadline().orElse(null));
            }
        }

        /** Counts a finished connection, releases its slot and calls the application. */
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
            } catch (RuntimeException | Error e) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // the application's callback failed; the channel is closed either way
                }
                if (e instanceof Error error) {
                    throw error; // ends the loop and the server, as any Error on a loop does; the channel is closed first
                }
                report(e);
            }
        }

        private void shutdown() {
            for (Connection c : live) {
                if (c.negotiation.isFinished()) {
                    closeUnhanded(c); // finished in the last select, not handed over yet: it closes with the server
                } else {
                    c.negotiation.abort();
                }
                negotiating.decrementAndGet();
                aborted.incrementAndGet();
            }
            live.clear();
            closed = true;
            abortHandedIn();
            if (accepts()) {
                try {
                    listener.close();
                } catch (IOException ignored) {
                    // closing is all that is left
                }
            }
            try {
                selector.close();
            } catch (IOException ignored) {
                // closing is all that is left
            }
            terminated.countDown();
            if (terminated.getCount() == 0 && ownTasks != null) {
                // The last loop out: every negotiation is closed, so their tasks are moot.
                ownTasks.shutdownNow();
            }
        }
    }

    /** Closes the channel of a finished negotiation that was never handed over (a failed one closed its own). */
    private static void closeUnhanded(Connection c) {
        try {
            c.negotiation.channel().close();
        } catch (IOException failedOrClosedAlready) { // a NegotiationException too
            // nothing left open
        }
    }

    /** Configures a {@link NioServer}: the settings every NIO builder has, and the server's own. */
    public static final class Builder extends NioBuilder<Builder> {
        private final Supplier<Negotiation> negotiations;
        private ServerConfig config; // with the protocol, when the builder was given them: keepTranscript(false) varies it
        private Function<? super ServerConfig, Negotiation> protocol;
        private SocketAddress address;
        private int backlog = 1024;
        private int maxNegotiating = 1024;
        private int selectorThreads = defaultSelectorThreads();
        private boolean keepTranscript = true;
        private Consumer<? super NegotiatedChannel> onSession;
        private BiConsumer<? super SocketAddress, ? super NegotiationReport> onFailure = (peer, report) -> { };
        private ThreadFactory threadFactory;

        private Builder(Supplier<Negotiation> negotiations) {
            // No executor here: the server makes its own at start (see taskExecutor).
            super(NioOptions.DEFAULTS);
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
         * How many selector loops negotiate, each on its own thread; default the number of available
         * processors ({@link Runtime#availableProcessors()}, which follows a container's CPU limit),
         * at most 32. A negotiation is CPU work between
         * short waits for the peer (the handshake's key exchange and signature above all) and never
         * blocks a loop, so one loop per core lets every core negotiate and more loops than cores
         * would only take turns on them: the same idea as Netty's event loop group, without its
         * doubling (its loops also run the application's I/O; these hand each session over at the
         * end). The cap keeps a many-core host from getting a thread and a selector per core for a
         * task one acceptor feeds; set more explicitly if measurements say so. Loop 0 also accepts
         * and deals the connections out in turn (see the class comment).
         *
         * @param value the number of loops, 1 to {@value NioServer#MAX_SELECTOR_THREADS}; 1 runs
         *              everything, callbacks included, on one thread
         * @return this builder
         * @throws IllegalArgumentException if it is out of that range
         */
        public Builder selectorThreads(int value) {
            if (value < 1 || value > MAX_SELECTOR_THREADS) {
                throw new IllegalArgumentException("selectorThreads must be 1 to " + MAX_SELECTOR_THREADS + ", was " + value);
            }
            this.selectorThreads = value;
            return this;
        }

        static int defaultSelectorThreads() {
            return Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), DEFAULT_SELECTOR_THREADS_CAP));
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
         * What to do with each negotiated channel; runs on the thread of the loop that negotiated
         * it, possibly at the same time as on other loops (so it must be thread-safe when
         * {@link #selectorThreads(int)} is above 1), and must not block. If it throws, the channel
         * is closed and the exception goes to the thread's uncaught exception handler; an
         * {@link Error} then also stops the server, as any {@code Error} on a loop does. Required.
         *
         * @param value the callback
         * @return this builder
         */
        public Builder onSession(Consumer<? super NegotiatedChannel> value) {
            this.onSession = Objects.requireNonNull(value, "onSession");
            return this;
        }

        /**
         * Told of each failed negotiation, with the peer's address; runs on the thread of the loop
         * that negotiated it (a refusal at capacity: loop 0's), possibly at the same time as on
         * other loops, like {@link #onSession}. Optional.
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
         * {@link org.starttls4j.DelegatedTasks#HAND_TO_CALLER} (under the default,
         * {@link org.starttls4j.DelegatedTasks#RUN_INLINE RUN_INLINE}, they run on the loop's thread
         * and no executor is used). Default: the server's own threads, as many as its selector
         * loops and at least two, named {@code starttls4j-nio-server-<port>-tasks-<n>}, started when
         * a task comes, ended after 30 idle seconds, and shut down by {@link NioServer#close()},
         * which waits for them. Not the JVM's common fork-join pool: on a two-core machine that is
         * one thread, shared with everything else in the JVM, and one slow task (a certificate path
         * built over the network, a CRL or OCSP fetch in a custom trust manager) would stall every
         * negotiation and every other user of the pool. A server whose trust or key managers may
         * block gives an executor sized for that here; the server never shuts down an executor it
         * was given.
         *
         * @param value the executor
         * @return this builder
         */
        public Builder taskExecutor(Executor value) {
            return taskExecutorOption(value);
        }

        /**
         * Makes the loops' threads, called once per loop in order (loop 0, the one that also
         * accepts, first); default daemon threads named {@code starttls4j-nio-server-<port>-loop-<n>},
         * {@code n} from 0. A factory of its own should give each a distinct name too, so that a
         * thread dump tells the loops apart.
         *
         * @param value the factory
         * @return this builder
         */
        public Builder threadFactory(ThreadFactory value) {
            this.threadFactory = Objects.requireNonNull(value, "threadFactory");
            return this;
        }

        /**
         * Binds and starts the selector loops.
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
            Selector[] selectors = new Selector[selectorThreads];
            try {
                listener.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                listener.bind(address, backlog);
                listener.configureBlocking(false);
                for (int i = 0; i < selectors.length; i++) {
                    selectors[i] = Selector.open();
                }
                NioServer server = new NioServer(this, listener, selectors);
                server.startLoops();
                return server;
            } catch (IOException | RuntimeException | Error e) {
                listener.close();
                for (Selector selector : selectors) {
                    if (selector != null) {
                        selector.close();
                    }
                }
                throw e;
            }
        }
    }
}
