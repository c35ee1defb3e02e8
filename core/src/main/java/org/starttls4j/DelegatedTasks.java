package org.starttls4j;

/**
 * Where the {@link javax.net.ssl.SSLEngine}'s delegated tasks (certificate path validation, key
 * exchange) run.
 */
public enum DelegatedTasks {
    /** On the caller's thread, inside the transition. Simple, and right for blocking I/O. */
    RUN_INLINE,
    /**
     * Handed back in {@link Transition#delegatedTasks()}: the caller runs them (on an executor, so
     * an event loop never blocks) and then calls {@link Negotiation#onTasksCompleted}.
     */
    HAND_TO_CALLER
}
