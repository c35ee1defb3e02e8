package org.starttls4j.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;
import org.starttls4j.FailureException;
import org.starttls4j.text.Received;
import org.starttls4j.text.ResponseParser;

/**
 * A decoder that turns the bytes after the hand-over into the server's responses, with one of the
 * core's parsers: put it after the {@link StartTlsClientHandler} and receive
 * {@link org.starttls4j.smtp.SmtpReply}, {@link org.starttls4j.imap.ImapResponse} or
 * {@link org.starttls4j.pop3.Pop3Reply} messages.
 *
 * <pre>{@code
 * ch.pipeline().addLast(new StartTlsClientHandler(config, Smtp::client),
 *         new ResponseDecoder<>(SmtpReplyParser.create(Limits.DEFAULT)),
 *         new SimpleChannelInboundHandler<SmtpReply>() { ... });
 * }</pre>
 *
 * <p>A response that breaks the protocol or a bound fires {@code exceptionCaught} once with a
 * {@link FailureException} (its {@link FailureException#failure() failure} says why); what arrives
 * after it is discarded. One decoder per channel: parsers keep the part of a response that has
 * arrived.
 *
 * @param <T> the response type
 */
public final class ResponseDecoder<T> extends ByteToMessageDecoder {

    private final ResponseParser<T> parser;
    private boolean failed;

    /**
     * A decoder around {@code parser}.
     *
     * @param parser a parser for this channel alone
     */
    public ResponseDecoder(ResponseParser<T> parser) {
        this.parser = Objects.requireNonNull(parser, "parser");
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        ByteBuffer view = in.nioBuffer();
        int before = view.position();
        Received<T> parsed = parser.next(view);
        in.skipBytes(view.position() - before);
        if (parsed instanceof Received.Complete<T> complete) {
            out.add(complete.value());
        } else if (parsed instanceof Received.Failed<T> f) {
            failed = true;
            in.skipBytes(in.readableBytes());
            ctx.fireExceptionCaught(new FailureException(f.failure()));
        }
    }
}
