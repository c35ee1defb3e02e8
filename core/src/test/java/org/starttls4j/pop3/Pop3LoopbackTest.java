package org.starttls4j.pop3;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.starttls4j.Capabilities;
import org.starttls4j.ClientConfig;
import org.starttls4j.Event;
import org.starttls4j.Failure;
import org.starttls4j.Outcome;
import org.starttls4j.PlaintextSession;
import org.starttls4j.ServerConfig;
import org.starttls4j.TlsPolicy;
import org.starttls4j.TlsVersion;
import org.starttls4j.testing.Loopback;
import org.starttls4j.testing.TestPki;

/**
 * A POP3 client negotiation against a POP3 server negotiation, in memory, with real JDK
 * SSLEngines and certificates made at test time, for every policy and both TLS versions.
 */
class Pop3LoopbackTest {

    private static final String SERVER_GREETING = "+OK mail.example.test POP3 server ready\r\n";
    private static final String CAPA_BEFORE_TLS =
            "+OK Capability list follows\r\nTOP\r\nUIDL\r\nRESP-CODES\r\nAUTH-RESP-CODE\r\nSTLS\r\n.\r\n";
    private static final Capabilities ANNOUNCED_BEFORE_TLS = Fixtures.caps("TOP", "UIDL", "RESP-CODES", "AUTH-RESP-CODE", "STLS");

    static Stream<Arguments> tlsPolicies() {
        return Stream.of(TlsPolicy.OPPORTUNISTIC, TlsPolicy.REQUIRED, TlsPolicy.IMPLICIT)
                .flatMap(policy -> Stream.of(TlsVersion.TLS_1_2, TlsVersion.TLS_1_3).map(version -> Arguments.of(policy, version)));
    }

    private static ClientConfig clientConfig(TlsPolicy policy, TlsVersion version) {
        return Fixtures.clientBuilder(policy).tlsFloor(version).build();
    }

    /** The bytes before the first TLS record (0x16 handshake), as text. */
    private static String beforeTls(byte[] wire) {
        int i = 0;
        while (i < wire.length && wire[i] != 0x16) {
            i++;
        }
        assertThat(i).as("a TLS record follows").isLessThan(wire.length);
        return Fixtures.text(java.util.Arrays.copyOf(wire, i));
    }

