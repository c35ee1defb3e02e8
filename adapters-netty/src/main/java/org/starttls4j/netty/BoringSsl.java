package org.starttls4j.netty;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.ReferenceCounted;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import org.starttls4j.ClientConfig;
import org.starttls4j.EngineFactory;
import org.starttls4j.ServerConfig;

/**
 * BoringSSL engines (Netty's {@code SslProvider.OPENSSL}, from {@code netty-tcnative-boringssl-static})
 * under any starttls4j negotiation: the NIO adapter, the Netty handlers or the core alone. It
 * saves the pitfalls of wiring them by hand:
 *
 * <ul>
 * <li><b>Host names.</b> BoringSSL checks no host name itself; the JDK trust manager of an
 *     {@code SslContext} would, when asked. The contexts made here ask it for nothing
 *     ({@code endpointIdentificationAlgorithm(null)}): the core checks the name by RFC 7817 after
 *     the handshake, as it does for every engine a caller supplies, and fails the negotiation with
 *     {@code CERTIFICATE_REJECTED} / {@code HOST_MISMATCH}. The chain is checked by the context's
 *     trust manager (PKIX, against the anchors given).</li>
 * <li><b>Release.</b> Engines of {@code SslProvider.OPENSSL_REFCNT} hold native memory until
 *     released; {@link #engines} returns a factory whose {@link EngineFactory#release} releases
 *     them, which the core calls once per engine when a negotiation fails or a session ends
 *     ({@code close()} or {@code onEndOfStream()}). Under the Netty handlers the engine is
 *     Netty's {@code SslHandler}'s from the go-ahead on, and it releases it when the channel
 *     closes. {@code OPENSSL} engines are freed by the garbage collector and need nothing.</li>
 * <li><b>SNI and session lookup.</b> A client engine is made for the peer's host and port.</li>
 * </ul>
 *
 * <p>What the core's pump already does for every engine: an OpenSSL server engine that has read
 * the client's Finished reports {@code NEED_UNWRAP} until it is driven once more, and its
 * {@code getApplicationBufferSize()} may be smaller than a record's plaintext; both are handled.
 *
 * <pre>{@code
 * ClientConfig client = ClientConfig.builder("mx.example.com")
 *         .engineFactory(BoringSsl.engines(BoringSsl.clientContext(anchors))).build();
 * ServerConfig server = ServerConfig.builder().hostname("mx.example.com")
 *         .engineFactory(BoringSsl.engines(BoringSsl.serverContext(key, chain))).build();
 * }</pre>
 *
 * <p>The application adds {@code io.netty:netty-tcnative-boringssl-static} (the version Netty's
 * BOM manages) to its class path; this module does not bring it.
 */
public final class BoringSsl {

    private BoringSsl() {
    }

    /**
     * Whether the BoringSSL native library loaded on this machine.
     *
     * @return true if {@code SslProvider.OPENSSL} can make engines
     */
    public static boolean isAvailable() {
        return OpenSsl.isAvailable();
    }

    /**
     * Fails unless the native library loaded.
     *
     * @throws IllegalStateException with the loader's reason as its cause, if it did not
     */
    public static void requireAvailable() {
        if (!OpenSsl.isAvailable()) {
            throw new IllegalStateException("BoringSSL is not available: add io.netty:netty-tcnative-boringssl-static"
                    + " (the version of Netty's BOM) for this platform", OpenSsl.unavailabilityCause());
        }
    }

    /**
     * A client context trusting {@code trustAnchors}, TLS 1.2 and 1.3, no host name check of its own
     * (the core makes it; see the class comment).
     *
     * @param trustAnchors the certificates the server's chain must lead to
     * @return the context, for {@link #engines}
     * @throws SSLException if Netty cannot build it
     * @throws IllegalStateException if BoringSSL is not available
     */
    public static SslContext clientContext(Collection<X509Certificate> trustAnchors) throws SSLException {
        requireAvailable();
        return SslContextBuilder.forClient().sslProvider(SslProvider.OPENSSL)
                .trustManager(List.copyOf(trustAnchors)).endpointIdentificationAlgorithm(null)
                .protocols("TLSv1.3", "TLSv1.2").build();
    }

    /**
     * A server context with a key and its chain, TLS 1.2 and 1.3.
     *
     * @param key   the server's private key
     * @param chain the server's certificate first, then its issuers
     * @return the context, for {@link #engines}
     * @throws SSLException if Netty cannot build it
     * @throws IllegalStateException if BoringSSL is not available
     */
    public static SslContext serverContext(PrivateKey key, List<X509Certificate> chain) throws SSLException {
        requireAvailable();
        return SslContextBuilder.forServer(key, chain.toArray(X509Certificate[]::new)).sslProvider(SslProvider.OPENSSL)
                .protocols("TLSv1.3", "TLSv1.2").build();
    }

    /**
     * The engines of a Netty context, for {@link ClientConfig.Builder#engineFactory} or
     * {@link ServerConfig.Builder#engineFactory}: client engines made for the peer's host and port,
     * reference-counted ones released when the core is done with them.
     *
     * @param context a client or server context, of any provider
     * @return the factory
     */
    public static EngineFactory engines(SslContext context) {
        Objects.requireNonNull(context, "context");
        return new EngineFactory() {
            @Override
            public SSLEngine create(String peerHost, int peerPort) {
                return context.isClient() && peerHost != null
                        ? context.newEngine(ByteBufAllocator.DEFAULT, peerHost, peerPort)
                        : context.newEngine(ByteBufAllocator.DEFAULT);
            }

            @Override
            public void release(SSLEngine engine) {
                if (engine instanceof ReferenceCounted && ((ReferenceCounted) engine).refCnt() > 0) {
                    ((ReferenceCounted) engine).release();
                }
            }

            @Override
            public String toString() {
                return "BoringSsl.engines(" + context.getClass().getSimpleName() + ")";
            }
        };
    }
}
