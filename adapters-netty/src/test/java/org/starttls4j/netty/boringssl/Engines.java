package org.starttls4j.netty.boringssl;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import org.starttls4j.Capabilities;
import org.starttls4j.Capability;
import org.starttls4j.ClientConfig;
import org.starttls4j.EngineFactory;
import org.starttls4j.ServerConfig;
import org.starttls4j.TlsPolicy;
import org.starttls4j.netty.BoringSsl;
import org.starttls4j.testing.Identity;
import org.starttls4j.testing.TestPki;
import org.starttls4j.testing.TestPki.KeyType;

/** Configurations for the core with BoringSSL or JDK engines on either end, from the test PKI. */
final class Engines {

    static final String HOST = "mail.example.test";
    /** Which TLS versions an end enables: both, or one. */
    static final String ANY = "any";

    private static final Map<String, SslContext> CONTEXTS = new ConcurrentHashMap<>();
    private static final Capabilities AFTER = new Capabilities(List.of(new Capability("AUTH", List.of("PLAIN"))));

    private Engines() {
    }

    static SslContext boringServer(KeyType type, String name) {
        return CONTEXTS.computeIfAbsent("server " + type + " " + name, k -> {
            Identity id = TestPki.server(type, name);
            try {
                return BoringSsl.serverContext(id.key(), id.chain());
            } catch (SSLException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    static SslContext boringClient(KeyType type) {
        return CONTEXTS.computeIfAbsent("client " + type, k -> {
            try {
                return BoringSsl.clientContext(List.of(TestPki.ca(type)));
            } catch (SSLException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** Reference-counted BoringSSL engines ({@code OPENSSL_REFCNT}), which leak unless released. */
    static SslContext refcntServer(KeyType type) {
        return CONTEXTS.computeIfAbsent("refcnt server " + type, k -> {
            Identity id = TestPki.server(type, HOST);
            try {
                return SslContextBuilder.forServer(id.key(), id.chain()).sslProvider(SslProvider.OPENSSL_REFCNT).build();
            } catch (SSLException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    static SslContext refcntClient(KeyType type) {
        return CONTEXTS.computeIfAbsent("refcnt client " + type, k -> {
            try {
                return SslContextBuilder.forClient().sslProvider(SslProvider.OPENSSL_REFCNT)
                        .trustManager(TestPki.ca(type)).endpointIdentificationAlgorithm(null).build();
            } catch (SSLException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** {@code factory}'s engines, with only {@code version} enabled unless it is {@link #ANY}. */
    static EngineFactory only(EngineFactory factory, String version) {
        if (version.equals(ANY)) {
            return factory;
        }
        return new EngineFactory() {
            @Override
            public SSLEngine create(String peerHost, int peerPort) {
                SSLEngine engine = factory.create(peerHost, peerPort);
                engine.setEnabledProtocols(new String[] {version});
                return engine;
            }

            @Override
            public void release(SSLEngine engine) {
                factory.release(engine);
            }
        };
    }

    static ClientConfig.Builder client(TlsPolicy policy, KeyType type, boolean boring, String version) {
        EngineFactory jdk = TestPki.clientContextTrusting(TestPki.ca(type))::createSSLEngine;
        return ClientConfig.builder(HOST).policy(policy).clientName("client.example.test")
                .engineFactory(only(boring ? BoringSsl.engines(boringClient(type)) : jdk, version));
    }

    static ServerConfig.Builder server(TlsPolicy policy, KeyType type, boolean boring, String name, String version) {
        EngineFactory jdk = TestPki.server(type, name).serverContext()::createSSLEngine;
        EngineFactory factory = boring ? BoringSsl.engines(boringServer(type, name)) : (host, port) -> jdk.create(null, -1);
        return ServerConfig.builder().policy(policy).hostname(HOST).capabilitiesAfterTls(AFTER)
                .engineFactory(only(factory, version));
    }
}
