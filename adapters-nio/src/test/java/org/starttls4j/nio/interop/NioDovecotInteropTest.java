package org.starttls4j.nio.interop;

import org.junit.jupiter.api.Tag;
import org.starttls4j.testing.interop.DovecotInteropContract;
import org.starttls4j.testing.interop.StartTlsClients;

/** The blocking {@link org.starttls4j.nio.NioClient} against a real Dovecot: the shared {@link DovecotInteropContract}. */
@Tag("interop")
class NioDovecotInteropTest extends DovecotInteropContract {

    @Override
    protected StartTlsClients clients() {
        return NioInterop.CLIENTS;
    }
}
