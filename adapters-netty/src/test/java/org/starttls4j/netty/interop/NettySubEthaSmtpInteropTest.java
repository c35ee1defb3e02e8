package org.starttls4j.netty.interop;

import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.starttls4j.netty.testing.Leaks;
import org.starttls4j.testing.interop.SubEthaSmtpScenarios;

/**
 * The Netty client ({@link org.starttls4j.netty.StartTlsClientHandler}) against SubEthaSMTP over
 * 127.0.0.1: STARTTLS and mail inside TLS, and both policies' answers to a server without
 * STARTTLS; the same {@link SubEthaSmtpScenarios} the NIO adapter runs.
 */
@ExtendWith(Leaks.Check.class)
class NettySubEthaSmtpInteropTest {

    private final SubEthaSmtpScenarios scenarios = new SubEthaSmtpScenarios(NettyInterop.CLIENTS);

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
