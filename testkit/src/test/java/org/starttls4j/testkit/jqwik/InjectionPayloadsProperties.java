package org.starttls4j.testkit.jqwik;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.starttls4j.ClientConfig;
import org.starttls4j.Event;
import org.starttls4j.Failure;
import org.starttls4j.Outcome;
import org.starttls4j.ServerConfig;
import org.starttls4j.TlsPolicy;
import org.starttls4j.Transition;
import org.starttls4j.testkit.CertificateKind;
import org.starttls4j.testkit.MailProtocol;
import org.starttls4j.testkit.ThrowawayPki;
import org.starttls4j.testkit.internal.Conversation;

/**
 * Every protocol's injection payloads do what their Javadoc promises: pipelined after the client's
 * STARTTLS/STLS command they make the core's server fail with {@code PLAINTEXT_INJECTION}, and
 * appended to the server's go-ahead they make the core's client fail the same way. The core's own
 * client and server talk until that point, so each protocol's real dialog leads up to it.
 */
class InjectionPayloadsProperties {

    private static final ThrowawayPki PKI = ThrowawayPki.forServer("localhost");
    private static final ClientConfig CLIENT = ClientConfig.builder("localhost").sslContext(PKI.clientContext()).build();
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private static final int MAX_ROUNDS = 20;

    record Injection(MailProtocol protocol, String payload) {
    }

    @Provide
    Arbitrary<Injection> injections() {
        return Arbitraries.of(MailProtocol.values())
                .flatMap(p -> MailArbitraries.injectionPayloads(p).map(payload -> new Injection(p, payload)));
    }

    @Property
    void aPayloadPipelinedAfterStartTlsFailsTheServer(@ForAll("injections") Injection injection) {
        Transition server = converse(injection.protocol(), injection.payload(), true);
        assertThat(server.outcome()).as(Readable.transition(server)).get()
                .isInstanceOfSatisfying(Outcome.Failed.class, failed ->
                        assertThat(failed.failure().reason()).isEqualTo(Failure.Reason.PLAINTEXT_INJECTION));
        assertThat(server.events()).doesNotContain(new Event.StartTlsAccepted());
    }

    @Property
    void aPayloadAfterTheGoAheadFailsTheClient(@ForAll("injections") Injection injection) {
        Transition client = converse(injection.protocol(), injection.payload(), false);
        assertThat(client.outcome()).as(Readable.transition(client)).get()
                .isInstanceOfSatisfying(Outcome.Failed.class, failed ->
                        assertThat(failed.failure().reason()).isEqualTo(Failure.Reason.PLAINTEXT_INJECTION));
    }

    /**
     * The core's client and server of {@code protocol} talk until the client sends STARTTLS
     * ({@code intoServer}: the payload is pipelined after it) or the server sends its go-ahead
     * (the payload follows it in the same read); returns the transition of the side that read it.
     */
    private static Transition converse(MailProtocol protocol, String payload, boolean intoServer) {
        ServerConfig config = ServerConfig.builder().policy(TlsPolicy.REQUIRED).hostname("localhost")
                .sslContext(PKI.serverContext(CertificateKind.VALID))
                .capabilitiesBeforeTls(Conversation.capabilities(protocol, false))
                .capabilitiesAfterTls(Conversation.capabilities(protocol, true)).build();
        Transition client = protocol.client(CLIENT).begin(NOW);
        Transition server = protocol.server(config).begin(NOW);
        byte[] toClient = server.outboundBytes();
        byte[] toServer = client.outboundBytes();
        String startTls = protocol.startTlsCommand() + "\r\n";
        for (int round = 0; round < MAX_ROUNDS; round++) {
            if (toServer.length > 0) {
                String sent = new String(toServer, StandardCharsets.ISO_8859_1);
                boolean startTlsSent = sent.toUpperCase(Locale.ROOT).endsWith(startTls);
                server = server.next().onReceived(ByteBuffer.wrap((intoServer && startTlsSent ? sent + payload : sent)
                        .getBytes(StandardCharsets.ISO_8859_1)), NOW);
                if (intoServer && startTlsSent) {
                    return server;
                }
                toClient = server.outboundBytes();
                toServer = new byte[0];
            }
            if (toClient.length > 0) {
                String sent = new String(toClient, StandardCharsets.ISO_8859_1);
                boolean goAhead = !intoServer && server.events().contains(new Event.StartTlsAccepted());
                client = client.next().onReceived(ByteBuffer.wrap((goAhead ? sent + payload : sent)
                        .getBytes(StandardCharsets.ISO_8859_1)), NOW);
                if (goAhead) {
                    return client;
                }
                toServer = client.outboundBytes();
                toClient = new byte[0];
            }
            assertThat(client.outcome()).as("%s client stopped early: %s", protocol, Readable.transition(client)).isEmpty();
            assertThat(server.outcome()).as("%s server stopped early: %s", protocol, Readable.transition(server)).isEmpty();
        }
        throw new AssertionError(protocol + ": no STARTTLS after " + MAX_ROUNDS + " rounds");
    }
}
