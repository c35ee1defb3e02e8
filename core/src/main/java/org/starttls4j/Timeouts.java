package org.starttls4j;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * How long a negotiation waits. The core reads no clock: the caller passes the time in and asks
 * {@link Negotiation#deadline()} when to tick next.
 *
 * @param perStep longest wait for any one reply, command or handshake flight from the peer
 * @param total   longest the whole negotiation may take, from {@link Negotiation#begin}
 */
public record Timeouts(Duration perStep, Duration total) {

    /** Defaults: five minutes per step, as RFC 5321 §4.5.3.2 suggests for replies, ten in all. */
    public static final Timeouts DEFAULT = new Timeouts(Duration.ofMinutes(5), Duration.ofMinutes(10));

    /** Checks that both durations are positive. */
    public Timeouts {
        Objects.requireNonNull(perStep, "perStep");
        Objects.requireNonNull(total, "total");
        if (perStep.isNegative() || perStep.isZero() || total.isNegative() || total.isZero()) {
            throw new IllegalArgumentException("timeouts must be positive");
        }
    }

    /** One duration for both the step and the whole negotiation. */
    public static Timeouts of(Duration both) {
        return new Timeouts(both, both);
    }

    /** The deadline for a wait that starts at {@code now} in a negotiation started at {@code start}. */
    public Instant deadline(Instant start, Instant now) {
        // Compared as numbers first, so only the answer becomes an Instant (one per transition).
        long stepSeconds = Math.addExact(now.getEpochSecond(), perStep.getSeconds());
        long stepNanos = (long) now.getNano() + perStep.getNano();
        long wholeSeconds = Math.addExact(start.getEpochSecond(), total.getSeconds());
        long wholeNanos = (long) start.getNano() + total.getNano();
        stepSeconds += stepNanos / 1_000_000_000L;
        stepNanos %= 1_000_000_000L;
        wholeSeconds += wholeNanos / 1_000_000_000L;
        wholeNanos %= 1_000_000_000L;
        boolean stepFirst = stepSeconds < wholeSeconds || (stepSeconds == wholeSeconds && stepNanos < wholeNanos);
        return stepFirst ? Instant.ofEpochSecond(stepSeconds, stepNanos) : Instant.ofEpochSecond(wholeSeconds, wholeNanos);
    }
}
