package org.starttls4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

class TimeoutsPropertiesTest {

    /** The deadline is computed without intermediate Instants; it must be the plain definition. */
    @Property(tries = 2000)
    void theDeadlineIsTheEarlierOfTheStepAndTheWhole(
            @ForAll @LongRange(min = -4_000_000_000L, max = 4_000_000_000L) long startSeconds,
            @ForAll @LongRange(min = 0, max = 999_999_999) long startNanos,
            @ForAll @LongRange(min = 0, max = 100_000) long elapsedMillis,
            @ForAll @LongRange(min = 0, max = 999_999_999) long nowNanos,
            @ForAll @LongRange(min = 1, max = 1_000_000_000_000L) long stepNanos,
            @ForAll @LongRange(min = 1, max = 1_000_000_000_000L) long totalNanos) {
        Instant start = Instant.ofEpochSecond(startSeconds, startNanos);
        Instant now = start.plusMillis(elapsedMillis).plusNanos(nowNanos);
        Timeouts timeouts = new Timeouts(Duration.ofNanos(stepNanos), Duration.ofNanos(totalNanos));

        Instant step = now.plus(timeouts.perStep());
        Instant whole = start.plus(timeouts.total());
        assertThat(timeouts.deadline(start, now)).isEqualTo(step.isBefore(whole) ? step : whole);
    }
}
