package org.starttls4j.netty;

import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Function;
import org.starttls4j.DelegatedTasks;
import org.starttls4j.Negotiation;
import org.starttls4j.ServerConfig;

/**
 * The server's end: greets as soon as the accepted channel is active, answers capability
 * requests, accepts STARTTLS, runs the handshake and hands over at the first byte inside TLS (or
 * in plaintext where the policy allows). See {@link StartTlsHandler} for what it does and fires.
 *
 * <pre>{@code
 * ServerConfig config = ServerConfig.builder().hostname("mail.example.com").sslContext(context).build();
 * serverBootstrap.childHandler(new ChannelInitializer<SocketChannel>() {
 *     protected void initChannel(SocketChannel ch) {
 *         ch.pipeline().addLast(new StartTlsServerHandler(config, Smtp::server), new MySmtpServer());
 *     }
 * });
 * }</pre>
 *
 * <p>To resume on a connection the application took over in plaintext, add a handler built with
 * the protocol's {@code serverResuming} entry point in front of the application's handlers, then
 * fire the client's STARTTLS line (and anything after it) through it.
 */
public final class StartTlsServerHandler extends StartTlsHandler {

    /**
     * A handler whose delegated engine tasks, if the configuration hands them over
     * ({@link DelegatedTasks#HAND_TO_CALLER}), run on {@link ForkJoinPool#commonPool()}.
     *
     * @param config   the server configuration
     * @param protocol the protocol's entry point, e.g. {@code Smtp::server}, {@code Imap::server},
     *                 {@code Pop3::server}, or a {@code serverResuming} entry point; called once, here
     */
    public StartTlsServerHandler(ServerConfig config, Function<? super ServerConfig, Negotiation> protocol) {
        this(config, protocol, ForkJoinPool.commonPool());
    }

    /**
     * A handler whose delegated engine tasks run on {@code delegatedTaskExecutor} when the
     * configuration hands them over ({@link DelegatedTasks#HAND_TO_CALLER}); with
     * {@link DelegatedTasks#RUN_INLINE} they run on the event loop and the executor is unused.
     *
     * @param config                the server configuration
     * @param protocol              the protocol's entry point, e.g. {@code Smtp::server}; called once, here
     * @param delegatedTaskExecutor where certificate validation and key exchange run, off the event loop
     */
    public StartTlsServerHandler(ServerConfig config, Function<? super ServerConfig, Negotiation> protocol,
                                 Executor delegatedTaskExecutor) {
        super(Objects.requireNonNull(protocol, "protocol").apply(Objects.requireNonNull(config, "config")),
                delegatedTaskExecutor);
    }
}
