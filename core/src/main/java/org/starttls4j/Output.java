package org.starttls4j;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Collects what one transition produces: bytes, events, delegated tasks. Lives for one call. */
final class Output implements Consumer<ByteBuffer> {

    private final Instant now;
    private byte[] bytes = new byte[0];
    private int length;
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
        int n = view.remaining();
        ensure(n);
        view.get(bytes, length, n);
        length += n;
    }

    void write(byte[] data) {
        ensure(data.length);
        System.arraycopy(data, 0, bytes, length, data.length);
        length += data.length;
    }

    private void ensure(int more) {
        if (length + more > bytes.length) {
            bytes = java.util.Arrays.copyOf(bytes, Math.max(length + more, bytes.length * 2));
        }
    }

    void received(String line, boolean encrypted) {
        events.add(new Event.Line(Event.Direction.RECEIVED, encrypted, now, line));
    }

    /** Records the lines of {@code text} (CRLF-separated) as sent. */
    void sent(String text, boolean encrypted) {
        int start = 0;
        while (start < text.length()) {
            int end = text.indexOf("\r\n", start);
            if (end < 0) {
                end = text.length();
            }
            events.add(new Event.Line(Event.Direction.SENT, encrypted, now, text.substring(start, end)));
            start = end + 2;
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
        return new Transition(next, ByteBuffer.wrap(bytes, 0, length).slice(), events, tasks);
    }
}
