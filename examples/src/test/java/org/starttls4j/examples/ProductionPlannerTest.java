package org.starttls4j.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.starttls4j.resolvers.DeliveryPlanner;
import org.starttls4j.resolvers.DnssecResolver;

class ProductionPlannerTest {

    @Test
    void theReadmesRootTrustAnchorIsReadable() {
        // Building the planner parses the root anchor; nothing is looked up yet.
        assertThat(DeliveringToAnotherDomain.productionPlanner()).isInstanceOf(DeliveryPlanner.class);
        assertThatThrownBy(() -> DnssecResolver.create(new InetSocketAddress("127.0.0.1", 53), "not a record",
                Clock.systemUTC(), Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class);
    }
}
