package org.starttls4j;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * Everything a server negotiation needs to know. Immutable and reusable; build one with
 * {@link #builder()}.
 *
 * <p>Capabilities are given as the protocol spells them (SMTP EHLO keywords, IMAP capability
 * atoms, POP3 CAPA tags). The negotiation adds {@code STARTTLS}/{@code STLS} before TLS when the
 * policy allows TLS, never after; it withholds {@code AUTH} (and {@code LOGIN}-style mechanisms)
 * before TLS unless {@link Builder#allowAuthBeforeTls(boolean)} says otherwise.
 */
public final class ServerConfig extends NegotiationConfig {

    private final String hostname;
    private final Capabilities capabilitiesBeforeTls;
    private final Capabilities capabilitiesAfterTls;
    private final boolean allowAuthBeforeTls;
    private final Optional<String> greeting;
    private final boolean enginesGiven; // a factory or context was set: toBuilder copies the factory

    private ServerConfig(Builder b) {
        super(b, engineFactory(b));
        this.hostname = b.hostname;
        this.capabilitiesBeforeTls = b.capabilitiesBeforeTls;
        // STARTTLS (SMTP, IMAP) and STLS (POP3) are never announced once TLS is up (RFC 3207 §4.2).
        this.capabilitiesAfterTls = new Capabilities(b.capabilitiesAfterTls.list().stream()
                .filter(c -> !c.is("STARTTLS") && !c.is("STLS")).collect(java.util.stream.Collectors.toList()));
        this.allowAuthBeforeTls = b.allowAuthBeforeTls;
        this.greeting = Optional.ofNullable(b.greeting);
        this.enginesGiven = b.engineFactory != null || b.sslContext != null;
        if (enginesGiven) {
            requireFloorReachable(null, -1, b.engineFactory != null ? "the engineFactory" : "the sslContext");
        }
    }

    /** The caller's factory or context, or, without either, a factory that says what is missing. */
    private static EngineFactory engineFactory(Builder b) {
        if (b.engineFactory != null) {
            return b.engineFactory;
        }
        if (b.sslContext != null) {
            SSLContext context = b.sslContext;
            return (host, port) -> context.createSSLEngine();
        }
        // A configuration that never reaches TLS (PLAINTEXT_ONLY, a test that stops before the
        // handshake) needs no certificate; one that does is told here, when the first engine is made.
        TlsPolicy why = b.policy;
        return (host, port) -> {
            throw new IllegalStateException(why == TlsPolicy.PLAINTEXT_ONLY ? "PLAINTEXT_ONLY never makes an SSLEngine"
                    : "this ServerConfig has no certificate, so it cannot do TLS: give its builder "
                            + "certificateChain(chainPem, keyPem), sslContext(...) or engineFactory(...)");
        };
    }

    /**
     * A builder preset with this configuration's settings, for a variant of it (another policy,
     * no transcript, ...). Its engines come from this configuration's engine factory.
     *
     * @return a builder preset with this configuration's settings
     */
    public Builder toBuilder() {
        Builder b = new Builder().withSettingsOf(this);
        b.hostname = hostname;
        b.engineFactory = enginesGiven ? engineFactory() : null; // else the variant says what is missing, as this one does
        b.capabilitiesBeforeTls = capabilitiesBeforeTls;
        b.capabilitiesAfterTls = capabilitiesAfterTls;
        b.allowAuthBeforeTls = allowAuthBeforeTls;
        b.greeting = greeting.orElse(null);
        return b;
    }

    /**
     * A builder with the safe defaults: {@link TlsPolicy#REQUIRED}, TLS 1.2 floor, no AUTH before TLS.
     *
     * @return a builder with the safe defaults
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The host name the server gives itself in greetings.
     *
     * @return the host name the server gives itself in greetings
     */
    public String hostname() {
        return hostname;
    }

    /**
     * The capabilities announced before TLS, without STARTTLS (added by the negotiation).
     *
     * @return the capabilities announced before TLS, without STARTTLS (added by the negotiation)
     */
    public Capabilities capabilitiesBeforeTls() {
        return capabilitiesBeforeTls;
    }

    /**
     * The capabilities the application announces once TLS is up; never STARTTLS or STLS.
     *
     * @return the capabilities the application announces once TLS is up
     */
    public Capabilities capabilitiesAfterTls() {
        return capabilitiesAfterTls;
    }

    /**
     * Whether AUTH may be announced and used before TLS.
     *
     * @return whether AUTH may be announced and used before TLS
     */
    public boolean allowAuthBeforeTls() {
        return allowAuthBeforeTls;
    }

    /**
     * The greeting's text, when the application chose one; empty for each protocol's default
     * ({@code <hostname> ESMTP starttls4j}, {@code <hostname> IMAP4rev1 ready},
     * {@code <hostname> POP3 server ready}).
     *
     * @return the text after the greeting's status (see {@link Builder#greeting(String)})
     */
    public Optional<String> greeting() {
        return greeting;
    }

    /**
     * The greeting's text: the configured one, or {@code defaultText}.
     *
     * @param defaultText the protocol's default
     * @return the text to greet with
     */
    public String greetingOr(String defaultText) {
        return greeting.orElse(defaultText);
    }

    /** Builds a {@link ServerConfig}. */
    public static final class Builder extends ConfigBuilder<Builder> {
        private String hostname = "localhost";
        private SSLContext sslContext;
        private EngineFactory engineFactory;
        private Capabilities capabilitiesBeforeTls = Capabilities.NONE;
        private Capabilities capabilitiesAfterTls = Capabilities.NONE;
        private boolean allowAuthBeforeTls;
        private String greeting;

        private Builder() {
        }

        /**
         * The host name in greetings; default {@code localhost}.
         *
         * @param value the host name in greetings
         * @return this builder
         */
        public Builder hostname(String value) {
            this.hostname = ClientConfig.requireText(value, "hostname");
            return this;
        }

        @Override
        Builder self() {
            return this;
        }

        /**
         * The server's certificate chain and private key, from PEM files (see {@link Pem} for
         * the forms read): the same as {@code sslContext(Pem.serverContext(chain, key))}.
         *
         * @param chain PEM certificates, the server's own first
         * @param key   its PEM private key: PKCS#8, or the RSA or EC form OpenSSL writes
         * @return this builder
         * @throws IllegalArgumentException when a file holds nothing usable or the key does not
         *                                  belong to the first certificate
         * @throws java.io.UncheckedIOException when a file cannot be read
         */
        public Builder certificateChain(Path chain, Path key) {
            return sslContext(Pem.serverContext(Objects.requireNonNull(chain, "chain"), Objects.requireNonNull(key, "key")));
        }

        /**
         * The text of the greeting, after its status: SMTP sends {@code 220 <text>} (RFC 5321
         * §4.3.1 wants it to start with the server's name), IMAP
         * {@code * OK [CAPABILITY …] <text>}, POP3 {@code +OK <text>} (an APOP timestamp
         * {@code <…@…>} goes here), LMTP {@code 220 <text>}, NNTP {@code 200 <text>}, ManageSieve
         * {@code OK "<text>"}. Default: the host name and the protocol's words.
         *
         * @param text printable ASCII, 1 to 400 characters, no CR or LF
         * @return this builder
         * @throws IllegalArgumentException when the text is empty, too long, or not printable ASCII
         */
        public Builder greeting(String text) {
            Objects.requireNonNull(text, "greeting");
            if (text.isEmpty() || text.length() > 400 || !text.chars().allMatch(c -> c >= 0x20 && c <= 0x7e)) {
                throw new IllegalArgumentException("a greeting is 1 to 400 printable ASCII characters on one line, was \""
                        + text.replaceAll("[^\\x20-\\x7e]", "?") + "\"");
            }
            this.greeting = text;
            return this;
        }

        /**
         * The context holding the server's key and certificate.
         *
         * @param value the context holding the server's key and certificate
         * @return this builder
         */
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

        /**
         * Capabilities announced before TLS (STARTTLS is added by the negotiation).
         *
         * @param value capabilities announced before TLS (STARTTLS is added by the negotiation)
         * @return this builder
         */
        public Builder capabilitiesBeforeTls(Capabilities value) {
            this.capabilitiesBeforeTls = Objects.requireNonNull(value, "capabilitiesBeforeTls");
            return this;
        }

        /**
         * Capabilities the application announces after TLS.
         *
         * @param value capabilities the application announces after TLS
         * @return this builder
         */
        public Builder capabilitiesAfterTls(Capabilities value) {
            this.capabilitiesAfterTls = Objects.requireNonNull(value, "capabilitiesAfterTls");
            return this;
        }

        /**
         * Whether AUTH may be announced before TLS; default false. Never true under REQUIRED.
         *
         * @param value whether AUTH may be announced before TLS
         * @return this builder
         */
        public Builder allowAuthBeforeTls(boolean value) {
            this.allowAuthBeforeTls = value;
            return this;
        }

        /**
         * The configuration; checks that the engines enable a TLS version at or above the floor.
         *
         * @return the configuration
         * @throws IllegalStateException if settings contradict each other, or the engines of the
         *                               context or factory given enable no version at or above
         *                               the floor; the message says what to change (a
         *                               configuration without either builds, and says what is
         *                               missing when its first handshake needs an engine)
         */
        public ServerConfig build() {
            if (allowAuthBeforeTls && policy == TlsPolicy.REQUIRED) {
                throw new IllegalStateException("REQUIRED never allows AUTH before TLS");
            }
            return new ServerConfig(this);
        }
    }
}
