package org.starttls4j.netty.interop;

import jakarta.mail.MessagingException;
import java.io.IOException;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.starttls4j.TlsPolicy;
import org.starttls4j.netty.testing.Leaks;
import org.starttls4j.testing.interop.JakartaMailScenarios;

/**
 * Jakarta Mail (Eclipse Angus) against the Netty server ({@link
 * org.starttls4j.netty.StartTlsServerHandler}) over 127.0.0.1: SMTP, IMAP and POP3 with
 * {@code starttls.required} against a {@code REQUIRED} server, and the implicit-TLS providers
 * against an {@code IMPLICIT} one; the same {@link JakartaMailScenarios} the NIO adapter runs.
 */
@ExtendWith(Leaks.Check.class)
class NettyJakartaMailInteropTest {

    private final JakartaMailScenarios scenarios = new JakartaMailScenarios(NettyInterop.SERVERS);

    @ParameterizedTest
    @EnumSource(value = TlsPolicy.class, names = {"REQUIRED", "IMPLICIT"})
    void smtpSendsMail(TlsPolicy policy) throws IOException, MessagingException {
        scenarios.sendMail(policy);
    }

    @ParameterizedTest
    @EnumSource(value = TlsPolicy.class, names = {"REQUIRED", "IMPLICIT"})
    void imapOpensInbox(TlsPolicy policy) throws IOException, MessagingException {
        scenarios.readImapInbox(policy);
    }

    @ParameterizedTest
    @EnumSource(value = TlsPolicy.class, names = {"REQUIRED", "IMPLICIT"})
    void pop3ReadsInbox(TlsPolicy policy) throws IOException, MessagingException {
        scenarios.readPop3Inbox(policy);
    }
}
