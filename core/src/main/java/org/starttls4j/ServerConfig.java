package org.starttls4j;

import java.util.Objects;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.starttls4j.tls.EngineSetup;

/**
 * Everything a server negotiation needs to know. Immutable and reusable; build one with
 * {@link #builder()}.
 *
 * <p>Capabilities are given as the protocol spells them (SMTP EHLO keywords, IMAP capability
 * atoms, POP3 CAPA tags). The negotiation adds {@code STARTTLS}/{@code STLS} before TLS when the
 * policy allows TLS, never after; it withholds {@code AUTH} (and {@code LOGIN}-style mechanisms)
 * before TLS unless {@link Builder#allowAuthBeforeTls(boolean)} says otherwise.
 */
public final class ServerConfig {

    private final TlsPolicy policy;
    private final String hostname;
    private final TlsVersion tlsFloor;
    private final EngineFactory engineFactory;
    private final Capabilities capabilitiesBeforeTls;
    private final Capabilities capabilitiesAfterTls;
    private final boolean allowAuthBeforeTls;
    private final Limits limits;
    private final Timeouts timeouts;
    private final DelegatedTasks delegatedTasks;

    private ServerConfig(Builder b) {
        this.policy = b.policy;
        this.hostname = b.hostname;
        this.tlsFloor = b.tlsFloor;
        this.capabilitiesBeforeTls = b.capabilitiesBeforeTls;
        // STARTTLS (SMTP, IMAP) and STLS (POP3) are never announced once TLS is up (RFC 3207 §4.2).
        this.capabilitiesAfterTls = new Capabilities(b.capabilitiesAfterTls.list().stream()
                .filter(c -> !c.is("STARTTLS") && !c.is("STLS")).collect(java.util.stream.Collectors.toList()));
        this.allowAuthBeforeTls = b.allowAuthBeforeTls;
        this.limits = b.limits;
        this.timeouts = b.timeouts;
        this.delegatedTasks = b.delegatedTasks;
        if (b.engineFactory != null) {
            this.engineFactory = b.engineFactory;
        } else if (b.sslContext != null) {
            SSLContext context = b.sslContext;
            this.engineFactory = (host, port) -> context.createSSLEngine();
        } else if (policy == TlsPolicy.PLAINTEXT_ONLY) {
            this.engineFactory = (host, port) -> {
                throw new IllegalStateException("PLAINTEXT_ONLY never makes an SSLEngine");
            };
        } else {
            throw new IllegalStateException("a server that offers TLS needs an sslContext or engineFactory");
        }
        if (policy != TlsPolicy.PLAINTEXT_ONLY) {
            SSLEngine probe = engineFactory.create(null, -1);
            try {
                EngineSetup.requireVersionAtOrAbove(probe, tlsFloor, b.engineFactory != null ? "the engineFactory" : "the sslContext");
            } finally {
                engineFactory.release(probe);
            }
        }
    }

    /** A builder with the safe defaults: {@link TlsPolicy#REQUIRED}, TLS 1.2 floor, no AUTH before TLS. */
    public static Builder builder() {
        return new Builder();
    }

    /** The policy. */
    public TlsPolicy policy() {
        return policy;
    }

    /** The host name the server gives itself in greetings. */
    public String hostname() {
        return hostname;
    }

    /** The oldest TLS version accepted. */
    public TlsVersion tlsFloor() {
        return tlsFloor;
    }

    /** Where engines come from. */
    public EngineFactory engineFactory() {
        return engineFactory;
    }

    /** The capabilities announced before TLS, without STARTTLS (added by the negotiation). */
    public Capabilities capabilitiesBeforeTls() {
        return capabilitiesBeforeTls;
    }

    /** The capabilities the application announces once TLS is up; never STARTTLS or STLS. */
    public Capabilities capabilitiesAfterTls() {
        return capabilitiesAfterTls;
    }

    /** Whether AUTH may be announced and used before TLS. */
    public boolean allowAuthBeforeTls() {
        return allowAuthBeforeTls;
    }

    /** Bounds on what the client may make us hold. */
    public Limits limits() {
        return limits;
    }

