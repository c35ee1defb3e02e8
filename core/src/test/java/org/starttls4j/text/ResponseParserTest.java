package org.starttls4j.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.starttls4j.Failure;
import org.starttls4j.Limits;
import org.starttls4j.smtp.SmtpReply;
import org.starttls4j.smtp.SmtpReplyParser;

/** The blocking read loop every response parser shares. */
class ResponseParserTest {

    /** A channel that answers each read with the next chunk: bytes, or 0 (nothing now), or -1 (end). */
    private static ReadableByteChannel chunks(Object... chunks) {
        return new ReadableByteChannel() {
            private int next;

            @Override
            public int read(ByteBuffer dst) {
                Object chunk = chunks[next++];
                if (chunk instanceof Integer n) {
                    return n;
                }
                byte[] bytes = ((String) chunk).getBytes(StandardCharsets.US_ASCII);
                dst.put(bytes);
                return bytes.length;
            }

            @Override
            public boolean isOpen() {
                return true;
            }

            @Override
            public void close() {
            }
        };
    }

    @Test
    void aResponseInPiecesIsReadWholeAndWhatFollowsStaysInTheBuffer() throws Exception {
        ByteBuffer buffer = ByteBuffer.allocate(64).flip();
        Received<SmtpReply> read = SmtpReplyParser.create(Limits.DEFAULT)
                .read(chunks("250-a\r\n", "250 b\r\n220"), buffer);
        assertThat(read).isInstanceOf(Received.Complete.class);
        assertThat(((Received.Complete<SmtpReply>) read).value().code()).isEqualTo(250);
        assertThat(StandardCharsets.US_ASCII.decode(buffer).toString()).isEqualTo("220");
    }

    @Test
    void aNonBlockingChannelWithNothingToReadIsANeedForInputNotAnEnd() throws Exception {
        Received<SmtpReply> read = SmtpReplyParser.create(Limits.DEFAULT)
                .read(chunks("250-a\r\n", 0), ByteBuffer.allocate(64).flip());
        assertThat(read).isInstanceOf(Received.NeedsInput.class);
    }

    @Test
    void theStreamEndingBeforeTheResponseIsAPeerClosedFailure() throws Exception {
        Received<SmtpReply> read = SmtpReplyParser.create(Limits.DEFAULT)
                .read(chunks("250-a\r\n", -1), ByteBuffer.allocate(64).flip());
        assertThat(read).isInstanceOf(Received.Failed.class);
        assertThat(((Received.Failed<SmtpReply>) read).failure().reason()).isEqualTo(Failure.Reason.PEER_CLOSED);
    }
}
