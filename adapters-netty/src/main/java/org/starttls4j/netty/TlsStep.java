package org.starttls4j.netty;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.ReferenceCountedOpenSslContext;
import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.handler.ssl.SniCompletionEvent;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslCloseCompletionEvent;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.AsyncMapping;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;
import org.starttls4j.ClientConfig;
import org.starttls4j.NegotiationConfig;
import org.starttls4j.TransportTls;

/**
 * The TLS a {@link StartTlsHandler} puts in front of itself at the go-ahead, and what Netty's
 * events say of its handshake. It is Netty's {@link SslHandler} over the negotiation's engine
 * ({@link TransportTls}): Netty's OpenSSL engines as they are, since the {@code SslHandler} drives
 * them natively and releases them (a BoringSSL client's renegotiate-once turned off, see
 * {@link BoringSsl}); any other engine applying the core's rule after the handshake. When the
 * configuration's engines are an OpenSSL context's ({@link BoringSsl#engines}), the
 * {@code SslHandler} is the context's own ({@code SslContext.newHandler}, whose engine is not in
 * Netty's "JDK compatibility mode": it unwraps all it is given at once) and its engine is handed to
 * the negotiation, which sets it up as it sets up the engines it makes ({@link TransportTls#adopt}). With server names it is Netty's {@link SniHandler}, which makes
 * that {@code SslHandler} from the context the ClientHello's name picks ({@link ServerNameTls}).
 * One per handler, on its event loop.
 */
final class TlsStep {

    /** How the handshake ended, for the negotiation. */
    sealed interface Ended {
        /** Netty's handshake succeeded: the negotiation checks the session. */
        record Established(SSLSession session) implements Ended {
        }

        /** The handshake failed (or no context could be found for the ClientHello's name). */
        record Failed(Throwable cause) implements Ended {
        }

        /** The peer left during the handshake, which Netty reports as a failed handshake. */
        record PeerLeft() implements Ended {
        }
    }

    /** How much of Netty's message for a peer that sent no TLS the failure keeps: the start of its hex dump. */
    static final int NOT_TLS_MESSAGE_CHARS = 120;

    private final Executor tasks; // the SslHandler's delegated-task executor
    private final SslContext nativeContext; // the configuration's OpenSSL context, or null: the negotiation's engine
    private final String peerHost;          // a client's, for the engine (SNI, session cache); null on a server
    private final int peerPort;
    private final int maxHandshakeBytes;     // the configuration's: what an SniHandler may hold of a ClientHello
    private AsyncMapping<? super String, ? extends SslContext> serverNames; // null: the configuration's engines
    private boolean started;
    private SslHandler handler;   // from the go-ahead on; with server names, from the ClientHello on
    private boolean ended;
    private Throwable failure;    // reported as the handshake's end: Netty's exceptionCaught for it is not passed on
    private boolean peerSentCloseNotify;

    TlsStep(Executor tasks, NegotiationConfig config) {
        this.tasks = tasks;
        boolean client = config instanceof ClientConfig;
        this.nativeContext = config.engineFactory() instanceof SslContextEngines engines
                && engines.context() instanceof ReferenceCountedOpenSslContext openSsl && openSsl.isClient() == client ? openSsl : null;
        this.peerHost = client ? ((ClientConfig) config).serverName() : null;
        this.peerPort = client ? ((ClientConfig) config).serverPort() : -1;
        this.maxHandshakeBytes = config.limits().maxHandshakeBytes();
    }

    /** Picks the context by SNI instead of using the configuration's engines (see {@link StartTlsServerHandler#serverNames}). */
    void serverNames(AsyncMapping<? super String, ? extends SslContext> contexts) {
        if (started) {
            throw new IllegalStateException("TLS has started: server names go before the go-ahead");
        }
        this.serverNames = contexts;
    }

    boolean started() {
        return started;
    }

    /** Whether the handshake ended: from then on a TLS error breaks the dialog inside TLS. */
    boolean ended() {
        return ended;
    }

    /** The handler to put in front of the negotiation at the go-ahead. */
    ChannelHandler start(TransportTls transport, ByteBufAllocator alloc) {
        started = true;
        if (serverNames != null) {
            return new ServerNameTls(serverNames, maxHandshakeBytes, (context, allocator) -> contextsHandler(context, allocator, transport));
        }
        if (nativeContext != null) {
            return contextsHandler(nativeContext, alloc, transport);
        }
        return sslHandler(new SslHandler(transport.engine(TlsStep::drivenNatively), tasks));
    }

