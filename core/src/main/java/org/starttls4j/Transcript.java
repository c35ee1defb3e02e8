package org.starttls4j;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The events of one transition as the flows recorded them, before anyone asked for them:
 * {@link Event}s as they are, and transcript lines kept as the strings the dialogs already made,
 * each with its direction and layer. {@link #events()} builds the {@link Event.Line}s.
 *
 * @param entries an {@link Event}, or a {@code String}: one received line, or text sent (one or
 *                more lines, each ending in CRLF)
 * @param flags   per entry, for strings: the {@link #SENT} and {@link #ENCRYPTED} bits; null when all are 0
 * @param at      when every line of this transition crossed the wire (the time passed in)
 */
record Transcript(Object[] entries, byte[] flags, Instant at) {

    static final byte SENT = 1;
    static final byte ENCRYPTED = 2;

    /** The events, in order, as an unmodifiable list. */
    List<Event> events() {
        List<Event> built = new ArrayList<>(entries.length);
        addTo(built);
        return List.copyOf(built);
    }

    /** Adds the events, in order, to {@code events}. */
    void addTo(List<Event> events) {
        for (int i = 0; i < entries.length; i++) {
            Object entry = entries[i];
            if (entry instanceof Event) {
                events.add((Event) entry);
                continue;
            }
            String text = (String) entry;
            boolean encrypted = (flag(i) & ENCRYPTED) != 0;
            if (!isSent(i)) {
                events.add(new Event.Line(Event.Direction.RECEIVED, encrypted, at, text));
                continue;
            }
            for (int start = 0, end; start < text.length(); start = end + 2) {
                end = lineEnd(text, start);
                events.add(new Event.Line(Event.Direction.SENT, encrypted, at, text.substring(start, end)));
            }
        }
    }

    /** Whether entry {@code i}, a string, is text sent (its lines end in CRLF) rather than one line received. */
    boolean isSent(int i) {
        return (flag(i) & SENT) != 0;
    }

    private int flag(int i) {
        return flags == null ? 0 : flags[i];
    }

    /** How many {@link Event.Line}s text sent makes: as many as {@link #addTo} makes of it. */
    static int sentLines(String text) {
        int n = 0;
        for (int start = 0; start < text.length(); start = lineEnd(text, start) + 2) {
            n++;
        }
        return n;
    }

    /** The characters of the {@link Event.Line}s text sent makes (its CRLFs not counted). */
    static int sentChars(String text) {
        int n = 0;
        for (int start = 0, end; start < text.length(); start = end + 2) {
            end = lineEnd(text, start);
            n += end - start;
        }
        return n;
    }

    /** Where the line starting at {@code start} ends: its CRLF, or the text's end. */
    private static int lineEnd(String text, int start) {
        int end = text.indexOf("\r\n", start);
        return end < 0 ? text.length() : end;
    }
}
