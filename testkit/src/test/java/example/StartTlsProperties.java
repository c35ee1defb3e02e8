// README: testkit-jqwik
package example;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.starttls4j.ClientConfig;
import org.starttls4j.Failure;
import org.starttls4j.Outcome;
import org.starttls4j.Transition;
import org.starttls4j.smtp.Smtp;
import org.starttls4j.testkit.MailProtocol;
import org.starttls4j.testkit.ThrowawayPki;
import org.starttls4j.testkit.jqwik.MailArbitraries;
import org.starttls4j.testkit.jqwik.Readable;
import org.starttls4j.testkit.jqwik.Split;

class StartTlsProperties {

    static final ClientConfig CONFIG = ClientConfig.builder("localhost")
            .sslContext(ThrowawayPki.forServer("localhost").clientContext()).build();
    static final Instant NOW = Instant.EPOCH;

    @Property
    void nothingThatFollowsTheGoAheadInPlaintextIsActedOn(
            @ForAll("goAheadInAnyReads") Split goAhead, @ForAll("injections") String injected) {
        Transition t = Smtp.client(CONFIG).begin(NOW);
        t = t.next().onReceived(ascii("220 mx.example ESMTP\r\n"), NOW);
        t = t.next().onReceived(ascii("250-mx.example\r\n250 STARTTLS\r\n"), NOW);
        List<byte[]> reads = goAhead.reads();
        for (byte[] read : reads.subList(0, reads.size() - 1)) {
            t = t.next().onReceived(ByteBuffer.wrap(read), NOW);
        }
        // the attacker's bytes travel in the same packet as the go-ahead's last piece
        String last = new String(reads.get(reads.size() - 1), StandardCharsets.US_ASCII);
        t = t.next().onReceived(ascii(last + injected), NOW);

        assertThat(t.outcome()).as(Readable.transition(t)).get()   // a failing try prints state, bytes, events
                .isInstanceOfSatisfying(Outcome.Failed.class, failed ->
                        assertThat(failed.failure().reason()).isEqualTo(Failure.Reason.PLAINTEXT_INJECTION));
    }

    @Provide
    Arbitrary<Split> goAheadInAnyReads() {
        return MailArbitraries.splits("220 2.0.0 Ready to start TLS\r\n");
    }

    @Provide
    Arbitrary<String> injections() {
        return MailArbitraries.injectionPayloads(MailProtocol.SMTP);
    }

    static ByteBuffer ascii(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
    }
}
// README end
