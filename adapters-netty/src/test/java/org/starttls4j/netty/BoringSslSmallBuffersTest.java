package org.starttls4j.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.ssl.ReferenceCountedOpenSslContext;
import io.netty.handler.ssl.SslContext;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.starttls4j.testing.Identity;
import org.starttls4j.testing.TestPki;

/**
 * The contexts {@link BoringSsl} makes keep {@value BoringSsl#NON_APPLICATION_BUFFER_BYTES} bytes per
 * engine, not Netty's 2048, for what BoringSSL writes while it reads. That every protocol, version
 * and key type still negotiates and carries data through them is shown by {@code boringssl.BoringSslPairTest},
 * {@code boringssl.BoringSslFragmentationPropertiesTest} and the NIO adapter's {@code BoringSslLoopbackTest},
 * which use these contexts.
 */
class BoringSslSmallBuffersTest {

    @Test
    void theHelpersContextsGiveEachEngineASmallBufferForWhatItWritesWhileReading() throws Exception {
        Identity identity = TestPki.server(Fixtures.KEY_TYPE, "mail.example.test");
        SslContext client = BoringSsl.clientContext(List.of(TestPki.ca(Fixtures.KEY_TYPE)));
        SslContext server = BoringSsl.serverContext(identity.key(), identity.chain());

        assertThat(((ReferenceCountedOpenSslContext) client).getBioNonApplicationBufferSize()).isEqualTo(256);
        assertThat(((ReferenceCountedOpenSslContext) server).getBioNonApplicationBufferSize()).isEqualTo(256);
    }
}
