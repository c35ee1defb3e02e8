package org.starttls4j.netty;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.handler.ssl.SniCompletionEvent;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.AsyncMapping;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import org.starttls4j.TlsVersion;
import org.starttls4j.TransportTls;

/**
 * The TLS a {@link StartTlsHandler} puts in front of itself at the go-ahead, and what Netty's
 * events say of its handshake. It is Netty's {@link SslHandler} over the negotiation's engine
 * ({@link TransportTls}): Netty's OpenSSL engines as they are, since the {@code SslHandler} drives
 * them natively and releases them (a BoringSSL client's renegotiate-once turned off, see
 * {@link BoringSsl}); any other engine applying the core's rule after the handshake. With server
 * names it is Netty's {@link SniHandler}, which makes that {@code SslHandler} from the context the
 * ClientHello's name picks ({@link ServerNameTls}). One per handler, on its event loop.
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

    private final Executor tasks; // the SslHandler's delegated-task executor
    private AsyncMapping<? super String, ? extends SslContext> serverNames; // null: the negotiation's engine
    private TlsVersion floor;
    private boolean started;
    private SslHandler handler;   // from the go-ahead on; with server names, from the ClientHello on
    private boolean ended;
    private Throwable failure;    // reported as the handshake's end: Netty's exceptionCaught for it is not passed on

    TlsStep(Executor tasks) {
        this.tasks = tasks;
    }

    /** Picks the context by SNI instead of using the negotiation's engine (see {@link StartTlsServerHandler#serverNames}). */
    void serverNames(AsyncMapping<? super String, ? extends SslContext> contexts, TlsVersion floor) {
        if (started) {
            throw new IllegalStateException("TLS has started: server names go before the go-ahead");
        }
        this.serverNames = contexts;
        this.floor = floor;
    }

    boolean started() {
        return started;
    }

    /** Whether the handshake ended: from then on a TLS error breaks the dialog inside TLS. */
    boolean ended() {
        return ended;
    }

    /** The handler to put in front of the negotiation at the go-ahead. */
    ChannelHandler start(TransportTls transport) {
        started = true;
        if (serverNames == null) {
            return sslHandler(transport.engine(TlsStep::drivenNatively));
        }
        return new ServerNameTls(serverNames, floor, engine -> sslHandler(transport.adopt(engine, TlsStep::drivenNatively)));
    }

    private static boolean drivenNatively(SSLEngine engine) {
        return engine instanceof ReferenceCountedOpenSslEngine;
    }

    private SslHandler sslHandler(SSLEngine engine) {
        if (engine instanceof ReferenceCountedOpenSslEngine openSsl) {
            BoringSsl.refuseRenegotiation(openSsl);
        }
        handler = new SslHandler(engine, tasks);
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
        return new Ended.Failed(failure);
    }

    /** Whether {@code cause} is the failure already reported as the handshake's end. */
    boolean isReportedFailure(Throwable cause) {
        return failure != null && (cause == failure || cause.getCause() == failure);
    }
}
