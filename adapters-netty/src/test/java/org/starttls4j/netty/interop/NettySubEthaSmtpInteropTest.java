package org.starttls4j.netty.interop;

import org.junit.jupiter.api.extension.ExtendWith;
import org.starttls4j.netty.testing.Leaks;
import org.starttls4j.testing.interop.SubEthaSmtpInteropContract;
import org.starttls4j.testing.interop.StartTlsClients;

/** The Netty client ({@link org.starttls4j.netty.StartTlsClientHandler}) against SubEthaSMTP: the shared {@link SubEthaSmtpInteropContract}, with leak checks. */
@ExtendWith(Leaks.Check.class)
class NettySubEthaSmtpInteropTest extends SubEthaSmtpInteropContract {

    @Override
    protected StartTlsClients clients() {
        return NettyInterop.CLIENTS;
    }
}
