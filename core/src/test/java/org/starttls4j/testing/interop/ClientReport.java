package org.starttls4j.testing.interop;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.starttls4j.Capabilities;
import org.starttls4j.Event;
import org.starttls4j.Failure;
import org.starttls4j.Session;
import org.starttls4j.TlsFacts;

/**
 * A client negotiation as the scenarios check it, read from its events alone, so that every
 * adapter can build one from what its own report carries.
 *
 * @param events the negotiation's events, in order
 */
public record ClientReport(List<Event> events) {

    /** Copies the list. */
    public ClientReport {
        events = List.copyOf(events);
    }

    /** Whether the negotiation handed over inside TLS. */
    public boolean encrypted() {
        return events.stream().anyMatch(Event.Secured.class::isInstance);
    }

    /** The handed-over session, secured or plaintext, if the negotiation did not fail. */
    public Optional<Session> session() {
        for (Event e : events) {
            if (e instanceof Event.Secured s) {
                return Optional.of(s.session());
            }
            if (e instanceof Event.HandedOverInPlaintext p) {
                return Optional.of(p.session());
            }
        }
        return Optional.empty();
    }

    /** The TLS facts, once the handshake completed. */
    public Optional<TlsFacts> tls() {
        return events.stream().filter(Event.TlsEstablished.class::isInstance).map(e -> ((Event.TlsEstablished) e).facts())
                .findFirst();
    }

    /** Why it failed, if it did. */
    public Optional<Failure> failure() {
        return events.stream().filter(Event.Failed.class::isInstance).map(e -> ((Event.Failed) e).failure()).findFirst();
    }

    /** Why an opportunistic negotiation went on in plaintext, if it did. */
    public Optional<Failure> fallback() {
        return events.stream().filter(Event.FellBackToPlaintext.class::isInstance)
                .map(e -> ((Event.FellBackToPlaintext) e).cause()).findFirst();
    }

    /** The last capabilities received in plaintext (empty if none). */
    public Capabilities capabilitiesBeforeTls() {
        return capabilities(false);
    }

    /** The last capabilities received inside TLS (empty if none). */
    public Capabilities capabilitiesAfterTls() {
        return capabilities(true);
    }

    private Capabilities capabilities(boolean encrypted) {
        Capabilities found = Capabilities.NONE;
        for (Event e : events) {
            if (e instanceof Event.CapabilitiesReceived c && c.encrypted() == encrypted) {
                found = c.capabilities();
            }
        }
        return found;
    }

    /** The greeting's text, if one was received. */
    public Optional<Event.GreetingReceived> greeting() {
        return events.stream().filter(Event.GreetingReceived.class::isInstance).map(Event.GreetingReceived.class::cast)
                .findFirst();
    }

    /** The transcript: every line with its direction and whether it travelled inside TLS. */
    public List<Event.Line> transcript() {
        return events.stream().filter(Event.Line.class::isInstance).map(Event.Line.class::cast).toList();
    }

    /** The lines we sent in plaintext. */
    public List<String> sentInPlaintext() {
        return transcript().stream().filter(l -> l.direction() == Event.Direction.SENT && !l.encrypted())
                .map(Event.Line::text).toList();
    }

    /** The lines we sent inside TLS. */
    public List<String> sentInsideTls() {
        return transcript().stream().filter(l -> l.direction() == Event.Direction.SENT && l.encrypted())
                .map(Event.Line::text).toList();
    }

    /** A readable transcript and outcome, for assertion messages. */
    public String describe() {
        String lines = transcript().stream()
                .map(l -> (l.direction() == Event.Direction.SENT ? "C: " : "S: ") + (l.encrypted() ? "[tls] " : "[plain] ") + l.text())
                .collect(Collectors.joining("\n"));
        return lines + "\noutcome: " + (failure().map(Failure::toString)
                .orElse(encrypted() ? "secured " + tls().map(TlsFacts::protocol).orElse("?") : "plaintext " + fallback()));
    }

    @Override
    public String toString() {
        return describe();
    }
}
