package org.starttls4j.testkit.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.starttls4j.testkit.StartTlsAssertions.assertThat;

import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.starttls4j.testing.interop.DovecotServer;
import org.starttls4j.testkit.MailProtocol;
import org.starttls4j.testkit.checks.CheckResult;
import org.starttls4j.testkit.checks.ServerAudit;
import org.starttls4j.testkit.checks.ServerCheck;
import org.starttls4j.testkit.checks.ServerChecks;
import org.starttls4j.testkit.checks.Verdict;

/**
 * The kit's hostile client ({@link ServerChecks}) against Dovecot 2.3 ({@link DovecotServer}, from
 * the core's interop fixtures: {@code disable_plaintext_auth = yes}): IMAP, POP3 and ManageSieve.
 * Dovecot closes the connection when plaintext follows STARTTLS, refuses a second STARTTLS and
 * renegotiation, and refuses every login before TLS, but only to a client on another address: it
 * counts a client whose address is its own as secure and lets it log in without TLS. The kit must
 * say so rather than blame Dovecot without a word.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Tag("interop")
class DovecotServerChecksInteropTest {

    private DovecotServer dovecot;

    @BeforeAll
    void startDovecot() {
        dovecot = DovecotServer.start();
    }

    @AfterAll
    void stopDovecot() {
        if (dovecot != null) {
            dovecot.close();
        }
    }

    private InetSocketAddress address(MailProtocol protocol) {
        return switch (protocol) {
            case IMAP -> dovecot.imap();
            case POP3 -> dovecot.pop3();
            default -> dovecot.sieve();
        };
    }

    private ServerChecks.Builder checks(MailProtocol protocol) {
        return ServerChecks.against(protocol, "127.0.0.1", address(protocol).getPort()).timeout(Duration.ofSeconds(10));
    }

    @ParameterizedTest
    @EnumSource(value = MailProtocol.class, names = {"IMAP", "POP3", "SIEVE"})
    void fromAnotherAddressDovecotPassesEveryDialogCheck(MailProtocol protocol) {
        ServerAudit audit = checks(protocol).sourceAddress("127.0.0.2").run(ServerCheck.COMMAND_INJECTION, ServerCheck.SECOND_STARTTLS,
                ServerCheck.COMMANDS_BEFORE_TLS, ServerCheck.OVER_LONG_LINE, ServerCheck.RENEGOTIATION);

        assertThat(audit).allPassed();
        assertThat(audit.result(ServerCheck.COMMANDS_BEFORE_TLS).orElseThrow().evidence()).contains(switch (protocol) {
            case IMAP -> "AUTHENTICATE refused before TLS (A2 NO [PRIVACYREQUIRED]";
            case POP3 -> "USER refused before TLS (-ERR [AUTH] Plaintext authentication disallowed";
            default -> "AUTHENTICATE refused before TLS (NO \"Plaintext authentication disabled.\")";
        });
    }

    @ParameterizedTest
    @EnumSource(value = MailProtocol.class, names = {"IMAP", "POP3", "SIEVE"})
    void fromItsOwnAddressDovecotAllowsLoginAndTheKitSaysWhy(MailProtocol protocol) {
        CheckResult result = checks(protocol).run(ServerCheck.COMMANDS_BEFORE_TLS);

        // 127.0.0.1 to 127.0.0.1: Dovecot counts the client as secure (disable_plaintext_auth does not apply)
        assertThat(result.verdict()).isEqualTo(Verdict.FAIL);
        assertThat(result.evidence()).contains("accepted before TLS")
                .contains("the check came from the server's own address, 127.0.0.1, which some servers count as secure, Dovecot among them");
    }
}
