package org.starttls4j.nntp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.starttls4j.Failure;
import org.starttls4j.Outcome;
import org.starttls4j.ServerConfig;
import org.starttls4j.TlsPolicy;
import org.starttls4j.testing.Dialect;
import org.starttls4j.testing.Loopback;

/** The core's NNTP client against the core's NNTP server, in memory, with real SSLEngines. */
class NntpPairTest {

    private static Loopback.Result run(TlsPolicy clientPolicy, TlsPolicy serverPolicy, Loopback.Tamper tamper) {
        ServerConfig server = NntpServerTest.config(serverPolicy);
        return Loopback.run(Nntp.client(Dialect.clientBuilder(clientPolicy).build()), Nntp.server(server), Dialect.T0, tamper,
                line -> line.equalsIgnoreCase("CAPABILITIES") ? Nntp.capabilitiesReplyAfterTls(server) : null);
    }

    @ParameterizedTest
    @EnumSource(value = TlsPolicy.class, names = {"REQUIRED", "OPPORTUNISTIC", "IMPLICIT"})
    void bothEndsAreSecuredWithTheCapabilitiesAnnouncedInsideTls(TlsPolicy policy) {
        Loopback.Result r = run(policy, policy, new Loopback.Tamper() { });
        assertThat(r.clientOutcome()).isInstanceOf(Outcome.Secured.class);
        assertThat(r.serverOutcome()).isInstanceOf(Outcome.Secured.class);
        assertThat(r.clientSession().capabilities().parameters("SASL")).containsExactly("PLAIN", "SCRAM-SHA-256");
        assertThat(r.clientSession().capabilities().has("STARTTLS")).isFalse();
        byte[] echoed = Loopback.send(r.clientSession(), r.serverSession(), "GROUP misc.test\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(new String(echoed, StandardCharsets.US_ASCII)).isEqualTo("GROUP misc.test\r\n");
    }

    @Test
    void plaintextOnlyOnBothEndsHandsOverInPlaintext() {
        Loopback.Result r = run(TlsPolicy.PLAINTEXT_ONLY, TlsPolicy.PLAINTEXT_ONLY, new Loopback.Tamper() { });
        assertThat(r.clientOutcome()).isInstanceOf(Outcome.Plaintext.class);
        assertThat(((Outcome.Plaintext) r.clientOutcome()).session().capabilities().has("SASL")).isFalse();
    }

    @Test
    void aRequiredClientFailsAgainstAServerWithoutStartTlsAndAnOpportunisticOneFallsBack() {
        Loopback.Result required = run(TlsPolicy.REQUIRED, TlsPolicy.PLAINTEXT_ONLY, new Loopback.Tamper() { });
        assertThat(((Outcome.Failed) required.clientOutcome()).failure().reason()).isEqualTo(Failure.Reason.STARTTLS_NOT_OFFERED);
        assertThat(run(TlsPolicy.OPPORTUNISTIC, TlsPolicy.PLAINTEXT_ONLY, new Loopback.Tamper() { }).clientOutcome())
                .isInstanceOf(Outcome.Plaintext.class);
    }

    @Test
    void aCapabilityForgedBeforeTlsIsNeverReportedAfterIt() {
        Loopback.Result r = run(TlsPolicy.REQUIRED, TlsPolicy.REQUIRED, new Loopback.Tamper() {
            @Override
            public byte[] serverToClient(byte[] bytes) {
                String text = new String(bytes, StandardCharsets.ISO_8859_1);
                return text.replace("READER\r\nLIST", "READER\r\nX-FORGED\r\nLIST").getBytes(StandardCharsets.ISO_8859_1);
            }
        });
        assertThat(r.clientEvents().toString()).contains("X-FORGED");
        assertThat(r.clientSession().capabilities().has("X-FORGED")).isFalse();
        assertThat(r.clientSession().capabilities().has("POST")).isTrue();
    }
}
