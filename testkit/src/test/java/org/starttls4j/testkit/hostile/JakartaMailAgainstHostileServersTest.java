package org.starttls4j.testkit.hostile;

import static org.assertj.core.api.Assertions.catchThrowable;
import static org.starttls4j.testkit.StartTlsAssertions.assertThat;

import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.starttls4j.testkit.JakartaMailClient;
import org.starttls4j.testkit.MailProtocol;

/**
 * The proof of part 2: every hostile scenario against Jakarta Mail (Eclipse Angus 2.0.5) with
 * {@code mail.<proto>.starttls.required=true}, a trust store holding only the kit's CA, and
 * {@code ssl.checkserveridentity=true}. Each row asserts the verdict observed (see
 * docs/TESTKIT-FINDINGS.md): Angus stays safe in every STARTTLS scenario, and reads an over-long
 * line or an endless reply to the end.
 */
class JakartaMailAgainstHostileServersTest {

    /** What Angus 2.0.5 was observed to do: it bounds neither a line nor a multi-line reply. */
    private static final Set<HostileScenario> UNBOUNDED = Set.of(HostileScenario.OVER_LONG_LINE, HostileScenario.ENDLESS_MULTILINE_REPLY);

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("org.starttls4j.testkit.hostile.OwnClientAgainstHostileServersTest#everyScenario")
    void jakartaMailWithStartTlsRequired(MailProtocol protocol, HostileScenario scenario) throws Exception {
        try (HostileServer server = HostileServer.start(protocol, scenario)) {
            catchThrowable(() -> JakartaMailClient.session(protocol, server.host(), server.port(), server.clientContext()));
            HostileRun run = server.run();

            assertThat(run).clientConnected();
            if (UNBOUNDED.contains(scenario)) {
                assertThat(run).hasExactlyFindings(ClientFinding.ACCEPTED_UNBOUNDED_REPLY);
            } else {
                assertThat(run).clientStayedSafe();
            }
        }
    }
}
