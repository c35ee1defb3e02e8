package org.starttls4j.testkit.jqwik;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.starttls4j.ServerConfig;
import org.starttls4j.TlsPolicy;
import org.starttls4j.Transition;
import org.starttls4j.smtp.Smtp;

/** {@link Readable#transition}: the bytes a transition owns, and how many it wrote into the caller's buffer. */
class ReadableTransitionTest {

    private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
    private static final ServerConfig CONFIG = ServerConfig.builder().hostname("mail.example.test").policy(TlsPolicy.PLAINTEXT_ONLY).build();

    @Test
    void ownedBytesAreShownAndBytesInTheCallersBufferAreCounted() {
        Transition owned = Smtp.server(CONFIG).begin(NOW);
        Transition written = Smtp.server(CONFIG).begin(ByteBuffer.allocate(1024), NOW);

        assertThat(Readable.transition(owned)).contains("send \"220 mail.example.test").doesNotContain("wrote");
        assertThat(Readable.transition(written)).contains("wrote " + owned.outboundBytes().length + " bytes into the caller's buffer")
                .doesNotContain("send");
    }
}
