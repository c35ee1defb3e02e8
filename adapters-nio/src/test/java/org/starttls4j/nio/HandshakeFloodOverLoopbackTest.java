package org.starttls4j.nio;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.starttls4j.Failure;
import org.starttls4j.Limits;
import org.starttls4j.TlsPolicy;
import org.starttls4j.testing.HandshakeFiller;

/**
 * A client that sends STARTTLS, a TLS 1.2 ClientHello, then warning alerts without end, against
 * {@link NioServer}: the server reads no more than {@link Limits#maxHandshakeBytes()} of them and
 * hangs up with {@code TLS_HANDSHAKE_FAILED}, instead of handing seven-byte records to its engine
 * until its deadline.
 */
class HandshakeFloodOverLoopbackTest {

    private static final long GIVE_UP = 64L * 1024 * 1024;
    private final ExecutorService writer = Executors.newSingleThreadExecutor();

    @AfterEach
    void stop() {
        writer.shutdownNow();
    }

    @Test
    void aClientThatFloodsItsHandshakeWithWarningAlertsIsCutOffAtTheBound() throws Exception {
        byte[] chunk = HandshakeFiller.warningAlerts(16 * 1024);
        try (ServerHarness server = new ServerHarness(Fixtures.server(TlsPolicy.REQUIRED).build());
             RawPeer client = EmptyRecordsOverLoopbackTest.afterStartTls(server.address())) {
            client.send(HandshakeFiller.tls12ClientHello(Fixtures.HOST));

            Future<Long> sent = writer.submit(() -> {
                long n = 0;
                while (n < GIVE_UP && client.send(chunk)) {
                    n += chunk.length;
                }
                return n;
            });
            client.untilClosed();

            ServerHarness.Failed failed = server.nextFailure();
            Failure failure = failed.report().failure().orElseThrow();
            assertThat(failure.reason()).as("%s", failure).isEqualTo(Failure.Reason.TLS_HANDSHAKE_FAILED);
            assertThat(failure.message()).contains("more than " + Limits.DEFAULT.maxHandshakeBytes() + " bytes");
            assertThat(sent.get(60, TimeUnit.SECONDS)).as("the server hung up long before the client gave up").isLessThan(GIVE_UP);
        }
    }
}
