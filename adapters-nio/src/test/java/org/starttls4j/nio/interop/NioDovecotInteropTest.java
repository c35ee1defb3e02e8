package org.starttls4j.nio.interop;

import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.starttls4j.testing.interop.DovecotScenarios;
import org.starttls4j.testing.interop.DovecotServer;

/**
 * The blocking {@link org.starttls4j.nio.NioClient} against a real Dovecot (IMAP STARTTLS, POP3
 * STLS, and the implicit-TLS IMAPS/POP3S listeners), started once for the class from a private
 * configuration on free loopback ports (see {@link DovecotServer}; installed by
 * {@code .ci/install-interop-tools}).
 */
class NioDovecotInteropTest {

    private static DovecotServer dovecot;
    private static DovecotScenarios scenarios;

    @BeforeAll
    static void startDovecot() {
        dovecot = DovecotServer.start();
        scenarios = new DovecotScenarios(NioInterop.CLIENTS, dovecot);
    }

    @AfterAll
    static void stopDovecot() {
        if (dovecot != null) {
            dovecot.close();
        }
    }

    @Test
    void imapStartTls() throws IOException {
        scenarios.imapStartTls();
    }

    @Test
    void imapImplicitTls() throws IOException {
        scenarios.imapImplicit();
    }

    @Test
    void pop3Stls() throws IOException {
        scenarios.pop3Stls();
    }

    @Test
    void pop3ImplicitTls() throws IOException {
        scenarios.pop3Implicit();
    }

    @Test
    void imapOpportunisticWithTls13FloorIsSecured() throws IOException {
        scenarios.imapOpportunisticTls13Floor();
    }

    @Test
    void imapCertificateFromAnotherCaIsRejected() throws IOException {
        scenarios.imapUntrustedCertificateIsRejected();
    }
}
