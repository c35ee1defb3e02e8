package org.starttls4j.netty.interop;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.starttls4j.netty.testing.Leaks;
import org.starttls4j.testing.interop.GnuTlsClient;
import org.starttls4j.testing.interop.GnuTlsScenarios;
import org.starttls4j.testing.interop.MailProtocol;

/**
 * GnuTLS against the Netty adapter over 127.0.0.1: {@code gnutls-cli --starttls-proto} into the
 * {@link org.starttls4j.netty.StartTlsServerHandler} server (SMTP, IMAP, POP3; TLS 1.3, TLS 1.2
 * only, and TLS 1.1 and 1.0 below the floor; with the JDK's engines and with BoringSSL's), and the
 * {@link org.starttls4j.netty.StartTlsClientHandler} client against {@code gnutls-serv}: the same
 * {@link GnuTlsScenarios} the NIO adapter runs. The tools come from
 * {@code .ci/install-interop-tools}; a missing one fails the test and says so.
 */
@ExtendWith(Leaks.Check.class)
@Tag("interop")
class NettyGnuTlsInteropTest {

    @TempDir
    Path workDir;

    private GnuTlsScenarios scenarios;
    private GnuTlsScenarios withBoringSsl;

    @BeforeEach
    void setUp() {
        scenarios = new GnuTlsScenarios(NettyInterop.SERVERS, NettyInterop.CLIENTS, workDir);
        withBoringSsl = new GnuTlsScenarios(NettyInterop.SERVERS_BORINGSSL, NettyInterop.CLIENTS, workDir);
    }

    @ParameterizedTest
    @EnumSource(MailProtocol.class)
    void gnutlsCliStartTls(MailProtocol protocol) throws IOException {
        scenarios.startTls(protocol, "TLSv1.3");
    }

    @ParameterizedTest
    @EnumSource(MailProtocol.class)
    void gnutlsCliStartTlsWithTls12Only(MailProtocol protocol) throws IOException {
        scenarios.startTls(protocol, "TLSv1.2", GnuTlsClient.only("TLS1.2"));
    }

    @ParameterizedTest
    @EnumSource(MailProtocol.class)
    void gnutlsCliImplicitTls(MailProtocol protocol) throws IOException {
        scenarios.implicit(protocol);
    }

    @ParameterizedTest
    @EnumSource(MailProtocol.class)
    void gnutlsCliKeyUpdateAtTls13IsAnswered(MailProtocol protocol) throws IOException {
        scenarios.keyUpdateIsAnswered(protocol);
    }

    @ParameterizedTest
    @EnumSource(MailProtocol.class)
    void gnutlsCliRenegotiationAtTls12IsRefused(MailProtocol protocol) throws IOException {
        scenarios.renegotiationIsRefused(protocol);
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLS1.1", "TLS1.0"})
    void gnutlsCliBelowTheFloorIsTooOld(String version) throws IOException {
        for (MailProtocol protocol : MailProtocol.values()) {
            scenarios.belowTheFloor(protocol, version);
        }
    }

    @ParameterizedTest
    @EnumSource(MailProtocol.class)
    void gnutlsCliStartTlsAgainstABoringSslServer(MailProtocol protocol) throws IOException {
        withBoringSsl.startTls(protocol, "TLSv1.3");
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLS1.1", "TLS1.0"})
    void gnutlsCliBelowTheFloorOfABoringSslServerIsTooOld(String version) throws IOException {
        withBoringSsl.belowTheFloor(MailProtocol.SMTP, version);
    }

    @Test
    void clientHandshakesWithGnuTlsServAtTls13() throws IOException {
        scenarios.clientHandshakesWithGnuTlsServ("TLSv1.3");
    }

    @Test
    void clientHandshakesWithGnuTlsServAtTls12Only() throws IOException {
        scenarios.clientHandshakesWithGnuTlsServ("TLSv1.2", GnuTlsClient.only("TLS1.2"));
    }

    @Test
    void clientRefusesGnuTlsServOfferingOnlyTls11() throws IOException {
        scenarios.clientRefusesGnuTlsServBelowTheFloor();
    }

    @Test
    void clientRejectsGnuTlsServCertificateFromAnotherCa() throws IOException {
        scenarios.clientRejectsGnuTlsServFromAnotherCa();
    }
}
