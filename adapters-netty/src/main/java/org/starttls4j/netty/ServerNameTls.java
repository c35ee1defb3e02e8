package org.starttls4j.netty;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AsyncMapping;
import java.util.Arrays;
import java.util.function.Function;
import javax.net.ssl.SSLEngine;
import org.starttls4j.TlsVersion;

/**
 * Netty's {@link SniHandler} at a server's go-ahead: it reads the ClientHello, picks the
 * {@link SslContext} for its server name (the mapping's default for none or an unknown one), and
 * replaces itself with the {@link SslHandler} over an engine of that context, with the versions
 * below the configuration's floor turned off and made by {@code handlerFor} (which applies the
 * core's rule after the handshake and keeps the handler for the negotiation's checks).
 */
final class ServerNameTls extends SniHandler {

    private final TlsVersion floor;
    private final Function<SSLEngine, SslHandler> handlerFor;

    ServerNameTls(AsyncMapping<? super String, ? extends SslContext> contexts, TlsVersion floor,
                  Function<SSLEngine, SslHandler> handlerFor) {
        super(contexts, 0); // no timeout of its own: the negotiation's deadline bounds the handshake
        this.floor = floor;
        this.handlerFor = handlerFor;
    }

    @Override
    protected SslHandler newSslHandler(SslContext context, ByteBufAllocator allocator) {
        SSLEngine engine = context.newEngine(allocator);
        engine.setEnabledProtocols(Arrays.stream(engine.getEnabledProtocols()).filter(floor::admits).toArray(String[]::new));
        return handlerFor.apply(engine);
    }
}
