package org.starttls4j;

import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.X509ExtendedTrustManager;
import org.starttls4j.internal.tls.CertificateStrengths;
import org.starttls4j.internal.tls.HostNames;
import org.starttls4j.internal.tls.TlsContexts;

/**
 * Everything a client negotiation needs to know, fixed before it starts. Immutable and reusable
 * for any number of connections; build one with {@link #builder(String)}.
 *
 * <p>Safe by default: policy {@link TlsPolicy#REQUIRED}, TLS 1.2 floor, chain and hostname
 * verification against the JDK's trust anchors, {@link CertificateStrength#DEFAULT}.
 *
 * <p>A configuration is a value: its behaviour follows its own settings. The engines come from
 * the settings when it is built (an {@link SSLContext} made for its certificate check, anchors,
 * strength floor and server name), unless the caller gave its own {@link Builder#sslContext} or
 * {@link Builder#engineFactory}. A variant made with {@link #toBuilder()} builds its engines anew
 * from its settings in the same way. Contradictory settings are refused when it is built.
 */
public final class ClientConfig extends NegotiationConfig {

    private final String serverName;
    private final int serverPort;
    private final String clientName;
    private final CertificateCheck certificateCheck;
    private final CertificateStrength certificateStrength;
    private final SSLContext sslContext;
    private final X509ExtendedTrustManager trustManager;
    private final EngineFactory ownEngineFactory;
    /** Whether the engines' trust manager judges strength and host name during the handshake. */
    private final boolean judgedDuringHandshake;
    private final Optional<ChainCheck> chainCheck;

    private ClientConfig(Builder b) {
        super(b, engineFactory(b));
        this.serverName = b.serverName;
        this.serverPort = b.serverPort;
        this.clientName = b.clientName;
        this.certificateCheck = b.certificateCheck;
        this.certificateStrength = b.certificateStrength;
        this.sslContext = b.sslContext;
        this.trustManager = b.trustManager;
        this.ownEngineFactory = b.engineFactory;
        this.chainCheck = Optional.ofNullable(b.chainCheck);
        this.judgedDuringHandshake = ownEngineFactory == null && sslContext == null && policy() != TlsPolicy.PLAINTEXT_ONLY;
        requireFloorReachable(serverName, serverPort,
                ownEngineFactory != null ? "the engineFactory" : sslContext != null ? "the sslContext" : "the JDK's TLS");
    }

