package org.starttls4j.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.starttls4j.server.ServerBoundsTest.NOW;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.starttls4j.Event;
import org.starttls4j.Failure;
import org.starttls4j.Limits;
import org.starttls4j.Negotiation;
import org.starttls4j.Outcome;
import org.starttls4j.ServerConfig;
import org.starttls4j.TlsPolicy;
import org.starttls4j.Transition;

/**
 * The server's bounds hold for arbitrary input: what it sends grows with the commands it answers,
 * never with what the client sends; no transition reports more transcript than its bound; nothing
 * the client sends makes it throw.
 */
class ServerBoundsPropertiesTest {

    static final int COMMANDS = 3;
    static final Limits SMALL = new Limits(200, 10, 16 * 1024, 100).withMaxCommandsBeforeTls(COMMANDS).withTranscript(6, 300);
    /** Longer than any one answer of the three dialogs (an EHLO reply here is under 200 bytes). */
    static final int LONGEST_ANSWER = 400;

    @Provide
    Arbitrary<String> junk() {
        Arbitrary<String> commands = Arbitraries.of("EHLO x", "HELO x", "NOOP", "RSET", "a CAPABILITY", "b NOOP", "CAPA",
                "a NOOP {5+}", "QUIT", "USER u", "MAIL FROM:<a@b>", "x", "");
        Arbitrary<String> garbage = Arbitraries.strings().withCharRange('\0', '\u00ff').ofMaxLength(40);
        Arbitrary<String> line = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, commands), net.jqwik.api.Tuple.of(1, garbage));
        return line.list().ofMaxSize(300).map(lines -> String.join("\r\n", lines) + "\r\n");
    }

    @Property(tries = 300)
    void theServerAnswersAtMostTheCapWhateverItIsSent(@ForAll ServerBoundsTest.Protocol protocol, @ForAll("junk") String input,
            @ForAll @Size(max = 8) List<@IntRange(min = 0, max = 20_000) Integer> cuts) {
        ServerConfig config = ServerBoundsTest.config(TlsPolicy.REQUIRED).limits(SMALL).build();
        byte[] bytes = input.getBytes(StandardCharsets.ISO_8859_1);
        Transition t = protocol.server.apply(config).begin(NOW);
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        sent.writeBytes(t.outboundBytes());
        int position = 0;
        for (int cut : cuts.stream().sorted().toList()) {
            t = step(t, bytes, position, Math.min(cut, bytes.length), sent);
            position = Math.max(position, Math.min(cut, bytes.length));
        }
        t = step(t, bytes, position, bytes.length, sent);

        assertThat(sent.size()).as("greeting and answers, whatever the input's size")
                .isLessThanOrEqualTo((COMMANDS + 2) * LONGEST_ANSWER);
        if (t.outcome().orElse(null) instanceof Outcome.Failed failed
                && failed.failure().reason() == Failure.Reason.TOO_MANY_COMMANDS) {
            assertThat(new String(t.outboundBytes(), StandardCharsets.ISO_8859_1)).endsWith(protocol.tooMany);
        }
    }

    private static Transition step(Transition t, byte[] bytes, int from, int to, ByteArrayOutputStream sent) {
        if (t.isFinished() || to <= from) {
            return t;
        }
        Transition next = t.next().onReceived(ByteBuffer.wrap(bytes, from, to - from), NOW);
        sent.writeBytes(next.outboundBytes());
        assertTranscriptBounded(next);
        return next;
    }

    static void assertTranscriptBounded(Transition t) {
        List<Event> events = t.events();
        List<Event.Line> lines = events.stream().filter(e -> e instanceof Event.Line).map(e -> (Event.Line) e).toList();
        assertThat(lines).hasSizeLessThanOrEqualTo(SMALL.maxTranscriptLines());
        assertThat(lines.stream().mapToInt(l -> l.text().length()).sum()).isLessThanOrEqualTo(SMALL.maxTranscriptBytes());
        assertThat(events.stream().filter(e -> e instanceof Event.TranscriptTruncated)).hasSizeLessThanOrEqualTo(1);
    }

    @Property(tries = 200)
    void noTransitionReportsMoreTranscriptThanItsBound(@ForAll ServerBoundsTest.Protocol protocol, @ForAll("junk") String input) {
        ServerConfig config = ServerBoundsTest.config(TlsPolicy.OPPORTUNISTIC)
                .limits(SMALL.withMaxCommandsBeforeTls(1000)).build();
        Negotiation greeted = protocol.server.apply(config).begin(NOW).next();

        Transition t = greeted.onReceived(ByteBuffer.wrap(input.getBytes(StandardCharsets.ISO_8859_1)), NOW);

        assertTranscriptBounded(t);
        assertThat(t.outboundBytes().length).isLessThanOrEqualTo(1000 * LONGEST_ANSWER);
    }
}
