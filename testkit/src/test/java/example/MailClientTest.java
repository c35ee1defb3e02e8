// README: testkit-client
package example;

import static org.assertj.core.api.Assertions.catchThrowable;
import static org.starttls4j.testkit.StartTlsAssertions.assertThat;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.util.Properties;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.starttls4j.testkit.MailProtocol;
import org.starttls4j.testkit.MailServerExtension;
import org.starttls4j.testkit.hostile.HostileScenario;
import org.starttls4j.testkit.hostile.HostileServer;

class MailClientTest {

    @RegisterExtension
    static final MailServerExtension SMTP = MailServerExtension.smtp(); // STARTTLS required, free port, throw-away CA

    @Test
    void sendsOnlyInsideTls() throws Exception {
        send(SMTP.host(), SMTP.port(), SMTP.clientContext());

        assertThat(SMTP.recording())
                .onlyNegotiationBeforeTls()
                .loggedInInsideTls("alice")
                .deliveredOneMessageTo("bob@example.org").insideTls().withSubject("Hello");
    }

    @Test
    void staysSafeWhenAnAttackerStripsStartTls() throws Exception {
        try (HostileServer server = HostileServer.start(MailProtocol.SMTP, HostileScenario.STARTTLS_STRIPPED)) {
            catchThrowable(() -> send(server.host(), server.port(), server.clientContext()));

            assertThat(server.run()).clientConnected().clientStayedSafe();
        }
    }

    /** The code under test: here Jakarta Mail, told to require STARTTLS and to trust only the test CA. */
    static void send(String host, int port, SSLContext trust) throws Exception {
        Properties p = new Properties();
        p.put("mail.smtp.host", host);
        p.put("mail.smtp.port", String.valueOf(port));
        p.put("mail.smtp.auth", "true");
        p.put("mail.smtp.starttls.enable", "true");
        p.put("mail.smtp.starttls.required", "true");
        p.put("mail.smtp.ssl.socketFactory", trust.getSocketFactory());
        p.put("mail.smtp.ssl.checkserveridentity", "true");
        p.put("mail.smtp.timeout", "5000");
        Session session = Session.getInstance(p);
        MimeMessage message = new MimeMessage(session);
        message.setFrom(new InternetAddress("alice@example.org"));
        message.setRecipient(Message.RecipientType.TO, new InternetAddress("bob@example.org"));
        message.setSubject("Hello");
        message.setText("Hi Bob");
        Transport.send(message, "alice", "secret");
    }
}
// README end
