package org.starttls4j.probe;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.starttls4j.ClientConfig;
import org.starttls4j.Event;
import org.starttls4j.Failure;
import org.starttls4j.nio.NegotiatedChannel;
import org.starttls4j.nio.NegotiationException;
import org.starttls4j.nio.NioClient;
import org.starttls4j.netty.StartTlsClientHandler;
import org.starttls4j.netty.StartTlsCompletionEvent;

/** The two ways bytes move: the {@code java.nio} adapter and the Netty adapter. */
public enum Adapter {
    /** {@code org.starttls4j.nio}: {@code NioClient}, {@code NioServer}. */
    NIO,
    /** {@code org.starttls4j.netty}: {@code StartTlsClientHandler}, {@code StartTlsServerHandler}. */
    NETTY;

    /** The lower-case name, as on the command line. */
    public String lowerName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * What one client negotiation produced.
     *
     * @param events    everything that happened, in order (ends with a Secured, HandedOverInPlaintext or Failed)
     * @param connected when the TCP connection was up
     * @param finished  when the negotiation ended
     */
    record Run(List<Event> events, Instant connected, Instant finished) {
    }

    /**
     * Connects and negotiates, then says goodbye politely and closes.
     *
     * @param address  where to connect
     * @param config   the client configuration
     * @param protocol the protocol
     * @param timeout  the bound on the connect and on the whole negotiation
     * @return what happened
     * @throws UnreachableException when the TCP connect fails
     */
    Run connect(InetSocketAddress address, ClientConfig config, Protocol protocol, Duration timeout)
            throws UnreachableException {
        return this == NIO ? nio(address, config, protocol, timeout) : netty(address, config, protocol, timeout);
    }

    private static Run nio(InetSocketAddress address, ClientConfig config, Protocol protocol, Duration timeout)
            throws UnreachableException {
        java.nio.channels.SocketChannel socket;
        try {
            socket = java.nio.channels.SocketChannel.open();
        } catch (IOException e) {
            throw new UnreachableException(address.toString(), e);
        }
        try {
            socket.socket().connect(address, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        } catch (IOException e) {
            closeQuietly(socket);
            throw new UnreachableException(describe(address), e);
        }
        Instant connected = Instant.now();
        NioClient client = NioClient.builder().clock(Clock.systemUTC()).connectTimeout(timeout)
                .closeTimeout(Duration.ofSeconds(2)).build();
        try (NegotiatedChannel channel = client.negotiate(socket, protocol.client(config))) {
            Instant finished = Instant.now();
            List<Event> events = channel.report().events();
            try {
                channel.setTimeout(Duration.ofSeconds(2));
                channel.write(ByteBuffer.wrap(protocol.goodbye().getBytes(StandardCharsets.US_ASCII)));
            } catch (IOException ignored) {
                // saying goodbye is a courtesy; the negotiation's outcome stands
            }
            return new Run(events, connected, finished);
        } catch (NegotiationException e) {
            return new Run(e.report().events(), connected, Instant.now());
        } catch (IOException e) {
            return broken(e, connected);
        }
    }

    private static Run netty(InetSocketAddress address, ClientConfig config, Protocol protocol, Duration timeout)
            throws UnreachableException {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            StartTlsClientHandler handler = new StartTlsClientHandler(config, protocol::client);
            Bootstrap bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()))
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(handler);
                        }
                    });
            ChannelFuture connect = bootstrap.connect(address);
            connect.awaitUninterruptibly();
            if (!connect.isSuccess()) {
                throw new UnreachableException(describe(address), connect.cause());
            }
            Instant connected = Instant.now();
            Channel channel = connect.channel();
            StartTlsCompletionEvent done;
            try {
                // The negotiation's own deadlines end it well before this bound.
                done = handler.completionFuture().get(timeout.toMillis() * 2 + 5_000, TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException e) {
                channel.close();
                return broken(e, connected);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                channel.close();
                return broken(e, connected);
            }
            Instant finished = Instant.now();
            if (!(done instanceof StartTlsCompletionEvent.Failed) && channel.isActive()) {
                channel.writeAndFlush(Unpooled.copiedBuffer(protocol.goodbye(), StandardCharsets.US_ASCII))
                        .awaitUninterruptibly(2, TimeUnit.SECONDS);
            }
            channel.close().awaitUninterruptibly(3, TimeUnit.SECONDS);
            return new Run(done.events(), connected, finished);
        } finally {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
        }
    }

    /** A negotiation that broke outside the core's accounting (an I/O error of the adapter). */
    private static Run broken(Exception e, Instant connected) {
        Failure failure = Failure.of(Failure.Reason.PEER_CLOSED, "the connection broke: " + e);
        return new Run(List.of(new Event.Failed(failure)), connected, Instant.now());
    }

    static String describe(InetSocketAddress address) {
        String host = address.getAddress() != null ? address.getAddress().getHostAddress() : address.getHostString();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    private static void closeQuietly(java.nio.channels.SocketChannel socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing more to release
        }
    }
}
