package org.starttls4j.testkit.internal;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.starttls4j.netty.NegotiationCapacity;
import org.starttls4j.netty.StartTlsCompletionEvent;
import org.starttls4j.netty.StartTlsServerHandler;

/**
 * A reference server's bytes through the Netty adapter: a {@link StartTlsServerHandler} (with a
 * {@link NegotiationCapacity} the size of NioServer's default, so that a full server answers "too
 * busy"), then whole lines into one {@link Conversation} per channel. A session handed over in
 * plaintext (under {@code OPPORTUNISTIC}) that asks for TLS later is handed back to a resuming
 * negotiation with {@link StartTlsServerHandler#resume}, as {@link NioTransport} does with
 * {@code PlaintextChannel.startTls}. Needs {@code starttls4j-netty} on the class path (an optional
 * dependency of the kit).
 */
public final class NettyTransport implements Transport {

    /** Connections negotiating at once before newcomers get the busy reply: NioServer's default. */
    private static final int MAX_NEGOTIATING = 1024;

    private final Sessions sessions;
    private final EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final EventLoopGroup workers = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final Channel listener;

    /**
     * Starts listening.
     *
     * @param sessions what to do with each connection
     * @param bind     where to listen
     * @param idle     how long a connection handed over may stay silent
     * @throws IOException when the address cannot be bound
     */
    public NettyTransport(Sessions sessions, InetSocketAddress bind, Duration idle) throws IOException {
        this.sessions = sessions;
        NegotiationCapacity capacity = NegotiationCapacity.of(MAX_NEGOTIATING);
        ServerBootstrap b = new ServerBootstrap().group(boss, workers).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        channels.add(ch);
                        // the line decoder comes with each session handed over (Handover): none survives a resume
                        ch.pipeline().addLast(new StartTlsServerHandler(sessions.config(), sessions.protocol()::server, capacity),
                                new IdleStateHandler(0, 0, idle.toMillis(), TimeUnit.MILLISECONDS), new Handover());
                    }
                });
        try {
            listener = b.bind(bind).sync().channel();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            shutdown();
            throw new IOException("interrupted while binding", e);
        } catch (RuntimeException e) {
            shutdown();
            throw new IOException(e.getMessage(), e);
        }
        channels.add(listener);
    }

    @Override
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) listener.localAddress();
    }

    @Override
    public void close() {
        channels.close().awaitUninterruptibly(3, TimeUnit.SECONDS);
        shutdown();
    }

    private void shutdown() {
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
    }

    /**
     * The application's end of the pipeline: one conversation per session handed over (a second one
     * after a resume), fed whole lines by a decoder added for each.
     */
    private final class Handover extends SimpleChannelInboundHandler<ByteBuf> {
        private Conversation conversation;
        private boolean encrypted;
        private boolean resuming;
        private int number;

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
            if (event instanceof StartTlsCompletionEvent done) {
                String unread = done instanceof StartTlsCompletionEvent.Plaintext p
                        ? StandardCharsets.ISO_8859_1.decode(p.session().unread()).toString() : "";
                number = sessions.negotiated(number, ctx.channel().remoteAddress(), done.events(), unread, resuming);
                resuming = false;
                conversation = null;
                if (!(done instanceof StartTlsCompletionEvent.Failed)) {
                    // a fresh decoder per session: nothing framed in plaintext is read inside TLS
                    ctx.pipeline().addBefore(ctx.name(), null, new LineBasedFrameDecoder(ConversationLoop.MAX_LINE));
                    encrypted = done.isEncrypted();
                    conversation = sessions.conversation(number, encrypted);
                    if (!conversation.opening().isEmpty()) {
                        ctx.writeAndFlush(Unpooled.copiedBuffer(conversation.opening(), StandardCharsets.ISO_8859_1));
                    }
                }
            } else if (event instanceof IdleStateEvent && conversation != null) {
                sessions.ended(number, ctx.channel().remoteAddress(), encrypted, "idle: closing");
                ctx.close();
            }
            super.userEventTriggered(ctx, event);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
            if (conversation == null) {
                return; // nothing reaches here before the completion event; defensive only
            }
            byte[] bytes = new byte[frame.readableBytes()];
            frame.readBytes(bytes);
            int end = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
            String line = new String(bytes, 0, end, StandardCharsets.ISO_8859_1);
            if (!encrypted && !conversation.readingData() && Conversation.asksForTls(sessions.protocol(), line)) {
                // Handed back: the resuming negotiation answers the command, and refuses whatever the
                // decoder held behind it; its completion event brings the next conversation.
                ctx.flush();
                conversation = null;
                resuming = true;
                StartTlsServerHandler.resume(ctx, line, sessions.config(), sessions.protocol()::serverResuming);
                return;
            }
            Conversation.Answer answer = sessions.answer(conversation, ctx.channel().remoteAddress(), encrypted, line);
            if (!answer.send().isEmpty()) {
                ctx.write(Unpooled.copiedBuffer(answer.send(), StandardCharsets.ISO_8859_1));
            }
            if (answer.close()) {
                ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            if (conversation != null) {
                sessions.ended(number, ctx.channel().remoteAddress(), encrypted, "connection closed");
            }
            super.channelInactive(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            sessions.ended(number, ctx.channel().remoteAddress(), encrypted, "connection ended: " + cause.getMessage());
            ctx.close();
        }
    }
}
