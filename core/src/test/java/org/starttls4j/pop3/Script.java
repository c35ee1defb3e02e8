package org.starttls4j.pop3;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.starttls4j.Event;
import org.starttls4j.Failure;
import org.starttls4j.Negotiation;
import org.starttls4j.Outcome;
import org.starttls4j.Transition;

/**
 * Drives one negotiation by hand, one input at a time, and keeps everything it sent and reported.
 * Each input is one read from the peer.
 */
final class Script {

    private Transition last;
    private final ByteArrayOutputStream sent = new ByteArrayOutputStream();
    private final List<Event> events = new ArrayList<>();

    private Script(Transition first) {
        take(first);
    }

    static Script begin(Negotiation negotiation) {
        return new Script(negotiation.begin(Fixtures.T0));
    }

    /** Feeds {@code text} as one read. */
    Script receive(String text) {
        return receive(Fixtures.bytes(text));
    }

    /** Feeds {@code bytes} as one read. */
    Script receive(byte[] bytes) {
        return take(last.next().onReceived(ByteBuffer.wrap(bytes), Fixtures.T0));
    }

    Script tick(Instant now) {
        return take(last.next().onTick(now));
    }

    Script endOfStream() {
        return take(last.next().onEndOfStream(Fixtures.T0));
    }

    private Script take(Transition t) {
        last = t;
        sent.writeBytes(t.outboundBytes());
        events.addAll(t.events());
        return this;
    }

    /** Everything sent so far, as ISO-8859-1 text. */
    String sent() {
        return Fixtures.text(sent.toByteArray());
    }

    /** What the last input made the negotiation send. */
    byte[] lastSent() {
        return last.outboundBytes();
    }

    Transition last() {
        return last;
    }

    Negotiation negotiation() {
        return last.next();
    }

    List<Event> events() {
        return List.copyOf(events);
    }

    <E extends Event> List<E> events(Class<E> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }

    boolean finished() {
        return last.isFinished();
    }

    Outcome outcome() {
        return last.outcome().orElseThrow(() -> new AssertionError("not finished: " + last.next()));
    }

    /** The failure (the test fails if the negotiation did not fail). */
    Failure failure() {
        Outcome o = outcome();
        if (!(o instanceof Outcome.Failed)) {
            throw new AssertionError("expected a failure, got " + o);
        }
        return ((Outcome.Failed) o).failure();
    }

    Failure.Reason reason() {
        return failure().reason();
    }

    /** The remaining bytes of a buffer, without moving its position. */
    static byte[] drain(java.nio.ByteBuffer buffer) {
        java.nio.ByteBuffer view = buffer.duplicate();
        byte[] bytes = new byte[view.remaining()];
        view.get(bytes);
        return bytes;
    }
}
