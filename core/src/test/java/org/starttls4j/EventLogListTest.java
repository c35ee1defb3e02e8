package org.starttls4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The list {@link EventLog#events()} hands out is a list like any other to its reader: iterated,
 * copied to an array, searched and compared, it holds exactly the events kept, in order.
 */
class EventLogListTest {

    private static final Instant T0 = Instant.parse("2026-12-07T12:00:00Z");

    @Test
    void theKeptEventsReadAsAnOrdinaryList() {
        Event greeting = new Event.Line(Event.Direction.RECEIVED, false, T0, "220 mail.example.test ESMTP");
        Event ehlo = new Event.Line(Event.Direction.SENT, false, T0, "EHLO client.example.test");
        Event other = new Event.Line(Event.Direction.SENT, false, T0, "QUIT");
        EventLog log = new EventLog(10, 1_000);
        log.add(greeting);
        log.add(ehlo);
        List<Event> events = log.events();

        assertThat(events.iterator()).toIterable().containsExactly(greeting, ehlo);
        assertThat(events.toArray()).containsExactly(greeting, ehlo);
        assertThat(events.toArray(new Event[0])).containsExactly(greeting, ehlo);
        assertThat(events.containsAll(List.of(ehlo, greeting))).isTrue();
        assertThat(events.containsAll(List.of(ehlo, other))).isFalse();
        assertThat(events.equals(List.of(greeting, ehlo))).isTrue();
        assertThat(events.equals(List.of(greeting))).isFalse();
        assertThat(events.equals(List.of(greeting, other))).isFalse();
        assertThat(events).hasSameHashCodeAs(List.of(greeting, ehlo));
        assertThat(events.toString()).isEqualTo(List.of(greeting, ehlo).toString());
    }
}
