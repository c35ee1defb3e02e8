package org.starttls4j;

import java.time.Instant;
import java.util.Optional;

/**
 * The role-specific logic behind a {@link Negotiation}: {@link ClientFlow} or {@link ServerFlow}.
 * Each value is one state; each method returns the transition to the next.
 */
interface Flow {

    Transition begin(Output out);

    Transition onReceived(java.nio.ByteBuffer bytes, Output out);

    Transition onEndOfStream(Output out);

    Transition onTick(Output out);

    Transition onTasksCompleted(Output out);

    Optional<Instant> deadline();

    Optional<Outcome> outcome();

    /** The bounds, of which the transcript's apply to every transition's {@link Output}. */
    Limits limits();

    /** A server's refusal at capacity; a client has none. */
    default Transition beginAtCapacity(Output out) {
        throw new IllegalStateException("only a server negotiation answers at capacity");
    }

    /** Whether this state holds an engine, and so may be fed only once. */
    boolean ownsEngine();

    String state();
}
