package org.starttls4j.testkit.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.starttls4j.TlsPolicy;
import org.starttls4j.testkit.JakartaMailClient;
import org.starttls4j.testkit.MailProtocol;
import org.starttls4j.testkit.StartTlsAssertions;

/**
 * The hostile scenarios that RFC 8314's implicit TLS (465, 993, 995) leaves something to attack —
 * certificates, old TLS versions, close, hang or garbage where the handshake belongs, fragmented,
 * slow, over-long and endless replies inside TLS — against Jakarta Mail (Angus 2.0.5, {@code
 * mail.<proto>s.ssl.enable=true}, {@code ssl.checkserveridentity=true}, trusting only the kit's CA)
 * and the library's own client (policy {@code IMPLICIT}). Each row asserts the verdict observed
 * (docs/TESTKIT-FINDINGS.md).
 */
class ImplicitTlsHostileServersTest {

    /** Angus 2.0.5 bounds neither a line nor a multi-line reply, inside TLS as before it. */
    private static final Set<HostileScenario> UNBOUNDED = Set.of(HostileScenario.OVER_LONG_LINE, HostileScenario.ENDLESS_MULTILINE_REPLY);

    static List<Arguments> everyImplicitScenario() {
        List<Arguments> all = new ArrayList<>();
        for (MailProtocol protocol : MailProtocol.mail()) {
            for (HostileScenario scenario : HostileScenario.forImplicitTls(protocol)) {
                all.add(Arguments.of(protocol, scenario));
            }
        }
        return all;
    }

    @Test
    void theStartTlsDialogScenariosHaveNothingToAttackOnAnImplicitPort() {
        assertThat(HostileScenario.forImplicitTls(MailProtocol.IMAP)).doesNotContain(HostileScenario.RESPONSE_INJECTION,
                HostileScenario.CAPABILITY_INJECTION, HostileScenario.STARTTLS_STRIPPED, HostileScenario.STARTTLS_REFUSED,
                HostileScenario.PREAUTH).contains(HostileScenario.EXPIRED_CERTIFICATE, HostileScenario.TLS_1_1_ONLY);
        assertThatThrownBy(() -> HostileServer.builder(MailProtocol.SMTP, HostileScenario.STARTTLS_STRIPPED).implicitTls())
                .isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("everyImplicitScenario")
    void jakartaMailWithImplicitTls(MailProtocol protocol, HostileScenario scenario) throws Exception {
        try (HostileServer server = HostileServer.builder(protocol, scenario).implicitTls().start()) {
            catchThrowable(() -> JakartaMailClient.implicitSession(protocol, server.host(), server.port(), server.clientContext()));
            HostileRun run = server.run();

            StartTlsAssertions.assertThat(run).clientConnected();
            if (UNBOUNDED.contains(scenario)) {
                StartTlsAssertions.assertThat(run).hasExactlyFindings(ClientFinding.ACCEPTED_UNBOUNDED_REPLY);
            } else {
                StartTlsAssertions.assertThat(run).clientStayedSafe();
            }
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("everyImplicitScenario")
    void starttls4jClientWithImplicitTlsStaysSafe(MailProtocol protocol, HostileScenario scenario) throws Exception {
        try (HostileServer server = HostileServer.builder(protocol, scenario).implicitTls().start()) {
            boolean secured = OwnClientAgainstHostileServersTest.negotiateAndLeave(server, protocol, TlsPolicy.IMPLICIT);
            HostileRun run = server.run();

            StartTlsAssertions.assertThat(run).clientConnected().clientStayedSafe();
            // it asks for the capabilities inside TLS too, and gives up on an endless reply as before STARTTLS
            boolean harmless = scenario == HostileScenario.FRAGMENTED_REPLIES || scenario == HostileScenario.SLOW_REPLIES;
            assertThat(secured).as("secured against " + scenario).isEqualTo(harmless);
        }
    }
}