    @ParameterizedTest(name = "{0} over {1}")
    @MethodSource("tlsPolicies")
    void bothSidesSecureTheConnectionAndTheClientReportsOnlyThePostTlsCapabilities(TlsPolicy policy, TlsVersion version) {
        ServerConfig serverConfig = Fixtures.serverBuilder(policy, version).build();
        // The core server hands over right after the handshake: its application answers CAPA inside TLS.
        List<String> appLines = new ArrayList<>();
        Loopback.Result r = Loopback.run(Pop3.client(clientConfig(policy, version)), Pop3.server(serverConfig), Fixtures.T0,
                line -> {
                    appLines.add(line);
                    return line.equals("CAPA") ? Pop3.capaReplyAfterTls(serverConfig) : null;
                });

        assertThat(r.clientOutcome()).isInstanceOf(Outcome.Secured.class);
        assertThat(r.serverOutcome()).isInstanceOf(Outcome.Secured.class);
        assertThat(r.clientSession().tls().protocol()).isEqualTo(version.jsseName());
        assertThat(r.serverSession().tls().protocol()).isEqualTo(version.jsseName());
        assertThat(r.clientSession().tls().peerCertificate()).contains(TestPki.server(Fixtures.KEY, Fixtures.HOST).leaf());

        // Capabilities: exactly those the server application listed inside TLS, never the plaintext ones.
        assertThat(r.clientSession().capabilities()).isEqualTo(Fixtures.AFTER_TLS);
        assertThat(r.serverSession().capabilities()).isEqualTo(Fixtures.AFTER_TLS);
        List<Event.CapabilitiesReceived> learned = r.clientEvents().stream().filter(e -> e instanceof Event.CapabilitiesReceived)
                .map(e -> (Event.CapabilitiesReceived) e).toList();
        if (policy == TlsPolicy.IMPLICIT) {
            assertThat(learned).containsExactly(new Event.CapabilitiesReceived(Fixtures.AFTER_TLS, true));
        } else {
            assertThat(learned).containsExactly(new Event.CapabilitiesReceived(ANNOUNCED_BEFORE_TLS, false),
                    new Event.CapabilitiesReceived(Fixtures.AFTER_TLS, true));
        }
        assertThat(appLines).containsExactly("CAPA");

        // The wire: the negotiation's lines only, then TLS; no credentials ever in plaintext.
        if (policy == TlsPolicy.IMPLICIT) {
            assertThat(r.clientSent()[0]).isEqualTo((byte) 0x16);
            assertThat(r.serverSent()[0]).isEqualTo((byte) 0x16);
            assertThat(r.clientEvents()).doesNotHaveAnyElementsOfTypes(Event.StartTlsAccepted.class);
        } else {
            assertThat(beforeTls(r.clientSent())).isEqualTo("CAPA\r\nSTLS\r\n");
            assertThat(beforeTls(r.serverSent())).isEqualTo(SERVER_GREETING + CAPA_BEFORE_TLS + "+OK Begin TLS negotiation\r\n");
            assertThat(r.clientEvents()).filteredOn(e -> e instanceof Event.StartTlsAccepted).hasSize(1);
            assertThat(r.serverEvents()).filteredOn(e -> e instanceof Event.StartTlsAccepted).hasSize(1);
        }
        assertThat(r.clientEvents()).filteredOn(e -> e instanceof Event.GreetingReceived)
                .containsExactly(new Event.GreetingReceived("mail.example.test POP3 server ready", policy == TlsPolicy.IMPLICIT));
        assertThat(r.clientEvents()).filteredOn(e -> e instanceof Event.Line l && l.direction() == Event.Direction.SENT)
                .extracting(e -> ((Event.Line) e).encrypted() + " " + ((Event.Line) e).text())
                .containsExactlyElementsOf(policy == TlsPolicy.IMPLICIT ? List.of("true CAPA")
                        : List.of("false CAPA", "false STLS", "true CAPA"));

        // The sessions carry the application's bytes both ways.
        assertThat(Fixtures.text(Loopback.send(r.clientSession(), r.serverSession(), Fixtures.bytes("USER alice\r\n"))))
                .isEqualTo("USER alice\r\n");
        assertThat(Fixtures.text(Loopback.send(r.serverSession(), r.clientSession(), Fixtures.bytes("+OK\r\n"))))
                .isEqualTo("+OK\r\n");
    }

    /**
     * Relays between a client and a server that never reach TLS, one turn at a time, and then lets
     * the client's application send {@code command} in plaintext.
     */
    private static void relayInPlaintext(Script client, Script server, String command) {
        client.receive(server.sent());
        while (!client.finished() && client.lastSent().length > 0) {
            server.receive(client.lastSent());
            client.receive(server.lastSent());
        }
        if (client.outcome() instanceof Outcome.Plaintext) {
            server.receive(command);
        }
    }

    @Test
    void plaintextOnlyHandsBothSidesOverWithoutTls() {
        ServerConfig serverConfig = ServerConfig.builder().policy(TlsPolicy.PLAINTEXT_ONLY).hostname(Fixtures.HOST)
                .capabilitiesBeforeTls(Fixtures.BEFORE_TLS).allowAuthBeforeTls(true).build();
        Script client = Script.begin(Pop3.client(Fixtures.client(TlsPolicy.PLAINTEXT_ONLY)));
        Script server = Script.begin(Pop3.server(serverConfig));
        relayInPlaintext(client, server, "USER alice\r\n");
        PlaintextSession clientSession = ((Outcome.Plaintext) client.outcome()).session();
        PlaintextSession serverSession = ((Outcome.Plaintext) server.outcome()).session();
        assertThat(clientSession.capabilities()).isEqualTo(Fixtures.BEFORE_TLS);
        assertThat(clientSession.fallbackCause()).isEmpty();
        assertThat(serverSession.fallbackCause()).isEmpty();
        assertThat(Fixtures.text(Script.drain(serverSession.unread()))).isEqualTo("USER alice\r\n");
        assertThat(client.sent()).isEqualTo("CAPA\r\n");
        assertThat(server.sent()).isEqualTo(SERVER_GREETING
                + "+OK Capability list follows\r\nTOP\r\nUIDL\r\nUSER\r\nSASL PLAIN SCRAM-SHA-256\r\nRESP-CODES\r\nAUTH-RESP-CODE\r\n.\r\n");
    }

