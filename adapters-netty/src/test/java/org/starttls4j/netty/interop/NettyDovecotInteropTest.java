package org.starttls4j.netty.interop;

import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.starttls4j.netty.testing.Leaks;
import org.starttls4j.testing.interop.DovecotScenarios;
import org.starttls4j.testing.interop.DovecotServer;

/**
 * The Netty client ({@link org.starttls4j.netty.StartTlsClientHandler}) against a real Dovecot
 * (IMAP STARTTLS, POP3 STLS, and the implicit-TLS IMAPS/POP3S listeners): the same
 * {@link DovecotScenarios} the NIO adapter runs. Dovecot is started once for the class from a
 * private configuration on free loopback ports (installed by {@code .ci/install-interop-tools}).
 */
@ExtendWith(Leaks.Check.class)
class NettyDovecotInteropTest {

    private static DovecotServer dovecot;
    private static DovecotScenarios scenarios;

    @BeforeAll
    static void startDovecot() {
        dovecot = DovecotServer.start();
        scenarios = new DovecotScenarios(NettyInterop.CLIENTS, dovecot);
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
