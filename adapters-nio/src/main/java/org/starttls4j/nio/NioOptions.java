package org.starttls4j.nio;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * The settings every NIO entry point shares ({@link NioClient}, {@link NioServer},
 * {@link NonBlockingNegotiation}), checked once and passed on whole: the client and the server
 * hand theirs to each negotiation they start, and a negotiation hands the close timeout and the
 * pool to the channel it returns. The builders set it through {@link NioBuilder}.
 *
 * @param clock          where deadlines are read from
 * @param bufferPool     where network buffers come from
 * @param taskExecutor   where delegated engine tasks run; null runs them inline
 * @param connectTimeout how long a pending TCP connect may take; positive
 * @param closeTimeout   the {@linkplain SecureChannel#setCloseTimeout close timeout} of the channels; not negative
 */
record NioOptions(Clock clock, BufferPool bufferPool, Executor taskExecutor, Duration connectTimeout,
                  Duration closeTimeout) {

    /** A monotonic clock, the shared pool, tasks inline, 30 seconds to connect, one second to close. */
    static final NioOptions DEFAULTS = new NioOptions(MonotonicClock.INSTANCE, BufferPool.shared(), null,
            Duration.ofSeconds(30), Duration.ofSeconds(1));

    NioOptions {
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(bufferPool, "bufferPool");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(closeTimeout, "closeTimeout");
        if (connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("connectTimeout must be positive");
        }
        if (closeTimeout.isNegative()) {
            throw new IllegalArgumentException("closeTimeout must not be negative");
        }
    }

    NioOptions withClock(Clock value) {
        return new NioOptions(value, bufferPool, taskExecutor, connectTimeout, closeTimeout);
    }

    NioOptions withBufferPool(BufferPool value) {
        return new NioOptions(clock, value, taskExecutor, connectTimeout, closeTimeout);
    }

    /** Null is allowed here (tasks inline); the public setters refuse it. */
    NioOptions withTaskExecutor(Executor value) {
        return new NioOptions(clock, bufferPool, value, connectTimeout, closeTimeout);
    }

    NioOptions withConnectTimeout(Duration value) {
        return new NioOptions(clock, bufferPool, taskExecutor, value, closeTimeout);
    }

    NioOptions withCloseTimeout(Duration value) {
        return new NioOptions(clock, bufferPool, taskExecutor, connectTimeout, value);
    }
}
