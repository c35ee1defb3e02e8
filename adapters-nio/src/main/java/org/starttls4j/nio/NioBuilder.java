package org.starttls4j.nio;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * The setters every NIO builder shares, over one {@link NioOptions} value. Each builder adds what
 * only it has (a connect timeout where there is a connect; a task executor, with a wakeup for a
 * caller's own selector loop) through the same value.
 *
 * @param <B> the builder, returned by each setter for chaining
 */
abstract class NioBuilder<B extends NioBuilder<B>> {

    NioOptions options;

    NioBuilder(NioOptions defaults) {
        this.options = defaults;
    }

    /**
     * The clock deadlines are read from; default a monotonic clock (wall time advanced by
     * {@link System#nanoTime()}), so that deadlines neither fire early nor hang when the system
     * clock is set. Tests inject their own.
     *
     * @param value the clock
     * @return this builder
     */
    public final B clock(Clock value) {
        options = options.withClock(value);
        return self();
    }

    /**
     * Where network buffers come from, for the negotiations and the channels they hand over;
     * default {@link BufferPool#shared()}.
     *
     * @param value the pool
     * @return this builder
     */
    public final B bufferPool(BufferPool value) {
        options = options.withBufferPool(value);
        return self();
    }

    /**
     * The {@linkplain SecureChannel#setCloseTimeout close timeout} of the channels handed over;
     * default one second.
     *
     * @param value the bound, zero for no wait
     * @return this builder
     * @throws IllegalArgumentException if it is negative
     */
    public final B closeTimeout(Duration value) {
        options = options.withCloseTimeout(value);
        return self();
    }

    /** For the builders that connect: see their {@code connectTimeout}. */
    final B connectTimeoutOption(Duration value) {
        options = options.withConnectTimeout(value);
        return self();
    }

    /** For the builders' {@code taskExecutor}. */
    final B taskExecutorOption(Executor value) {
        options = options.withTaskExecutor(Objects.requireNonNull(value, "taskExecutor"));
        return self();
    }

    @SuppressWarnings("unchecked") // B is the subclass by the class's own bound
    private B self() {
        return (B) this;
    }
}
