package org.starttls4j.netty.interop;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;
import org.starttls4j.netty.testing.Leaks;
import org.starttls4j.testing.interop.PostfixInteropContract;
import org.starttls4j.testing.interop.StartTlsClients;
import org.starttls4j.testing.interop.StartTlsServers;

/**
 * The Netty client ({@link org.starttls4j.netty.StartTlsClientHandler}) against a private Postfix's
 * smtpd, and Postfix's smtp client delivering to the Netty server
 * ({@link org.starttls4j.netty.StartTlsServerHandler}): the shared {@link PostfixInteropContract},
 * with leak checks.
 */
@ExtendWith(Leaks.Check.class)
@Tag("interop")
class NettyPostfixInteropTest extends PostfixInteropContract {

    @Override
    protected StartTlsClients clients() {
        return NettyInterop.CLIENTS;
    }

    @Override
    protected StartTlsServers servers() {
        return NettyInterop.SERVERS;
    }
}
