package org.starttls4j.netty;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.ByteToMessageCodec;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AsyncMapping;
import io.netty.util.Mapping;
import io.netty.util.concurrent.Promise;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Function;
import org.starttls4j.DelegatedTasks;
import org.starttls4j.Negotiation;
import org.starttls4j.ServerConfig;

/**
 * The server's end: greets as soon as the accepted channel is active, answers capability
 * requests, accepts STARTTLS (its go-ahead leaves in plaintext), puts Netty's {@code SslHandler}
 * in front of itself for the handshake and hands over once TLS is up (or in plaintext where the
 * policy allows), leaving the {@code SslHandler} in place. See {@link StartTlsHandler} for what it
 * does and fires.
 * While it negotiates, whatever the application writes fails at once: nothing the application
 * says goes out before the outcome, so no answer to a plaintext command can travel inside TLS.
 *
 * <pre>{@code
 * ServerConfig config = ServerConfig.builder().hostname("mail.example.com").sslContext(context).build();
 * NegotiationCapacity capacity = NegotiationCapacity.of(1_000); // one for the whole server
 * serverBootstrap.childHandler(new ChannelInitializer<SocketChannel>() {
 *     protected void initChannel(SocketChannel ch) {
 *         ch.pipeline().addLast(new StartTlsServerHandler(config, Smtp::server, capacity), new MySmtpServer(config));
 *     }
 * });
 * }</pre>
 *
 * <p><b>Resuming.</b> Under {@code OPPORTUNISTIC} the negotiation may hand the connection over in
 * plaintext; when the client sends STARTTLS (IMAP {@code tag STARTTLS}, POP3 {@code STLS}) later,
 * the application hands it back with {@link #resume}, never by adding a handler itself. The
 * recipe, with the application's own line decoder (for IMAP, a STARTTLS line is
 * {@code "<tag> STARTTLS"} and the entry point {@code Imap::serverResuming}; for POP3, {@code "STLS"}
 * and {@code Pop3::serverResuming}):
 *
 * <pre>{@code
 * final class MySmtpServer extends ChannelInboundHandlerAdapter {
 *     private final ServerConfig config; // the handler's, OPPORTUNISTIC
 *
 *     MySmtpServer(ServerConfig config) {
 *         this.config = config;
 *     }
 *
 *     public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
 *         if (evt instanceof StartTlsCompletionEvent && !(evt instanceof StartTlsCompletionEvent.Failed)) {
 *             // A fresh decoder for each session handed over, in plaintext or inside TLS: nothing
 *             // framed before TLS survives it (resume removed the previous one).
 *             ctx.pipeline().addBefore(ctx.name(), null, new LineBasedFrameDecoder(1000));
 *         }
 *         ctx.fireUserEventTriggered(evt);
 *     }
 *
 *     public void channelRead(ChannelHandlerContext ctx, Object msg) {
 *         String line = ((ByteBuf) msg).toString(StandardCharsets.ISO_8859_1);
 *         ReferenceCountUtil.release(msg);
 *         if (line.equalsIgnoreCase("STARTTLS")) {
 *             StartTlsServerHandler.resume(ctx, line, config, Smtp::serverResuming);
 *             return; // the negotiation answers; a Secured event follows, then the first line inside TLS
 *         }
 *         ctx.writeAndFlush(Unpooled.copiedBuffer(answer(line), StandardCharsets.ISO_8859_1));
 *     }
 * }
 * }</pre>
 */
public final class StartTlsServerHandler extends StartTlsHandler {

    /**
     * A handler whose delegated engine tasks, if the configuration hands them over
     * ({@link DelegatedTasks#HAND_TO_CALLER}), run on {@link ForkJoinPool#commonPool()}.
     *
     * @param config   the server configuration
     * @param protocol the protocol's entry point, e.g. {@code Smtp::server}, {@code Imap::server},
     *                 {@code Pop3::server}; called once, here
     * @throws IllegalArgumentException if {@code protocol} is a {@code serverResuming} entry point:
     *                                  use {@link #resume} for that
     */
    public StartTlsServerHandler(ServerConfig config, Function<? super ServerConfig, Negotiation> protocol) {
        this(config, protocol, null, ForkJoinPool.commonPool());
    }

