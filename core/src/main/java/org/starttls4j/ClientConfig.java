package org.starttls4j;

import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import java.security.cert.X509Certificate;
import java.util.Collection;
import javax.net.ssl.X509ExtendedTrustManager;
import org.starttls4j.tls.TlsContexts;

/**
 * Everything a client negotiation needs to know, fixed before it starts. Immutable and reusable
 * for any number of connections; build one with {@link #builder(String)}.
 *
 * <p>Safe by default: policy {@link TlsPolicy#REQUIRED}, TLS 1.2 floor, chain and hostname
 * verification against the JDK's trust anchors.
 */
public final class ClientConfig {

    private final TlsPolicy policy;
    private final String serverName;
    private final int serverPort;
    private final String clientName;
    private final TlsVersion tlsFloor;
    private final CertificateCheck certificateCheck;
    private final EngineFactory engineFactory;
    private final Limits limits;
    private final Timeouts timeouts;
    private final DelegatedTasks delegatedTasks;

    private ClientConfig(Builder b) {
        this.policy = b.policy;
        this.serverName = b.serverName;
        this.serverPort = b.serverPort;
        this.clientName = b.clientName;
        this.tlsFloor = b.tlsFloor;
        this.certificateCheck = b.certificateCheck;
        this.limits = b.limits;
        this.timeouts = b.timeouts;
        this.delegatedTasks = b.delegatedTasks;
        if (b.engineFactory != null) {
            this.engineFactory = b.engineFactory;
        } else if (policy == TlsPolicy.PLAINTEXT_ONLY) {
            this.engineFactory = (host, port) -> {
                throw new IllegalStateException("PLAINTEXT_ONLY never makes an SSLEngine");
            };
        } else {
            SSLContext context = b.sslContext != null ? b.sslContext
                    : TlsContexts.client(Optional.ofNullable(b.trustManager), certificateCheck);
            this.engineFactory = context::createSSLEngine;
        }
    }

    /**
     * A builder for connections to {@code serverName}: the name sent in SNI and, by default, the
     * name the certificate must carry.
     *
     * @param serverName the server's host name (or IP literal)
     * @return a builder with the safe defaults
     */
    public static Builder builder(String serverName) {
        return new Builder(serverName);
    }

    /**
     * The policy.
     *
     * @return the policy
     */
    public TlsPolicy policy() {
        return policy;
    }

    /**
     * The name sent in SNI and verified in the certificate.
     *
     * @return the name sent in SNI and verified in the certificate
     */
    public String serverName() {
        return serverName;
    }

    /**
     * The server's port, a hint for TLS session caching; -1 when unknown.
     *
     * @return the server's port, a hint for TLS session caching
     */
    public int serverPort() {
        return serverPort;
    }

    /**
     * The name the client gives itself (SMTP EHLO/HELO argument).
     *
     * @return the name the client gives itself (SMTP EHLO/HELO argument)
     */
    public String clientName() {
        return clientName;
    }

    /**
     * The oldest TLS version accepted.
     *
     * @return the oldest TLS version accepted
     */
    public TlsVersion tlsFloor() {
        return tlsFloor;
    }

    /**
     * How the server's certificate is judged.
     *
     * @return how the server's certificate is judged
     */
    public CertificateCheck certificateCheck() {
        return certificateCheck;
    }

    /**
     * Where engines come from.
     *
     * @return where engines come from
     */
    public EngineFactory engineFactory() {
        return engineFactory;
    }

    /**
     * Bounds on what the server may make us hold.
     *
     * @return bounds on what the server may make us hold
     */
    public Limits limits() {
        return limits;
    }

    /**
     * How long to wait.
     *
     * @return how long to wait
     */
    public Timeouts timeouts() {
        return timeouts;
    }

    /**
     * Where delegated engine tasks run.
     *
     * @return where delegated engine tasks run
     */
    public DelegatedTasks delegatedTasks() {
        return delegatedTasks;
    }

    /**
     * A builder preset with this configuration, for a variant.
     *
     * @return a new builder holding these settings
     */
    public Builder toBuilder() {
        Builder b = new Builder(serverName);
        b.policy = policy;
        b.serverPort = serverPort;
        b.clientName = clientName;
        b.tlsFloor = tlsFloor;
        b.certificateCheck = certificateCheck;
        b.engineFactory = engineFactory;
        b.limits = limits;
        b.timeouts = timeouts;
        b.delegatedTasks = delegatedTasks;
        return b;
    }

    /** Builds a {@link ClientConfig}; every setting has a safe default. */
    public static final class Builder {
        private TlsPolicy policy = TlsPolicy.REQUIRED;
        private String serverName;
        private int serverPort = -1;
        private String clientName = "localhost";
        private TlsVersion tlsFloor = TlsVersion.TLS_1_2;
        private CertificateCheck certificateCheck = CertificateCheck.standard();
        private SSLContext sslContext;
        private X509ExtendedTrustManager trustManager;
        private EngineFactory engineFactory;
        private Limits limits = Limits.DEFAULT;
        private Timeouts timeouts = Timeouts.DEFAULT;
        private DelegatedTasks delegatedTasks = DelegatedTasks.RUN_INLINE;

