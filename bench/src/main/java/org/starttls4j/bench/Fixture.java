package org.starttls4j.bench;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.ReferenceCountedOpenSslContext;
import io.netty.handler.ssl.SslProvider;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import org.starttls4j.CertificateCheck;
import org.starttls4j.ClientConfig;
import org.starttls4j.ServerConfig;
import org.starttls4j.Certificates;

/**
 * The TLS set-up shared by a core pair and its bare baseline: one key type, one TLS version, the
 * same server context, the same trust anchor and the same checks (chain, host name, SNI) on the
 * client.
 *
 * <p><b>No resumption.</b> Every client engine is created for a port number no earlier engine
 * had, so the client's session cache (keyed by host and port) never offers an earlier session;
 * both session caches are also cut down to one entry, and the forked JVMs run with
 * {@code jdk.tls.client/server.enableSessionTicketExtension=false}. {@link #fullHandshakes()}
 * counts the server chains the client verified, which only a full handshake sends, and the
 * benchmarks compare it with the number of handshakes they ran.
 *
 * <p><b>Engines.</b> {@link Engine#JDK} (the default) or {@link Engine#BORINGSSL}: Netty's
 * {@code SslProvider.OPENSSL} engines from the same key, chain and trust manager, the bare client
 * with {@code HTTPS} endpoint identification (done by the JDK trust manager BoringSSL calls), the
 * core's client with none (the core checks the name itself after the handshake, as it does for
 * every engine a caller supplies). Both session caches are cut to one entry here too.
 *
 * <p>Thread-safe: the loopback benchmark makes engines from many threads.
 */
public final class Fixture {

    /** Which TLS implementation both ends use. */
    public enum Engine {
        /** The JDK's own {@code SSLEngine}. */
        JDK,
        /** Netty's BoringSSL engine ({@code netty-tcnative-boringssl-static}, {@code SslProvider.OPENSSL}). */
        BORINGSSL;

        /**
         * The engine a benchmark parameter names.
         *
         * @param name {@code jdk} or {@code boringssl}
         * @return the engine
         */
        public static Engine of(String name) {
            return valueOf(name.toUpperCase(java.util.Locale.ROOT));
        }
    }

    private final Engine engine;
    private final SslContext boringServer; // null for JDK engines
    private final SslContext boringClient;
    private final Pki.KeyType keyType;
    private final String protocol;
    private final SSLContext serverContext;
    private final SSLContext bareClientContext;
    private final SSLContext coreClientContext;
    private final CountingTrustManager trust;
    private final AtomicInteger port = new AtomicInteger(1024);
    private volatile boolean repeatPorts;

    /**
     * A fixture.
     *
     * @param keyType  the server's key type
     * @param protocol the one TLS version enabled on both sides ({@code TLSv1.3} or {@code TLSv1.2})
     */
    public Fixture(Pki.KeyType keyType, String protocol) {
        this(keyType, protocol, Engine.JDK);
    }

