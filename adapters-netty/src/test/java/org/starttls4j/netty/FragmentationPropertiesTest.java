package org.starttls4j.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.starttls4j.netty.Fixtures.ascii;
import static org.starttls4j.netty.Fixtures.drainOutbound;

import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;
import org.starttls4j.TlsPolicy;
import org.starttls4j.netty.testing.Leaks;
import org.starttls4j.smtp.Smtp;

/**
 * However the peer's bytes are cut into reads, the handler writes the same bytes, fires the same
 * single event and hands the same unread bytes to the application.
 */
class FragmentationPropertiesTest {

    static final String SCRIPT = "EHLO c\r\nNOOP\r\nHELP\r\nMAIL FROM:<a@example.test>\r\nRCPT TO:<b@example.test>\r\n";

    record Run(String wire, List<String> order) {
    }

    static Run run(List<String> reads) {
        Fixtures.Recorder app = new Fixtures.Recorder();
        EmbeddedChannel channel = new EmbeddedChannel(new StartTlsServerHandler(Fixtures.server(TlsPolicy.OPPORTUNISTIC), Smtp::server), app);
        try {
            StringBuilder wire = new StringBuilder(drainOutbound(channel));
            for (String read : reads) {
                channel.writeInbound(ascii(read));
                wire.append(drainOutbound(channel));
            }
            List<String> order = new ArrayList<>(app.order);
            // the unread bytes may come in one piece and later reads in others: compare the bytes
            String received = app.received();
            order.removeIf(e -> e.startsWith("read:"));
            order.add("received:" + received);
            return new Run(wire.toString(), order);
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    static final Run WHOLE = run(List.of(SCRIPT));

    @Property(tries = 200)
    void anySplitGivesTheSameBytesAndTheSameOutcome(@ForAll @Size(max = 12) List<@IntRange(min = 1, max = 79) Integer> cuts) {
        TreeSet<Integer> points = new TreeSet<>(cuts);
        List<String> reads = new ArrayList<>();
        int from = 0;
        for (int cut : points) {
            if (cut < SCRIPT.length()) {
                reads.add(SCRIPT.substring(from, cut));
                from = cut;
            }
        }
        reads.add(SCRIPT.substring(from));

        Run split = run(reads);

        assertThat(split).isEqualTo(WHOLE);
        assertThat(WHOLE.order()).containsExactly("completion:Plaintext",
                "received:MAIL FROM:<a@example.test>\r\nRCPT TO:<b@example.test>\r\n");
    }

    @AfterContainer
    static void noLeaks() {
        Leaks.assertNone("the fragmentation properties");
    }
}
