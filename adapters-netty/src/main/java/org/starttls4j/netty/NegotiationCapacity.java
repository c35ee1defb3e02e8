package org.starttls4j.netty;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many server negotiations may run at once, shared by every channel it is given to (one per
 * server, or one per listening port). A negotiation holds a place from the moment its channel is
 * active until its outcome (secured, handed over, failed) or the channel's end; a connection
 * that finds every place taken is answered at once with the protocol's "too busy" reply
 * ({@code 421 4.3.2}, {@code * BYE}, {@code -ERR [SYS/TEMP]}) and closed, so a server filled with
 * idle or slow clients still answers a new one, and each negotiation's deadline frees its place.
 *
 * <pre>{@code
 * NegotiationCapacity capacity = NegotiationCapacity.of(1_000);   // shared
 * serverBootstrap.childHandler(new ChannelInitializer<SocketChannel>() {
 *     protected void initChannel(SocketChannel ch) {
 *         ch.pipeline().addLast(new StartTlsServerHandler(config, Smtp::server, capacity), new MySmtpServer());
 *     }
 * });
 * }</pre>
 *
 * <p>What figure: a negotiation costs its connection's socket and a few tens of KB of heap (see
 * {@link StartTlsHandler}), so the bound is the number of file descriptors and the heap the server
 * may spend on clients that have not secured yet; {@code NioServer}'s default is 1024. Postfix
 * bounds the same with {@code default_process_limit} (100 {@code smtpd} processes), Dovecot with
 * its login service's {@code process_limit × client_limit}. It limits negotiations only: the
 * application's secured sessions are its own to count. Thread-safe.
 */
public final class NegotiationCapacity {

    private final int max;
    private final AtomicInteger running = new AtomicInteger();

    private NegotiationCapacity(int max) {
        this.max = max;
    }

    /**
     * A capacity of {@code max} negotiations at once.
     *
     * @param max how many negotiations may run at once
     * @return a new, empty capacity
     * @throws IllegalArgumentException if {@code max} is not positive
     */
    public static NegotiationCapacity of(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("max must be positive, was " + max);
        }
        return new NegotiationCapacity(max);
    }

    /**
     * How many negotiations may run at once.
     *
     * @return the bound given to {@link #of}
     */
    public int max() {
        return max;
    }

    /**
     * How many negotiations run now (a snapshot, for metrics).
     *
     * @return the places taken
     */
    public int running() {
        return running.get();
    }

    /** Takes a place if one is free. */
    boolean tryAcquire() {
        while (true) {
            int now = running.get();
            if (now >= max) {
                return false;
            }
            if (running.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    /** Gives a place back; called once per successful {@link #tryAcquire}. */
    void release() {
        running.decrementAndGet();
    }

    @Override
    public String toString() {
        return "NegotiationCapacity[" + running.get() + " of " + max + "]";
    }
}
