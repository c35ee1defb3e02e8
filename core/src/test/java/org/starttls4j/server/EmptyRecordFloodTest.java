package org.starttls4j.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.starttls4j.server.ServerBoundsTest.NOW;
import static org.starttls4j.server.ServerBoundsTest.feed;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.starttls4j.Failure;
import org.starttls4j.Negotiation;
import org.starttls4j.Outcome;
import org.starttls4j.SecureSession;
import org.starttls4j.TlsPolicy;
import org.starttls4j.TlsResult;
import org.starttls4j.Transition;
import org.starttls4j.smtp.Smtp;
import org.starttls4j.testing.RecordWritingClient;

/**
 * A client that sends records without application data after the hand-over. The JDK's engine
 * decrypts any number of empty TLS 1.2 application records and gives nothing for them, so a
 * reader waiting for data (the NIO channel's read loop) never returned while they kept coming;
 * BoringSSL ends the connection at the 33rd in a row, and now the core's session does too.
 */
class EmptyRecordFloodTest {

    /** A server session secured with {@code client} over TLS 1.2. */
    static SecureSession secured(RecordWritingClient client) {
        Negotiation n = feed(Smtp.server(ServerBoundsTest.config(TlsPolicy.REQUIRED).build()).begin(NOW).next(), "EHLO c.example.test\r\n").next();
        Transition t = feed(n, "STARTTLS\r\n");
        for (int i = 0; i < 10 && !t.isFinished(); i++) {
            t = t.next().onReceived(ByteBuffer.wrap(client.output()), NOW);
            client.offer(t.outboundBytes());
        }
        return ((Outcome.Secured) t.outcome().orElseThrow()).session();
    }

    static String decrypted(SecureSession session, byte[] records) {
        ByteBuffer app = ByteBuffer.allocate(session.minApplicationBufferSize());
        TlsResult r = session.decrypt(ByteBuffer.wrap(records), app);
        assertThat(r.status()).as("%s", session.failure()).isIn(TlsResult.Status.OK, TlsResult.Status.NEEDS_INPUT);
        return new String(app.array(), 0, app.position(), StandardCharsets.ISO_8859_1);
    }

    @Test
    void thirtyThreeEmptyRecordsInARowBreakTheSession() {
        RecordWritingClient client = RecordWritingClient.connect("TLSv1.2");
        SecureSession session = secured(client);
        byte[] flood = client.emptyRecords(10_000);

        TlsResult r = session.decrypt(ByteBuffer.wrap(flood), ByteBuffer.allocate(session.minApplicationBufferSize()));

        assertThat(r.status()).isEqualTo(TlsResult.Status.FAILED);
        assertThat(r.consumed()).as("no record decrypted past the 33rd").isLessThanOrEqualTo(33 * (flood.length / 10_000));
        assertThat(session.failure()).hasValueSatisfying(f -> {
            assertThat(f.reason()).isEqualTo(Failure.Reason.TLS_SESSION_BROKEN);
            assertThat(f.message()).contains("more than 32 TLS records in a row without application data");
        });
        assertThat(session.decrypt(ByteBuffer.wrap(client.data("NOOP\r\n")), ByteBuffer.allocate(session.minApplicationBufferSize())).status())
                .as("a broken session stays broken").isEqualTo(TlsResult.Status.FAILED);
    }

    @Test
    void emptyRecordsBetweenDataAreLeftAlone() {
        RecordWritingClient client = RecordWritingClient.connect("TLSv1.2");
        SecureSession session = secured(client);
        StringBuilder received = new StringBuilder();

        for (int i = 0; i < 50; i++) {
            received.append(decrypted(session, client.emptyRecords(32)));
            received.append(decrypted(session, client.data("NOOP " + i + "\r\n")));
        }

        assertThat(session.failure()).isEmpty();
        assertThat(received.toString()).startsWith("NOOP 0\r\nNOOP 1\r\n").endsWith("NOOP 49\r\n");
    }
}
