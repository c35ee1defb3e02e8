package org.starttls4j;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Collects what one transition produces: bytes, events, delegated tasks. Lives for one call. */
final class Output implements Consumer<ByteBuffer> {

    private final Instant now;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final List<Event> events = new ArrayList<>();
    private final List<Runnable> tasks = new ArrayList<>();

    Output(Instant now) {
        this.now = now;
    }

    Instant now() {
        return now;
    }

    @Override
    public void accept(ByteBuffer buffer) {
        ByteBuffer view = buffer.duplicate();
        byte[] chunk = new byte[view.remaining()];
        view.get(chunk);
        bytes.write(chunk, 0, chunk.length);
    }

    void write(byte[] data) {
        bytes.write(data, 0, data.length);
    }

    void received(String line, boolean encrypted) {
        events.add(new Event.Line(Event.Direction.RECEIVED, encrypted, now, line));
    }

    /** Records the lines of {@code text} (CRLF-separated) as sent. */
    void sent(String text, boolean encrypted) {
        for (String line : text.split("\r\n")) {
            events.add(new Event.Line(Event.Direction.SENT, encrypted, now, line));
        }
    }

    void event(Event event) {
        events.add(event);
    }

    void events(List<Event> more) {
        events.addAll(more);
    }

    void tasks(List<Runnable> more) {
        tasks.addAll(more);
    }

    Transition to(Negotiation next) {
        return new Transition(next, ByteBuffer.wrap(bytes.toByteArray()), events, tasks);
    }
}
