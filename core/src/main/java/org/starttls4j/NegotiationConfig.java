package org.starttls4j;

import javax.net.ssl.SSLEngine;
import org.starttls4j.internal.tls.EngineSetup;

/**
 * The settings a client's and a server's configuration share: the policy, the TLS floor, where
 * engines come from, the bounds, the deadlines and where delegated engine tasks run. They are set
 * the same way on both builders ({@link ConfigBuilder}), and whether the transcript is recorded; what only one side has (names,
 * certificates, capabilities) is on {@link ClientConfig} and {@link ServerConfig}. Immutable.
 */
public abstract sealed class NegotiationConfig permits ClientConfig, ServerConfig {

    private final TlsPolicy policy;
    private final TlsVersion tlsFloor;
    private final EngineFactory engineFactory;
    private final Limits limits;
    private final Timeouts timeouts;
    private final DelegatedTasks delegatedTasks;
    private final boolean recordsTranscript;

    NegotiationConfig(ConfigBuilder<?> b, EngineFactory engineFactory) {
        this.policy = b.policy;
        this.tlsFloor = b.tlsFloor;
        this.engineFactory = engineFactory;
        this.limits = b.limits;
        this.timeouts = b.timeouts;
        this.delegatedTasks = b.delegatedTasks;
        this.recordsTranscript = b.recordTranscript;
    }

    /**
     * Checks, on one engine, that the engines enable a TLS version at or above the floor, so that
     * a configuration that cannot reach the floor is refused when it is built rather than at the
     * peer's STARTTLS. A {@code PLAINTEXT_ONLY} configuration makes no engine and is not checked.
     *
     * @param host the peer's name for the probe engine, or null
     * @param port the peer's port, or -1
     * @param what what made the engines, for the message
     */
    final void requireFloorReachable(String host, int port, String what) {
        if (policy == TlsPolicy.PLAINTEXT_ONLY) {
            return;
        }
        SSLEngine probe = engineFactory.create(host, port);
        try {
            EngineSetup.requireVersionAtOrAbove(probe, tlsFloor.floor(), what);
        } finally {
            engineFactory.release(probe);
        }
    }

    /**
     * The policy.
     *
     * @return the policy
     */
    public final TlsPolicy policy() {
        return policy;
    }

    /**
     * The oldest TLS version accepted.
     *
     * @return the floor
     */
    public final TlsVersion tlsFloor() {
        return tlsFloor;
    }

    /**
     * Where engines come from: the caller's own factory or {@link javax.net.ssl.SSLContext}, or
     * one made from the configuration's settings when it was built.
     *
     * @return the engine factory
     */
    public final EngineFactory engineFactory() {
        return engineFactory;
    }

    /**
     * Bounds on what the peer may make this side hold.
     *
     * @return the limits
     */
    public final Limits limits() {
        return limits;
    }

    /**
     * How long to wait for the peer.
     *
     * @return the timeouts
     */
    public final Timeouts timeouts() {
        return timeouts;
    }

    /**
     * Where delegated engine tasks run.
     *
     * @return the choice
     */
    public final DelegatedTasks delegatedTasks() {
        return delegatedTasks;
    }

    /**
     * Whether transitions report the transcript ({@link ConfigBuilder#recordTranscript}).
     *
     * @return whether the lines crossed are recorded
     */
    public final boolean recordsTranscript() {
        return recordsTranscript;
    }
}