        private Builder(String serverName) {
            this.serverName = requireText(serverName, "serverName");
        }

        /**
         * The policy; default {@link TlsPolicy#REQUIRED}.
         *
         * @param value the policy
         * @return this builder
         */
        public Builder policy(TlsPolicy value) {
            this.policy = Objects.requireNonNull(value, "policy");
            return this;
        }

        /**
         * The name to send in SNI and verify in the certificate (when it differs from the host dialled).
         *
         * @param value the name to send in SNI and verify in the certificate (when it differs from the host
         *              dialled)
         * @return this builder
         */
        public Builder serverName(String value) {
            this.serverName = requireText(value, "serverName");
            return this;
        }

        /**
         * The server's port, used only as a session-cache hint.
         *
         * @param value the server's port, used only as a session-cache hint
         * @return this builder
         */
        public Builder serverPort(int value) {
            this.serverPort = value;
            return this;
        }

        /**
         * The name the client gives itself in EHLO/HELO; default {@code localhost}. Must be one token.
         *
         * @param value the name the client gives itself in EHLO/HELO
         * @return this builder
         */
        public Builder clientName(String value) {
            String name = requireText(value, "clientName");
            if (!name.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
                throw new IllegalArgumentException("clientName must be printable ASCII without spaces: " + value);
            }
            this.clientName = name;
            return this;
        }

        /**
         * The oldest TLS version accepted; default TLS 1.2.
         *
         * @param value the oldest TLS version accepted
         * @return this builder
         */
        public Builder tlsFloor(TlsVersion value) {
            this.tlsFloor = Objects.requireNonNull(value, "tlsFloor");
            return this;
        }

        /**
         * How the certificate is judged; default {@link CertificateCheck#standard()}.
         *
         * @param value how the certificate is judged
         * @return this builder
         */
        public Builder certificateCheck(CertificateCheck value) {
            this.certificateCheck = Objects.requireNonNull(value, "certificateCheck");
            return this;
        }

        /**
         * Trust anchors to verify the chain against, instead of the JDK's. Failures are classified
         * precisely ({@link CertificateProblem}).
         *
         * @param value Trust anchors to verify the chain against, instead of the JDK's
         * @return this builder
         */
        public Builder trustManager(X509ExtendedTrustManager value) {
            this.trustManager = Objects.requireNonNull(value, "trustManager");
            return this;
        }

        /**
         * Trusts exactly these anchors (usually CA certificates) instead of the JDK's.
         *
         * @param anchors the CA (or self-signed) certificates to trust, e.g. from {@link Pem#certificates(java.nio.file.Path)}
         * @return this builder
         */
        public Builder trustAnchors(Collection<X509Certificate> anchors) {
            return trustManager(TlsContexts.trusting(anchors));
        }

        /**
         * A ready {@link SSLContext}: its own trust managers then verify the chain, while the
         * negotiation still sets hostname verification, the version floor and SNI, and checks pins.
         *
         * @param value a ready {@link SSLContext}
         * @return this builder
         */
        public Builder sslContext(SSLContext value) {
            this.sslContext = Objects.requireNonNull(value, "sslContext");
            return this;
        }

        /**
         * An engine factory (another provider), as for {@link #sslContext}.
         *
         * @param value an engine factory (another provider), as for {@link #sslContext}
         * @return this builder
         */
        public Builder engineFactory(EngineFactory value) {
            this.engineFactory = Objects.requireNonNull(value, "engineFactory");
            return this;
        }

        /**
         * Bounds on what the server may make us hold.
         *
         * @param value bounds on what the server may make us hold
         * @return this builder
         */
        public Builder limits(Limits value) {
            this.limits = Objects.requireNonNull(value, "limits");
            return this;
        }

        /**
         * How long to wait.
         *
         * @param value how long to wait
         * @return this builder
         */
        public Builder timeouts(Timeouts value) {
            this.timeouts = Objects.requireNonNull(value, "timeouts");
            return this;
        }

        /**
         * Where delegated engine tasks run; default inline.
         *
         * @param value where delegated engine tasks run
         * @return this builder
         */
        public Builder delegatedTasks(DelegatedTasks value) {
            this.delegatedTasks = Objects.requireNonNull(value, "delegatedTasks");
            return this;
        }

        /**
         * The configuration. Creates the default {@link SSLContext} when none was given.
         *
         * @return the configuration
         */
        public ClientConfig build() {
            return new ClientConfig(this);
        }
    }

    static String requireText(String value, String what) {
        Objects.requireNonNull(value, what);
        if (value.isBlank() || value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
            throw new IllegalArgumentException(what + " must be non-blank and on one line");
        }
        return value;
    }
}
