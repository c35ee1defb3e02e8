package org.starttls4j.testing.interop;

import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * An adapter's client against a real Dovecot (IMAP STARTTLS, POP3 STLS, and the implicit-TLS
 * IMAPS/POP3S listeners), started once per class from a private configuration on free loopback
 * ports (installed by {@code .ci/install-interop-tools}). Each adapter's test extends this and
 * says how its client connects; the tests are written once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Tag("interop")
public abstract class DovecotInteropContract {

    private DovecotServer dovecot;
    private DovecotScenarios scenarios;

    /** How the adapter under test connects a client. */
    protected abstract StartTlsClients clients();

    @BeforeAll
    void startDovecot() {
        dovecot = DovecotServer.start();
        scenarios = new DovecotScenarios(clients(), dovecot);
    }

    @AfterAll
    void stopDovecot() {
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
