package org.starttls4j.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.starttls4j.Failure;
import org.starttls4j.FailureException;
import org.starttls4j.Limits;
import org.starttls4j.imap.ImapResponse;
import org.starttls4j.imap.ImapResponseParser;
import org.starttls4j.netty.testing.Leaks;
import org.starttls4j.smtp.SmtpReply;
import org.starttls4j.smtp.SmtpReplyParser;

/** The core's response parsers in a Netty pipeline: responses out of ByteBufs cut anywhere. */
@ExtendWith(Leaks.Check.class)
class ResponseDecoderTest {

    private static io.netty.buffer.ByteBuf ascii(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1);
    }

    @Test
    void smtpRepliesCutAcrossBuffersComeOutWhole() {
        EmbeddedChannel channel = new EmbeddedChannel(new ResponseDecoder<>(SmtpReplyParser.create(Limits.DEFAULT)));

        channel.writeInbound(ascii("250-first\r\n25"));
        channel.writeInbound(ascii("0 second\r\n221 bye\r\n"));

        assertThat(channel.<Object>readInbound()).isEqualTo(new SmtpReply(250, List.of("first", "second")));
        assertThat(channel.<Object>readInbound()).isEqualTo(new SmtpReply(221, List.of("bye")));
        assertThat(channel.<Object>readInbound()).isNull();
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void anImapLiteralSpanningBuffersIsDeliveredWithItsResponse() {
        EmbeddedChannel channel = new EmbeddedChannel(new ResponseDecoder<>(ImapResponseParser.create(Limits.DEFAULT)));

        channel.writeInbound(ascii("* 1 FETCH (BODY[] {5}\r\nab"));
        channel.writeInbound(ascii("c\r\n)\r\na1 OK done\r\n"));

        ImapResponse fetch = channel.readInbound();
        ImapResponse done = channel.readInbound();
        assertThat(fetch.literals()).containsExactly("abc\r\n");
        assertThat(done.is(ImapResponse.Kind.TAGGED, "OK")).isTrue();
        channel.finishAndReleaseAll();
    }

    @Test
    void aBrokenResponseFiresOneTypedFailureAndTheRestIsDropped() {
        EmbeddedChannel channel = new EmbeddedChannel(new ResponseDecoder<>(SmtpReplyParser.create(Limits.DEFAULT)));

        assertThatThrownBy(() -> channel.writeInbound(ascii("250 fine\r\nnot a reply\r\n")))
                .isInstanceOf(FailureException.class)
                .satisfies(e -> assertThat(((FailureException) e).failure().reason()).isEqualTo(Failure.Reason.MALFORMED_REPLY));

        assertThat(channel.<Object>readInbound()).isEqualTo(new SmtpReply(250, List.of("fine")));
        channel.writeInbound(ascii("250 after\r\n"));
        assertThat(channel.<Object>readInbound()).isNull();
        channel.finishAndReleaseAll();
    }
}
