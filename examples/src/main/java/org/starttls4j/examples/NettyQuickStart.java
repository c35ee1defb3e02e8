package org.starttls4j.examples;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslHandler;
import java.nio.charset.StandardCharsets;
import org.starttls4j.ClientConfig;
import org.starttls4j.Limits;
import org.starttls4j.netty.ResponseDecoder;
import org.starttls4j.netty.StartTlsClientHandler;
import org.starttls4j.netty.StartTlsCompletionEvent;
import org.starttls4j.smtp.Smtp;
import org.starttls4j.smtp.SmtpReply;
import org.starttls4j.smtp.SmtpReplyParser;

/** The README's quick start for the Netty adapter: a client pipeline. */
public final class NettyQuickStart {

    private NettyQuickStart() {
    }

    /**
     * Sets up a client bootstrap whose connections negotiate STARTTLS first.
     *
     * @param bootstrap a bootstrap with its event loop group and channel class set
     * @param config    the client's configuration
     */
    public static void client(Bootstrap bootstrap, ClientConfig config) {
        // README: netty client
        bootstrap.handler(new ChannelInitializer<SocketChannel>() {
            protected void initChannel(SocketChannel ch) {
                ch.pipeline().addLast(new StartTlsClientHandler(config, Smtp::client),
                        new ResponseDecoder<>(SmtpReplyParser.create(Limits.DEFAULT)),   // replies inside TLS
                        new ChannelInboundHandlerAdapter() {
                    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
                        if (event instanceof StartTlsCompletionEvent.Secured secured) {
                            secured.tls();                 // protocol, suite, certificates
                            secured.capabilities();        // announced inside TLS
                            ctx.pipeline().get(SslHandler.class);   // Netty's own, left in place
                            ctx.writeAndFlush(Unpooled.copiedBuffer("NOOP\r\n", StandardCharsets.US_ASCII));
                        } else if (event instanceof StartTlsCompletionEvent.Failed failed) {
                            failed.failure();              // the channel is closed after the farewell
                        }
                    }

                    public void channelRead(ChannelHandlerContext ctx, Object message) {
                        SmtpReply reply = (SmtpReply) message;   // 250 2.0.0 OK
                    }
                });
            }
        });
        // README end
    }
}
