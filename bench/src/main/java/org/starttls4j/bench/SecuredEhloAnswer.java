package org.starttls4j.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.nio.charset.StandardCharsets;
import org.starttls4j.netty.StartTlsCompletionEvent;
import org.starttls4j.netty.StartTlsServerHandler;

/**
 * The application behind a {@link StartTlsServerHandler} in the loopback benchmarks: answers the
 * client's EHLO inside TLS (the first line handed over) with the core's own reply, then leaves the
 * connection to the client, which closes first. A negotiation that ends unencrypted is a failure.
 */
final class SecuredEhloAnswer extends ChannelInboundHandlerAdapter {
    private final byte[] ehloAfterTls;
    private final Runnable onAnswered;
    private final Runnable onFailure;
    private final StringBuilder line = new StringBuilder();

    /**
     * An application end.
     *
     * @param ehloAfterTls the EHLO reply inside TLS
     * @param onAnswered   told after each answer
     * @param onFailure    told when the negotiation ends unencrypted
     */
    SecuredEhloAnswer(byte[] ehloAfterTls, Runnable onAnswered, Runnable onFailure) {
        this.ehloAfterTls = ehloAfterTls;
        this.onAnswered = onAnswered;
        this.onFailure = onFailure;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof StartTlsCompletionEvent && !((StartTlsCompletionEvent) evt).isEncrypted()) {
            onFailure.run();
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf buf = (ByteBuf) msg;
        line.append(buf.toString(StandardCharsets.US_ASCII));
        buf.release();
        if (line.indexOf("\r\n") >= 0) {
            line.setLength(0);
            line.trimToSize(); // an idle connection keeps no line buffer
            ctx.writeAndFlush(Unpooled.wrappedBuffer(ehloAfterTls)); // the client closes first
            onAnswered.run();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
