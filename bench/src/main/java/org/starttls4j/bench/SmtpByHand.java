package org.starttls4j.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.ssl.SslCloseCompletionEvent;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;
import org.starttls4j.Capability;
import org.starttls4j.ServerConfig;
import org.starttls4j.smtp.Smtp;

/**
 * The baseline of every loopback figure: SMTP's STARTTLS dialog written by hand on a plain Netty
 * pipeline ({@code LineBasedFrameDecoder} in front), with Netty's own {@link SslHandler} added in
 * front after the {@code 220} to STARTTLS — the way Netty users do STARTTLS without starttls4j.
 * Both handlers send the same bytes the core's SMTP dialogs send, so the wire is the same.
 */
public final class SmtpByHand {

    /** The server's greeting. */
    static final String GREETING = "220 " + Pki.SERVER_NAME + " ESMTP\r\n";

    private SmtpByHand() {
    }

    /**
     * What the core's SMTP server announces before TLS for {@code config}: the configured list less
     * AUTH, plus STARTTLS.
     *
     * @param config the server configuration
     * @return the whole EHLO reply
     */
    static byte[] ehloBeforeTls(ServerConfig config) {
        StringBuilder before = new StringBuilder("250-" + Pki.SERVER_NAME + " greets localhost\r\n");
        for (Capability c : config.capabilitiesBeforeTls().list()) {
            if (!c.is("AUTH")) {
                before.append("250-").append(c).append("\r\n");
            }
        }
        return before.append("250 STARTTLS\r\n").toString().getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * What the core's SMTP server answers to {@code EHLO localhost} inside TLS for {@code config}.
     *
     * @param config the server configuration
     * @return the whole EHLO reply
     */
    static byte[] ehloAfterTls(ServerConfig config) {
        return Smtp.ehloReplyAfterTls(config, "localhost").getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * The server: greets, answers EHLO, accepts STARTTLS by adding an {@link SslHandler}, answers
     * EHLO again inside TLS and then waits for the client, which closes first (its
     * {@code close_notify} closes the channel). Anything else is a failure.
     */
    static final class Server extends SimpleChannelInboundHandler<ByteBuf> {
        private final Supplier<SSLEngine> engines;
        private final byte[] ehloBeforeTls;
        private final byte[] ehloAfterTls;
        private final Runnable onSecuredEhlo;
        private final Runnable onFailure;
        private boolean secured;

        /**
         * A server end.
         *
         * @param engines       a new server engine per connection
         * @param ehloBeforeTls the EHLO reply in plaintext
         * @param ehloAfterTls  the EHLO reply inside TLS
         * @param onSecuredEhlo told when the EHLO inside TLS has been answered
         * @param onFailure     told when the client says something out of the dialog
         */
        Server(Supplier<SSLEngine> engines, byte[] ehloBeforeTls, byte[] ehloAfterTls, Runnable onSecuredEhlo,
               Runnable onFailure) {
            this.engines = engines;
            this.ehloBeforeTls = ehloBeforeTls;
            this.ehloAfterTls = ehloAfterTls;
            this.onSecuredEhlo = onSecuredEhlo;
            this.onFailure = onFailure;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.writeAndFlush(Unpooled.copiedBuffer(GREETING, StandardCharsets.US_ASCII));
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
            String command = msg.toString(StandardCharsets.US_ASCII).toUpperCase(Locale.ROOT);
            if (command.startsWith("EHLO ") && secured) {
                ctx.writeAndFlush(Unpooled.wrappedBuffer(ehloAfterTls)); // the client closes first
                onSecuredEhlo.run();
            } else if (command.startsWith("EHLO ")) {
                ctx.writeAndFlush(Unpooled.wrappedBuffer(ehloBeforeTls));
            } else if (command.equals("STARTTLS") && !secured) {
                secured = true;
                // startTls = true: the 220 below still goes out in plaintext.
                SslHandler tls = new SslHandler(engines.get(), true);
                tls.setHandshakeTimeoutMillis(0); // no deadline of its own, as the client's
                ctx.pipeline().addFirst(tls);
                ctx.writeAndFlush(Unpooled.copiedBuffer("220 2.0.0 Ready to start TLS\r\n", StandardCharsets.US_ASCII));
            } else {
                ctx.writeAndFlush(Unpooled.copiedBuffer("500 5.5.1 Unrecognized command\r\n", StandardCharsets.US_ASCII))
                        .addListener(ChannelFutureListener.CLOSE);
                onFailure.run();
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof SslCloseCompletionEvent) {
                ctx.close(); // the client's close_notify
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /**
     * A client-side application that completes {@link #done} when the connection is secured,
     * fails it when the connection ends or fails first, and then closes the channel or keeps it
     * open and idle.
     */
    abstract static class ClientApp extends SimpleChannelInboundHandler<ByteBuf> {
        /** Completed with the outcome when the connection is secured. */
        final CompletableFuture<Object> done = new CompletableFuture<>();
        private final boolean closeWhenSecured;

        /**
         * A client application.
         *
         * @param closeWhenSecured whether to close the channel once secured (or keep it idle)
         */
        ClientApp(boolean closeWhenSecured) {
            this.closeWhenSecured = closeWhenSecured;
        }

        void finish(ChannelHandlerContext ctx, Object result) {
            done.complete(result);
            if (closeWhenSecured) {
                ctx.close();
            }
        }

        void fail(ChannelHandlerContext ctx, Throwable cause) {
            done.completeExceptionally(cause);
            ctx.close();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            fail(ctx, cause);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            done.completeExceptionally(new IOException("closed before the end"));
        }
    }

    /**
     * The client: greeting, EHLO, STARTTLS, {@link SslHandler}, EHLO, done at its reply. Goes
     * behind a {@code LineBasedFrameDecoder}.
     */
    static final class Client extends ClientApp {
        private final Supplier<SSLEngine> engines;
        private int state; // 0 greeting, 1 EHLO reply, 2 STARTTLS reply, 3 handshaking, 4 EHLO reply inside TLS
        private boolean startTlsOffered;

        /**
         * A client end.
         *
         * @param engines          a new client engine per connection (host name checked by it)
         * @param closeWhenSecured whether to close the channel once secured (or keep it idle)
         */
        Client(Supplier<SSLEngine> engines, boolean closeWhenSecured) {
            super(closeWhenSecured);
            this.engines = engines;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
            String line = msg.toString(StandardCharsets.US_ASCII);
            boolean last = line.length() < 4 || line.charAt(3) != '-';
            switch (state) {
                case 0:
                    expect(line, "220");
                    state = 1;
                    send(ctx, "EHLO localhost\r\n");
                    break;
                case 1:
                    expect(line, "250");
                    startTlsOffered |= line.regionMatches(true, 4, "STARTTLS", 0, 8);
                    if (last) {
                        if (!startTlsOffered) {
                            throw new IllegalStateException("no STARTTLS");
                        }
                        state = 2;
                        send(ctx, "STARTTLS\r\n");
                    }
                    break;
                case 2:
                    expect(line, "220");
                    state = 3;
                    SslHandler tls = new SslHandler(engines.get());
                    tls.setHandshakeTimeoutMillis(0); // the caller bounds the whole connection
                    ctx.pipeline().addFirst(tls);
                    break;
                case 4:
                    expect(line, "250");
                    if (last) {
                        state = 5;
                        finish(ctx, line);
                    }
                    break;
                default:
                    throw new IllegalStateException("unexpected " + line);
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof SslHandshakeCompletionEvent) {
                SslHandshakeCompletionEvent e = (SslHandshakeCompletionEvent) evt;
                if (!e.isSuccess()) {
                    fail(ctx, e.cause());
                    return;
                }
                state = 4;
                send(ctx, "EHLO localhost\r\n");
            }
        }

        private static void expect(String line, String code) {
            if (!line.startsWith(code)) {
                throw new IllegalStateException("expected " + code + ": " + line);
            }
        }

        private static void send(ChannelHandlerContext ctx, String text) {
            ctx.writeAndFlush(Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII));
        }
    }
}
