package org.starttls4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.starttls4j.smtp.Smtp;

/**
 * A transition's transcript bound is exact: a transcript of exactly the bound's lines and
 * characters is kept whole, and the next line is replaced by the one truncation marker.
 */
class TranscriptBoundsExactTest {

    private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
    private static final Negotiation ANY = Smtp.client(ClientConfig.builder("mail.example.test").build());

    private static List<Event> recorded(Limits limits, String... received) {
        Output out = new Output(NOW, limits);
        for (String line : received) {
            out.received(line, false);
        }
        return out.to(ANY).events();
    }

    @Test
    void exactlyTheBoundsLinesAreKeptAndTheNextIsCut() {
        Limits threeLines = Limits.DEFAULT.withTranscript(3, 1_000);
        assertThat(recorded(threeLines, "a", "b", "c")).hasSize(3).allSatisfy(e -> assertThat(e).isInstanceOf(Event.Line.class));
        assertThat(recorded(threeLines, "a", "b", "c", "d")).hasSize(4).last().isInstanceOf(Event.TranscriptTruncated.class);
    }

    @Test
    void exactlyTheBoundsCharactersAreKeptAndOneMoreIsCut() {
        Limits tenCharacters = Limits.DEFAULT.withTranscript(100, 10);
        assertThat(recorded(tenCharacters, "12345", "67890")).hasSize(2).allSatisfy(e -> assertThat(e).isInstanceOf(Event.Line.class));
        assertThat(recorded(tenCharacters, "12345", "678901")).hasSize(2).last().isInstanceOf(Event.TranscriptTruncated.class);
    }

    @Test
    void aSentTextOfSeveralLinesCountsEachLine() {
        Output out = new Output(NOW, Limits.DEFAULT.withTranscript(2, 1_000));
        out.sent("EHLO a\r\nMAIL FROM:<>\r\n", false);
        out.sent("RCPT TO:<b@example.test>\r\n", false);
        List<Event> events = out.to(ANY).events();
        assertThat(events).hasSize(3);
        assertThat(events.get(0)).isEqualTo(new Event.Line(Event.Direction.SENT, false, NOW, "EHLO a"));
        assertThat(events.get(2)).isInstanceOf(Event.TranscriptTruncated.class);
    }
}
