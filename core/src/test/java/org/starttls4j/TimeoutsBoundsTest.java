package org.starttls4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A timeout of zero or less would end every negotiation at once, or never: each one is refused. */
class TimeoutsBoundsTest {

    private static final Duration ONE = Duration.ofSeconds(1);

    @Test
    void zeroOrNegativeTimeoutsAreRefusedAndTheShortestPositiveOneIsTaken() {
        for (Duration bad : new Duration[] {Duration.ZERO, Duration.ofNanos(-1), Duration.ofSeconds(-30)}) {
            assertThatThrownBy(() -> new Timeouts(bad, ONE)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> new Timeouts(ONE, bad)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> new Timeouts(ONE, ONE, bad, ONE)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> new Timeouts(ONE, ONE, ONE, bad)).isInstanceOf(IllegalArgumentException.class);
        }
        Timeouts shortest = new Timeouts(Duration.ofNanos(1), Duration.ofNanos(1));
        assertThat(shortest.perStep()).isEqualTo(Duration.ofNanos(1));
        assertThat(shortest.firstCommand()).isEqualTo(Duration.ofNanos(1));
    }
}
