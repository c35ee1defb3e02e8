package org.starttls4j.nio.interop;

import org.starttls4j.testing.interop.JakartaMailScenarios;
import org.starttls4j.testing.interop.SubEthaSmtpScenarios;

import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * The blocking {@link org.starttls4j.nio.NioClient} against SubEthaSMTP over 127.0.0.1: STARTTLS
 * and mail inside TLS, and both policies' answers to a server without STARTTLS.
 */
class NioSubEthaSmtpInteropTest {

    private final SubEthaSmtpScenarios scenarios = new SubEthaSmtpScenarios(NioInterop.CLIENTS);

    @Test
    void startTlsRequiredThenMailInsideTls() throws IOException {
        scenarios.startTlsRequiredThenSendMail();
    }

    @Test
    void requiredFailsWithoutStartTls() throws IOException {
        scenarios.requiredFailsWhenStartTlsIsNotOffered();
    }

    @Test
    void opportunisticFallsBackToPlaintextWithoutStartTls() throws IOException {
        scenarios.opportunisticFallsBackWhenStartTlsIsNotOffered();
    }
}
