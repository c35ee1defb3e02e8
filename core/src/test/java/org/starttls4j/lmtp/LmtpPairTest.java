package org.starttls4j.lmtp;

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

/** The core's LMTP client against the core's LMTP server, in memory, with real SSLEngines. */
class LmtpPairTest {

    private static Loopback.Result run(TlsPolicy clientPolicy, TlsPolicy serverPolicy, Loopback.Tamper tamper) {
        ServerConfig server = LmtpServerTest.config(serverPolicy);
        return Loopback.run(Lmtp.client(Dialect.clientBuilder(clientPolicy).build()), Lmtp.server(server), Dialect.T0, tamper,
                line -> line.startsWith("LHLO ") ? Lmtp.lhloReplyAfterTls(server, line.substring(5)) : null);
    }

    @ParameterizedTest
    @EnumSource(value = TlsPolicy.class, names = {"REQUIRED", "OPPORTUNISTIC", "IMPLICIT"})
    void bothEndsAreSecuredWithTheCapabilitiesAnnouncedInsideTls(TlsPolicy policy) {
        Loopback.Result r = run(policy, policy, new Loopback.Tamper() { });
        assertThat(r.clientOutcome()).isInstanceOf(Outcome.Secured.class);
        assertThat(r.serverOutcome()).isInstanceOf(Outcome.Secured.class);
        assertThat(r.clientSession().capabilities().parameters("AUTH")).containsExactly("PLAIN", "LOGIN");
        assertThat(r.clientSession().capabilities().has("STARTTLS")).isFalse();
        byte[] echoed = Loopback.send(r.clientSession(), r.serverSession(), "MAIL FROM:<a@b>\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(new String(echoed, StandardCharsets.US_ASCII)).isEqualTo("MAIL FROM:<a@b>\r\n");
    }

    @Test
    void plaintextOnlyOnBothEndsHandsOverInPlaintext() {
        Loopback.Result r = run(TlsPolicy.PLAINTEXT_ONLY, TlsPolicy.PLAINTEXT_ONLY, new Loopback.Tamper() { });
        assertThat(r.clientOutcome()).isInstanceOf(Outcome.Plaintext.class);
        assertThat(new String(r.clientSent(), StandardCharsets.ISO_8859_1)).isEqualTo("LHLO localhost\r\n");
    }

    @Test
    void aRequiredClientFailsAgainstAServerWithoutStartTlsAndAnOpportunisticOneFallsBack() {
        Loopback.Result required = run(TlsPolicy.REQUIRED, TlsPolicy.PLAINTEXT_ONLY, new Loopback.Tamper() { });
        assertThat(((Outcome.Failed) required.clientOutcome()).failure().reason()).isEqualTo(Failure.Reason.STARTTLS_NOT_OFFERED);
        Loopback.Result opportunistic = run(TlsPolicy.OPPORTUNISTIC, TlsPolicy.PLAINTEXT_ONLY, new Loopback.Tamper() { });
        assertThat(opportunistic.clientOutcome()).isInstanceOf(Outcome.Plaintext.class);
    }

    @Test
    void capabilitiesAreLearnedAgainInsideTlsSoAStrippedListBeforeTlsNeverSurvives() {
        // A man in the middle adds a capability before TLS; it must not be reported after.
        Loopback.Result r = run(TlsPolicy.REQUIRED, TlsPolicy.REQUIRED, new Loopback.Tamper() {
            @Override
            public byte[] serverToClient(byte[] bytes) {
                String text = new String(bytes, StandardCharsets.ISO_8859_1);
                return text.replace("250-PIPELINING\r\n", "250-PIPELINING\r\n250-X-FORGED\r\n").getBytes(StandardCharsets.ISO_8859_1);
            }
        });
        assertThat(r.clientSession().capabilities().has("X-FORGED")).isFalse();
        assertThat(r.clientSession().capabilities().has("PIPELINING")).isTrue();
    }
}
