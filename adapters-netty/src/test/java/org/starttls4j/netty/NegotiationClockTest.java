package org.starttls4j.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The deadline task on the event loop's time ({@code EmbeddedChannel.advanceTimeBy}, on top of the
 * real time the test takes, hence "within a second"): it ticks once, at the latest deadline given
 * and not before, whether the deadline moved later (the task stays and schedules itself again) or
 * earlier (the task moves), and never after the deadline was taken away.
 */
class NegotiationClockTest {

    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final List<Instant> ticks = new ArrayList<>();
    private NegotiationClock clock;

    @AfterEach
    void tearDown() {
        channel.finishAndReleaseAll();
    }

    private NegotiationClock clock() {
        clock = new NegotiationClock(channel.eventLoop(), () -> ticks.add(clock.now()));
        return clock;
    }

    private void advance(long seconds) {
        channel.advanceTimeBy(seconds, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
    }

    private static Optional<Instant> in(Instant from, long seconds) {
        return Optional.of(from.plus(Duration.ofSeconds(seconds)));
    }

    @Test
    void aDeadlineMovedLaterTicksAtTheLaterOneOnly() {
        NegotiationClock clock = clock();
        Instant start = clock.now();
        clock.tickAt(in(start, 30));
        advance(10);
        clock.tickAt(in(start, 70));

        advance(59); // 69 s: the task scheduled for 30 s ran and scheduled itself again
        assertThat(ticks).isEmpty();
        advance(1);

        assertThat(ticks).singleElement().satisfies(at -> assertThat(at).isBetween(start.plusSeconds(70), start.plusSeconds(71)));
    }

    @Test
    void aDeadlineMovedEarlierTicksAtTheEarlierOneOnce() {
        NegotiationClock clock = clock();
        Instant start = clock.now();
        clock.tickAt(in(start, 70));
        clock.tickAt(in(start, 30));

        advance(29);
        assertThat(ticks).isEmpty();
        advance(1);
        assertThat(ticks).singleElement().satisfies(at -> assertThat(at).isBetween(start.plusSeconds(30), start.plusSeconds(31)));
        advance(60);

        assertThat(ticks).as("the task for 70 s was moved, not left behind").hasSize(1);
    }

    @Test
    void noDeadlineOrACancelledOneNeverTicks() {
        NegotiationClock clock = clock();
        Instant start = clock.now();
        clock.tickAt(in(start, 30));
        clock.tickAt(Optional.empty());
        advance(40);
        clock.tickAt(in(start, 50));
        clock.cancel();
        advance(3600);

        assertThat(ticks).isEmpty();
    }
}
