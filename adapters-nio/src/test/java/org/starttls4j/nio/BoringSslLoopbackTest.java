package org.starttls4j.nio;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.starttls4j.ClientConfig;
import org.starttls4j.ServerConfig;
import org.starttls4j.TlsPolicy;
import org.starttls4j.netty.BoringSsl;
import org.starttls4j.testing.Identity;
import org.starttls4j.testing.TestPki;

/**
 * The NIO adapter with BoringSSL engines on both ends, over 127.0.0.1: the one-liner of
 * docs/ENGINES.md ({@code engineFactory(BoringSsl.engines(context))}) and nothing else changed.
 */
class BoringSslLoopbackTest {

    @Test
    void nioClientAndServerNegotiateAndTalkOverBoringSsl() throws Exception {
        BoringSsl.requireAvailable();
        Identity id = TestPki.server(TestPki.KeyType.EC_P256, Fixtures.HOST);
        ServerConfig server = Fixtures.server(TlsPolicy.REQUIRED)
                .engineFactory(BoringSsl.engines(BoringSsl.serverContext(id.key(), id.chain()))).build();
        ClientConfig client = ClientConfig.builder(Fixtures.HOST).policy(TlsPolicy.REQUIRED)
                .engineFactory(BoringSsl.engines(BoringSsl.clientContext(List.of(TestPki.ca(TestPki.KeyType.EC_P256))))).build();

        try (ChannelPair pair = new ChannelPair(server, client)) {
            assertThat(pair.client.report().tls().orElseThrow().protocol()).isEqualTo("TLSv1.3");
            Fixtures.send(pair.client, "MAIL FROM:<a@example.test>\r\n");
            assertThat(Fixtures.readLine(pair.server)).isEqualTo("MAIL FROM:<a@example.test>");
            Fixtures.send(pair.server, "250 2.1.0 Ok\r\n");
            assertThat(Fixtures.readLine(pair.client)).isEqualTo("250 2.1.0 Ok");
        }
    }
}