    /**
     * The {@code SslHandler} {@code context} makes, as Netty makes it for its own users, over an
     * engine set up as the core sets up its own and handed to the negotiation: an OpenSSL engine
     * as it is, any other applying the core's rule after the handshake (in a handler of its own).
     */
    private SslHandler contextsHandler(SslContext context, ByteBufAllocator alloc, TransportTls transport) {
        SslHandler made = peerHost == null ? context.newHandler(alloc, tasks) : context.newHandler(alloc, peerHost, peerPort, tasks);
        SSLEngine engine = transport.adopt(made.engine(), TlsStep::drivenNatively);
        return sslHandler(engine == made.engine() ? made : new SslHandler(engine, tasks));
    }

    private static boolean drivenNatively(SSLEngine engine) {
        return engine instanceof ReferenceCountedOpenSslEngine;
    }

    private SslHandler sslHandler(SslHandler made) {
        if (made.engine() instanceof ReferenceCountedOpenSslEngine openSsl) {
            BoringSsl.refuseRenegotiation(openSsl);
        }
        handler = made;
        handler.setHandshakeTimeoutMillis(0); // the negotiation's deadline bounds the handshake, with TIMEOUT
        return handler;
    }

    /**
     * How the handshake ended, if {@code evt} says so for the first time: Netty's handshake event,
     * or a failed SNI lookup (then no {@code SslHandler} is made and the {@code SniHandler} is
     * removed, or it would look up again with the ClientHello it still holds). Null otherwise.
     */
    Ended end(ChannelHandlerContext ctx, Object evt) {
        if (ended) {
            return null;
        }
        if (evt instanceof SniCompletionEvent sni && !sni.isSuccess() && handler == null) {
            ended = true;
            failure = sni.cause();
            ctx.pipeline().remove(SniHandler.class);
            return new Ended.Failed(failure);
        }
        if (!(evt instanceof SslHandshakeCompletionEvent handshake) || handler == null) {
            return null;
        }
        ended = true;
        if (handshake.isSuccess()) {
            return new Ended.Established(handler.engine().getSession());
        }
        if (handshake.cause() instanceof ClosedChannelException || !ctx.channel().isActive()) {
            return new Ended.PeerLeft();
        }
        failure = handshake.cause();
        return new Ended.Failed(bounded(failure));
    }

    /**
     * {@code cause}, or for a peer that sent no TLS, Netty's {@link NotSslRecordException} with its
     * message cut to {@value #NOT_TLS_MESSAGE_CHARS} characters: Netty quotes every byte of the read
     * in hex (a read grows to 64 KiB, so 128 K characters), and the failure is kept in the
     * completion event, whose size a hostile peer must not choose. The core's own pump says
     * "Unrecognized SSL message" and quotes nothing.
     */
    static Throwable bounded(Throwable cause) {
        String message = cause.getMessage();
        if (cause instanceof NotSslRecordException && message != null && message.length() > NOT_TLS_MESSAGE_CHARS) {
            return new NotSslRecordException(message.substring(0, NOT_TLS_MESSAGE_CHARS) + "... ("
                    + message.length() + " characters)");
        }
        return cause;
    }

    /**
     * Notes the peer's {@code close_notify}, which Netty's {@code SslHandler} reports as a successful
     * {@link SslCloseCompletionEvent} (and then closes the channel): the core's view of the
     * transport's TLS is plaintext only, so the end of the connection alone would read as a truncation.
     */
    void noteClose(Object evt) {
        if (evt instanceof SslCloseCompletionEvent close && close.isSuccess() && handler != null) {
            peerSentCloseNotify = true;
        }
    }

    /** Whether the peer ended TLS with {@code close_notify}. */
    boolean peerSentCloseNotify() {
        return peerSentCloseNotify;
    }

    /**
     * Whether {@code cause} is a BoringSSL engine's own refusal of a renegotiation
     * ({@code NO_RENEGOTIATION}) or of KeyUpdates past its bound ({@code TOO_MANY_KEY_UPDATES}):
     * what the core's rule refuses too, and reports as {@code RENEGOTIATION_REFUSED} (see
     * {@link BoringSsl}). BoringSSL says so only in the message of the {@code SSLException}.
     */
    static boolean refusedByBoringSsl(Throwable cause) {
        for (Throwable c = cause; c != null; c = c.getCause()) {
            String message = c instanceof SSLException ? c.getMessage() : null;
            if (message != null && (message.contains("NO_RENEGOTIATION") || message.contains("TOO_MANY_KEY_UPDATES"))) {
                return true;
            }
        }
        return false;
    }

    /** Whether the handshake failed because the delegated-task executor refused its tasks (the SslHandler passes that on). */
    static boolean refusedTasks(Throwable cause) {
        for (Throwable c = cause; c != null; c = c.getCause()) {
            if (c instanceof RejectedExecutionException) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code cause} is the failure already reported as the handshake's end. */
    boolean isReportedFailure(Throwable cause) {
        return failure != null && (cause == failure || cause.getCause() == failure);
    }
}
