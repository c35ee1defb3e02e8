package org.starttls4j.nio;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.starttls4j.Limits;
import org.starttls4j.Timeouts;
import org.starttls4j.TlsPolicy;
import org.starttls4j.smtp.Smtp;

/**
 * What one busy connection costs a loop beside many quiet ones: its reads and answers, not a look
 * at every other connection the loop holds. A loop that ticked all its connections after every
 * select did work in proportion to the connections held for each segment one client sent, so a
 * client sending small segments fast made the loop's cost per segment grow with its load.
 * Counted (connections ticked by the loop's sweeps), never timed.
 */
class SweepCostTest {

    static final int QUIET = 300;
    static final int ROUND_TRIPS = 100;

    @Test
    void roundTripsOfOneClientDoNotTickTheQuietConnectionsEachTime() throws Exception {
        var config = Fixtures.server(TlsPolicy.REQUIRED).timeouts(Timeouts.of(Duration.ofMinutes(5)))
                .limits(Limits.DEFAULT.withMaxCommandsBeforeTls(ROUND_TRIPS + 10)).build();
        List<RawPeer> quiet = new ArrayList<>();
        try (NioServer server = NioServer.builder(config, Smtp::server).bind(Fixtures.anyLoopbackPort()).selectorThreads(1)
                .onSession(channel -> { }).start()) {
            for (int i = 0; i < QUIET; i++) {
                RawPeer p = new RawPeer(new Socket(server.localAddress().getAddress(), server.localAddress().getPort()));
                quiet.add(p);
                assertThat(p.line()).startsWith("220 ");
            }
            try (RawPeer busy = new RawPeer(new Socket(server.localAddress().getAddress(), server.localAddress().getPort()))) {
                assertThat(busy.line()).startsWith("220 ");
                long before = server.connectionsTicked();

                for (int i = 0; i < ROUND_TRIPS; i++) {
                    busy.send("NOOP\r\n");
                    assertThat(busy.reply()).startsWith("250 ");
                }

                long ticked = server.connectionsTicked() - before;
                assertThat(ticked).as("connections ticked during %d round trips beside %d quiet connections", ROUND_TRIPS, QUIET)
                        .isLessThan(QUIET * 5L);
                assertThat(server.stats().negotiating()).isEqualTo(QUIET + 1);
            }
        } finally {
            for (RawPeer p : quiet) {
                p.close();
            }
        }
    }
}
