package org.starttls4j;

import java.util.Objects;

/**
 * The settings a client's and a server's configuration share ({@link NegotiationConfig}), set the
 * same way on both builders: the policy, the TLS floor, the bounds, the deadlines and where
 * delegated engine tasks run. The
 * settings only one side has (names, certificates, capabilities) are on {@link ClientConfig.Builder}
 * and {@link ServerConfig.Builder}; the engine factory too, since each side checks it differently.
 *
 * @param <B> the concrete builder, which every setter returns so that calls chain
 */
public abstract sealed class ConfigBuilder<B extends ConfigBuilder<B>> permits ClientConfig.Builder, ServerConfig.Builder {

    TlsPolicy policy = TlsPolicy.REQUIRED;
    TlsVersion tlsFloor = TlsVersion.TLS_1_2;
    Limits limits = Limits.DEFAULT;
    Timeouts timeouts = Timeouts.DEFAULT;
    DelegatedTasks delegatedTasks = DelegatedTasks.RUN_INLINE;
    boolean recordTranscript = true;

    ConfigBuilder() {
    }

    /** This builder as its own type. */
    abstract B self();

    /** Presets the shared settings from {@code config}, for a variant of it. */
    B withSettingsOf(NegotiationConfig config) {
        this.policy = config.policy();
        this.tlsFloor = config.tlsFloor();
        this.limits = config.limits();
        this.timeouts = config.timeouts();
        this.delegatedTasks = config.delegatedTasks();
        this.recordTranscript = config.recordsTranscript();
        return self();
    }

    /**
     * The policy; default {@link TlsPolicy#REQUIRED}.
     *
     * @param value the policy
     * @return this builder
     */
    public B policy(TlsPolicy value) {
        this.policy = Objects.requireNonNull(value, "policy");
        return self();
    }

    /**
     * The oldest TLS version accepted; default TLS 1.2. The engines must enable a version at or
     * above it; {@code build()} checks one.
     *
     * @param value the floor
     * @return this builder
     */
    public B tlsFloor(TlsVersion value) {
        this.tlsFloor = Objects.requireNonNull(value, "tlsFloor");
        return self();
    }

    /**
     * Whether transitions report the transcript ({@link Event.Line}s, and
     * {@link Event.TranscriptTruncated} past the bounds of {@link Limits}); default true. With false
     * no line is recorded at all, so a negotiation allocates nothing for a transcript (about 1 KB
     * per negotiation): for a server that never reads it. The other events are reported either way.
     *
     * @param value whether to record the transcript
     * @return this builder
     */
    public B recordTranscript(boolean value) {
        this.recordTranscript = value;
        return self();
    }

    /**
     * Bounds on what the peer may make this side hold; default {@link Limits#DEFAULT}.
     *
     * @param value the limits
     * @return this builder
     */
    public B limits(Limits value) {
        this.limits = Objects.requireNonNull(value, "limits");
        return self();
    }

    /**
     * How long to wait for the peer; default {@link Timeouts#DEFAULT}.
     *
     * @param value the timeouts
     * @return this builder
     */
    public B timeouts(Timeouts value) {
        this.timeouts = Objects.requireNonNull(value, "timeouts");
        return self();
    }

    /**
     * Where delegated engine tasks run; default inline.
     *
     * @param value the choice
     * @return this builder
     */
    public B delegatedTasks(DelegatedTasks value) {
        this.delegatedTasks = Objects.requireNonNull(value, "delegatedTasks");
        return self();
    }
}
