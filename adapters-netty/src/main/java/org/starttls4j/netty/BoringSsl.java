package org.starttls4j.netty;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.ReferenceCountedOpenSslContext;
import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.internal.tcnative.SSL;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
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
 * <li><b>Memory per connection.</b> The contexts made here give each engine a buffer of
 *     {@value #NON_APPLICATION_BUFFER_BYTES} bytes, not Netty's 2048, for what BoringSSL writes while
 *     it reads (see the constant): 1.8 KB less native memory for every connection held.</li>
 * </ul>
 *
 * <p><b>After the handshake.</b> The core's rule (a TLS 1.2 renegotiation refused; TLS 1.3
 * KeyUpdates and tickets bounded, see {@link org.starttls4j.TransportTls}) is applied by the
 * core's pump to what any engine shows of it: its return to handshaking after the handshake.
 * Under the Netty handlers Netty's
 * {@code SslHandler} drives BoringSSL engines natively, as they are, so there BoringSSL's own rules
 * hold, and they are these (BoringSSL at a0689af2, 2026-08; Netty 4.2 ReferenceCountedOpenSslEngine):
 * <ul>
 * <li><b>A server never renegotiates.</b> A ClientHello after a TLS 1.2 handshake is answered with
 *     a fatal {@code no_renegotiation} alert ({@code ssl_do_post_handshake} in ssl/ssl_lib.cc:
 *     "renegotiation is triggered by a different message for servers", {@code SSL_R_NO_RENEGOTIATION});
 *     the engine throws an {@code SSLException} whose message ends in {@code NO_RENEGOTIATION}, and
 *     Netty's {@code rejectRemoteInitiatedRenegotiation} would refuse a second handshake anyway.</li>
 * <li><b>A client renegotiates once, unless told not to.</b> BoringSSL's default is
 *     {@code ssl_renegotiate_never}, but Netty sets {@code SSL_RENEGOTIATE_ONCE} on every BoringSSL
 *     client engine (for servers that ask for a client certificate that way, netty#11529) and
 *     refuses only a second one. The core refuses the first, so the Netty handlers set a client
 *     engine back to {@code SSL_RENEGOTIATE_NEVER} before its handshake: a server's HelloRequest is
 *     then answered with a fatal {@code no_renegotiation} alert and the same {@code SSLException}.</li>
 * <li><b>TLS 1.3 KeyUpdates are bounded, differently.</b> BoringSSL ends the connection at the
 *     33rd KeyUpdate in a row ({@code kMaxKeyUpdates = 32} in ssl/tls13_both.cc,
 *     {@code TOO_MANY_KEY_UPDATES}); application data resets the count ({@code ssl_read_impl}). The
 *     core's bound is 16 plus one per MiB received for the whole session. A peer that sends a byte
 *     of data after every 32 KeyUpdates is not stopped by BoringSSL; each KeyUpdate costs its
 *     receiver one key derivation and at most one small record of answer (BoringSSL holds back
 *     further answers until the first is written, RFC 8446 section 4.6.3), the same order of work
 *     as the peer's own record: no amplification, so the adapter does not wrap the engine to count
 *     them (that would cost the {@code SslHandler} its native path and the release of
 *     reference-counted engines).</li>
 * <li><b>Tickets.</b> A BoringSSL server sends at most {@code kMaxTickets = 16} after the
 *     handshake (ssl/internal.h). A BoringSSL client processes every NewSessionTicket it is sent
 *     ({@code tls13_process_new_session_ticket}), with no count of its own; each costs a key
 *     derivation and a session kept in the context's bounded client session cache.</li>
 * </ul>
 * Other post-handshake messages end a TLS 1.3 connection ({@code unexpected_message}).
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

    /**
     * The bytes each engine keeps for what BoringSSL writes while it reads: a client's Finished (its
     * whole second flight in TLS 1.2), an alert, a KeyUpdate's answer, a server's tickets if ticket
     * keys are set (Netty's servers send none otherwise). Netty allocates this buffer
     * ({@code bioNonApplicationBufferSize}, 2048 bytes by default) in the C heap for every engine and
     * holds it for the connection's life, though it is empty between handshake messages. What does
     * not fit waits in BoringSSL's own write buffer, which BoringSSL frees when it is empty, and goes
     * out with the engine's next {@code wrap} (the engine reports {@code NEED_WRAP} meanwhile). 256
     * holds any one of those but a ticket pair. Measured (bench/PROFILE.md, "Scale"): 1.8 KB less C
     * heap per idle secured session, and the same handshake rate (a bare BoringSSL pair with 256
     * against one with 2048, interleaved: 0.996–0.999).
     */
    static final int NON_APPLICATION_BUFFER_BYTES = 256;

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
        return withSmallBuffers(SslContextBuilder.forClient().sslProvider(SslProvider.OPENSSL)
                .trustManager(List.copyOf(trustAnchors)).endpointIdentificationAlgorithm(null)
                .protocols("TLSv1.3", "TLSv1.2").build());
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
        return withSmallBuffers(SslContextBuilder.forServer(key, chain.toArray(X509Certificate[]::new))
                .sslProvider(SslProvider.OPENSSL).protocols("TLSv1.3", "TLSv1.2").build());
    }

    private static SslContext withSmallBuffers(SslContext context) {
        // SslProvider.OPENSSL contexts are all ReferenceCountedOpenSslContexts (OpenSslContext extends it).
        ((ReferenceCountedOpenSslContext) context).setBioNonApplicationBufferSize(NON_APPLICATION_BUFFER_BYTES);
        return context;
    }

    /**
     * Turns a BoringSSL client engine's renegotiate-once (Netty's default) off, before its
     * handshake: the core refuses every renegotiation. Nothing for server engines (BoringSSL never
     * renegotiates as a server) nor for engines of other OpenSSL flavours.
     *
     * @param engine a Netty OpenSSL engine, not yet used
     */
    static void refuseRenegotiation(ReferenceCountedOpenSslEngine engine) {
        if (!engine.getUseClientMode() || !Flavour.RENEGOTIATES_ONCE) {
            return;
        }
        synchronized (engine) { // Netty's own calls on the pointer hold the engine's lock
            try {
                SSL.setRenegotiateMode(engine.sslPointer(), SSL.SSL_RENEGOTIATE_NEVER);
            } catch (Exception e) {
                throw new IllegalStateException("could not turn BoringSSL's renegotiation off", e);
            }
        }
    }

    /** The native library's flavour, read once: an engine exists, so the library is loaded. */
    private static final class Flavour {
        /** Whether Netty sets renegotiate-once on client engines: BoringSSL's and AWS-LC's API, not OpenSSL's. */
        static final boolean RENEGOTIATES_ONCE = renegotiatesOnce(OpenSsl.versionString()); // "BoringSSL", "AWS-LC" or OpenSSL's own version

        private static boolean renegotiatesOnce(String flavour) {
            return flavour != null && (flavour.startsWith("BoringSSL") || flavour.startsWith("AWS-LC"));
        }
    }

    /**
     * The engines of a Netty context, for {@link ClientConfig.Builder#engineFactory} or
     * {@link ServerConfig.Builder#engineFactory}: client engines made for the peer's host and port,
     * BoringSSL client engines with Netty's renegotiate-once turned off (the core refuses every
     * renegotiation), reference-counted ones released when the core is done with them.
     *
     * <p>Under the Netty handlers the {@code SslHandler} of an OpenSSL context is made by the
     * context itself ({@code SslContext.newHandler}), as a Netty application makes it: its engine
     * then unwraps every record it is given at once, where an engine from
     * {@code SslContext.newEngine} (as any {@link EngineFactory} hands out) works in Netty's "JDK
     * compatibility mode", one record per call and its copies. The core's checks are the same
     * either way (see {@link StartTlsHandler}).
     *
     * @param context a client or server context, of any provider
     * @return the factory
     */
    public static EngineFactory engines(SslContext context) {
        return new SslContextEngines(context);
    }
}
