package org.starttls4j.testkit.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.starttls4j.testkit.StartTlsAssertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.starttls4j.testing.interop.ProcessRun;
import org.starttls4j.testkit.MailProtocol;
import org.starttls4j.testkit.hostile.ClientFinding;
import org.starttls4j.testkit.hostile.HostileRun;
import org.starttls4j.testkit.hostile.HostileScenario;
import org.starttls4j.testkit.hostile.HostileServer;

/**
 * Every hostile SMTP scenario of the test kit against msmtp 1.8.23 (GnuTLS 3.7.9) configured as a
 * careful user would: {@code tls on}, {@code tls_starttls on} (msmtp then never falls back to
 * plaintext), the kit's CA as the only trust anchor, certificate and name checks on (msmtp's
 * default), {@code auth on}, {@code timeout 3}; and, with {@code tls_starttls off}, the scenarios
 * that apply to implicit TLS (port 465). Each row asserts the verdict observed
 * (docs/TESTKIT-FINDINGS.md): a finding is a result about msmtp, not a test failure.
 *
 * <p>msmtp runs beside the server, which tells the test when the connection ends; a connection
 * still open after {@link #GIVE_UP_WITHIN} (five times msmtp's timeout) is closed by the server,
 * and that msmtp did not give up by itself is part of the observed verdict.
 */
@Tag("interop")
class MsmtpHostileScenariosTest {

    private static final Duration MSMTP_TIMEOUT = Duration.ofSeconds(3);
    private static final Duration GIVE_UP_WITHIN = MSMTP_TIMEOUT.multipliedBy(5);

    /**
     * What msmtp 1.8.23 was observed to do wrong; it stays safe in every scenario not named here.
     * TLS_1_1_ONLY: with no {@code tls_priorities} msmtp uses GnuTLS's {@code NORMAL}, which in
     * GnuTLS 3.7.9 still enables TLS 1.0 and 1.1 (RFC 8996 deprecates both): its transcript shows
     * {@code (TLS1.1)-(ECDHE-SECP256R1)-(AES-256-CBC)-(SHA1)}, then EHLO, AUTH PLAIN with the
     * password, MAIL, RCPT, DATA and the message inside TLS 1.1, and exit 0.
     */
    private static final Map<HostileScenario, List<ClientFinding>> OBSERVED =
            Map.of(HostileScenario.TLS_1_1_ONLY, List.of(ClientFinding.ACCEPTED_OLD_TLS));

    /**
     * Where msmtp keeps the connection open after its timeout. HANG_AFTER_GO_AHEAD: its GnuTLS
     * handshake loop retries on every non-fatal error, and the {@code timeout} (a socket receive
     * timeout) surfaces as GNUTLS_E_AGAIN, a non-fatal one; so it waits for the ServerHello forever,
     * and gives up only when the server closes (exit 76, "TLS handshake failed").
     */
    private static final Set<HostileScenario> NEVER_GIVES_UP = Set.of(HostileScenario.HANG_AFTER_GO_AHEAD);

    /** Where msmtp delivers the message and exits 0: the valid scenarios, and the one it should have refused. */
    private static final Set<HostileScenario> DELIVERED =
            Set.of(HostileScenario.FRAGMENTED_REPLIES, HostileScenario.SLOW_REPLIES, HostileScenario.TLS_1_1_ONLY);

    /** A careful user's fix for TLS_1_1_ONLY: GnuTLS's defaults without TLS 1.0 and 1.1. */
    private static final String TLS_1_2_FLOOR = "NORMAL:-VERS-TLS1.0:-VERS-TLS1.1";

    @TempDir
    Path dir;

    static List<HostileScenario> startTlsScenarios() {
        return HostileScenario.forProtocol(MailProtocol.SMTP);
    }

