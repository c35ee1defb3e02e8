package org.starttls4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.starttls4j.smtp.Smtp;

class EventLogTest {

    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");
    private static final Negotiation ANY = Smtp.client(ClientConfig.builder("mail.example.test").build());

    /** One thing a flow records in a transition. */
    private record Step(int kind, String text, boolean encrypted) {
        void recordIn(Output out) {
            switch (kind) {
                case 0 -> out.received(text, encrypted);
                case 1 -> out.sent(text, encrypted);
                case 2 -> out.event(new Event.GreetingReceived(text, encrypted));
                default -> out.event(new Event.StartTlsAccepted());
            }
        }
    }

    @Provide
    Arbitrary<List<List<Step>>> transitions() {
        Arbitrary<String> line = Arbitraries.strings().withChars("ab \r\n").ofMaxLength(12);
        Arbitrary<Step> step = Combinators.combine(Arbitraries.integers().between(0, 3), line, Arbitraries.of(true, false))
                .as(Step::new);
        return step.list().ofMaxSize(6).list().ofMaxSize(12);
    }

    /**
     * Whatever the transitions recorded, and however the core cut a transition's transcript, the log
     * keeps exactly what a driver keeping each transition's built events line by line keeps: every
     * event, the first lines within the bounds, then one marker. Reading the transitions' events too
     * changes nothing.
     */
    @Property
    void keepsWhatTheEventsBuiltOneByOneWouldKeep(@ForAll("transitions") List<List<Step>> recorded,
                                                   @ForAll @IntRange(min = 0, max = 12) int maxLines,
                                                   @ForAll @IntRange(min = 0, max = 60) int maxChars,
                                                   @ForAll @IntRange(min = 1, max = 8) int coreLines,
                                                   @ForAll boolean readTransitions) {
        Limits limits = Limits.DEFAULT.withTranscript(coreLines, 40);
        EventLog log = new EventLog(maxLines, maxChars);
        Reference reference = new Reference(maxLines, maxChars);
        for (List<Step> steps : recorded) {
            Output out = Output.open(NOW, limits, true, null);
            steps.forEach(s -> s.recordIn(out));
            Transition t = out.to(ANY);
            out.close();
            if (readTransitions) {
                t.events();
            }
            log.add(t);
            reference.add(t.events());
        }

        assertThat(log.events()).isEqualTo(reference.kept).hasSameHashCodeAs(reference.kept);
        assertThat(log.events().toString()).isEqualTo(reference.kept.toString());
    }

    @Test
    void aListHandedOutIsImmutableAndLaterAdditionsLeaveItAsItWas() {
        EventLog log = new EventLog(10, 100);
        log.add(new Event.StartTlsAccepted());
        List<Event> first = log.events();
        log.add(new Event.Line(Event.Direction.RECEIVED, false, NOW, "220 ready"));

        assertThat(first).containsExactly(new Event.StartTlsAccepted());
        assertThat(log.events()).hasSize(2);
        assertThatThrownBy(() -> first.add(new Event.StartTlsAccepted())).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> first.remove(0)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(first::clear).isInstanceOf(UnsupportedOperationException.class);
        assertThat(EventLog.copyOf(first)).isSameAs(first);
        List<Event> mutable = new ArrayList<>(first);
        assertThat(EventLog.copyOf(mutable)).isNotSameAs(mutable).isEqualTo(mutable);
    }

    @Test
    void aLineBeyondTheBoundsIsReplacedByOneMarkerAndOtherEventsStay() {
        EventLog log = new EventLog(1, Integer.MAX_VALUE);
        Output out = Output.open(NOW, Limits.DEFAULT, true, null);
        out.received("220 ready", false);
        out.sent("EHLO a\r\nQUIT\r\n", false);
        out.event(new Event.StartTlsAccepted());
        Transition t = out.to(ANY);
        out.close();
        log.add(t);

        assertThat(log.events()).containsExactly(
                new Event.Line(Event.Direction.RECEIVED, false, NOW, "220 ready"),
                new Event.TranscriptTruncated(1, Integer.MAX_VALUE),
                new Event.StartTlsAccepted());
    }

    @Test
    void negativeBoundsAreRefused() {
        assertThatThrownBy(() -> new EventLog(-1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new EventLog(0, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    /** The driver's way before the log: every transition's events, built, kept line by line. */
    private static final class Reference {
        final List<Event> kept = new ArrayList<>();
        final int maxLines;
        final int maxChars;
        int lines;
        int chars;
        boolean cut;

        Reference(int maxLines, int maxChars) {
            this.maxLines = maxLines;
            this.maxChars = maxChars;
        }

        void add(List<Event> events) {
            for (Event e : events) {
                if (e instanceof Event.Line line) {
                    if (cut) {
                        continue;
                    }
                    if (lines + 1 > maxLines || chars + line.text().length() > maxChars) {
                        cut = true;
                        kept.add(new Event.TranscriptTruncated(maxLines, maxChars));
                        continue;
                    }
                    lines++;
                    chars += line.text().length();
                } else if (e instanceof Event.TranscriptTruncated) {
                    if (cut) {
                        continue;
                    }
                    cut = true;
                }
                kept.add(e);
            }
        }
    }
}
