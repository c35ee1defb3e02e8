package org.starttls4j.nio;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.starttls4j.Event;
import org.starttls4j.Limits;
import org.starttls4j.TlsPolicy;
import org.starttls4j.smtp.Smtp;
import org.starttls4j.testing.TestPki;

/**
 * What a secured channel keeps of a hostile client's negotiation for as long as the session lives:
 * its report's transcript, bounded by {@link NonBlockingNegotiation#MAX_REPORTED_LINES} lines and
 * {@link NonBlockingNegotiation#MAX_REPORTED_CHARS} characters whatever the client said before
 * STARTTLS, then one {@link Event.TranscriptTruncated}. Counted on the report the application gets.
 */
class RetainedReportTest {

    @Test
    void aClientThatSaidMuchBeforeStartTlsLeavesABoundedTranscriptOnItsSession() throws Exception {
        BlockingQueue<NegotiatedChannel> handed = new LinkedBlockingQueue<>();
        var config = Fixtures.server(TlsPolicy.REQUIRED).limits(Limits.DEFAULT.withMaxCommandsBeforeTls(1_000)).build();
        try (NioServer server = NioServer.builder(config, Smtp::server).bind(Fixtures.anyLoopbackPort()).onSession(handed::add).start();
             RawPeer peer = EmptyRecordsOverLoopbackTest.afterStartTls(server.localAddress(),
                     "NOOP " + "x".repeat(985) + "\r\n", 40, "NOOP\r\n", 150)) {
            InetSocketAddress address = server.localAddress();
            SSLContext context = TestPki.clientContextTrusting(TestPki.ca(Fixtures.KEY));
            try (SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(peer.socket, address.getHostString(), address.getPort(), false)) {
                tls.startHandshake();
                NegotiatedChannel channel = handed.poll(30, TimeUnit.SECONDS);
                assertThat(channel).isNotNull();
                try (channel) {
                    var events = channel.report().events();
                    var lines = channel.report().transcript();

                    assertThat(lines).hasSizeLessThanOrEqualTo(NonBlockingNegotiation.MAX_REPORTED_LINES);
                    assertThat(lines.stream().mapToInt(l -> l.text().length()).sum()).isLessThanOrEqualTo(NonBlockingNegotiation.MAX_REPORTED_CHARS);
                    assertThat(events).filteredOn(e -> e instanceof Event.TranscriptTruncated).hasSize(1);
                    assertThat(events).anyMatch(e -> e instanceof Event.Secured);
                }
            }
        }
    }
}
