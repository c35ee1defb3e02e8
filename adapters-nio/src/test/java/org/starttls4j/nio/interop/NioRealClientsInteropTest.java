package org.starttls4j.nio.interop;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.starttls4j.testing.interop.MailProtocol;
import org.starttls4j.testing.interop.RealClientScenarios;

/**
 * {@code openssl s_client} and {@code curl} against the {@link org.starttls4j.nio.NioServer} over
 * 127.0.0.1, for SMTP, IMAP and POP3 under each policy that applies (the scenarios are shared with
 * the Netty adapter; see {@link RealClientScenarios}). The tools come from
 * {@code .ci/install-interop-tools}; a missing one fails the test and says so.
 */
@Tag("interop")
class NioRealClientsInteropTest {

    @TempDir
    Path workDir;

    private RealClientScenarios scenarios;

    @BeforeEach
    void setUp() {
        scenarios = new RealClientScenarios(NioInterop.SERVERS, workDir);
    }

    @ParameterizedTest
    @EnumSource(MailProtocol.class)
    void opensslStartTls(MailProtocol protocol) throws IOException {
        scenarios.opensslStartTls(protocol, RealClientScenarios.TLS_1_3);
    }

    @ParameterizedTest
    @EnumSource(MailProtocol.class)
    void opensslStartTlsWithTls12(MailProtocol protocol) throws IOException {
        scenarios.opensslStartTls(protocol, "TLSv1.2", "-tls1_2");
    }

    @ParameterizedTest
    @EnumSource(MailProtocol.class)
    void opensslImplicitTls(MailProtocol protocol) throws IOException {
        scenarios.opensslImplicit(protocol);
    }

    @ParameterizedTest
    @EnumSource(MailProtocol.class)
    void curlSslReqdAgainstRequired(MailProtocol protocol) throws IOException {
        scenarios.curlStartTlsRequired(protocol);
    }

    @ParameterizedTest
    @EnumSource(MailProtocol.class)
    void curlSslAgainstOpportunistic(MailProtocol protocol) throws IOException {
        scenarios.curlStartTlsOpportunistic(protocol);
    }

    @ParameterizedTest
    @EnumSource(MailProtocol.class)
    void curlImplicitTls(MailProtocol protocol) throws IOException {
        scenarios.curlImplicit(protocol);
    }

    @Test
    void curlWithoutTlsAgainstOpportunisticSmtpIsHandedOverInPlaintext() throws IOException {
        scenarios.curlPlaintextSmtpAgainstOpportunistic();
    }

    @Test
    void curlWithoutTlsAgainstRequiredSmtpIsRefused() throws IOException {
        scenarios.curlPlaintextSmtpAgainstRequired();
    }
}