    /** The caller's factory or context, or a context made from the settings for engines that judge during the handshake. */
    private static EngineFactory engineFactory(Builder b) {
        if (b.engineFactory != null) {
            return b.engineFactory;
        }
        if (b.sslContext != null) {
            return b.sslContext::createSSLEngine;
        }
        if (b.policy == TlsPolicy.PLAINTEXT_ONLY) {
            return (host, port) -> {
                throw new IllegalStateException("PLAINTEXT_ONLY never makes an SSLEngine");
            };
        }
        return TlsContexts.client(Optional.ofNullable(b.trustManager), b.certificateCheck.verifyChain(),
                b.certificateCheck.verifyHostname() ? b.serverName : null, b.certificateStrength.floor())::createSSLEngine;
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
     * The name sent in SNI and verified in the certificate.
     *
     * @return the server name
     */
    public String serverName() {
        return serverName;
    }

    /**
     * The server's port, a hint for TLS session caching.
     *
     * @return the port, or -1 when unknown
     */
    public int serverPort() {
        return serverPort;
    }

    /**
     * The name the client gives itself (SMTP EHLO/HELO argument).
     *
     * @return the client name
     */
    public String clientName() {
        return clientName;
    }

    /**
     * How the server's certificate is judged.
     *
     * @return the certificate check
     */
    public CertificateCheck certificateCheck() {
        return certificateCheck;
    }

    /**
     * The weakest keys and signatures accepted in a verified chain.
     *
     * @return the strength floor
     */
    public CertificateStrength certificateStrength() {
        return certificateStrength;
    }

    /**
     * The further check of the server's chain after the handshake (DANE), if any.
     *
     * @return the check, or empty when there is none
     */
    public Optional<ChainCheck> chainCheck() {
        return chainCheck;
    }

    /**
     * What the engine's own trust manager did not judge, once the handshake is done: the
     * strength floor and the host name, for engines the caller supplied. A context this
     * configuration built has judged both during the handshake already, unless the transport ran
     * the handshake ({@code byTransport}): its TLS stack may have used a context of its own.
     */
    Optional<Failure> judgeAfterHandshake(List<X509Certificate> chain, boolean byTransport) {
        if ((judgedDuringHandshake && !byTransport) || !certificateCheck.verifyChain()) {
            return Optional.empty();
        }
        Optional<CertificateStrengths.Weakness> weakness = CertificateStrengths.weakness(chain, certificateStrength.floor(), c -> false);
        if (weakness.isPresent()) {
            return Optional.of(TlsFailures.weak(weakness.get().problem(), weakness.get().message(), subjectOf(chain)));
        }
        if (certificateCheck.verifyHostname() && (chain.isEmpty() || !HostNames.matches(chain.get(0), serverName))) {
            return Optional.of(Failure.certificate(CertificateProblem.HOST_MISMATCH,
                    "the certificate does not name " + serverName, subjectOf(chain)));
        }
        return Optional.empty();
    }

    /** The leaf's subject for a failure report: made only for a failure (formatting a name costs some 5 KB). */
    private static Optional<String> subjectOf(List<X509Certificate> chain) {
        return chain.isEmpty() ? Optional.empty() : Optional.of(chain.get(0).getSubjectX500Principal().getName());
    }

    /**
     * A builder preset with this configuration's settings, for a variant. The variant's engines
     * are made from its own settings when it is built, as for any builder: change the certificate
     * check, the anchors, the strength floor, the server name or the policy, and the engines
     * follow. An {@link Builder#sslContext} or {@link Builder#engineFactory} given to this
     * configuration is copied too, unless the variant changes what it stands for: setting trust
     * anchors (or a trust manager), or a certificate check that verifies the chain where this one
     * did not (or the reverse), drops the copied context or factory; setting a context or factory
     * drops copied anchors.
     *
     * @return a builder preset with this configuration's settings
     */
    public Builder toBuilder() {
        Builder b = new Builder(serverName).withSettingsOf(this);
        b.serverPort = serverPort;
        b.clientName = clientName;
        b.certificateCheck = certificateCheck;
        b.certificateStrength = certificateStrength;
        b.sslContext = sslContext;
        b.engineFactory = ownEngineFactory;
        b.engineCopied = sslContext != null || ownEngineFactory != null;
        b.trustManager = trustManager;
        b.trustCopied = trustManager != null;
        b.chainCheck = chainCheck.orElse(null);
        return b;
    }

    /** Builds a {@link ClientConfig}; every setting has a safe default. */
    public static final class Builder extends ConfigBuilder<Builder> {
        private String serverName;
        private int serverPort = -1;
        private String clientName = "localhost";
        private CertificateCheck certificateCheck = CertificateCheck.standard();
        private boolean certificateCheckSet;
        private CertificateStrength certificateStrength = CertificateStrength.DEFAULT;
        private SSLContext sslContext;
        private X509ExtendedTrustManager trustManager;
        private EngineFactory engineFactory;
        /** The context or factory came from {@link ClientConfig#toBuilder()}, not from this builder's caller. */
        private boolean engineCopied;
        /** The trust manager came from {@link ClientConfig#toBuilder()}. */
        private boolean trustCopied;
        private ChainCheck chainCheck;

        private Builder(String serverName) {
            this.serverName = requireText(serverName, "serverName");
        }

        @Override
        Builder self() {
            return this;
        }

        /**
         * The name to send in SNI and verify in the certificate (when it differs from the host dialled).
         *
         * @param value a host name (A-label or U-label form) or an IP literal
         * @return this builder
         */
        public Builder serverName(String value) {
            this.serverName = requireText(value, "serverName");
            return this;
        }

        /**
         * The server's port, used only as a session-cache hint.
         *
         * @param value the port, or -1
         * @return this builder
         */
        public Builder serverPort(int value) {
            this.serverPort = value;
            return this;
        }

        /**
         * The name the client gives itself in EHLO/HELO; default {@code localhost}. Must be one token.
         *
         * @param value printable ASCII without spaces
         * @return this builder
         * @throws IllegalArgumentException if it is not one token
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
         * How the certificate is judged; default {@link CertificateCheck#standard()}.
         *
         * @param value the check
         * @return this builder
         */
        public Builder certificateCheck(CertificateCheck value) {
            Objects.requireNonNull(value, "certificateCheck");
            if (engineCopied && value.verifyChain() != certificateCheck.verifyChain()) {
                dropCopiedEngine(); // the copied context or factory embodies the other choice
            }
            this.certificateCheck = value;
            this.certificateCheckSet = true;
            return this;
        }

        /**
         * The weakest keys and signatures accepted in a verified chain; default
         * {@link CertificateStrength#DEFAULT}. Lower it ({@link CertificateStrength#LEGACY}) only
         * for a legacy peer that cannot be fixed.
         *
         * @param value the floor
         * @return this builder
         */
        public Builder certificateStrength(CertificateStrength value) {
            this.certificateStrength = Objects.requireNonNull(value, "certificateStrength");
            return this;
        }

        /**
         * Trust anchors to verify the chain against, instead of the JDK's. Failures are classified
         * precisely ({@link CertificateProblem}). Cannot be combined with {@link #sslContext} or
         * {@link #engineFactory}, whose own trust managers would verify the chain instead.
         *
         * @param value a trust manager holding the anchors
         * @return this builder
         */
        public Builder trustManager(X509ExtendedTrustManager value) {
            this.trustManager = Objects.requireNonNull(value, "trustManager");
            this.trustCopied = false;
            if (engineCopied) {
                dropCopiedEngine();
            }
            return this;
        }

        /**
         * Trusts exactly these anchors (usually CA certificates) instead of the JDK's. Cannot be
         * combined with {@link #sslContext} or {@link #engineFactory}.
         *
         * @param anchors the trusted certificates
         * @return this builder
         */
        public Builder trustAnchors(Collection<X509Certificate> anchors) {
            return trustManager(TlsContexts.trusting(anchors));
        }

        /**
         * A ready {@link SSLContext}: its own trust managers then verify the chain, while the
         * negotiation still sets the version floor and SNI, and checks the host name, the strength
         * floor and pins after the handshake. Cannot be combined with {@link #trustAnchors} or
         * {@link #engineFactory}.
         *
         * @param value the context
         * @return this builder
         */
        public Builder sslContext(SSLContext value) {
            Objects.requireNonNull(value, "sslContext");
            takeOwnEngine();
            this.sslContext = value;
            return this;
        }

        /**
         * An engine factory (another provider), as for {@link #sslContext}. Its engines must
         * enable a TLS version at or above the floor; {@link #build()} checks one.
         *
         * @param value the factory
         * @return this builder
         */
        public Builder engineFactory(EngineFactory value) {
            Objects.requireNonNull(value, "engineFactory");
            takeOwnEngine();
            this.engineFactory = value;
            return this;
        }

        /** A context or factory set here replaces a copied one, and copied anchors it would contradict. */
        private void takeOwnEngine() {
            if (engineCopied) {
                dropCopiedEngine();
            }
            if (trustCopied) {
                trustManager = null;
                trustCopied = false;
            }
        }

        private void dropCopiedEngine() {
            sslContext = null;
            engineFactory = null;
            engineCopied = false;
        }

        /**
         * A further check of the server's chain once the handshake is done, beside the
         * {@link #certificateCheck certificate check} (or instead of it, when that accepts any
         * certificate). A rejection fails the negotiation with
         * {@link Failure.Reason#CERTIFICATE_REJECTED} before anything else is sent. Default: none.
         *
         * @param value the check
         * @return this builder
         */
        public Builder chainCheck(ChainCheck value) {
            this.chainCheck = Objects.requireNonNull(value, "chainCheck");
            return this;
        }

        /**
         * The configuration. Makes the engines' {@link SSLContext} from the settings when no
         * context or factory was given, and checks that the engines enable a TLS version at or
         * above the floor.
         *
         * @return the configuration
         * @throws IllegalStateException if settings contradict each other, or the engines enable
         *                               no version at or above the floor; the message says what to change
         */
        public ClientConfig build() {
            if (sslContext != null && engineFactory != null) {
                throw new IllegalStateException("both sslContext(...) and engineFactory(...) are set, and only one can make"
                        + " the engines: keep one (an SSLContext is the factory context::createSSLEngine)");
            }
            if (trustManager != null && (sslContext != null || engineFactory != null)) {
                String other = sslContext != null ? "sslContext(...)" : "engineFactory(...)";
                throw new IllegalStateException("trustAnchors/trustManager(...) and " + other + " are both set, but the "
                        + other.substring(0, other.length() - 5) + "'s own trust managers verify the chain and the anchors"
                        + " would be ignored: build the SSLContext with those anchors, or drop " + other);
            }
            if (trustManager != null && !trustCopied && certificateCheckSet && !certificateCheck.verifyChain()) {
                throw new IllegalStateException("trustAnchors/trustManager(...) is set but the certificate check verifies no"
                        + " chain (pinnedOnly or dangerouslyAcceptAny), so the anchors would be ignored: drop one of them");
            }
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
