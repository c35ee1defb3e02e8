package org.starttls4j.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.starttls4j.ClientConfig;
import org.starttls4j.Failure;
import org.starttls4j.Outcome;
import org.starttls4j.TlsPolicy;
import org.starttls4j.Transition;
import org.starttls4j.smtp.Smtp;

/**
 * {@link BoringSsl#engines} under the core's own pump (no Netty pipeline: the way an NIO or
 * hand-written event loop uses BoringSSL). Netty leaves a BoringSSL client free to renegotiate
 * once; under the pump such a client answered a server's HelloRequest with nothing the pump could
 * see, so the negotiation sat until its deadline. The factory turns it off: the client refuses at
 * once.
 */
class BoringSslUnderThePumpTest {

    /** The negotiation's clock never moves: only the socket's read timeout could end a stall. */
    private static final Instant NOW = Instant.parse("2026-12-07T10:00:00Z");
    private static final int GUARD_MILLIS = 30_000;

    @Test
    void aBoringSslClientUnderThePumpRefusesAHelloRequestAtOnce() throws Exception {
        Fixtures.requireOpenSsl();
        ClientConfig config = ClientConfig.builder(Fixtures.HOST).policy(TlsPolicy.REQUIRED).clientName(Fixtures.CLIENT_NAME)
                .engineFactory(BoringSsl.engines(Fixtures.opensslClientContext())).build();
        try (HelloRequestServer server = new HelloRequestServer(Fixtures.jdkServerContext(), true);
                Socket socket = new Socket(server.address().getAddress(), server.address().getPort())) {
            socket.setSoTimeout(GUARD_MILLIS); // a stall fails the test with SocketTimeoutException
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            byte[] buffer = new byte[1 << 16];

            Transition t = Smtp.client(config).begin(NOW);
            while (true) {
                write(t, out);
                if (t.isFinished()) {
                    break;
                }
                int n = in.read(buffer);
                t = n < 0 ? t.next().onEndOfStream(NOW) : t.next().onReceived(ByteBuffer.wrap(buffer, 0, n), NOW);
            }

            Failure failure = ((Outcome.Failed) t.outcome().orElseThrow()).failure();
            assertThat(failure.reason()).as(failure.toString()).isEqualTo(Failure.Reason.RENEGOTIATION_REFUSED);
        }
    }

    private static void write(Transition t, OutputStream out) throws java.io.IOException {
        byte[] bytes = t.outboundBytes();
        out.write(bytes);
        out.flush();
    }
}
