package org.starttls4j.nio;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class MonotonicClockTest {

    @Test
    void timeIsTheOriginAdvancedByTheNanosecondTimer() {
        long nanos = System.nanoTime();
        Instant origin = Instant.parse("2020-01-01T00:00:00Z");

        Instant first = MonotonicClock.from(origin, nanos).instant();
        Instant second = MonotonicClock.from(origin, nanos).instant();

        assertThat(first).isAfterOrEqualTo(origin).isBefore(origin.plus(Duration.ofMinutes(10)));
        assertThat(second).isAfterOrEqualTo(first);
        assertThat(MonotonicClock.from(origin, nanos - Duration.ofHours(1).toNanos()).instant())
                .isAfterOrEqualTo(origin.plus(Duration.ofHours(1)));
    }

    @Test
    void theDefaultIsInUtcAndAnotherZoneKeepsItsTime() {
        ZoneId paris = ZoneId.of("Europe/Paris");

        assertThat(MonotonicClock.INSTANCE.getZone()).isEqualTo(ZoneOffset.UTC);
        assertThat(MonotonicClock.INSTANCE.withZone(paris).getZone()).isEqualTo(paris);
        Instant before = MonotonicClock.INSTANCE.instant();
        assertThat(MonotonicClock.INSTANCE.withZone(paris).instant()).isAfterOrEqualTo(before);
    }
}
