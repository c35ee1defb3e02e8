package org.starttls4j.netty.interop;

import java.io.IOException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.starttls4j.netty.testing.Leaks;
import org.starttls4j.testing.interop.GnuTlsInteropContract;
import org.starttls4j.testing.interop.GnuTlsScenarios;
import org.starttls4j.testing.interop.MailProtocol;
import org.starttls4j.testing.interop.StartTlsClients;
import org.starttls4j.testing.interop.StartTlsServers;

/**
 * GnuTLS against the Netty adapter: {@code gnutls-cli} into the
 * {@link org.starttls4j.netty.StartTlsServerHandler} server and the
 * {@link org.starttls4j.netty.StartTlsClientHandler} client against {@code gnutls-serv}, the shared
 * {@link GnuTlsInteropContract}; and {@code gnutls-cli} against the server with BoringSSL's engines
 * instead of the JDK's, at TLS 1.3 and below the floor.
 */
@ExtendWith(Leaks.Check.class)
@Tag("interop")
class NettyGnuTlsInteropTest extends GnuTlsInteropContract {

    @Override
    protected StartTlsServers servers() {
        return NettyInterop.SERVERS;
    }

    @Override
    protected StartTlsClients clients() {
        return NettyInterop.CLIENTS;
    }

    private GnuTlsScenarios withBoringSsl() {
        return new GnuTlsScenarios(NettyInterop.SERVERS_BORINGSSL, NettyInterop.CLIENTS, workDir);
    }

    @ParameterizedTest
    @EnumSource(MailProtocol.class)
    void gnutlsCliStartTlsAgainstABoringSslServer(MailProtocol protocol) throws IOException {
        withBoringSsl().startTls(protocol, "TLSv1.3");
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLS1.1", "TLS1.0"})
    void gnutlsCliBelowTheFloorOfABoringSslServerIsTooOld(String version) throws IOException {
        withBoringSsl().belowTheFloor(MailProtocol.SMTP, version);
    }
}
