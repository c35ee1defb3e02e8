package org.starttls4j.netty;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SniHandler;
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

    ServerNameTls(AsyncMapping<? super String, ? extends SslContext> contexts,
                  BiFunction<SslContext, ByteBufAllocator, SslHandler> handlerFor) {
        super(contexts, 0); // no timeout of its own: the negotiation's deadline bounds the handshake
        this.handlerFor = handlerFor;
    }

    @Override
    protected SslHandler newSslHandler(SslContext context, ByteBufAllocator allocator) {
        return handlerFor.apply(context, allocator);
    }
}
