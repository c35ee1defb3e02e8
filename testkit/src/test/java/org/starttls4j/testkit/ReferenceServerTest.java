package org.starttls4j.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.starttls4j.testkit.StartTlsAssertions.assertThat;

import jakarta.mail.MessagingException;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Jakarta Mail completes a session with each reference server, and the recording shows where each line travelled. */
class ReferenceServerTest {

    @ParameterizedTest
    @EnumSource(value = MailProtocol.class, names = {"SMTP", "IMAP", "POP3"})
    void jakartaMailCompletesAStartTlsSessionAndOnlyTheNegotiationTravelsInPlaintext(MailProtocol protocol) throws Exception {
        try (ReferenceServer server = ReferenceServer.builder(protocol).start()) {
            JakartaMailClient.session(protocol, server.host(), server.port(), server.clientContext());

            assertThat(server.recording()).onlyNegotiationBeforeTls().usedTls().noCredentialsInPlaintext().loggedInInsideTls("alice");
            assertThat(server.recording().commands(Layer.PLAINTEXT)).extracting(c -> c.verb(protocol))
                    .contains(protocol.startTlsCommand());
            assertThat(server.recording().credentials()).singleElement()
                    .satisfies(c -> assertThat(c.password()).isEqualTo("secret-password"));
            if (protocol == MailProtocol.SMTP) {
                assertThat(server.recording()).deliveredOneMessageTo("bob@example.test").insideTls()
                        .from("alice@example.test").withSubject("starttls4j testkit").withBodyContaining("Hello from Jakarta Mail");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = MailProtocol.class, names = {"SMTP", "IMAP", "POP3"})
    void implicitTlsCarriesEveryLineInsideTls(MailProtocol protocol) throws Exception {
        try (ReferenceServer server = ReferenceServer.builder(protocol).tls(TlsMode.IMPLICIT_TLS).start()) {
            if (protocol == MailProtocol.SMTP) {
                JakartaMailClient.send(server.host(), server.port(), server.clientContext(), true, "bob@example.test", "implicit");
            } else {
                JakartaMailClient.readInbox(protocol.lowerName(), server.host(), server.port(), server.clientContext(), true);
            }

            assertThat(server.recording().commands(Layer.PLAINTEXT)).isEmpty();
            assertThat(server.recording()).usedTls().loggedInInsideTls("alice");
        }
    }

    @Test
    void anExpiredCertificateIsRefusedByJakartaMailAndNothingIsSent() throws IOException {
        try (ReferenceServer server = ReferenceServer.builder(MailProtocol.SMTP).certificate(CertificateKind.EXPIRED).start()) {
            assertThatThrownBy(() -> JakartaMailClient.session(MailProtocol.SMTP, server.host(), server.port(), server.clientContext()))
                    .isInstanceOf(MessagingException.class);

            assertThat(server.recording().commands(Layer.TLS)).isEmpty();
            assertThat(server.recording().messages()).isEmpty();
        }
    }

    @Test
    void aPlaintextServerRecordsCredentialsInPlaintext() throws Exception {
        try (ReferenceServer server = ReferenceServer.builder(MailProtocol.POP3).tls(TlsMode.PLAINTEXT).start();
             java.net.Socket socket = new java.net.Socket(server.host(), server.port())) {
            var in = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(), java.nio.charset.StandardCharsets.US_ASCII));
            var out = socket.getOutputStream();
            assertThat(in.readLine()).startsWith("+OK");
            out.write("USER carol\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            assertThat(in.readLine()).startsWith("+OK");
            out.write("PASS hunter2\r\nQUIT\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            assertThat(in.readLine()).startsWith("+OK");
            assertThat(in.readLine()).startsWith("+OK");

            assertThat(server.recording().credentials()).singleElement()
                    .satisfies(c -> {
                        assertThat(c.layer()).isEqualTo(Layer.PLAINTEXT);
                        assertThat(c.user()).isEqualTo("carol");
                        assertThat(c.password()).isEqualTo("hunter2");
                    });
            assertThatThrownBy(() -> assertThat(server.recording()).noCredentialsInPlaintext())
                    .isInstanceOf(AssertionError.class).hasMessageContaining("hunter2");
        }
    }
}