    static List<HostileScenario> implicitTlsScenarios() {
        return HostileScenario.forImplicitTls(MailProtocol.SMTP);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("startTlsScenarios")
    void msmtpWithStartTlsRequired(HostileScenario scenario) throws Exception {
        assertObservedVerdict(scenario, play(HostileServer.builder(MailProtocol.SMTP, scenario), true, "", scenario));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("implicitTlsScenarios")
    void msmtpWithImplicitTls(HostileScenario scenario) throws Exception {
        assertObservedVerdict(scenario, play(HostileServer.builder(MailProtocol.SMTP, scenario).implicitTls(), false, "", scenario));
    }

    @ParameterizedTest(name = "STARTTLS {0}")
    @ValueSource(booleans = {true, false})
    void msmtpWithATls12FloorRefusesTls11(boolean startTls) throws Exception {
        HostileServer.Builder server = HostileServer.builder(MailProtocol.SMTP, HostileScenario.TLS_1_1_ONLY);
        Outcome outcome = play(startTls ? server : server.implicitTls(), startTls, TLS_1_2_FLOOR, HostileScenario.TLS_1_1_ONLY);

        assertThat(outcome.run()).as(outcome.msmtp().describe()).clientConnected().clientStayedSafe();
        assertThat(outcome.msmtp().exitCode()).as(outcome.msmtp().describe()).isNotZero();
        assertThat(outcome.msmtp().stderr()).as(outcome.msmtp().describe()).contains("TLS handshake failed");
    }

    private void assertObservedVerdict(HostileScenario scenario, Outcome outcome) {
        ProcessRun.Result msmtp = outcome.msmtp();
        HostileRun run = outcome.run();
        assertThat(msmtp.timedOut()).as("msmtp ended\n%s", msmtp.describe()).isFalse();
        assertThat(run).as(msmtp.describe()).clientConnected();
        List<ClientFinding> observed = OBSERVED.getOrDefault(scenario, List.of());
        if (observed.isEmpty()) {
            assertThat(run).as(msmtp.describe()).clientStayedSafe();
        } else {
            assertThat(run).as(msmtp.describe()).hasExactlyFindings(observed.toArray(ClientFinding[]::new));
        }
        assertThat(outcome.endedWithinGiveUpTime()).as("the connection ended within %s\n%s\n%s", GIVE_UP_WITHIN, run, msmtp.describe())
                .isEqualTo(!NEVER_GIVES_UP.contains(scenario));
        if (DELIVERED.contains(scenario)) {
            assertThat(msmtp.exitCode()).as(msmtp.describe()).isZero();
        } else {
            assertThat(msmtp.exitCode()).as(msmtp.describe()).isNotZero();
            assertThat(msmtp.stderr()).as(msmtp.describe()).contains("msmtp: could not send mail");
        }
    }

    /**
     * Runs msmtp against the server the builder describes, beside it.
     *
     * @param builder    the hostile server, not started
     * @param startTls   {@code tls_starttls on} or off
     * @param priorities {@code tls_priorities}, or empty for msmtp's default
     * @param scenario   the scenario played, to name the files
     * @return the verdict on msmtp's connection, whether it ended in time, and msmtp's run (ended)
     */
    private Outcome play(HostileServer.Builder builder, boolean startTls, String priorities, HostileScenario scenario)
            throws Exception {
        CompletableFuture<HostileRun> judged = new CompletableFuture<>();
        try (HostileServer server = builder.onConnectionJudged(judged::complete).start()) {
            String name = scenario.name().toLowerCase(Locale.ROOT) + (startTls ? "-starttls" : "-implicit");
            Msmtp account = new Msmtp(server.host(), server.port(), startTls, server.pki().writeCaPem(dir.resolve(name + "-ca.pem")),
                    "on", MSMTP_TIMEOUT).withPriorities(priorities);
            CompletableFuture<ProcessRun.Result> msmtp = CompletableFuture.supplyAsync(() -> account.send(dir, name, "msmtp against " + scenario));
            HostileRun run;
            boolean ended;
            try {
                run = judged.get(GIVE_UP_WITHIN.toMillis(), TimeUnit.MILLISECONDS);
                ended = true;
            } catch (TimeoutException stillOpen) {
                run = server.run(Duration.ofSeconds(1)); // closes the connection msmtp still holds, then judges it
                ended = false;
            }
            return new Outcome(run, ended, msmtp.get(Msmtp.KILL_AFTER.toSeconds() + 10, TimeUnit.SECONDS));
        }
    }

    /**
     * What happened.
     *
     * @param run                   the kit's verdict on msmtp's connection
     * @param endedWithinGiveUpTime whether the connection ended within {@link #GIVE_UP_WITHIN} without the server closing it
     * @param msmtp                 msmtp's run, ended
     */
    private record Outcome(HostileRun run, boolean endedWithinGiveUpTime, ProcessRun.Result msmtp) {
    }
}
