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
        for (int i = 0; i < entries.length; i++) {
            Object entry = entries[i];
            if (entry instanceof Event) {
                built.add((Event) entry);
                continue;
            }
            String text = (String) entry;
            int flag = flags == null ? 0 : flags[i];
            boolean encrypted = (flag & ENCRYPTED) != 0;
            if ((flag & SENT) == 0) {
                built.add(new Event.Line(Event.Direction.RECEIVED, encrypted, at, text));
                continue;
            }
            int start = 0;
            while (start < text.length()) {
                int end = text.indexOf("\r\n", start);
                if (end < 0) {
                    end = text.length();
                }
                built.add(new Event.Line(Event.Direction.SENT, encrypted, at, text.substring(start, end)));
                start = end + 2;
            }
        }
        return List.copyOf(built);
    }
}
