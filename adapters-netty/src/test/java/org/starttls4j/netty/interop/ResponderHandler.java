package org.starttls4j.netty.interop;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslCloseCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import java.util.List;
import java.util.Optional;
import org.starttls4j.Event;
import org.starttls4j.netty.StartTlsCompletionEvent;
import org.starttls4j.testing.interop.Responder;

/**
 * The shared test {@link Responder} as a Netty application: placed behind a
 * {@link StartTlsServerHandler}, it opens a conversation when the negotiation hands over (secured
 * or plaintext), answers every line, and closes the channel (with close_notify, the handler's
 * business) once the client says goodbye. A failed negotiation is reported to the responder.
 */
public final class ResponderHandler extends ChannelInboundHandlerAdapter {

    private final Responder responder;
    private Responder.Conversation conversation;

    /**
     * An application answering with {@code responder}.
     *
     * @param responder the shared test application
     */
    public ResponderHandler(Responder responder) {
        this.responder = responder;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof StartTlsCompletionEvent.Secured) {
            StartTlsCompletionEvent.Secured s = (StartTlsCompletionEvent.Secured) evt;
            conversation = responder.open(new Responder.SessionFacts(true, Optional.of(s.tls()), s.capabilities(), s.events()));
        } else if (evt instanceof StartTlsCompletionEvent.Plaintext) {
            StartTlsCompletionEvent.Plaintext p = (StartTlsCompletionEvent.Plaintext) evt;
            conversation = responder.open(Responder.SessionFacts.of(p.session(), p.events()));
        } else if (evt instanceof StartTlsCompletionEvent.Failed) {
            StartTlsCompletionEvent.Failed f = (StartTlsCompletionEvent.Failed) evt;
            responder.negotiationFailed(f.failure(), f.events());
        } else if (evt instanceof SslCloseCompletionEvent closed && !closed.isSuccess() && conversation != null) {
            conversation.end("truncated: " + closed.cause()); // the peer ended without close_notify
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (conversation == null) {
                return;
            }
            byte[] reply = conversation.onReceived(((ByteBuf) msg).nioBuffer());
            if (reply.length > 0) {
                ctx.write(ctx.alloc().buffer(reply.length).writeBytes(reply));
            }
            if (conversation.closeRequested()) {
                conversation.end("closed after goodbye");
                ctx.flush();
                ctx.close(); // through the SslHandler: the reply, then close_notify
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
        ctx.fireChannelReadComplete();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.fireExceptionCaught(cause); // for the test to see, before the conversation is published
        if (conversation != null) {
            conversation.end("failed: " + cause);
        }
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (conversation != null) {
            conversation.end("peer closed");
        }
        ctx.fireChannelInactive();
    }

    /**
     * The events of a negotiation, one per line, for assertion messages.
     *
     * @param events the events
     * @return the text
     */
    public static String describe(List<Event> events) {
        StringBuilder s = new StringBuilder();
        for (Event e : events) {
            if (e instanceof Event.Line) {
                Event.Line l = (Event.Line) e;
                s.append(l.direction() == Event.Direction.SENT ? "> " : "< ").append(l.encrypted() ? "[tls] " : "").append(l.text()).append('\n');
            } else {
                s.append("  ").append(e.getClass().getSimpleName()).append('\n');
            }
        }
        return s.toString();
    }
}
