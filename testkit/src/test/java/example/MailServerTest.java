// README: testkit-server
package example;

import static org.starttls4j.testkit.StartTlsAssertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.starttls4j.testkit.CertificateKind;
import org.starttls4j.testkit.MailProtocol;
import org.starttls4j.testkit.ThrowawayPki;
import org.starttls4j.testkit.checks.ServerAudit;
import org.starttls4j.testkit.checks.ServerCheck;
import org.starttls4j.testkit.checks.ServerChecks;
import org.subethamail.smtp.server.SMTPServer;

class MailServerTest {

    @Test
    void resistsHostileClients() {
        // The server under test: here SubEthaSMTP, with a certificate from a throw-away PKI.
        ThrowawayPki pki = ThrowawayPki.forServer("localhost");
        SMTPServer server = SMTPServer.port(0).bindAddress(InetAddress.getLoopbackAddress())
                .messageHandler((context, from, to, data) -> { })
                .enableTLS().requireTLS().startTlsSocketFactory(pki.serverContext(CertificateKind.VALID))
                .build();
        server.start();
        try {
            ServerAudit audit = ServerChecks.against(MailProtocol.SMTP, "127.0.0.1", server.getPortAllocated())
                    .run(ServerCheck.COMMAND_INJECTION, ServerCheck.SECOND_STARTTLS,
                            ServerCheck.COMMANDS_BEFORE_TLS, ServerCheck.OVER_LONG_LINE);

            assertThat(audit).allPassed(); // on failure: a table of every check, verdict and evidence
        } finally {
            server.stop();
        }
    }
}
// README end
