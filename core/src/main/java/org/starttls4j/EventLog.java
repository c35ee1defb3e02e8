package org.starttls4j;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.RandomAccess;

/**
 * What a negotiation reported across its transitions, kept for when it ends: every event, and the
 * transcript's first lines within a bound (a long transcript is a hostile or broken peer's), then
 * one {@link Event.TranscriptTruncated} and no more lines. For a driver that hands the events over
 * at the end (a completion event, a report) rather than reading each transition's.
 *
 * <p>Cheap while the negotiation runs: a transition's transcript is kept as the core recorded it
 * (the strings the dialogs made), not as {@link Event.Line}s, and {@link #events()} hands out a
 * list that makes them only when it is first read. An application that never reads the events pays
 * for no line of them. Calling {@link Transition#events()} as well changes nothing here.
 *
 * <p>Not thread-safe: add from one thread. The lists {@link #events()} returns are immutable and
 * may be read from any thread.
 */
public final class EventLog {

    /** Room for a whole SMTP, IMAP or POP3 negotiation's transitions without growing. */
    private static final int EXPECTED_ENTRIES = 16;

    private final int maxLines;
    private final int maxChars;
    // Each a Transcript kept whole (its lines within the bounds) or an Event; never mutated once added.
    private Object[] kept = new Object[EXPECTED_ENTRIES];
    private int size;
    private int lines;
    private int chars;
    private boolean cut; // the marker is kept: no more lines

    /**
     * An empty log.
     *
     * @param maxLines the most transcript lines it keeps
     * @param maxChars the most transcript characters (of the lines' text) it keeps
     * @throws IllegalArgumentException if either is below 0
     */
    public EventLog(int maxLines, int maxChars) {
        if (maxLines < 0 || maxChars < 0) {
            throw new IllegalArgumentException("bounds must be at least 0: " + maxLines + " lines, " + maxChars + " characters");
        }
        this.maxLines = maxLines;
        this.maxChars = maxChars;
    }

    /**
     * Keeps what {@code transition} reported.
     *
     * @param transition a transition of the negotiation, in order
     */
    public void add(Transition transition) {
        Object recorded = transition.recorded();
        if (recorded instanceof Transcript transcript) {
            add(transcript);
        } else if (recorded instanceof List<?> events) {
            for (int i = 0, n = events.size(); i < n; i++) {
                add((Event) events.get(i));
            }
        }
    }

    /**
     * Keeps one event (e.g. a failure the driver saw and the negotiation could not): a
     * {@link Event.Line} within the bounds, any other event always.
     *
     * @param event what happened
     */
    public void add(Event event) {
        if (event instanceof Event.Line line) {
            if (cut) {
                return;
            }
            if (lines >= maxLines || line.text().length() > maxChars - chars) {
                cut = true;
                event = new Event.TranscriptTruncated(maxLines, maxChars);
            } else {
                lines++;
                chars += line.text().length();
            }
        } else if (event instanceof Event.TranscriptTruncated) {
            if (cut) {
                return;
            }
            cut = true; // the core cut a transition's lines: later lines would leave a gap
        }
        keep(event);
    }

    /**
     * Everything kept so far, in order: an immutable list whose lines are made on its first read.
     * Later additions do not change it.
     *
     * @return the events; the {@link Event.Line}s among them are the (bounded) transcript
     */
    public List<Event> events() {
        return new Kept(Arrays.copyOf(kept, size));
    }

    /**
     * An immutable copy of {@code events}; a list {@link #events()} returned is immutable already
     * and comes back as it is (its lines still unmade).
     *
     * @param events a list of events
     * @return an immutable list of the same events
     */
    public static List<Event> copyOf(List<Event> events) {
        return events instanceof Kept ? events : List.copyOf(events);
    }

    /** A transition's transcript: whole while it fits, else event by event. */
    private void add(Transcript transcript) {
        Object[] entries = transcript.entries();
        if (cut) {
            for (Object entry : entries) {
                if (entry instanceof Event event && !(event instanceof Event.TranscriptTruncated)) {
                    keep(event); // lines are cut: only the other events, no line made
                }
            }
            return;
        }
        int moreLines = 0;
        int moreChars = 0;
        for (int i = 0; i < entries.length; i++) {
            Object entry = entries[i];
            if (entry instanceof Event.TranscriptTruncated) {
                moreLines = Integer.MAX_VALUE; // cut inside: kept event by event below
                break;
            }
            if (entry instanceof String text) {
                moreLines += transcript.isSent(i) ? Transcript.sentLines(text) : 1;
                moreChars += transcript.isSent(i) ? Transcript.sentChars(text) : text.length();
            }
        }
        if (moreLines <= maxLines - lines && moreChars <= maxChars - chars) {
            lines += moreLines;
            chars += moreChars;
            keep(transcript);
            return;
        }
        List<Event> events = new ArrayList<>(entries.length);
        transcript.addTo(events);
        for (Event event : events) {
            add(event);
        }
    }

    private void keep(Object entry) {
        if (size == kept.length) {
            kept = Arrays.copyOf(kept, size * 2);
        }
        kept[size++] = entry;
    }

    /** What {@link #events()} hands out: the kept entries, made into events on the first read. */
    private static final class Kept extends AbstractList<Event> implements RandomAccess {

        private final Object[] entries;
        private volatile List<Event> made; // immutable (List.copyOf): safe to publish racily, and idempotent

        Kept(Object[] entries) {
            this.entries = entries;
        }

        private List<Event> made() {
            List<Event> events = made;
            if (events == null) {
                List<Event> building = new ArrayList<>(entries.length * 2);
                for (Object entry : entries) {
                    if (entry instanceof Transcript transcript) {
                        transcript.addTo(building);
                    } else {
                        building.add((Event) entry);
                    }
                }
                events = List.copyOf(building);
                made = events;
            }
            return events;
        }

        @Override
        public Event get(int index) {
            return made().get(index);
        }

        @Override
        public int size() {
            return made().size();
        }

        @Override
        public Iterator<Event> iterator() {
            return made().iterator();
        }

        @Override
        public Object[] toArray() {
            return made().toArray();
        }

        @Override
        public <T> T[] toArray(T[] a) {
            return made().toArray(a);
        }

        @Override
        public boolean containsAll(Collection<?> c) {
            return made().containsAll(c);
        }

        @Override
        public boolean equals(Object o) {
            return made().equals(o);
        }

        @Override
        public int hashCode() {
            return made().hashCode();
        }

        @Override
        public String toString() {
            return made().toString();
        }
    }
}
