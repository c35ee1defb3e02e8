package org.starttls4j.netty;

import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Function;
import org.starttls4j.ClientConfig;
import org.starttls4j.DelegatedTasks;
import org.starttls4j.Negotiation;

/**
 * The client's end: connects, then runs the negotiation (greeting, capabilities, STARTTLS,
 * handshake, capabilities again; or implicit TLS) as soon as the channel is active. See
 * {@link StartTlsHandler} for what it does and fires.
 *
 * <pre>{@code
 * ClientConfig config = ClientConfig.builder("mail.example.com").build();
 * bootstrap.handler(new ChannelInitializer<SocketChannel>() {
 *     protected void initChannel(SocketChannel ch) {
 *         ch.pipeline().addLast(new StartTlsClientHandler(config, Smtp::client), new MySmtpClient());
 *     }
 * });
 * // MySmtpClient.userEventTriggered receives one StartTlsCompletionEvent, then plaintext ByteBufs.
 * }</pre>
 */
public final class StartTlsClientHandler extends StartTlsHandler {

    /**
     * A handler whose delegated engine tasks, if the configuration hands them over
     * ({@link DelegatedTasks#HAND_TO_CALLER}), run on {@link ForkJoinPool#commonPool()}.
     *
     * @param config   the client configuration
     * @param protocol the protocol's entry point, e.g. {@code Smtp::client}, {@code Imap::client},
     *                 {@code Pop3::client}; called once, here
     */
    public StartTlsClientHandler(ClientConfig config, Function<? super ClientConfig, Negotiation> protocol) {
        this(config, protocol, ForkJoinPool.commonPool());
    }

    /**
     * A handler whose delegated engine tasks run on {@code delegatedTaskExecutor} when the
     * configuration hands them over ({@link DelegatedTasks#HAND_TO_CALLER}); with
     * {@link DelegatedTasks#RUN_INLINE} they run on the event loop and the executor is unused. Either
     * way it is the executor of the {@code SslHandler} the handler puts in place.
     *
     * @param config                the client configuration
     * @param protocol              the protocol's entry point, e.g. {@code Smtp::client}; called once, here
     * @param delegatedTaskExecutor where certificate validation and key exchange run, off the event loop
     */
    public StartTlsClientHandler(ClientConfig config, Function<? super ClientConfig, Negotiation> protocol,
                                 Executor delegatedTaskExecutor) {
        super(Objects.requireNonNull(protocol, "protocol").apply(Objects.requireNonNull(config, "config")),
                config, delegatedTaskExecutor, null, null);
    }
}
