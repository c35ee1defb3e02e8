package org.starttls4j.testing.interop;

import jakarta.mail.MessagingException;
import java.io.IOException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.starttls4j.TlsPolicy;

/**
 * Jakarta Mail (Eclipse Angus) against an adapter's server over 127.0.0.1: SMTP, IMAP and POP3
 * with {@code starttls.required} against a {@code REQUIRED} server, and the implicit-TLS providers
 * against an {@code IMPLICIT} one. Each adapter's test extends this and says how its server starts.
 */
public abstract class JakartaMailInteropContract {

    /** How the adapter under test starts a server. */
    protected abstract StartTlsServers servers();

    @ParameterizedTest
    @EnumSource(value = TlsPolicy.class, names = {"REQUIRED", "IMPLICIT"})
    void smtpSendsMail(TlsPolicy policy) throws IOException, MessagingException {
        new JakartaMailScenarios(servers()).sendMail(policy);
    }

    @ParameterizedTest
    @EnumSource(value = TlsPolicy.class, names = {"REQUIRED", "IMPLICIT"})
    void imapOpensInbox(TlsPolicy policy) throws IOException, MessagingException {
        new JakartaMailScenarios(servers()).readImapInbox(policy);
    }

    @ParameterizedTest
    @EnumSource(value = TlsPolicy.class, names = {"REQUIRED", "IMPLICIT"})
    void pop3ReadsInbox(TlsPolicy policy) throws IOException, MessagingException {
        new JakartaMailScenarios(servers()).readPop3Inbox(policy);
    }
}
