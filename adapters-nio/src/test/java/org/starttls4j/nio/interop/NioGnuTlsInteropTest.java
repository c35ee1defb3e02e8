package org.starttls4j.nio.interop;

import org.junit.jupiter.api.Tag;
import org.starttls4j.testing.interop.GnuTlsInteropContract;
import org.starttls4j.testing.interop.StartTlsClients;
import org.starttls4j.testing.interop.StartTlsServers;

/**
 * GnuTLS against the NIO adapter: {@code gnutls-cli} into the {@link org.starttls4j.nio.NioServer}
 * and the {@link org.starttls4j.nio.NioClient} against {@code gnutls-serv}, the shared
 * {@link GnuTlsInteropContract}.
 */
@Tag("interop")
class NioGnuTlsInteropTest extends GnuTlsInteropContract {

    @Override
    protected StartTlsServers servers() {
        return NioInterop.SERVERS;
    }

    @Override
    protected StartTlsClients clients() {
        return NioInterop.CLIENTS;
    }
}
