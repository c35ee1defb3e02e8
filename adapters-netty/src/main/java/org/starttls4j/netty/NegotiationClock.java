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
 *
 * <p>A deadline usually moves later with every reply, so the task is not moved with it: it stays
 * where it is, and when it runs before the deadline it schedules itself again for the deadline
 * then in force. It is moved only when the deadline comes earlier, and cancelled when there is
 * none: a task scheduled per reply costs the event loop a queue entry, a cancellation and a few
 * objects each time.
 */
final class NegotiationClock {

    private final EventExecutor loop;
    private final Runnable onDeadline;
    private final Instant origin;
    private final long originNanos;
    private ScheduledFuture<?> tick;
    private Instant tickAt;    // when the task runs
    private Instant deadline;  // when the negotiation is due a tick; never before tickAt while a task is scheduled

    NegotiationClock(EventExecutor loop, Runnable onDeadline) {
        this.loop = loop;
        this.onDeadline = onDeadline;
        this.origin = Instant.now();
        this.originNanos = loop.ticker().nanoTime();
    }

    Instant now() {
        return origin.plusNanos(loop.ticker().nanoTime() - originNanos);
    }

    /** Ticks at {@code next} (at most a year away), and not before; none for empty. */
    void tickAt(Optional<Instant> next) {
        if (next.isEmpty()) {
            cancel();
            return;
        }
        deadline = next.get();
        if (tick != null && !deadline.isBefore(tickAt)) {
            return; // the task runs first and schedules itself again for this deadline
        }
        if (tick != null) {
            tick.cancel(false);
        }
        schedule(deadline);
    }

    private void schedule(Instant at) {
        tickAt = at;
        Duration wait = Duration.between(now(), at);
        long nanos = wait.isNegative() ? 0 : wait.compareTo(Duration.ofDays(365)) > 0 ? TimeUnit.DAYS.toNanos(365) : wait.toNanos();
        tick = loop.schedule(this::ran, nanos, TimeUnit.NANOSECONDS);
    }

    private void ran() {
        if (now().isBefore(deadline)) {
            schedule(deadline); // the deadline moved on since this task was scheduled
            return;
        }
        tick = null;
        tickAt = null;
        deadline = null;
        onDeadline.run();
    }

    void cancel() {
        if (tick != null) {
            tick.cancel(false);
            tick = null;
            tickAt = null;
        }
        deadline = null;
    }
}
