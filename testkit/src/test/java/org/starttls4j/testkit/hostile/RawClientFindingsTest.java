package org.starttls4j.testkit.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.starttls4j.testkit.StartTlsAssertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.ServerOnlyTlsAuthentication;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsClientProtocol;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.junit.jupiter.api.Test;
import org.starttls4j.testkit.MailProtocol;

/** Positive controls written as raw dialogs: the findings no careless SMTP client of ours triggers. */
class RawClientFindingsTest {

    private static BufferedReader reader(InputStream in) {
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.ISO_8859_1));
    }

    private static void write(OutputStream out, String text) throws Exception {
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    @Test
    void anImapClientThatGoesOnAfterPreauthIsCaught() throws Exception {
        try (HostileServer server = HostileServer.start(MailProtocol.IMAP, HostileScenario.PREAUTH)) {
            try (Socket socket = new Socket(server.host(), server.port())) {
                BufferedReader in = reader(socket.getInputStream());
                assertThat(in.readLine()).startsWith("* PREAUTH");
                write(socket.getOutputStream(), "a1 SELECT INBOX\r\n");
                in.readLine();
            }
            HostileRun run = server.run();

            assertThat(run).hasExactlyFindings(ClientFinding.CONTINUED_WITHOUT_TLS);
            assertThat(run.findings().get(0).evidence()).contains("[plain] C: a1 SELECT INBOX");
        }
    }

    @Test
    void aClientThatPipelinesPlaintextAfterStartTlsIsCaught() throws Exception {
        try (HostileServer server = HostileServer.start(MailProtocol.SMTP, HostileScenario.FRAGMENTED_REPLIES)) {
            try (Socket socket = new Socket(server.host(), server.port())) {
                BufferedReader in = reader(socket.getInputStream());
                assertThat(in.readLine()).startsWith("220");
                write(socket.getOutputStream(), "EHLO hasty\r\nSTARTTLS\r\nMAIL FROM:<hasty@example.test>\r\n");
                String line;
                do {
                    line = in.readLine();
                } while (line != null && !line.startsWith("220"));
            }
            HostileRun run = server.run();

            assertThat(run).hasFinding(ClientFinding.PLAINTEXT_AFTER_GO_AHEAD);
            assertThat(run.findings().get(0).evidence()).contains("MAIL FROM:<hasty@example.test>", "where its TLS ClientHello should have been");
        }
    }

    @Test
    void aClientThatAllowsTls11GoesOnInsideItAndIsCaught() throws Exception {
        HostileRun run = insideTls11("EHLO old");

        assertThat(run).hasExactlyFindings(ClientFinding.ACCEPTED_OLD_TLS);
        assertThat(run.findings().get(0).evidence()).contains("TLS 1.1", "EHLO old");
    }

    @Test
    void aClientThatRefusesTls11AfterTheHandshakeAndSaysQuitStaysSafe() throws Exception {
        HostileRun run = insideTls11("QUIT");

        // a goodbye alone inside TLS 1.1 sends nothing an attacker could use
        assertThat(run).clientStayedSafe();
        assertThat(run.recording().notes()).anySatisfy(n -> assertThat(n).contains("said only 'QUIT' inside TLS 1.1"));
    }

    /** Negotiates TLS 1.1 with the hostile server through BouncyCastle's low-level client, sends {@code first} inside it, then QUIT if it was not. */
    private static HostileRun insideTls11(String first) throws Exception {
        try (HostileServer server = HostileServer.start(MailProtocol.SMTP, HostileScenario.TLS_1_1_ONLY)) {
            try (Socket socket = new Socket(server.host(), server.port())) {
                BufferedReader plain = reader(socket.getInputStream());
                assertThat(plain.readLine()).startsWith("220");
                write(socket.getOutputStream(), "EHLO old\r\n");
                String line;
                do {
                    line = plain.readLine();
                } while (line.startsWith("250-"));
                write(socket.getOutputStream(), "STARTTLS\r\n");
                assertThat(plain.readLine()).startsWith("220");

                // BouncyCastle's low-level client, offering TLS 1.0 to 1.2 and checking no certificate
                TlsClientProtocol tls = new TlsClientProtocol(socket.getInputStream(), socket.getOutputStream());
                tls.connect(new DefaultTlsClient(new BcTlsCrypto(new SecureRandom())) {
                    @Override
                    protected ProtocolVersion[] getSupportedVersions() {
                        return ProtocolVersion.TLSv12.downTo(ProtocolVersion.TLSv10);
                    }

                    @Override
                    public TlsAuthentication getAuthentication() {
                        return new ServerOnlyTlsAuthentication() {
                            @Override
                            public void notifyServerCertificate(TlsServerCertificate certificate) {
                                // accepts anything: not what is tested here
                            }
                        };
                    }
                });
                BufferedReader in = reader(tls.getInputStream());
                write(tls.getOutputStream(), first + "\r\n");
                if (!first.equals("QUIT")) {
                    do {
                        line = in.readLine();
                    } while (line.startsWith("250-"));
                    write(tls.getOutputStream(), "QUIT\r\n");
                }
                assertThat(in.readLine()).startsWith("221");
            }
            return server.run();
        }
    }
}
