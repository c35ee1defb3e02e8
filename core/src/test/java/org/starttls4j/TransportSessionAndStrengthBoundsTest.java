package org.starttls4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Two small rules the larger tests pass by: a session whose transport owns TLS hands over the
 * plaintext fed past the negotiation's last line, and says it holds some; and the certificate
 * strength floor cannot be set below RSA 1024 or EC 224 bits, while exactly those are accepted.
 */
class TransportSessionAndStrengthBoundsTest {

    private static final TlsFacts FACTS = new TlsFacts("TLSv1.3", "TLS_AES_128_GCM_SHA256", List.of(), List.of());

    @Test
    void aTransportOwnedSessionHandsOverThePlaintextFedPastTheNegotiation() {
        ByteBuffer fed = ByteBuffer.wrap("MAIL FROM:<a@example.test>\r\n".getBytes(StandardCharsets.US_ASCII));
        TransportSession session = new TransportSession(Role.SERVER, Capabilities.NONE, FACTS, fed);
        assertThat(session.hasBufferedPlaintext()).isTrue();
        assertThat(StandardCharsets.US_ASCII.decode(session.unread()).toString()).isEqualTo("MAIL FROM:<a@example.test>\r\n");
        assertThat(session.ownsRecordLayer()).isFalse();
        assertThat(session.failure()).isEmpty();

        TransportSession empty = new TransportSession(Role.CLIENT, Capabilities.NONE, FACTS, ByteBuffer.allocate(0));
        assertThat(empty.hasBufferedPlaintext()).isFalse();
        assertThat(empty.unread().remaining()).isZero();
    }

    @Test
    void theStrengthFloorTakesExactlyItsLowestBoundsAndNothingBelow() {
        assertThat(new CertificateStrength(1024, 224, true)).isEqualTo(CertificateStrength.LEGACY);
        assertThat(new CertificateStrength(1024, 224, false).minEcBits()).isEqualTo(224);
        assertThatThrownBy(() -> new CertificateStrength(1024, 223, true)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("minEcBits 223");
        assertThatThrownBy(() -> new CertificateStrength(1023, 224, true)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("minRsaBits 1023");
    }
}
