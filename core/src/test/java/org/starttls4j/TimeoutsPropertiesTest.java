package org.starttls4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

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

    /** A deadline that did not move is the previous value itself; one that moved is a new, correct one. */
    @Property(tries = 1000)
    void aDeadlineThatDidNotMoveIsThePreviousValue(
            @ForAll @LongRange(min = 0, max = 100_000) long elapsedMillis,
            @ForAll @LongRange(min = 1, max = 1_000_000) long stepMillis,
            @ForAll @LongRange(min = 1, max = 1_000_000) long totalMillis,
            @ForAll @LongRange(min = -2, max = 2) long previousOffsetNanos) {
        Instant start = Instant.parse("2026-11-30T12:00:00Z");
        Instant now = start.plusMillis(elapsedMillis);
        Timeouts timeouts = new Timeouts(Duration.ofMillis(stepMillis), Duration.ofMillis(totalMillis));
        Instant expected = timeouts.deadline(start, now);
        Instant previous = expected.plusNanos(previousOffsetNanos);

        Instant deadline = timeouts.deadline(start, now, timeouts.perStep(), previous);

        assertThat(deadline).isEqualTo(expected);
        if (previousOffsetNanos == 0) {
            assertThat(deadline).isSameAs(previous);
        } else {
            assertThat(deadline).isNotSameAs(previous);
        }
        assertThat(timeouts.deadline(start, now, timeouts.perStep(), null)).isEqualTo(expected);
    }

    @Test
    void aStateWhoseDeadlineDidNotMoveKeepsTheSameValue() {
        Instant now = Instant.parse("2026-11-30T12:00:00Z");
        ClientConfig config = ClientConfig.builder("mail.example.test").build();
        Negotiation greeted = org.starttls4j.smtp.Smtp.client(config).begin(now).next()
                .onReceived(java.nio.ByteBuffer.wrap("220 hi\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII)), now).next();
        Instant before = greeted.deadline().orElseThrow();

        Negotiation partial = greeted.onReceived(java.nio.ByteBuffer.wrap(new byte[] {'2', '5'}), now).next();
        Negotiation later = greeted.onReceived(java.nio.ByteBuffer.wrap(new byte[] {'2', '5'}), now.plusSeconds(1)).next();

        assertThat(partial.deadline().orElseThrow()).isSameAs(before);
        assertThat(later.deadline().orElseThrow()).isEqualTo(before.plusSeconds(1));
    }
}
