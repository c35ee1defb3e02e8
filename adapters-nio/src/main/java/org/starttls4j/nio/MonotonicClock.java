package org.starttls4j.nio;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The default clock: wall-clock time when first read, then advanced by {@link System#nanoTime()},
 * so that deadlines neither fire early nor hang when the system clock is set.
 */
final class MonotonicClock extends Clock {

    static final MonotonicClock INSTANCE = new MonotonicClock(Instant.now(), System.nanoTime(), ZoneOffset.UTC);

    private final Instant origin;
    private final long originNanos;
    private final ZoneId zone;

    private MonotonicClock(Instant origin, long originNanos, ZoneId zone) {
        this.origin = origin;
        this.originNanos = originNanos;
        this.zone = zone;
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    @Override
    public Clock withZone(ZoneId other) {
        return new MonotonicClock(origin, originNanos, other);
    }

    @Override
    public Instant instant() {
        return origin.plusNanos(System.nanoTime() - originNanos);
    }
}
