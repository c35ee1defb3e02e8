package org.starttls4j.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.SslContext;
import io.netty.util.Mapping;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.string.StringDecoder;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.starttls4j.Negotiation;
import org.starttls4j.ServerConfig;
import org.starttls4j.imap.Imap;
import org.starttls4j.pop3.Pop3;
import org.starttls4j.smtp.Smtp;

/**
 * The application of {@link StartTlsServerHandler}'s javadoc recipe, written as a user writes it:
 * its own {@link LineBasedFrameDecoder} (optionally followed by a {@link StringDecoder}), a fresh
 * one on every completion that is not a failure, {@link StartTlsServerHandler#resume} at the
 * client's STARTTLS/STLS line, and an answer to every other line. It keeps what it saw, marked
 * {@code plain:} or {@code tls:}. Not thread-safe: one per channel, used on its event loop.
 */
final class RecipeServer extends ChannelInboundHandlerAdapter {

    /** The three protocols as the recipe needs them. */
    enum Protocol {
        SMTP(Smtp::server, Smtp::serverResuming, "MAIL FROM:<a@example.test>", "STARTTLS", "RCPT TO:<evil@example.test>", "EHLO c"),
        IMAP(Imap::server, Imap::serverResuming, "a2 SELECT INBOX", "a3 STARTTLS", "a4 LOGIN joe secret", "a5 CAPABILITY"),
        POP3(Pop3::server, Pop3::serverResuming, "STAT", "STLS", "USER joe", "CAPA");

        final Function<ServerConfig, Negotiation> fresh;
        final Function<ServerConfig, Negotiation> resuming;
        /** A command the negotiation does not own: it hands the connection over with it, unread. */
        final String handedOver;
        final String startTls;
        /** What an attacker pipelines behind STARTTLS. */
        final String injected;
        /** The client's first command inside TLS. */
        final String firstInsideTls;

        Protocol(Function<ServerConfig, Negotiation> fresh, Function<ServerConfig, Negotiation> resuming,
                 String handedOver, String startTls, String injected, String firstInsideTls) {
            this.fresh = fresh;
            this.resuming = resuming;
            this.handedOver = handedOver;
            this.startTls = startTls;
            this.injected = injected;
            this.firstInsideTls = firstInsideTls;
        }

        boolean isStartTls(String line) {
            String upper = line.toUpperCase(Locale.ROOT);
            return switch (this) {
                case SMTP -> upper.equals("STARTTLS");
                case IMAP -> upper.endsWith(" STARTTLS");
                case POP3 -> upper.equals("STLS");
            };
        }

        /** The application's answer: names the line, so a test sees which line was answered. */
        String answer(String line) {
            return switch (this) {
                case SMTP -> "250 2.0.0 done: " + line + "\r\n";
                case IMAP -> line.split(" ", 2)[0] + " OK done: " + line + "\r\n";
                case POP3 -> "+OK done: " + line + "\r\n";
            };
        }
    }

    final List<String> lines = new ArrayList<>();
    final List<StartTlsCompletionEvent> completions = new ArrayList<>();
    final List<ChannelFuture> writes = new ArrayList<>();
    final List<Throwable> exceptions = new ArrayList<>();
    private final Protocol protocol;
    private final ServerConfig config;
    private final boolean strings;
    private final boolean answerStartTlsToo;
    private boolean secured;
    private Mapping<? super String, ? extends SslContext> serverNames; // null: the configuration's engines

    /**
     * @param strings           whether a {@link StringDecoder} follows the line decoder
     * @param answerStartTlsToo a careless application that also answers the STARTTLS line itself
     */
    RecipeServer(Protocol protocol, ServerConfig config, boolean strings, boolean answerStartTlsToo) {
        this.protocol = protocol;
        this.config = config;
        this.strings = strings;
        this.answerStartTlsToo = answerStartTlsToo;
    }

    /** Resumes with {@link StartTlsServerHandler#serverNames}: the context by the ClientHello's name. */
    RecipeServer serverNames(Mapping<? super String, ? extends SslContext> contexts) {
        this.serverNames = contexts;
        return this;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof StartTlsCompletionEvent) {
            completions.add((StartTlsCompletionEvent) evt);
            secured = evt instanceof StartTlsCompletionEvent.Secured;
        }
        if (evt instanceof StartTlsCompletionEvent && !(evt instanceof StartTlsCompletionEvent.Failed)) {
            ctx.pipeline().addBefore(ctx.name(), null, new LineBasedFrameDecoder(1000));
            if (strings) {
                ctx.pipeline().addBefore(ctx.name(), null, new StringDecoder(StandardCharsets.ISO_8859_1));
            }
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        String line;
        if (msg instanceof ByteBuf) {
            line = ((ByteBuf) msg).toString(StandardCharsets.ISO_8859_1);
            ReferenceCountUtil.release(msg);
        } else {
            line = (String) msg;
        }
        lines.add((secured ? "tls:" : "plain:") + line);
        if (protocol.isStartTls(line)) {
            StartTlsServerHandler resumed = StartTlsServerHandler.resume(ctx, line, config, protocol.resuming);
            if (serverNames != null) {
                resumed.serverNames(serverNames);
            }
            if (!answerStartTlsToo) {
                return;
            }
        }
        writes.add(ctx.writeAndFlush(Unpooled.copiedBuffer(protocol.answer(line), StandardCharsets.ISO_8859_1)));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        exceptions.add(cause);
    }
}