    /** How long to wait. */
    public Timeouts timeouts() {
        return timeouts;
    }

    /** Where delegated engine tasks run. */
    public DelegatedTasks delegatedTasks() {
        return delegatedTasks;
    }

    /** Builds a {@link ServerConfig}. */
    public static final class Builder {
        private TlsPolicy policy = TlsPolicy.REQUIRED;
        private String hostname = "localhost";
        private TlsVersion tlsFloor = TlsVersion.TLS_1_2;
        private SSLContext sslContext;
        private EngineFactory engineFactory;
        private Capabilities capabilitiesBeforeTls = Capabilities.NONE;
        private Capabilities capabilitiesAfterTls = Capabilities.NONE;
        private boolean allowAuthBeforeTls;
        private Limits limits = Limits.DEFAULT;
        private Timeouts timeouts = Timeouts.DEFAULT;
        private DelegatedTasks delegatedTasks = DelegatedTasks.RUN_INLINE;

        private Builder() {
        }

        /** The policy; default {@link TlsPolicy#REQUIRED}. */
        public Builder policy(TlsPolicy value) {
            this.policy = Objects.requireNonNull(value, "policy");
            return this;
        }

        /** The host name in greetings; default {@code localhost}. */
        public Builder hostname(String value) {
            this.hostname = ClientConfig.requireText(value, "hostname");
            return this;
        }

        /** The oldest TLS version accepted; default TLS 1.2. */
        public Builder tlsFloor(TlsVersion value) {
            this.tlsFloor = Objects.requireNonNull(value, "tlsFloor");
            return this;
        }

        /** The context holding the server's key and certificate. */
        public Builder sslContext(SSLContext value) {
            this.sslContext = Objects.requireNonNull(value, "sslContext");
            return this;
        }

        /**
         * An engine factory (another provider) instead of an {@link SSLContext}; when both are
         * set, the factory makes the engines (the context may still serve other purposes, such as
         * a key for tests). Its engines must enable a TLS version at or above the floor;
         * {@link #build()} checks one.
         *
         * @param value the factory
         * @return this builder
         */
        public Builder engineFactory(EngineFactory value) {
            this.engineFactory = Objects.requireNonNull(value, "engineFactory");
            return this;
        }

        /** Capabilities announced before TLS (STARTTLS is added by the negotiation). */
        public Builder capabilitiesBeforeTls(Capabilities value) {
            this.capabilitiesBeforeTls = Objects.requireNonNull(value, "capabilitiesBeforeTls");
            return this;
        }

        /** Capabilities the application announces after TLS. */
        public Builder capabilitiesAfterTls(Capabilities value) {
            this.capabilitiesAfterTls = Objects.requireNonNull(value, "capabilitiesAfterTls");
            return this;
        }

        /** Whether AUTH may be announced before TLS; default false. Never true under REQUIRED. */
        public Builder allowAuthBeforeTls(boolean value) {
            this.allowAuthBeforeTls = value;
            return this;
        }

        /** Bounds on what the client may make us hold. */
        public Builder limits(Limits value) {
            this.limits = Objects.requireNonNull(value, "limits");
            return this;
        }

        /** How long to wait. */
        public Builder timeouts(Timeouts value) {
            this.timeouts = Objects.requireNonNull(value, "timeouts");
            return this;
        }

        /** Where delegated engine tasks run; default inline. */
        public Builder delegatedTasks(DelegatedTasks value) {
            this.delegatedTasks = Objects.requireNonNull(value, "delegatedTasks");
            return this;
        }

        /**
         * The configuration; checks that the engines enable a TLS version at or above the floor.
         *
         * @return the configuration
         * @throws IllegalStateException if settings contradict each other, TLS is offered without
         *                               a context or factory, or its engines enable no version at
         *                               or above the floor; the message says what to change
         */
        public ServerConfig build() {
            if (allowAuthBeforeTls && policy == TlsPolicy.REQUIRED) {
                throw new IllegalStateException("REQUIRED never allows AUTH before TLS");
            }
            return new ServerConfig(this);
        }
    }
}
