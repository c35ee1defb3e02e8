package org.starttls4j.netty;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A negotiation's time on its channel's event loop: wall-clock time at the start, advanced by the
 * loop's ticker, so the deadline task and the negotiation agree on what "now" is (and a test's
 * mock ticker moves both); and the one task that ticks the negotiation at its deadline.
 */
final class NegotiationClock {

    private final EventExecutor loop;
    private final Runnable onDeadline;
    private final Instant origin;
    private final long originNanos;
    private ScheduledFuture<?> tick;
    private Instant tickAt;

    NegotiationClock(EventExecutor loop, Runnable onDeadline) {
        this.loop = loop;
        this.onDeadline = onDeadline;
        this.origin = Instant.now();
        this.originNanos = loop.ticker().nanoTime();
    }

    Instant now() {
        return origin.plusNanos(loop.ticker().nanoTime() - originNanos);
    }

    /** Ticks at {@code deadline} (at most a year away), replacing a tick for another time; none for empty. */
    void tickAt(Optional<Instant> deadline) {
        if (tick != null && deadline.isPresent() && deadline.get().equals(tickAt)) {
            return;
        }
        cancel();
        if (deadline.isEmpty()) {
            return;
        }
        tickAt = deadline.get();
        Duration wait = Duration.between(now(), tickAt);
        long nanos = wait.isNegative() ? 0 : wait.compareTo(Duration.ofDays(365)) > 0 ? TimeUnit.DAYS.toNanos(365) : wait.toNanos();
        tick = loop.schedule(() -> {
            tick = null;
            tickAt = null;
            onDeadline.run();
        }, nanos, TimeUnit.NANOSECONDS);
    }

    void cancel() {
        if (tick != null) {
            tick.cancel(false);
            tick = null;
            tickAt = null;
        }
    }
}
