package org.starttls4j.nio.interop;

import org.starttls4j.testing.interop.JakartaMailInteropContract;
import org.starttls4j.testing.interop.StartTlsServers;

/** Jakarta Mail against the {@link org.starttls4j.nio.NioServer}: the shared {@link JakartaMailInteropContract}. */
class NioJakartaMailInteropTest extends JakartaMailInteropContract {

    @Override
    protected StartTlsServers servers() {
        return NioInterop.SERVERS;
    }
}
