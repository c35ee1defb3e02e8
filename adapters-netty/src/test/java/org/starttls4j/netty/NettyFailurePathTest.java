package org.starttls4j.netty;

import io.netty.channel.socket.nio.NioSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.extension.ExtendWith;
import org.starttls4j.ClientConfig;
import org.starttls4j.Failure;
import org.starttls4j.NegotiationConfig;
import org.starttls4j.ServerConfig;
import org.starttls4j.netty.interop.NettyInterop;
import org.starttls4j.netty.testing.Leaks;
import org.starttls4j.smtp.Smtp;
import org.starttls4j.testing.FailurePathContract;

/**
 * The failure paths through {@link StartTlsClientHandler} and {@link StartTlsServerHandler}, each
 * alone in the pipeline of a Netty NIO channel over the connected socket; giving up is
 * {@code channel.close()}. Netty's leak detector at PARANOID fails a scenario that leaves a buffer
 * unreleased.
 */
@ExtendWith(Leaks.Check.class)
class NettyFailurePathTest extends FailurePathContract {

    @Override
    protected Attempt start(SocketChannel socket, NegotiationConfig config) {
        return start(socket, config, Runnable::run); // unused: the configuration runs the tasks inline
    }

    @Override
    protected Attempt start(SocketChannel socket, NegotiationConfig config, Executor tasks) {
        StartTlsHandler handler = config instanceof ClientConfig client
                ? new StartTlsClientHandler(client, Smtp::client, tasks)
                : new StartTlsServerHandler((ServerConfig) config, Smtp::server, tasks);
        NioSocketChannel channel = new NioSocketChannel(socket);
        channel.pipeline().addLast(handler);
        NettyInterop.GROUP.register(channel).syncUninterruptibly();
        CompletableFuture<Void> closed = new CompletableFuture<>();
        channel.closeFuture().addListener(f -> closed.complete(null));
        return new Attempt() {
            @Override
            public CompletableFuture<Failure> failure() {
                return handler.completionFuture().thenApply(event -> {
                    if (event instanceof StartTlsCompletionEvent.Failed failed) {
                        return failed.failure();
                    }
                    channel.close(); // it did not fail: the contract says so, and nothing stays open
                    return null;
                });
            }

            @Override
            public CompletableFuture<Void> closed() {
                return closed;
            }

            @Override
            public void giveUp() {
                channel.close();
            }
        };
    }
}