    @Test
    void anOpportunisticClientFallsBackAgainstAPlaintextOnlyServer() {
        ServerConfig serverConfig = ServerConfig.builder().policy(TlsPolicy.PLAINTEXT_ONLY).hostname(Fixtures.HOST)
                .capabilitiesBeforeTls(Fixtures.caps("TOP", "UIDL")).build();
        Script client = Script.begin(Pop3.client(Fixtures.client(TlsPolicy.OPPORTUNISTIC)));
        Script server = Script.begin(Pop3.server(serverConfig));
        relayInPlaintext(client, server, "STAT\r\n");
        PlaintextSession clientSession = ((Outcome.Plaintext) client.outcome()).session();
        assertThat(clientSession.fallbackCause().map(Failure::reason)).contains(Failure.Reason.STARTTLS_NOT_OFFERED);
        assertThat(clientSession.capabilities()).isEqualTo(Fixtures.caps("TOP", "UIDL"));
        assertThat(Fixtures.text(Script.drain(((Outcome.Plaintext) server.outcome()).session().unread()))).isEqualTo("STAT\r\n");
        assertThat(client.sent()).isEqualTo("CAPA\r\n");
    }

    @Test
    void aRequiredClientGivesUpOnAPlaintextOnlyServerWithoutSendingCredentials() {
        ServerConfig serverConfig = ServerConfig.builder().policy(TlsPolicy.PLAINTEXT_ONLY).hostname(Fixtures.HOST)
                .capabilitiesBeforeTls(Fixtures.BEFORE_TLS).allowAuthBeforeTls(true).build();
        Loopback.Result r = Loopback.run(Pop3.client(Fixtures.client(TlsPolicy.REQUIRED)), Pop3.server(serverConfig), Fixtures.T0);
        assertThat(((Outcome.Failed) r.clientOutcome()).failure().reason()).isEqualTo(Failure.Reason.STARTTLS_NOT_OFFERED);
        assertThat(Fixtures.text(r.clientSent())).isEqualTo("CAPA\r\nQUIT\r\n");
        assertThat(((Outcome.Failed) r.serverOutcome()).failure().reason()).isEqualTo(Failure.Reason.SERVICE_CLOSING);
        assertThat(Fixtures.text(r.serverSent())).endsWith("+OK mail.example.test POP3 server signing off\r\n");
    }

    @Test
    void aManInTheMiddleWhoStripsStlsFromCapaCannotMakeARequiredClientSendCredentials() {
        // Loopback with a tamper that deletes the STLS line: the REQUIRED client must fail, not fall back.
        ServerConfig serverConfig = Fixtures.server(TlsPolicy.OPPORTUNISTIC);
        Loopback.Result r = Loopback.run(Pop3.client(Fixtures.client(TlsPolicy.REQUIRED)), Pop3.server(serverConfig), Fixtures.T0,
                new Loopback.Tamper() {
                    @Override
                    public byte[] serverToClient(byte[] bytes) {
                        return Fixtures.bytes(Fixtures.text(bytes).replace("STLS\r\n", ""));
                    }
                });
        assertThat(((Outcome.Failed) r.clientOutcome()).failure().reason()).isEqualTo(Failure.Reason.STARTTLS_NOT_OFFERED);
        assertThat(Fixtures.text(r.clientSent())).isEqualTo("CAPA\r\nQUIT\r\n");
    }
}