    /**
     * A handler whose delegated engine tasks run on {@code delegatedTaskExecutor} when the
     * configuration hands them over ({@link DelegatedTasks#HAND_TO_CALLER}); with
     * {@link DelegatedTasks#RUN_INLINE} they run on the event loop and the executor is unused.
     *
     * @param config                the server configuration
     * @param protocol              the protocol's entry point, e.g. {@code Smtp::server}; called once, here
     * @param delegatedTaskExecutor where certificate validation and key exchange run, off the event loop
     * @throws IllegalArgumentException if {@code protocol} is a {@code serverResuming} entry point
     */
    public StartTlsServerHandler(ServerConfig config, Function<? super ServerConfig, Negotiation> protocol,
                                 Executor delegatedTaskExecutor) {
        this(config, protocol, null, delegatedTaskExecutor);
    }

    /**
     * A handler that takes a place in {@code capacity} for as long as it negotiates, or, when none
     * is free, answers with the protocol's "too busy" reply and closes the channel.
     *
     * @param config   the server configuration
     * @param protocol the protocol's entry point, e.g. {@code Smtp::server}; called once, here
     * @param capacity shared by every channel of the server
     * @throws IllegalArgumentException if {@code protocol} is a {@code serverResuming} entry point
     */
    public StartTlsServerHandler(ServerConfig config, Function<? super ServerConfig, Negotiation> protocol,
                                 NegotiationCapacity capacity) {
        this(config, protocol, Objects.requireNonNull(capacity, "capacity"), ForkJoinPool.commonPool());
    }

    /**
     * A handler with a shared {@code capacity} (see
     * {@link #StartTlsServerHandler(ServerConfig, Function, NegotiationCapacity)}) whose delegated
     * engine tasks run on {@code delegatedTaskExecutor}.
     *
     * @param config                the server configuration
     * @param protocol              the protocol's entry point, e.g. {@code Smtp::server}; called once, here
     * @param capacity              shared by every channel of the server; null for no limit
     * @param delegatedTaskExecutor where certificate validation and key exchange run, off the event loop
     * @throws IllegalArgumentException if {@code protocol} is a {@code serverResuming} entry point
     */
    public StartTlsServerHandler(ServerConfig config, Function<? super ServerConfig, Negotiation> protocol,
                                 NegotiationCapacity capacity, Executor delegatedTaskExecutor) {
        this(fresh(Objects.requireNonNull(protocol, "protocol").apply(Objects.requireNonNull(config, "config")), config),
                config, delegatedTaskExecutor, capacity, null);
    }

    private StartTlsServerHandler(Negotiation unstarted, ServerConfig config, Executor delegatedTaskExecutor,
                                  NegotiationCapacity capacity, ResumedCommand resumedCommand) {
        super(unstarted, config, delegatedTaskExecutor, capacity, resumedCommand);
    }

