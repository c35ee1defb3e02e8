package org.starttls4j.pop3;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLContext;
import org.starttls4j.Capabilities;
import org.starttls4j.Capability;
import org.starttls4j.ClientConfig;
import org.starttls4j.Limits;
import org.starttls4j.ServerConfig;
import org.starttls4j.TlsPolicy;
import org.starttls4j.TlsVersion;
import org.starttls4j.testing.TestPki;

/** Configurations, capabilities and byte helpers shared by the POP3 tests. */
final class Fixtures {

    /** The one instant every test runs at, so that events compare equal. */
    static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

    static final String HOST = "mail.example.test";
    static final TestPki.KeyType KEY = TestPki.KeyType.EC_P256;

    /** What the test servers announce before TLS (the negotiation withholds USER and SASL where it must). */
    static final Capabilities BEFORE_TLS = caps("TOP", "UIDL", "USER", "SASL PLAIN SCRAM-SHA-256", "RESP-CODES", "AUTH-RESP-CODE");
    /** What the test servers' applications announce inside TLS: deliberately different. */
    static final Capabilities AFTER_TLS = caps("TOP", "UIDL", "USER", "SASL PLAIN SCRAM-SHA-256 EXTERNAL", "PIPELINING",
            "IMPLEMENTATION starttls4j-test");

    private Fixtures() {
    }

    static Capabilities caps(String... lines) {
        return new Capabilities(Arrays.stream(lines).map(line -> {
            String[] words = line.split(" ");
            return new Capability(words[0], Arrays.asList(words).subList(1, words.length));
        }).toList());
    }

    static ClientConfig.Builder clientBuilder(TlsPolicy policy) {
        return ClientConfig.builder(HOST).policy(policy).trustAnchors(List.of(TestPki.ca(KEY)));
    }

    static ClientConfig client(TlsPolicy policy) {
        return clientBuilder(policy).build();
    }

    static ClientConfig client(TlsPolicy policy, Limits limits) {
        return clientBuilder(policy).limits(limits).build();
    }

    /** One server context for all tests: an {@link SSLContext} is thread-safe, and making one is slow. */
    private static SSLContext serverContext;

    static synchronized SSLContext serverContext() {
        if (serverContext == null) {
            serverContext = TestPki.server(KEY, HOST).serverContext();
        }
        return serverContext;
    }

    static ServerConfig.Builder serverBuilder(TlsPolicy policy) {
        return ServerConfig.builder().policy(policy).hostname(HOST)
                .sslContext(serverContext())
                .capabilitiesBeforeTls(BEFORE_TLS).capabilitiesAfterTls(AFTER_TLS);
    }

    static ServerConfig server(TlsPolicy policy) {
        return serverBuilder(policy).build();
    }

    /** A server builder whose engines negotiate exactly {@code version}. */
    static ServerConfig.Builder serverBuilder(TlsPolicy policy, TlsVersion version) {
        SSLContext context = serverContext();
        return serverBuilder(policy).engineFactory((host, port) -> {
            // The negotiation keeps the factory's enabled versions at or above the floor.
            SSLEngine engine = context.createSSLEngine();
            engine.setEnabledProtocols(new String[] {version.jsseName()});
            return engine;
        });
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    /** Whether {@code wire} holds any of the commands that carry credentials, in any case. */
    static boolean carriesCredentials(String wire) {
        return wire.matches("(?is).*\\b(USER|PASS|APOP|AUTH)\\b.*");
    }
}
