package org.starttls4j.testkit.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.starttls4j.testkit.StartTlsAssertions.assertThat;

import org.junit.jupiter.api.Test;
import org.starttls4j.testkit.MailProtocol;
import org.starttls4j.testkit.hostile.CarelessSmtpClient.Bug;

/**
 * Positive controls: a client with a known bug is caught by the scenario meant for it, with the
 * evidence; the same client without the bug stays safe. Without these, a kit that never finds
 * anything would pass every other test.
 */
class FindingsFireTest {

    private static HostileRun play(HostileScenario scenario, Bug bug) throws Exception {
        try (HostileServer server = HostileServer.start(MailProtocol.SMTP, scenario)) {
            catchThrowable(() -> new CarelessSmtpClient(bug, server.clientContext()).session(server.host(), server.port()));
            return server.run();
        }
    }

    @Test
    void aClientThatFallsBackWhenStartTlsIsStrippedSendsItsPasswordAndMailInPlaintext() throws Exception {
        HostileRun run = play(HostileScenario.STARTTLS_STRIPPED, Bug.FALLS_BACK_TO_PLAINTEXT);

        assertThat(run).hasExactlyFindings(ClientFinding.CREDENTIALS_IN_PLAINTEXT, ClientFinding.MAIL_IN_PLAINTEXT,
                ClientFinding.CONTINUED_WITHOUT_TLS);
        assertThat(run.findings().get(0).evidence()).contains("[plain]", "AUTH PLAIN", "user mallory, password open-sesame");
        assertThat(run.recording().messages()).singleElement().satisfies(m -> assertThat(m.subject()).isEqualTo("careless"));
    }

    @Test
    void aClientThatFallsBackWhenStartTlsIsRefusedIsCaughtToo() throws Exception {
        assertThat(play(HostileScenario.STARTTLS_REFUSED, Bug.FALLS_BACK_TO_PLAINTEXT)).hasFinding(ClientFinding.CREDENTIALS_IN_PLAINTEXT);
    }

    @Test
    void aClientThatKeepsItsPlaintextBufferActsOnTheInjectedResponse() throws Exception {
        HostileRun run = play(HostileScenario.RESPONSE_INJECTION, Bug.KEEPS_PLAINTEXT_BUFFER);

        assertThat(run).hasExactlyFindings(ClientFinding.ACTED_ON_INJECTED_RESPONSE);
        assertThat(run.findings().get(0).evidence()).contains("MAIL FROM:<mallory@example.test>", "before 'EHLO careless.example' was answered");
    }

    @Test
    void aClientThatKeepsPreTlsCapabilitiesUsesTheInjectedAuth() throws Exception {
        assertThat(play(HostileScenario.CAPABILITY_INJECTION, Bug.TRUSTS_CAPABILITIES_FROM_BEFORE_TLS))
                .hasExactlyFindings(ClientFinding.USED_CAPABILITY_FROM_BEFORE_TLS);
    }

    @Test
    void aClientThatTrustsAnyCertificateAcceptsEachBadOne() throws Exception {
        for (HostileScenario scenario : new HostileScenario[] {HostileScenario.WRONG_NAME_CERTIFICATE,
            HostileScenario.UNTRUSTED_CERTIFICATE, HostileScenario.EXPIRED_CERTIFICATE}) {
            HostileRun run = play(scenario, Bug.TRUSTS_ANY_CERTIFICATE);
            assertThat(run).hasExactlyFindings(ClientFinding.ACCEPTED_BAD_CERTIFICATE);
            assertThat(run.clientWentOnInsideTls()).isTrue();
        }
    }

