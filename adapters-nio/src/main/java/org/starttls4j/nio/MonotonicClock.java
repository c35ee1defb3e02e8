package org.starttls4j.nio;

import java.time.Clock;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneOffset;

/**
 * The default clock: wall-clock time when first read, then advanced by {@link System#nanoTime()},
 * so that deadlines neither fire early nor hang when the system clock is set.
 */
final class MonotonicClock {

    /** The clock, in UTC; {@link Clock#withZone} gives the same time in another zone. */
    static final Clock INSTANCE = from(Instant.now(), System.nanoTime()).withZone(ZoneOffset.UTC);

    private MonotonicClock() {
    }

    /** The time {@code origin} was at {@code originNanos}, advanced since by the nanosecond timer. */
    static InstantSource from(Instant origin, long originNanos) {
        return () -> origin.plusNanos(System.nanoTime() - originNanos);
    }
}
