package org.starttls4j.testkit.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.starttls4j.testkit.StartTlsAssertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.starttls4j.testing.interop.ProcessRun;
import org.starttls4j.testkit.CertificateKind;
import org.starttls4j.testkit.Layer;
import org.starttls4j.testkit.MailProtocol;
import org.starttls4j.testkit.ReceivedCommand;
import org.starttls4j.testkit.Recording;
import org.starttls4j.testkit.ReferenceServer;
import org.starttls4j.testkit.ServerAdapter;
import org.starttls4j.testkit.TlsMode;

/**
 * msmtp 1.8.23 (GnuTLS) sends a message with {@code auth plain} to the reference SMTP server
 * through both adapters: with STARTTLS ({@code tls_starttls on}) and with implicit TLS (off),
 * trusting the kit's CA from a PEM file and checking the name, 127.0.0.1; and it refuses a
 * self-signed certificate before sending anything inside TLS.
 */
@Tag("interop")
class MsmtpInteropTest {

    private static final Duration MSMTP_TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    @ParameterizedTest(name = "through {0}")
    @EnumSource(ServerAdapter.class)
    void msmtpSendsWithStartTlsAndLogsInOnlyInsideIt(ServerAdapter adapter) throws Exception {
        try (ReferenceServer server = ReferenceServer.builder(MailProtocol.SMTP).adapter(adapter).start()) {
            ProcessRun.Result run = msmtp(server, true).send(dir, "starttls-" + adapter, "from msmtp over STARTTLS");

            assertThat(run.exitCode()).as(run.describe()).isZero();
            Recording recording = server.recording();
            assertThat(recording).as(run.describe()).onlyNegotiationBeforeTls().loggedInInsideTls(Msmtp.USER);
            assertThat(recording.commands(Layer.PLAINTEXT)).as(run.describe()).extracting(ReceivedCommand::line)
                    .containsExactly("EHLO " + Msmtp.DOMAIN, "STARTTLS");
            // RFC 3207 §4.2: msmtp forgets what it learnt before TLS and asks again
            assertThat(recording.commands(Layer.TLS)).as(run.describe()).extracting(ReceivedCommand::line).first()
                    .isEqualTo("EHLO " + Msmtp.DOMAIN);
            assertSentInsideTls(recording, run, "from msmtp over STARTTLS");
        }
    }

    @ParameterizedTest(name = "through {0}")
    @EnumSource(ServerAdapter.class)
    void msmtpSendsOverImplicitTls(ServerAdapter adapter) throws Exception {
        try (ReferenceServer server = ReferenceServer.builder(MailProtocol.SMTP).adapter(adapter).tls(TlsMode.IMPLICIT_TLS).start()) {
            ProcessRun.Result run = msmtp(server, false).send(dir, "implicit-" + adapter, "from msmtp over implicit TLS");

            assertThat(run.exitCode()).as(run.describe()).isZero();
            Recording recording = server.recording();
            assertThat(recording.commands(Layer.PLAINTEXT)).as(run.describe()).isEmpty();
            assertThat(recording).as(run.describe()).loggedInInsideTls(Msmtp.USER);
            assertSentInsideTls(recording, run, "from msmtp over implicit TLS");
        }
    }

    @ParameterizedTest(name = "through {0}")
    @EnumSource(ServerAdapter.class)
    void msmtpRefusesASelfSignedCertificate(ServerAdapter adapter) throws Exception {
        try (ReferenceServer server = ReferenceServer.builder(MailProtocol.SMTP).adapter(adapter)
                .certificate(CertificateKind.SELF_SIGNED).start()) {
            ProcessRun.Result run = msmtp(server, true).send(dir, "untrusted-" + adapter, "never sent");

            assertThat(run.timedOut()).as(run.describe()).isFalse();
            // 69 is EX_UNAVAILABLE (sysexits.h), msmtp's status when the certificate check fails (a failed handshake is 76)
            assertThat(run.exitCode()).as(run.describe()).isEqualTo(69);
            assertThat(run.stderr()).as(run.describe()).contains("TLS certificate verification failed: The certificate is NOT trusted");
            // msmtp's own transcript: after the go-ahead it sent nothing, not even a QUIT inside the TLS it refused
            assertThat(Msmtp.linesSent(run)).as(run.describe()).containsExactly("EHLO " + Msmtp.DOMAIN, "STARTTLS");
            // the server records the negotiation when it ends, which may be after msmtp has exited: what can be checked
            // at once is that nothing arrived inside TLS (a command there is recorded before it is answered)
            Recording recording = server.recording();
            assertThat(recording.commands(Layer.TLS)).as("nothing sent after the handshake\n%s", run.describe()).isEmpty();
            assertThat(recording.credentials()).as(run.describe()).isEmpty();
            assertThat(recording.messages()).as(run.describe()).isEmpty();
        }
    }

    private static void assertSentInsideTls(Recording recording, ProcessRun.Result run, String subject) {
        assertThat(recording.credentials()).as(run.describe()).singleElement().satisfies(c -> {
            assertThat(c.layer()).isEqualTo(Layer.TLS);
            assertThat(c.mechanism()).isEqualTo("AUTH PLAIN");
            assertThat(c.password()).isEqualTo(Msmtp.PASSWORD);
        });
        assertThat(recording).as(run.describe()).deliveredOneMessageTo(Msmtp.TO).insideTls().from(Msmtp.FROM).withSubject(subject);
    }

    private Msmtp msmtp(ReferenceServer server, boolean startTls) {
        return new Msmtp(server.host(), server.port(), startTls, server.pki().writeCaPem(dir.resolve("ca.pem")), "plain", MSMTP_TIMEOUT);
    }
}
