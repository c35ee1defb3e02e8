package org.starttls4j.netty;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.handler.ssl.SslContext;
import io.netty.util.ReferenceCounted;
import java.util.Objects;
import javax.net.ssl.SSLEngine;
import org.starttls4j.EngineFactory;

/**
 * The engines of a Netty {@link SslContext} ({@link BoringSsl#engines}): what the core's own pump
 * drives, and, under the Netty handlers, the context the {@code SslHandler} is made from
 * ({@link TlsStep}), so that Netty's OpenSSL engines run as Netty runs them for its own users.
 *
 * @param context a client or server context, of any provider
 */
record SslContextEngines(SslContext context) implements EngineFactory {

    SslContextEngines {
        Objects.requireNonNull(context, "context");
    }

    @Override
    public SSLEngine create(String peerHost, int peerPort) {
        SSLEngine engine = context.isClient() && peerHost != null
                ? context.newEngine(ByteBufAllocator.DEFAULT, peerHost, peerPort)
                : context.newEngine(ByteBufAllocator.DEFAULT);
        if (engine instanceof ReferenceCountedOpenSslEngine openSsl) {
            // Under the core's own pump too: a client left at Netty's renegotiate-once
            // answers a HelloRequest with nothing the pump can see, and waits to its deadline.
            BoringSsl.refuseRenegotiation(openSsl);
        }
        return engine;
    }

    @Override
    public void release(SSLEngine engine) {
        if (engine instanceof ReferenceCounted counted && counted.refCnt() > 0) {
            counted.release();
        }
    }

    @Override
    public String toString() {
        return "BoringSsl.engines(" + context.getClass().getSimpleName() + ")";
    }
}
