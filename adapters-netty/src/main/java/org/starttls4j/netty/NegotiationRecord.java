package org.starttls4j.netty;

import java.util.ArrayList;
import java.util.List;
import org.starttls4j.Event;

/**
 * What a handler keeps of its negotiation for the completion event: every event, but a bounded
 * transcript, as a server facing the Internet needs it: the first {@value #MAX_TRANSCRIPT_LINES}
 * lines, then one {@link Event.TranscriptTruncated} and no more lines (as the core does within one
 * transition). A long transcript is a hostile or broken peer's.
 */
final class NegotiationRecord {

    /** Transcript lines kept across the negotiation; all other events are kept. */
    static final int MAX_TRANSCRIPT_LINES = 64;

    /** Room for a whole SMTP, IMAP or POP3 negotiation's events without growing: lines, capabilities, TLS, outcome. */
    private static final int EXPECTED_EVENTS = 32;

    private final List<Event> events = new ArrayList<>(EXPECTED_EVENTS);
    private int lines;
    private boolean cut;

    void add(List<Event> happened) {
        for (int i = 0, n = happened.size(); i < n; i++) { // no iterator per transition: the core's lists are random-access
            add(happened.get(i));
        }
    }

    void add(Event e) {
        if (e instanceof Event.Line || e instanceof Event.TranscriptTruncated) {
            if (cut) {
                return;
            }
            if (e instanceof Event.TranscriptTruncated) {
                cut = true;
            } else if (lines++ == MAX_TRANSCRIPT_LINES) {
                cut = true;
                e = new Event.TranscriptTruncated(MAX_TRANSCRIPT_LINES, Integer.MAX_VALUE);
            }
        }
        events.add(e);
    }

    /** The events so far; the completion event copies them. */
    List<Event> events() {
        return events;
    }
}
