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
 * <p><b>Outbound bytes.</b> Fed without a destination ({@code onReceived(bytes, now)}), a
 * transition owns all its outbound bytes: {@link #outbound()}. Fed with one
 * ({@code onReceived(bytes, destination, now)}, shaped like {@link javax.net.ssl.SSLEngine#wrap}),
 * the bytes are written into the caller's buffer from its position, which moves past them,
 * {@link #outboundWritten()} says how many, and only what did not fit is owned here: write the
 * destination's bytes first, then {@link #outbound()}. Nothing is ever lost.
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
    private final int outboundWritten; // bytes the call wrote into the caller's destination, before these
    private final List<Runnable> delegatedTasks;
    // The Transcript (or null: nothing happened) until events() first builds the List<Event> it holds
    // from then on; one field for both keeps a transition small. Racy but idempotent, like String.hashCode.
    private Object events;

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
        this(next, copy(outbound), 0, null, List.copyOf(delegatedTasks));
        this.events = List.copyOf(events);
    }

    /**
     * The core's own: the bytes, transcript and tasks were made for this transition alone;
     * {@code outboundWritten} bytes went into the caller's destination before {@code outbound}.
     */
    Transition(Negotiation next, byte[] outbound, int outboundWritten, Transcript transcript, List<Runnable> delegatedTasks) {
        this.next = Objects.requireNonNull(next, "next");
        this.outbound = outbound;
        this.outboundWritten = outboundWritten;
        this.events = transcript;
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
     * A fresh read-only view of the bytes to write to the peer that this transition owns (its
     * position is the caller's own): all of them when the call had no destination buffer; when it
     * had one, those that did not fit there, to write after the destination's.
     *
     * @return a fresh read-only view of the owned bytes to write to the peer
     */
    public ByteBuffer outbound() {
        // An empty read-only buffer has nothing a caller could move, so one serves every caller.
        return outbound.length == 0 ? NO_OUTBOUND : ByteBuffer.wrap(outbound).asReadOnlyBuffer();
    }

    /**
     * How many bytes the call that made this transition wrote into the caller's destination buffer
     * (they end at its position); 0 when it had none. They go to the peer before {@link #outbound()}.
     *
     * @return how many outbound bytes went into the caller's destination
     */
    public int outboundWritten() {
        return outboundWritten;
    }

    /**
     * Whether there is anything to write: bytes in the caller's destination or owned here.
     *
     * @return whether this transition produced any outbound bytes
     */
    public boolean hasOutbound() {
        return outboundWritten > 0 || outbound.length > 0;
    }

    /**
     * The owned outbound bytes ({@link #outbound()}) as a new array.
     *
     * @return the owned outbound bytes as a new array
     */
    public byte[] outboundBytes() {
        return outbound.clone();
    }

    /**
     * What happened, in order; the {@link Event.Line}s among them are the transcript.
     *
     * @return what happened, in order
     */
    @SuppressWarnings("unchecked")
    public List<Event> events() {
        Object recorded = events;
        if (recorded instanceof List<?> built) {
            return (List<Event>) built;
        }
        List<Event> built = recorded == null ? List.of() : ((Transcript) recorded).events();
        events = built;
        return built;
    }

    /** What {@link EventLog} keeps: the {@link Transcript} as recorded, the events once built (or given), or null for none. */
    Object recorded() {
        return events;
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
        return o instanceof Transition t && next.equals(t.next) && outboundWritten == t.outboundWritten && Arrays.equals(outbound, t.outbound)
                && events().equals(t.events()) && delegatedTasks.equals(t.delegatedTasks);
    }

    @Override
    public int hashCode() {
        return Objects.hash(next, outboundWritten, Arrays.hashCode(outbound), events(), delegatedTasks);
    }

    @Override
    public String toString() {
        return "Transition[next=" + next + (outboundWritten > 0 ? ", written=" + outboundWritten + " bytes" : "")
                + ", outbound=" + outbound.length + " bytes, events=" + events()
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
