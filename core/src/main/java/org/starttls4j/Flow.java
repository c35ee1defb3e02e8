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

    /** Whether this state holds an engine, and so may be fed only once. */
    boolean ownsEngine();

    String state();
}