    /**
     * A fixture.
     *
     * @param keyType  the server's key type
     * @param protocol the one TLS version enabled on both sides ({@code TLSv1.3} or {@code TLSv1.2})
     * @param engine   the TLS implementation of both ends
     */
    public Fixture(Pki.KeyType keyType, String protocol, Engine engine) {
        this.engine = engine;
        this.keyType = keyType;
        this.protocol = protocol;
        Pki.Identity identity = Pki.identity(keyType);
        this.trust = new CountingTrustManager(identity.trustManager());
        this.serverContext = identity.serverContext();
        try {
            this.bareClientContext = SSLContext.getInstance("TLS");
            bareClientContext.init(null, new TrustManager[] {trust}, null);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        // Exactly the context the core builds for ClientConfig.trustManager(...), with its
        // classifying trust manager, so the core's own certificate path is measured too.
        this.coreClientContext = Certificates.clientContext(Optional.of(trust), CertificateCheck.standard());
        for (SSLContext c : List.of(serverContext, bareClientContext, coreClientContext)) {
            c.getClientSessionContext().setSessionCacheSize(1);
            c.getServerSessionContext().setSessionCacheSize(1);
        }
        if (engine == Engine.BORINGSSL) {
            try {
                boringServer = SslContextBuilder.forServer(identity.serverKey(), identity.server())
                        .sslProvider(SslProvider.OPENSSL).sessionCacheSize(1).build();
                boringClient = SslContextBuilder.forClient().sslProvider(SslProvider.OPENSSL).trustManager(trust)
                        .sessionCacheSize(1).build();
            } catch (SSLException e) {
                throw new IllegalStateException("BoringSSL: " + e.getMessage(), e);
            }
        } else {
            boringServer = null;
            boringClient = null;
        }
    }

    /**
     * From now on the BoringSSL engines made here get a 256-byte buffer for what BoringSSL writes
     * while it reads, as {@code BoringSsl.clientContext} and {@code serverContext} (adapters-netty)
     * give theirs, instead of Netty's 2,048 bytes; for {@code IdleMemory}. Nothing for JDK engines.
     */
    void smallBioBuffers() {
        for (SslContext context : new SslContext[] {boringServer, boringClient}) {
            if (context != null) {
                ((ReferenceCountedOpenSslContext) context).setBioNonApplicationBufferSize(256);
            }
        }
    }

    /** The TLS implementation. */
    public Engine engine() {
        return engine;
    }

    private SSLEngine newClientEngine(SSLContext jdk, String host, int port) {
        return boringClient != null ? boringClient.newEngine(ByteBufAllocator.DEFAULT, host, port) : jdk.createSSLEngine(host, port);
    }

    private SSLEngine newServerEngine() {
        return boringServer != null ? boringServer.newEngine(ByteBufAllocator.DEFAULT) : serverContext.createSSLEngine();
    }

    /** The key type. */
    public Pki.KeyType keyType() {
        return keyType;
    }

    /** The TLS version. */
    public String protocol() {
        return protocol;
    }

    /** Client chains checked so far: one per full handshake, none for a resumed one. */
    public long fullHandshakes() {
        return trust.serverChecks();
    }

    /** A new port number, so that no client engine can find a cached session. */
    private int nextPort() {
        if (repeatPorts) {
            return port.get();
        }
        return port.updateAndGet(p -> p == 65535 ? 1024 : p + 1);
    }

    /** For the tests that prove {@link #fullHandshakes()} sees resumption: reuse one port from now on. */
    void repeatPorts() {
        repeatPorts = true;
    }

    /**
     * A bare client engine, set up as {@code EngineSetup.client} sets up the core's: client mode,
     * one protocol, SNI, host name verification.
     */
    public SSLEngine bareClientEngine() {
        return asClient(newClientEngine(bareClientContext, Pki.SERVER_NAME, nextPort()), protocol);
    }

    /**
     * Sets up a bare client engine as {@code EngineSetup.client} sets up the core's.
     *
     * @param engine   a new engine
     * @param protocol the one TLS version to enable
     * @return the engine: client mode, that version, SNI and {@code HTTPS} host name verification
     */
    static SSLEngine asClient(SSLEngine engine, String protocol) {
        engine.setUseClientMode(true);
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setProtocols(new String[] {protocol});
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        parameters.setServerNames(List.of(new SNIHostName(Pki.SERVER_NAME)));
        engine.setSSLParameters(parameters);
        return engine;
    }

    /** A bare server engine: server mode, one protocol. */
    public SSLEngine bareServerEngine() {
        SSLEngine engine = newServerEngine();
        engine.setUseClientMode(false);
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setProtocols(new String[] {protocol});
        engine.setSSLParameters(parameters);
        return engine;
    }

    /** The core client configuration: policy REQUIRED, the core's default checks, this fixture's engines. */
    public ClientConfig clientConfig() {
        return clientConfig(true);
    }

    /**
     * The core client configuration, recording a transcript or not.
     *
     * @param transcript whether transitions report the transcript
     * @return the configuration
     */
    public ClientConfig clientConfig(boolean transcript) {
        return ClientConfig.builder(Pki.SERVER_NAME)
                .recordTranscript(transcript)
                .engineFactory((host, ignoredPort) -> {
                    SSLEngine engine = newClientEngine(coreClientContext, host, nextPort());
                    engine.setEnabledProtocols(new String[] {protocol});
                    return engine;
                })
                .build();
    }

    /**
     * A core server configuration: policy REQUIRED, this fixture's server engines.
     *
     * @param p the protocol, for its capabilities
     * @return the configuration
     */
    public ServerConfig serverConfig(MailProtocol p) {
        return serverConfig(p, true);
    }

    /**
     * A core server configuration, recording a transcript or not.
     *
     * @param p          the protocol, for its capabilities
     * @param transcript whether transitions report the transcript
     * @return the configuration
     */
    public ServerConfig serverConfig(MailProtocol p, boolean transcript) {
        return ServerConfig.builder()
                .recordTranscript(transcript)
                .hostname(Pki.SERVER_NAME)
                .engineFactory((host, ignoredPort) -> {
                    SSLEngine engine = newServerEngine();
                    engine.setEnabledProtocols(new String[] {protocol});
                    return engine;
                })
                .capabilitiesBeforeTls(p.capabilitiesBeforeTls())
                .capabilitiesAfterTls(p.capabilitiesAfterTls())
                .build();
    }
}
