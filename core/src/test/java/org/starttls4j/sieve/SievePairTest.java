package org.starttls4j.sieve;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.starttls4j.Event;
import org.starttls4j.Failure;
import org.starttls4j.Outcome;
import org.starttls4j.ServerConfig;
import org.starttls4j.TlsPolicy;
import org.starttls4j.testing.Dialect;
import org.starttls4j.testing.Loopback;

/**
 * The core's ManageSieve client against the core's ManageSieve server, in memory, with real
 * SSLEngines. After STARTTLS the server's application speaks first, unasked (RFC 5804 §2.2).
 */
class SievePairTest {

    /** The application behind the server: it re-issues the capabilities as soon as TLS is up. */
    private static Loopback.ServerApp application(ServerConfig server) {
        return new Loopback.ServerApp() {
            @Override
            public String onLine(String line) {
                return null;
            }

            @Override
            public String onHandOver() {
                return server.policy() == TlsPolicy.IMPLICIT ? null : ManageSieve.capabilitiesAfterTls(server);
            }
        };
    }

    private static Loopback.Result run(TlsPolicy clientPolicy, TlsPolicy serverPolicy, Loopback.Tamper tamper) {
        ServerConfig server = SieveServerTest.config(serverPolicy);
        return Loopback.run(ManageSieve.client(Dialect.clientBuilder(clientPolicy).build()), ManageSieve.server(server), Dialect.T0,
                tamper, application(server));
    }

    @ParameterizedTest
    @EnumSource(value = TlsPolicy.class, names = {"REQUIRED", "OPPORTUNISTIC", "IMPLICIT"})
    void bothEndsAreSecuredWithTheCapabilitiesSentInsideTls(TlsPolicy policy) {
        Loopback.Result r = run(policy, policy, new Loopback.Tamper() { });
        assertThat(r.clientOutcome()).isInstanceOf(Outcome.Secured.class);
        assertThat(r.serverOutcome()).isInstanceOf(Outcome.Secured.class);
        assertThat(r.clientSession().capabilities().parameters("SASL")).containsExactly("PLAIN", "SCRAM-SHA-256");
        assertThat(r.clientSession().capabilities().has("STARTTLS")).isFalse();
        assertThat(r.clientEvents().stream().filter(e -> e instanceof Event.CapabilitiesReceived c && c.encrypted())).hasSize(1);
        byte[] echoed = Loopback.send(r.clientSession(), r.serverSession(), "LISTSCRIPTS\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(new String(echoed, StandardCharsets.US_ASCII)).isEqualTo("LISTSCRIPTS\r\n");
    }

    @Test
    void theClientSendsNothingButStartTlsInPlaintext() {
        Loopback.Result r = run(TlsPolicy.REQUIRED, TlsPolicy.REQUIRED, new Loopback.Tamper() { });
        String plaintext = new String(r.clientSent(), StandardCharsets.ISO_8859_1);
        assertThat(plaintext).startsWith("STARTTLS\r\n");
        assertThat(plaintext).doesNotContain("AUTHENTICATE");
    }

    @Test
    void plaintextOnlyOnBothEndsHandsOverInPlaintext() {
        Loopback.Result r = run(TlsPolicy.PLAINTEXT_ONLY, TlsPolicy.PLAINTEXT_ONLY, new Loopback.Tamper() { });
        assertThat(r.clientOutcome()).isInstanceOf(Outcome.Plaintext.class);
        assertThat(r.clientSent()).isEmpty();
    }

    @Test
    void aRequiredClientFailsAgainstAServerWithoutStartTlsAndAnOpportunisticOneFallsBack() {
        Loopback.Result required = run(TlsPolicy.REQUIRED, TlsPolicy.PLAINTEXT_ONLY, new Loopback.Tamper() { });
        assertThat(((Outcome.Failed) required.clientOutcome()).failure().reason()).isEqualTo(Failure.Reason.STARTTLS_NOT_OFFERED);
        assertThat(run(TlsPolicy.OPPORTUNISTIC, TlsPolicy.PLAINTEXT_ONLY, new Loopback.Tamper() { }).clientOutcome())
                .isInstanceOf(Outcome.Plaintext.class);
    }

    @Test
    void theUnsolicitedPostTlsListIsThePostTlsSetAndNothingFromBeforeLeaks() {
        // A man in the middle adds a mechanism and a capability to the plaintext greeting.
        Loopback.Result r = run(TlsPolicy.REQUIRED, TlsPolicy.REQUIRED, new Loopback.Tamper() {
            @Override
            public byte[] serverToClient(byte[] bytes) {
                String text = new String(bytes, StandardCharsets.ISO_8859_1);
                return text.replace("\"SASL\" \"\"", "\"SASL\" \"PLAIN LOGIN\"\r\n\"X-FORGED\"").getBytes(StandardCharsets.ISO_8859_1);
            }
        });
        assertThat(r.clientEvents().stream().filter(e -> e instanceof Event.CapabilitiesReceived c && !c.encrypted()))
                .singleElement().satisfies(e -> assertThat(((Event.CapabilitiesReceived) e).capabilities().has("X-FORGED")).isTrue());
        assertThat(r.clientSession().capabilities().has("X-FORGED")).isFalse();
        assertThat(r.clientSession().capabilities().parameters("SASL")).containsExactly("PLAIN", "SCRAM-SHA-256");
    }

    @Test
    void aServerApplicationThatStaysSilentAfterTlsLeavesTheClientWaitingNotSecured() {
        ServerConfig server = SieveServerTest.config(TlsPolicy.REQUIRED);
        Loopback.Result r = Loopback.run(ManageSieve.client(Dialect.clientBuilder(TlsPolicy.REQUIRED).build()),
                ManageSieve.server(server), Dialect.T0, line -> null);
        assertThat(((Outcome.Failed) r.clientOutcome()).failure().reason()).isEqualTo(Failure.Reason.PEER_CLOSED);
    }
}
