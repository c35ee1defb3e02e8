package org.starttls4j.nio.interop;

import org.junit.jupiter.api.Tag;
import org.starttls4j.testing.interop.PostfixInteropContract;
import org.starttls4j.testing.interop.StartTlsClients;
import org.starttls4j.testing.interop.StartTlsServers;

/**
 * The blocking {@link org.starttls4j.nio.NioClient} against a private Postfix's smtpd, and Postfix's
 * smtp client delivering to the {@link org.starttls4j.nio.NioServer}: the shared {@link PostfixInteropContract}.
 */
@Tag("interop")
class NioPostfixInteropTest extends PostfixInteropContract {

    @Override
    protected StartTlsClients clients() {
        return NioInterop.CLIENTS;
    }

    @Override
    protected StartTlsServers servers() {
        return NioInterop.SERVERS;
    }
}
