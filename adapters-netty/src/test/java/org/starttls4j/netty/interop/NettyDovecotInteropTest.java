package org.starttls4j.netty.interop;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;
import org.starttls4j.netty.testing.Leaks;
import org.starttls4j.testing.interop.DovecotInteropContract;
import org.starttls4j.testing.interop.StartTlsClients;

/** The Netty client ({@link org.starttls4j.netty.StartTlsClientHandler}) against a real Dovecot: the shared {@link DovecotInteropContract}, with leak checks. */
@ExtendWith(Leaks.Check.class)
@Tag("interop")
class NettyDovecotInteropTest extends DovecotInteropContract {

    @Override
    protected StartTlsClients clients() {
        return NettyInterop.CLIENTS;
    }
}
