package org.starttls4j.netty.interop;

import org.junit.jupiter.api.extension.ExtendWith;
import org.starttls4j.netty.testing.Leaks;
import org.starttls4j.testing.interop.JakartaMailInteropContract;
import org.starttls4j.testing.interop.StartTlsServers;

/** Jakarta Mail against the Netty server ({@link org.starttls4j.netty.StartTlsServerHandler}): the shared {@link JakartaMailInteropContract}, with leak checks. */
@ExtendWith(Leaks.Check.class)
class NettyJakartaMailInteropTest extends JakartaMailInteropContract {

    @Override
    protected StartTlsServers servers() {
        return NettyInterop.SERVERS;
    }
}
