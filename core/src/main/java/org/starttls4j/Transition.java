package org.starttls4j;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What one input to a {@link Negotiation} produced: the next state, the bytes to send, what
 * happened, and any delegated tasks. A value: two transitions are equal when they hold equal
 * states, bytes, events and tasks.
 *
 * <p>The transcript is built when it is read. A transition keeps the lines it crossed as the
 * strings the dialogs already made, and {@link #events()} turns them into {@link Event.Line}s on
 * the first call: an application that never reads the transcript does not pay for it.
 */
public final class Transition {

    private static final byte[] NO_BYTES = new byte[0];
    private static final ByteBuffer NO_OUTBOUND = ByteBuffer.allocate(0).asReadOnlyBuffer();

    private final Negotiation next;
    private final byte[] outbound; // owned: never handed out, only read-only views and copies
    private final Transcript transcript;
    private final List<Runnable> delegatedTasks;
    private List<Event> events; // built from the transcript on first read; racy but idempotent, like String.hashCode

    /**
     * A transition, for callers that assemble their own (tests, wrappers). Copies the bytes and the
     * lists.
     *
     * @param next            the state to feed next
     * @param outbound        bytes to write to the peer, in order, before anything else
     * @param events          what happened, in order
     * @param delegatedTasks  engine tasks to run before calling {@link Negotiation#onTasksCompleted}
     *                        (only with {@link DelegatedTasks#HAND_TO_CALLER}); empty otherwise
     */
    public Transition(Negotiation next, ByteBuffer outbound, List<Event> events, List<Runnable> delegatedTasks) {
        this(next, copy(outbound), null, List.copyOf(delegatedTasks));
        this.events = List.copyOf(events);
    }

    /** The core's own: the bytes, transcript and tasks were made for this transition alone. */
    Transition(Negotiation next, byte[] outbound, Transcript transcript, List<Runnable> delegatedTasks) {
        this.next = Objects.requireNonNull(next, "next");
        this.outbound = outbound;
        this.transcript = transcript;
        this.delegatedTasks = delegatedTasks;
    }

    /**
     * The state to feed next.
     *
     * @return the state to feed next
     */
    public Negotiation next() {
        return next;
    }

    /**
     * A fresh read-only view of the bytes to write to the peer (its position is the caller's own).
     *
     * @return a fresh read-only view of the bytes to write to the peer (its position is the caller's own)
     */
    public ByteBuffer outbound() {
        // An empty read-only buffer has nothing a caller could move, so one serves every caller.
        return outbound.length == 0 ? NO_OUTBOUND : ByteBuffer.wrap(outbound).asReadOnlyBuffer();
    }

    /**
     * The outbound bytes as a new array.
     *
     * @return the outbound bytes as a new array
     */
    public byte[] outboundBytes() {
        return outbound.clone();
    }

    /**
     * What happened, in order; the {@link Event.Line}s among them are the transcript.
     *
     * @return what happened, in order
     */
    public List<Event> events() {
        List<Event> built = events;
        if (built == null) {
            built = transcript == null ? List.of() : transcript.events();
            events = built;
        }
        return built;
    }

    /**
     * Engine tasks to run before calling {@link Negotiation#onTasksCompleted} (only with
     * {@link DelegatedTasks#HAND_TO_CALLER}); empty otherwise.
     *
     * @return the engine tasks to run before calling {@link Negotiation#onTasksCompleted} (only with {@link
     *         DelegatedTasks#HAND_TO_CALLER})
     */
    public List<Runnable> delegatedTasks() {
        return delegatedTasks;
    }

    /**
     * Whether the negotiation ended with this transition.
     *
     * @return whether the negotiation ended with this transition
     */
    public boolean isFinished() {
        return next.isFinished();
    }

    /**
     * How the negotiation ended, if it did.
     *
     * @return how the negotiation ended, if it did
     */
    public Optional<Outcome> outcome() {
        return next.outcome();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Transition t && next.equals(t.next) && Arrays.equals(outbound, t.outbound)
                && events().equals(t.events()) && delegatedTasks.equals(t.delegatedTasks);
    }

    @Override
    public int hashCode() {
        return Objects.hash(next, Arrays.hashCode(outbound), events(), delegatedTasks);
    }

    @Override
    public String toString() {
        return "Transition[next=" + next + ", outbound=" + outbound.length + " bytes, events=" + events()
                + ", delegatedTasks=" + delegatedTasks.size() + "]";
    }

    private static byte[] copy(ByteBuffer bytes) {
        if (!bytes.hasRemaining()) {
            return NO_BYTES;
        }
        byte[] copy = new byte[bytes.remaining()];
        bytes.get(bytes.position(), copy);
        return copy;
    }
}