    /**
     * Picks the TLS context by the server name the client asks for in its ClientHello (SNI), for a
     * server with several names and certificates: at the go-ahead the handler puts Netty's
     * {@link SniHandler} in front of itself, which reads the ClientHello, takes the context the
     * mapping gives for its name (the mapping's default for no name or an unknown one, as Netty's
     * {@code DomainWildcardMappingBuilder} makes it) and replaces itself with the
     * {@link SslHandler}. The configuration's own engines are then not used for TLS. Everything else
     * holds as without: versions below the configuration's floor are turned off on the engine, the
     * negotiation checks the established session (floor, facts), the core's rule after the
     * handshake applies (see {@link StartTlsHandler}), Netty's {@code SniCompletionEvent} and
     * handshake event go up the pipeline, one {@link StartTlsCompletionEvent} follows, and
     * {@code pipeline.get(SslHandler.class)} finds the {@code SslHandler} after it. No context for
     * the name (the mapping fails) fails the negotiation as a failed handshake, and so does a
     * ClientHello longer than the configuration's {@code Limits.maxHandshakeBytes()}, which the
     * {@code SniHandler} does not wait for.
     *
     * <pre>{@code
     * Mapping<String, SslContext> contexts = new DomainWildcardMappingBuilder<>(mailContext)
     *         .add("mail.example.com", mailContext).add("mx.example.org", mxContext).build();
     * ch.pipeline().addLast(new StartTlsServerHandler(config, Smtp::server).serverNames(contexts), app);
     * }</pre>
     *
     * @param contexts the context for each server name, and a default
     * @return this handler
     * @throws IllegalStateException if the handler already started TLS
     */
    public StartTlsServerHandler serverNames(Mapping<? super String, ? extends SslContext> contexts) {
        Objects.requireNonNull(contexts, "contexts");
        return serverNames((String name, Promise<SslContext> promise) -> {
            try {
                return promise.setSuccess(contexts.map(name));
            } catch (RuntimeException e) {
                return promise.setFailure(e);
            }
        });
    }

    /**
     * {@link #serverNames(Mapping)} with a mapping that may answer later (a lookup off the event loop).
     *
     * @param contexts the context for each server name, and a default
     * @return this handler
     * @throws IllegalStateException if the handler already started TLS
     */
    public StartTlsServerHandler serverNames(AsyncMapping<? super String, ? extends SslContext> contexts) {
        tls().serverNames(Objects.requireNonNull(contexts, "contexts"));
        return this;
    }

    /**
     * Hands a plaintext connection the application took over back to a negotiation, at the
     * client's STARTTLS (or STLS) line, from the application handler that read it. Call it on the
     * event loop, from {@code channelRead} or later, and write nothing in reply: the negotiation
     * answers. It puts the negotiation closest to the socket, so every byte read from now on is
     * the negotiation's, and makes sure nothing the client sent after the line reaches the
     * application:
     * <ul>
     * <li>a guard right before {@code ctx}'s handler takes whatever the handlers between the socket
     *     and it (the application's decoders) still fire, such as lines framed from the same read;</li>
     * <li>every {@link ByteToMessageDecoder} and {@link ByteToMessageCodec} between the socket and
     *     {@code ctx}'s handler is removed, so the bytes it buffered (a partial line after
     *     STARTTLS) reach the guard instead of being framed with the first bytes inside TLS.
     *     Install fresh decoders on the completion event, as the class's recipe does;</li>
     * <li>anything that reached the guard, or arrived before the command was answered, is
     *     plaintext after STARTTLS: the negotiation fails with {@code PLAINTEXT_INJECTION},
     *     sends no go-ahead and closes; nothing of it is delivered or answered;</li>
     * <li>the application's writes fail until the outcome (see the class's description).</li>
     * </ul>
     * Handlers there that keep other inbound state across reads are the application's to reset.
     *
     * @param ctx      the context of the application handler that read the line
     * @param command  the line as read, with or without its CRLF (e.g. {@code "STARTTLS"},
     *                 {@code "a1 STARTTLS"}, {@code "STLS"})
     * @param config   the server configuration
     * @param protocol the protocol's resuming entry point: {@code Smtp::serverResuming},
     *                 {@code Imap::serverResuming} or {@code Pop3::serverResuming}
     * @return the handler, now first in the pipeline (for its {@link #completionFuture()})
     * @throws IllegalArgumentException if {@code protocol} greets (a fresh negotiation, not a
     *                                  resuming one), the policy is {@code IMPLICIT}, or {@code ctx}'s
     *                                  handler is itself a byte decoder (it would keep decoding
     *                                  what it holds: resume from the handler after it)
     * @throws IllegalStateException    if called off the event loop, from a removed context, or
     *                                  while a negotiation already runs on the channel
     */
    public static StartTlsServerHandler resume(ChannelHandlerContext ctx, CharSequence command, ServerConfig config,
                                               Function<? super ServerConfig, Negotiation> protocol) {
        return resume(ctx, command, config, protocol, ForkJoinPool.commonPool());
    }

