package org.starttls4j.testing.interop;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * GnuTLS against an adapter over 127.0.0.1 ({@link GnuTlsScenarios}): {@code gnutls-cli} into the
 * adapter's server for SMTP, IMAP and POP3 (STARTTLS at TLS 1.3 and 1.2 only, implicit TLS, TLS 1.1
 * and 1.0 below the floor, a TLS 1.3 KeyUpdate, a TLS 1.2 renegotiation, a resumed session), and
 * the adapter's client against {@code gnutls-serv} (TLS 1.3, 1.2 only, after a HelloRetryRequest,
 * TLS 1.1 refused, another CA's certificate rejected). Each adapter's test extends this and says how its servers start and
 * its clients connect; the tests are written once. The tools come from
 * {@code .ci/install-interop-tools}; a missing one fails the test and says so.
 */
@Tag("interop")
public abstract class GnuTlsInteropContract {

    /** A scratch directory per test, for the CA file, keys and captured output. */
    @TempDir
    protected Path workDir;

    private GnuTlsScenarios scenarios;

    /** How the adapter under test starts a server. */
    protected abstract StartTlsServers servers();

    /** How the adapter under test connects a client. */
    protected abstract StartTlsClients clients();

    @BeforeEach
    void setUpScenarios() {
        scenarios = new GnuTlsScenarios(servers(), clients(), workDir);
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
    void gnutlsCliWhoseInputEndsAtOnceIsHandedOver(MailProtocol protocol) throws IOException {
        scenarios.inputEndedRightAfterTheHandshake(protocol);
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
    @EnumSource(MailProtocol.class)
    void gnutlsCliResumesItsSession(MailProtocol protocol) throws IOException {
        scenarios.resumedSessionIsSecured(protocol);
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLS1.1", "TLS1.0"})
    void gnutlsCliBelowTheFloorIsTooOld(String version) throws IOException {
        for (MailProtocol protocol : MailProtocol.values()) {
            scenarios.belowTheFloor(protocol, version);
        }
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
    void clientHandshakesWithGnuTlsServAfterAHelloRetryRequest() throws IOException {
        scenarios.clientHandshakesWithGnuTlsServAfterAHelloRetryRequest();
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
