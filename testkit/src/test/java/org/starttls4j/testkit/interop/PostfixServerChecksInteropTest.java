package org.starttls4j.testkit.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.starttls4j.testkit.StartTlsAssertions.assertThat;

import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.starttls4j.testing.TestPki;
import org.starttls4j.testing.interop.PostfixServer;
import org.starttls4j.testkit.MailProtocol;
import org.starttls4j.testkit.checks.ServerAudit;
import org.starttls4j.testkit.checks.ServerCheck;
import org.starttls4j.testkit.checks.ServerChecks;
import org.starttls4j.testkit.checks.Verdict;

/**
 * The kit's hostile client ({@link ServerChecks}) against a real-world target: the smtpd of a
 * private Postfix 3.7 ({@link PostfixServer}, from the core's interop fixtures). Postfix fixed the
 * STARTTLS command injection (CVE-2011-0411) in 2011, so the kit must find none; it refuses a second
 * STARTTLS and client-initiated renegotiation, answers junk sparingly, and at {@code encrypt}
 * refuses MAIL and AUTH before TLS. At {@code may} it accepts MAIL before TLS, as that level says
 * it will: the kit must tell the two apart.
 *
 * <p>{@code OVER_LONG_LINE} is a WARN: Postfix answers a 1 MiB NOOP line with 250, yet it reads a
 * command line only up to {@code line_length_limit} (2,048 bytes), skips the rest and logs
 * "request longer than 2048": it never holds the line. The kit cannot tell truncation from
 * keeping the line whole by the reply alone, so it warns rather than fails (it failed here until
 * this test showed the difference). Not run: {@code IDLE_CONNECTIONS}, since Postfix closes a silent
 * client only after {@code smtpd_timeout} (300 s).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Tag("interop")
class PostfixServerChecksInteropTest {

    private static final ServerCheck[] CHECKS = {ServerCheck.COMMAND_INJECTION, ServerCheck.SECOND_STARTTLS,
            ServerCheck.COMMANDS_BEFORE_TLS, ServerCheck.RENEGOTIATION};

    private PostfixServer postfix;

    @BeforeAll
    void startPostfix() {
        postfix = PostfixServer.start();
    }

    @AfterAll
    void stopPostfix() {
        if (postfix != null) {
            postfix.close();
        }
    }

    /** The dialog checks; AMPLIFICATION only where asked, as Postfix tarpits junk (1 s per error after 10) for some 13 s. */
    private ServerAudit audit(PostfixServer.Level level, TestPki.KeyType keyType, boolean tls12Only, ServerCheck... checks) {
        int port = postfix.smtpd(new PostfixServer.Listener(level, keyType, tls12Only)).getPort();
        return ServerChecks.against(MailProtocol.SMTP, "127.0.0.1", port).timeout(Duration.ofSeconds(20)).run(checks);
    }

    @Test
    void postfixAtEncryptPassesEveryDialogCheck() {
        ServerAudit audit = audit(PostfixServer.Level.ENCRYPT, TestPki.KeyType.EC_P256, false, ServerCheck.COMMAND_INJECTION,
                ServerCheck.SECOND_STARTTLS, ServerCheck.COMMANDS_BEFORE_TLS, ServerCheck.RENEGOTIATION, ServerCheck.AMPLIFICATION);

        assertThat(audit).passed(CHECKS).passed(ServerCheck.AMPLIFICATION);
        assertThat(audit.result(ServerCheck.COMMANDS_BEFORE_TLS).orElseThrow().evidence())
                .contains("MAIL refused before TLS (530 5.7.0").contains("AUTH PLAIN refused before TLS");
    }

    @Test
    void postfixLimitedToTls12RefusesRenegotiationAndInjection() {
        ServerAudit audit = audit(PostfixServer.Level.ENCRYPT, TestPki.KeyType.RSA_2048, true, CHECKS);

        assertThat(audit).passed(CHECKS);
    }

    @Test
    void postfixAtMayIsToldApartFromEncrypt() {
        ServerAudit audit = audit(PostfixServer.Level.MAY, TestPki.KeyType.EC_P256, false, CHECKS);

        assertThat(audit).passed(ServerCheck.COMMAND_INJECTION, ServerCheck.SECOND_STARTTLS, ServerCheck.RENEGOTIATION)
                .hasVerdict(ServerCheck.COMMANDS_BEFORE_TLS, Verdict.FAIL);
        assertThat(audit.result(ServerCheck.COMMANDS_BEFORE_TLS).orElseThrow().evidence())
                .as("may means plaintext mail is accepted").contains("MAIL accepted before TLS");
    }

    @Test
    void postfixTruncatesAnOverLongLineWhichTheKitCannotTellFromKeepingIt() {
        PostfixServer.Listener listener = new PostfixServer.Listener(PostfixServer.Level.ENCRYPT, TestPki.KeyType.EC_P256, false);
        Pattern truncated = Pattern.compile("postfix/" + listener.tag() + "/smtpd\\[\\d+\\]: warning: \\S+: request longer than 2048: NOOP x");
        long before = postfix.countInLog(truncated);
        ServerAudit audit = ServerChecks.against(MailProtocol.SMTP, "127.0.0.1", postfix.smtpd(listener).getPort())
                .timeout(Duration.ofSeconds(10)).run(ServerCheck.OVER_LONG_LINE, ServerCheck.SECOND_STARTTLS);

        postfix.awaitLog(truncated, before + 1, Duration.ofSeconds(20));
        assertThat(audit).hasVerdict(ServerCheck.OVER_LONG_LINE, Verdict.WARN);
        assertThat(audit.result(ServerCheck.OVER_LONG_LINE).orElseThrow().evidence()).contains("answered as a command (250 2.0.0 Ok)");
    }
}
