package org.starttls4j.examples;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import org.starttls4j.ClientConfig;
import org.starttls4j.netty.StartTlsClientHandler;
import org.starttls4j.netty.StartTlsCompletionEvent;
import org.starttls4j.smtp.Smtp;

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
                ch.pipeline().addLast(new StartTlsClientHandler(config, Smtp::client), new ChannelInboundHandlerAdapter() {
                    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
                        if (event instanceof StartTlsCompletionEvent.Secured secured) {
                            secured.tls();                 // protocol, suite, certificates
                            secured.capabilities();        // announced inside TLS
                        } else if (event instanceof StartTlsCompletionEvent.Failed failed) {
                            failed.failure();              // the channel is closed after the farewell
                        }
                    }
                });
            }
        });
        // README end
    }
}
