package org.starttls4j.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * IMAP literals as Jakarta Mail (Angus 2.0.5) sends them to the reference server: a password
 * outside ASCII goes as a literal, non-synchronizing since the server announces LITERAL+, and
 * APPEND sends the message as one.
 */
class ImapLiteralsTest {

    private static final String PASSWORD = "pässwörd \"quoted\"";

    @Test
    void angusLogsInWithALiteralPasswordAndAppendsAMessageInsideTls() throws Exception {
        try (ReferenceServer server = ReferenceServer.builder(MailProtocol.IMAP).start()) {
            Properties props = new Properties();
            props.put("mail.imap.host", server.host());
            props.put("mail.imap.port", Integer.toString(server.port()));
            props.put("mail.imap.starttls.enable", "true");
            props.put("mail.imap.starttls.required", "true");
            props.put("mail.imap.ssl.socketFactory", server.clientContext().getSocketFactory());
            props.put("mail.imap.ssl.checkserveridentity", "true");
            props.put("mail.imap.timeout", "4000");
            props.put("mail.imap.auth.plain.disable", "true"); // LOGIN, with its password as a literal
            Session session = Session.getInstance(props);
            MimeMessage message = new MimeMessage(session);
            message.setFrom(new InternetAddress("alice@example.test"));
            message.setRecipient(Message.RecipientType.TO, new InternetAddress("bob@example.test"));
            message.setSubject("appended by Angus");
            message.setText("kept in the reference server's recording\n", "US-ASCII");
            message.setFlag(Flags.Flag.SEEN, true);
            try (Store store = session.getStore("imap")) {
                store.connect("alice", PASSWORD);
                Folder inbox = store.getFolder("INBOX");
                inbox.appendMessages(new Message[] {message});
            }

            assertThat(server.recording().credentials()).singleElement().satisfies(login -> {
                assertThat(login.user()).isEqualTo("alice");
                assertThat(login.password()).isEqualTo(PASSWORD);
                assertThat(login.layer()).isEqualTo(Layer.TLS);
            });
            assertThat(server.recording().commands(Layer.TLS)).extracting(c -> c.line())
                    .anySatisfy(line -> assertThat(line).matches("A\\d+ LOGIN alice \".*\""))
                    .anySatisfy(line -> assertThat(line).matches("A\\d+ APPEND INBOX .*\\{\\d+\\+\\}"));
            assertThat(server.recording().messages()).singleElement().satisfies(m -> {
                assertThat(m.layer()).isEqualTo(Layer.TLS);
                assertThat(m.recipients()).containsExactly("INBOX");
                assertThat(new String(m.raw(), StandardCharsets.ISO_8859_1)).contains("Subject: appended by Angus");
            });
            StartTlsAssertions.assertThat(server.recording()).onlyNegotiationBeforeTls();
        }
    }
}
