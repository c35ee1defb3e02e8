package org.starttls4j.testkit.jqwik;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.starttls4j.Event;
import org.starttls4j.Outcome;
import org.starttls4j.Transition;

/**
 * Renderings for humans: bytes with CR, LF and control bytes escaped, a {@link Transition} as its
 * state, bytes out, events and outcome, and a transcript line by line with direction and layer.
 * Use them as AssertJ descriptions ({@code .as(Readable.transcript(events))}) or in jqwik's
 * {@code Statistics}, so a failing property says what happened.
 */
public final class Readable {

    private Readable() {
    }

    /**
     * Bytes as text: printable ASCII as is, {@code \r \n \t \\ \"} escaped, other bytes as {@code \xNN}.
     *
     * @param bytes the bytes
     * @return the escaped text
     */
    public static String bytes(byte[] bytes) {
        StringBuilder s = new StringBuilder();
        for (byte b : bytes) {
            int c = b & 0xff;
            switch (c) {
                case '\r' -> s.append("\\r");
                case '\n' -> s.append("\\n");
                case '\t' -> s.append("\\t");
                case '\\' -> s.append("\\\\");
                case '"' -> s.append("\\\"");
                default -> {
                    if (c >= 0x20 && c < 0x7f) {
                        s.append((char) c);
                    } else {
                        s.append(String.format("\\x%02x", c));
                    }
                }
            }
        }
        return s.toString();
    }

    /**
     * A buffer's remaining bytes as text (its position is left alone).
     *
     * @param buffer the buffer
     * @return the escaped text
     */
    public static String bytes(ByteBuffer buffer) {
        byte[] copy = new byte[buffer.remaining()];
        buffer.duplicate().get(copy);
        return bytes(copy);
    }

    /**
     * A transition: the next state, what to send (or how much it wrote into the caller's buffer),
     * the events other than lines, and the outcome.
     *
     * @param transition the transition
     * @return several lines of text
     */
    public static String transition(Transition transition) {
        StringBuilder s = new StringBuilder("-> ").append(transition.next().state());
        if (transition.outboundWritten() > 0) { // its bytes are in the caller's buffer, not here
            s.append("\n   wrote ").append(transition.outboundWritten()).append(" bytes into the caller's buffer");
        }
        if (transition.outbound().hasRemaining()) {
            s.append("\n   send \"").append(bytes(transition.outbound())).append('"');
        }
        for (Event e : transition.events()) {
            if (!(e instanceof Event.Line)) {
                s.append("\n   event ").append(event(e));
            }
        }
        transition.outcome().ifPresent(o -> s.append("\n   outcome ").append(outcome(o)));
        return s.toString();
    }

    /**
     * A transcript: one line per {@link Event.Line}, {@code C:} or {@code S:} as seen from the side
     * that recorded it ({@code <<} received, {@code >>} sent), with its layer; other events between.
     *
     * @param events the events, e.g. of several transitions joined
     * @return several lines of text
     */
    public static String transcript(List<Event> events) {
        StringBuilder s = new StringBuilder();
        for (Event e : events) {
            if (s.length() > 0) {
                s.append('\n');
            }
            if (e instanceof Event.Line line) {
                s.append(line.encrypted() ? "[tls]   " : "[plain] ").append(line.direction() == Event.Direction.SENT ? ">> " : "<< ")
                        .append(bytes(line.text().getBytes(StandardCharsets.ISO_8859_1)));
            } else {
                s.append("        -- ").append(event(e));
            }
        }
        return s.toString();
    }

    private static String event(Event e) {
        if (e instanceof Event.TlsEstablished t) {
            return "TLS established: " + t.facts().protocol() + " " + t.facts().cipherSuite();
        }
        if (e instanceof Event.Failed f) {
            return "failed: " + f.failure();
        }
        return e.getClass().getSimpleName();
    }

    private static String outcome(Outcome o) {
        if (o instanceof Outcome.Failed f) {
            return "failed: " + f.failure();
        }
        return o instanceof Outcome.Secured ? "secured" : "plaintext";
    }
}
