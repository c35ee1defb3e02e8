package org.starttls4j.netty;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslClientHelloHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AsyncMapping;
import java.util.function.BiFunction;

/**
 * Netty's {@link SniHandler} at a server's go-ahead: it reads the ClientHello, picks the
 * {@link SslContext} for its server name (the mapping's default for none or an unknown one), and
 * replaces itself with the {@link SslHandler} that {@code handlerFor} makes from that context
 * (the context's own, its engine with the versions below the configuration's floor turned off,
 * applying the core's rule after the handshake and kept for the negotiation's checks).
 */
final class ServerNameTls extends SniHandler {

    private final BiFunction<SslContext, ByteBufAllocator, SslHandler> handlerFor;

    /**
     * {@code maxHandshakeBytes}: the configuration's bound on what the handshake reads, which is
     * also the most of a ClientHello it holds before the engine reads any (a longer one fails the
     * handshake at once, with Netty's {@code TooLongFrameException}), not Netty's own 64 KiB.
     */
    ServerNameTls(AsyncMapping<? super String, ? extends SslContext> contexts, int maxHandshakeBytes,
                  BiFunction<SslContext, ByteBufAllocator, SslHandler> handlerFor) {
        // no timeout of its own: the negotiation's deadline bounds the handshake
        super(contexts, Math.min(maxHandshakeBytes, SslClientHelloHandler.MAX_CLIENT_HELLO_LENGTH), 0L);
        this.handlerFor = handlerFor;
    }

    @Override
    protected SslHandler newSslHandler(SslContext context, ByteBufAllocator allocator) {
        return handlerFor.apply(context, allocator);
    }
}
