package org.starttls4j.nio.interop;

import org.starttls4j.testing.interop.SubEthaSmtpInteropContract;
import org.starttls4j.testing.interop.StartTlsClients;

/** The blocking {@link org.starttls4j.nio.NioClient} against SubEthaSMTP: the shared {@link SubEthaSmtpInteropContract}. */
class NioSubEthaSmtpInteropTest extends SubEthaSmtpInteropContract {

    @Override
    protected StartTlsClients clients() {
        return NioInterop.CLIENTS;
    }
}
