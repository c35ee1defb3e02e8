package org.starttls4j.netty;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Sits right before the application's handler that resumed a negotiation, after its decoders:
 * whatever they still fire while the negotiation runs (lines framed from the read that brought
 * STARTTLS, the bytes a removed decoder forwards) is plaintext the client sent after the command.
 * It is never passed on; the negotiation fails with PLAINTEXT_INJECTION. The guard leaves with the
 * completion event, before any byte of the outcome travels up.
 */
final class ResumeGuard extends ChannelInboundHandlerAdapter {

    private final StartTlsHandler negotiation;

    ResumeGuard(StartTlsHandler negotiation) {
        this.negotiation = negotiation;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        negotiation.plaintextAfterCommand(msg); // releases it
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof StartTlsCompletionEvent && !ctx.isRemoved()) {
            ctx.pipeline().remove(this);
        }
        ctx.fireUserEventTriggered(evt);
    }
}
