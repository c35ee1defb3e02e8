package org.starttls4j.nio;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.starttls4j.Capabilities;
import org.starttls4j.Capability;
import org.starttls4j.ClientConfig;
import org.starttls4j.Negotiation;
import org.starttls4j.ServerConfig;
import org.starttls4j.TlsPolicy;
import org.starttls4j.lmtp.Lmtp;
import org.starttls4j.nntp.Nntp;
import org.starttls4j.sieve.ManageSieve;

/**
 * LMTP, ManageSieve and NNTP through the NIO adapter, our client against our server over
 * 127.0.0.1, with no change to the adapter: each is one more pair of entry points.
 */
class DialectsOverLoopbackTest {

    /** A dialect as the adapter sees it, and what its application says inside TLS. */
    enum Dialect {
        LMTP(Lmtp::client, Lmtp::server, "QUIT\r\n", "221 ") {
            @Override
            String answer(ServerConfig config, String line) {
                return line.startsWith("LHLO ") ? Lmtp.lhloReplyAfterTls(config, line.substring(5)) : "221 2.0.0 Bye\r\n";
            }
        },
        SIEVE(ManageSieve::client, ManageSieve::server, "LOGOUT\r\n", "OK ") {
            @Override
            String opening(ServerConfig config) {
                return ManageSieve.capabilitiesAfterTls(config);
            }

            @Override
            String answer(ServerConfig config, String line) {
                return "OK \"Logout completed\"\r\n";
            }
        },
        NNTP(Nntp::client, Nntp::server, "QUIT\r\n", "205 ") {
            @Override
            String answer(ServerConfig config, String line) {
                return line.equals("CAPABILITIES") ? Nntp.capabilitiesReplyAfterTls(config) : "205 Connection closing\r\n";
            }
        };

        final Function<ClientConfig, Negotiation> client;
        final Function<ServerConfig, Negotiation> server;
        final String goodbye;
        final String goodbyeAnswer;

        Dialect(Function<ClientConfig, Negotiation> client, Function<ServerConfig, Negotiation> server, String goodbye,
                String goodbyeAnswer) {
            this.client = client;
            this.server = server;
            this.goodbye = goodbye;
            this.goodbyeAnswer = goodbyeAnswer;
        }

        String opening(ServerConfig config) {
            return "";
        }

        abstract String answer(ServerConfig config, String line);
    }

    private static final Capabilities AFTER_TLS = new Capabilities(List.of(new Capability("SASL", List.of("PLAIN")),
            new Capability("AUTH", List.of("PLAIN")), new Capability("X-INSIDE-TLS", List.of())));

    private final ExecutorService applications = Executors.newCachedThreadPool();
    private final BlockingQueue<String> served = new LinkedBlockingQueue<>();

    @AfterEach
    void stop() throws InterruptedException {
        applications.shutdownNow();
        assertThat(applications.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    /** The application on a handed-over channel: speak first if the dialect does, then answer lines until the goodbye. */
    private void serve(Dialect dialect, ServerConfig config, NegotiatedChannel channel) {
        applications.execute(() -> {
            try (channel) {
                channel.configureBlocking(true);
                Fixtures.send(channel, dialect.opening(config));
                String line;
                while ((line = Fixtures.readLine(channel)) != null) {
                    served.add(line);
                    Fixtures.send(channel, dialect.answer(config, line));
                    if (line.equals(dialect.goodbye.strip())) {
                        return;
                    }
                }
            } catch (IOException e) {
                served.add("error: " + e);
            }
        });
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void requiredSecuresTheConnectionWithTheCapabilitiesAnnouncedInsideTls(Dialect dialect) throws Exception {
        ServerConfig config = Fixtures.server(TlsPolicy.REQUIRED).capabilitiesAfterTls(AFTER_TLS).build();
        try (NioServer server = NioServer.builder(config, dialect.server::apply).bind(Fixtures.anyLoopbackPort())
                .onSession(channel -> serve(dialect, config, channel)).start()) {
            try (NegotiatedChannel channel = NioClient.create().connect(server.localAddress(),
                    Fixtures.client(TlsPolicy.REQUIRED).build(), dialect.client::apply)) {
                assertThat(channel).isInstanceOf(SecureChannel.class);
                NegotiationReport report = channel.report();
                assertThat(report.capabilities().has("X-INSIDE-TLS")).as(report.summary()).isTrue();
                assertThat(report.capabilities().has("STARTTLS")).isFalse();
                assertThat(report.transcript()).anyMatch(l -> !l.encrypted() && l.text().equals("STARTTLS"));
                Fixtures.send(channel, dialect.goodbye);
                assertThat(Fixtures.readLine(channel)).startsWith(dialect.goodbyeAnswer);
            }
            assertThat(served.poll(20, TimeUnit.SECONDS)).isNotNull().doesNotStartWith("error");
        }
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void anOpportunisticClientFallsBackAgainstAServerWithoutTls(Dialect dialect) throws Exception {
        ServerConfig config = Fixtures.server(TlsPolicy.PLAINTEXT_ONLY).build();
        try (NioServer server = NioServer.builder(config, dialect.server::apply).bind(Fixtures.anyLoopbackPort())
                .onSession(channel -> serve(dialect, config, channel)).start()) {
            try (NegotiatedChannel channel = NioClient.create().connect(server.localAddress(),
                    Fixtures.client(TlsPolicy.OPPORTUNISTIC).build(), dialect.client::apply)) {
                assertThat(channel).isInstanceOf(PlaintextChannel.class);
                assertThat(channel.report().whyNotEncrypted()).hasValueSatisfying(why -> assertThat(why).contains("STARTTLS_NOT_OFFERED"));
            }
        }
    }
}
