package org.starttls4j.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A static registration starts once and forgets each test's recording; an instance one starts per test. */
class MailServerExtensionTest {

    @RegisterExtension
    static final MailServerExtension POP3 = MailServerExtension.of(ReferenceServer.builder(MailProtocol.POP3).tls(TlsMode.PLAINTEXT));

    private static int firstPort;

    /** Sends one command the negotiation does not own, so that it is recorded before it is answered; returns the answer. */
    private static String command(int port, String command) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            in.readLine();
            socket.getOutputStream().write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
            return in.readLine();
        }
    }

    @Nested
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    class PerClass {
        @Test
        @Order(1)
        void recordsThisTestsConnection() throws Exception {
            assertThat(command(POP3.port(), "USER alice")).startsWith("+OK");
            assertThat(POP3.recording().commands()).extracting(ReceivedCommand::line).containsExactly("USER alice");
            firstPort = POP3.port();
        }

        @Test
        @Order(2)
        void theNextTestSeesTheSameServerWithAnEmptyRecording() {
            assertThat(POP3.port()).isEqualTo(firstPort);
            assertThat(POP3.recording().commands()).isEmpty();
            assertThat(POP3.recording().connections()).isZero();
        }
    }

    @RegisterExtension
    final MailServerExtension perTest = MailServerExtension.of(ReferenceServer.builder(MailProtocol.SMTP).tls(TlsMode.PLAINTEXT));

    @Test
    void anInstanceRegistrationRunsDuringTheTest() throws Exception {
        assertThat(command(perTest.port(), "MAIL FROM:<a@example.org>")).startsWith("250");
        assertThat(perTest.recording().commands(Layer.PLAINTEXT)).hasSize(1);
        assertThat(perTest.server().mode()).isEqualTo(TlsMode.PLAINTEXT);
        assertThat(perTest.pki().serverName()).isEqualTo("localhost");
    }

    @Test
    void outsideATestThereIsNoServer() {
        MailServerExtension unused = MailServerExtension.imap();
        assertThatThrownBy(unused::server).isInstanceOf(IllegalStateException.class);
    }
}
