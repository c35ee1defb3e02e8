package org.starttls4j.testing.interop;

import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * An adapter's client against SubEthaSMTP over 127.0.0.1: STARTTLS and mail inside TLS, and both
 * policies' answers to a server without STARTTLS. Each adapter's test extends this and says how
 * its client connects.
 */
public abstract class SubEthaSmtpInteropContract {

    /** How the adapter under test connects a client. */
    protected abstract StartTlsClients clients();

    @Test
    void startTlsRequiredThenMailInsideTls() throws IOException {
        new SubEthaSmtpScenarios(clients()).startTlsRequiredThenSendMail();
    }

    @Test
    void requiredFailsWithoutStartTls() throws IOException {
        new SubEthaSmtpScenarios(clients()).requiredFailsWhenStartTlsIsNotOffered();
    }

    @Test
    void opportunisticFallsBackToPlaintextWithoutStartTls() throws IOException {
        new SubEthaSmtpScenarios(clients()).opportunisticFallsBackWhenStartTlsIsNotOffered();
    }
}