    @Test
    void aClientThatRefusesTheCertificateAfterTheHandshakeAndSaysQuitInsideTlsStaysSafe() throws Exception {
        for (HostileScenario scenario : new HostileScenario[] {HostileScenario.WRONG_NAME_CERTIFICATE,
            HostileScenario.UNTRUSTED_CERTIFICATE, HostileScenario.EXPIRED_CERTIFICATE}) {
            try (HostileServer server = HostileServer.start(MailProtocol.SMTP, scenario)) {
                catchThrowable(() -> new CarelessSmtpClient(Bug.VERIFIES_AFTER_HANDSHAKE, server.clientContext(), server.pki().trustManagers())
                        .session(server.host(), server.port()));
                HostileRun run = server.run();

                // a goodbye alone inside TLS tells an attacker nothing: it is not going on with the certificate
                assertThat(run).clientStayedSafe();
                assertThat(run.recording().commands()).extracting(c -> c.layer() + " " + c.line())
                        .containsExactly("PLAINTEXT EHLO careless.example", "PLAINTEXT STARTTLS", "TLS QUIT");
            }
        }
    }

    @Test
    void theSameClientWithoutItsBugsStaysSafeInEveryScenario() throws Exception {
        for (HostileScenario scenario : HostileScenario.forProtocol(MailProtocol.SMTP)) {
            if (scenario == HostileScenario.OVER_LONG_LINE || scenario == HostileScenario.ENDLESS_MULTILINE_REPLY
                    || scenario == HostileScenario.HANG_AFTER_GO_AHEAD || scenario == HostileScenario.GARBAGE_AFTER_GO_AHEAD) {
                continue; // this client bounds nothing, and its 5 s timeout makes the hang slow: covered by the Jakarta Mail runs
            }
            HostileRun run = play(scenario, Bug.NONE);
            assertThat(run).clientConnected().clientStayedSafe();
        }
    }

    @Test
    void aClientThatReadsEverythingAcceptsTheOverLongGreeting() throws Exception {
        HostileRun run = play(HostileScenario.OVER_LONG_LINE, Bug.NONE);

        assertThat(run).hasExactlyFindings(ClientFinding.ACCEPTED_UNBOUNDED_REPLY);
        assertThat(run.findings().get(0).evidence()).contains("1,048,576 bytes", "EHLO careless.example");
    }

    @Test
    void aScenarioThatDoesNotApplyIsRefused() {
        assertThat(catchThrowable(() -> HostileServer.start(MailProtocol.SMTP, HostileScenario.PREAUTH)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PREAUTH does not apply to SMTP");
    }

    @Test
    void aServerThatPlaysScenariosInTurnJudgesEachConnectionAlone() throws Exception {
        java.util.List<HostileRun> runs = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.CountDownLatch judged = new java.util.concurrent.CountDownLatch(2);
        try (HostileServer server = HostileServer.builder(MailProtocol.SMTP, HostileScenario.STARTTLS_STRIPPED,
                HostileScenario.EXPIRED_CERTIFICATE).onConnectionJudged(run -> {
                    runs.add(run);
                    judged.countDown();
                }).start()) {
            catchThrowable(() -> new CarelessSmtpClient(Bug.FALLS_BACK_TO_PLAINTEXT, server.clientContext()).session(server.host(), server.port()));
            catchThrowable(() -> new CarelessSmtpClient(Bug.FALLS_BACK_TO_PLAINTEXT, server.clientContext()).session(server.host(), server.port()));
            assertThat(judged.await(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();

            assertThat(runs).extracting(HostileRun::scenario)
                    .containsExactlyInAnyOrder(HostileScenario.STARTTLS_STRIPPED, HostileScenario.EXPIRED_CERTIFICATE);
            for (HostileRun run : runs) {
                if (run.scenario() == HostileScenario.STARTTLS_STRIPPED) {
                    assertThat(run).hasFinding(ClientFinding.CREDENTIALS_IN_PLAINTEXT);
                } else {
                    assertThat(run).clientStayedSafe(); // it refuses the expired certificate, and nothing of connection 1 counts here
                }
            }
            assertThat(catchThrowable(server::run)).isInstanceOf(IllegalStateException.class);
        }
    }
}