    /**
     * {@link #resume(ChannelHandlerContext, CharSequence, ServerConfig, Function)} with delegated
     * engine tasks run on {@code delegatedTaskExecutor}.
     *
     * @param ctx                   the context of the application handler that read the line
     * @param command               the line as read, with or without its CRLF
     * @param config                the server configuration
     * @param protocol              the protocol's resuming entry point, e.g. {@code Smtp::serverResuming}
     * @param delegatedTaskExecutor where certificate validation and key exchange run, off the event loop
     * @return the handler, now first in the pipeline
     * @throws IllegalArgumentException if {@code protocol} greets, the policy is {@code IMPLICIT},
     *                                  or {@code ctx}'s handler is a byte decoder
     * @throws IllegalStateException    if called off the event loop, from a removed context, or
     *                                  while a negotiation already runs on the channel
     */
    public static StartTlsServerHandler resume(ChannelHandlerContext ctx, CharSequence command, ServerConfig config,
                                               Function<? super ServerConfig, Negotiation> protocol,
                                               Executor delegatedTaskExecutor) {
        Objects.requireNonNull(ctx, "ctx");
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(protocol, "protocol");
        if (!ctx.executor().inEventLoop()) {
            throw new IllegalStateException("resume must be called on the channel's event loop");
        }
        if (ctx.isRemoved()) {
            throw new IllegalStateException("the handler that resumes must be in the pipeline");
        }
        if (config.policy().startsWithTls()) {
            throw new IllegalArgumentException("an implicit-TLS connection has no STARTTLS to resume at");
        }
        if (isByteDecoder(ctx.handler())) {
            throw new IllegalArgumentException("resume from the handler after your decoder, not from the decoder: "
                    + "it would go on decoding the plaintext it holds behind the command");
        }
        ChannelPipeline pipeline = ctx.pipeline();
        if (pipeline.get(StartTlsHandler.class) != null) {
            throw new IllegalStateException("a negotiation already runs on this channel");
        }
        Negotiation unstarted = Objects.requireNonNull(protocol.apply(config), "the protocol function returned null");
        if (unstarted.greets()) {
            throw new IllegalArgumentException("resume needs the protocol's serverResuming entry point, "
                    + "not one that greets: the client was greeted long ago");
        }
        StartTlsServerHandler handler = new StartTlsServerHandler(unstarted, config, delegatedTaskExecutor, null,
                new ResumedCommand(command));
        pipeline.addBefore(ctx.name(), null, new ResumeGuard(handler));
        pipeline.addFirst(handler);
        for (ChannelHandler decoder : byteDecodersBetween(pipeline, handler, ctx)) {
            pipeline.remove(decoder); // forwards what it buffered: to the guard
        }
        return handler;
    }

    private static Negotiation fresh(Negotiation unstarted, ServerConfig config) {
        Objects.requireNonNull(unstarted, "the protocol function returned null");
        if (!unstarted.greets()) {
            throw new IllegalArgumentException("a serverResuming negotiation must be started with "
                    + "StartTlsServerHandler.resume, which keeps what followed STARTTLS from the application");
        }
        return unstarted;
    }

    private static boolean isByteDecoder(ChannelHandler h) {
        return h instanceof ByteToMessageDecoder || h instanceof ByteToMessageCodec;
    }

    private static List<ChannelHandler> byteDecodersBetween(ChannelPipeline pipeline, ChannelHandler first,
                                                            ChannelHandlerContext last) {
        List<ChannelHandler> decoders = new ArrayList<>();
        boolean between = false;
        for (String name : pipeline.names()) {
            ChannelHandler h = pipeline.get(name);
            if (name.equals(last.name())) {
                break;
            }
            if (between && isByteDecoder(h)) {
                decoders.add(h);
            }
            if (h == first) {
                between = true;
            }
        }
        return decoders;
    }
}
