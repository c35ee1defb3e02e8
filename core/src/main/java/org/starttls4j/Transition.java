package org.starttls4j;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What one input to a {@link Negotiation} produced.
 *
 * @param next            the state to feed next
 * @param outbound        bytes to write to the peer, in order, before anything else; read-only
 * @param events          what happened, in order
 * @param delegatedTasks  engine tasks to run before calling {@link Negotiation#onTasksCompleted}
 *                        (only with {@link DelegatedTasks#HAND_TO_CALLER}); empty otherwise
 */
public record Transition(Negotiation next, ByteBuffer outbound, List<Event> events, List<Runnable> delegatedTasks) {

    /** Copies the lists and makes the bytes read-only. */
    public Transition {
        Objects.requireNonNull(next, "next");
        outbound = outbound.asReadOnlyBuffer();
        events = List.copyOf(events);
        delegatedTasks = List.copyOf(delegatedTasks);
    }

    /** A fresh read-only view of the outbound bytes (its position is the caller's own). */
    @Override
    public ByteBuffer outbound() {
        return outbound.duplicate();
    }

    /** The outbound bytes as a new array. */
    public byte[] outboundBytes() {
        ByteBuffer view = outbound();
        byte[] bytes = new byte[view.remaining()];
        view.get(bytes);
        return bytes;
    }

    /** Whether the negotiation ended with this transition. */
    public boolean isFinished() {
        return next.isFinished();
    }

    /** How the negotiation ended, if it did. */
    public Optional<Outcome> outcome() {
        return next.outcome();
    }
}
