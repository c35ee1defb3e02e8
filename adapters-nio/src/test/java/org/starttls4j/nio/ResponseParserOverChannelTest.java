package org.starttls4j.nio;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.starttls4j.Limits;
import org.starttls4j.TlsPolicy;
import org.starttls4j.smtp.Smtp;
import org.starttls4j.smtp.SmtpReply;
import org.starttls4j.smtp.SmtpReplyParser;
import org.starttls4j.text.Received;

/** The core's reply parsers read straight from the adapter's secured channel. */
class ResponseParserOverChannelTest {

    @Test
    void smtpRepliesInsideTlsAreReadWithTheCoresParser() throws Exception {
        try (ServerHarness server = new ServerHarness(Fixtures.server(TlsPolicy.REQUIRED).build());
             NegotiatedChannel channel = NioClient.create().connect(server.address(),
                     Fixtures.client(TlsPolicy.REQUIRED).build(), Smtp::client)) {
            SmtpReplyParser replies = SmtpReplyParser.create(Limits.DEFAULT);
            ByteBuffer buffer = ByteBuffer.allocate(256).flip();

            channel.write(StandardCharsets.US_ASCII.encode("MAIL FROM:<a@example.test>\r\nQUIT\r\n"));
            Received<SmtpReply> mail = replies.read(channel, buffer);
            Received<SmtpReply> quit = replies.read(channel, buffer);

            assertThat(channel.isEncrypted()).isTrue();
            assertThat(mail.response()).hasValueSatisfying(r -> assertThat(r.code()).isEqualTo(250));
            assertThat(quit.response()).hasValueSatisfying(r -> assertThat(r.code()).isEqualTo(221));
        }
    }
}
