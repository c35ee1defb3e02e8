package org.starttls4j.netty.boringssl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.starttls4j.TlsPolicy;
import org.starttls4j.testing.TestPki.KeyType;

/**
 * Bulk data through {@code SecureSession} over BoringSSL engines, heap and direct buffers, with the
 * buffer sizes the session promises ({@code minNetworkBufferSize}, {@code minApplicationBufferSize}).
 */
class BoringSslBulkTest {

    static Stream<Arguments> cases() {
        List<Arguments> all = new ArrayList<>();
        for (String version : List.of("TLSv1.3", "TLSv1.2")) {
            for (boolean direct : List.of(false, true)) {
                for (int size : List.of(1, 1024, 16_383, 16_384, 16_385, 100_000)) {
                    all.add(Arguments.of(version, direct, size));
                }
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0} direct={1} {2} bytes")
    @MethodSource("cases")
    void everyByteArrivesBothWays(String version, boolean direct, int size) {
        Wire.Ends r = Wire.run(Wire.Protocol.SMTP,
                Engines.client(TlsPolicy.REQUIRED, KeyType.EC_P256, true, version).build(),
                Engines.server(TlsPolicy.REQUIRED, KeyType.EC_P256, true, Engines.HOST, version).build(),
                step -> Integer.MAX_VALUE);
        byte[] data = new byte[size];
        new java.util.Random(size).nextBytes(data);

        // BoringSSL refuses to unwrap a full TLS 1.3 record into less than its encrypted body (16,401
        // bytes), and says so only after the first refusal: the session's minimum covers it from the start.
        assertThat(r.serverSession().minApplicationBufferSize()).isGreaterThanOrEqualTo(16_401);
        assertThat(r.clientSession().minApplicationBufferSize()).isGreaterThanOrEqualTo(16_401);
        for (int round = 0; round < 3; round++) {
            assertThat(Bulk.send(r.clientSession(), r.serverSession(), data, direct)).isEqualTo(data);
            assertThat(Bulk.send(r.serverSession(), r.clientSession(), data, direct)).isEqualTo(data);
        }
        assertThat(r.clientSession().maxRecordPlaintext()).isEqualTo(16_384);
    }
}
