package org.starttls4j.testing;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import org.starttls4j.Event;
import org.starttls4j.Negotiation;
import org.starttls4j.Outcome;
import org.starttls4j.Transition;
import org.starttls4j.TransportTls;

/**
 * A client and a server negotiation whose transports own TLS ({@link Negotiation#withTransportTls()}),
 * run against each other in memory, with the test playing both transports: plaintext until both
 * await the transport's TLS, then a handshake of two bare {@link SSLEngine}s ({@link EnginePair}),
 * reported to each side, then the negotiations' bytes through those engines.
 *
 * <p>Each transport makes its TLS in one of two ways: it takes the negotiation's
 * {@link TransportTls#engine()} (as Netty's {@code new SslHandler(engine)} does), or, like an
 * {@code SSLSocket} layered over a socket, makes its own engine from a context of its own and
 * applies only {@link TransportTls#parameters()}.
 */
public final class TransportLoopback {

    private TransportLoopback() {
    }

    /**
     * What one run produced.
     *
     * @param client       the client's last state
     * @param server       the server's last state
     * @param clientEvents every event of the client
     * @param serverEvents every event of the server
     * @param clientEngine the client transport's engine, once TLS began (else null)
     * @param serverEngine the server transport's engine, once TLS began (else null)
     * @param appReceived  what the server's application read after the hand-over
     */
    public record Result(Negotiation client, Negotiation server, List<Event> clientEvents, List<Event> serverEvents,
                         SSLEngine clientEngine, SSLEngine serverEngine, String appReceived) {

        /** The client's outcome. */
        public Outcome clientOutcome() {
            return client.outcome().orElseThrow(() -> new AssertionError("the client did not finish: " + client));
        }

        /** The server's outcome. */
        public Outcome serverOutcome() {
            return server.outcome().orElseThrow(() -> new AssertionError("the server did not finish: " + server));
        }
    }

    /**
     * Runs both to the end.
     *
     * @param clientContext null: the client's transport takes {@link TransportTls#engine()}; else it
     *                      makes its engine from this context with {@link TransportTls#parameters()}
     * @param serverContext the same for the server's transport
     */
    public static Result run(Negotiation client, SSLContext clientContext, Negotiation server, SSLContext serverContext,
                             Instant now, Loopback.ServerApp app) {
        List<Event> clientEvents = new ArrayList<>();
        List<Event> serverEvents = new ArrayList<>();
        Transition s = server.begin(now);
        Transition c = client.begin(now);
        serverEvents.addAll(s.events());
        clientEvents.addAll(c.events());
        byte[] toClient = s.outboundBytes();
        byte[] toServer = c.outboundBytes();
        Negotiation cn = c.next();
        Negotiation sn = s.next();
        SSLEngine ce = null;
        SSLEngine se = null;
        StringBuilder appInput = new StringBuilder();
        StringBuilder appReceived = new StringBuilder();
        boolean handedOver = false;
        for (int step = 0; step < 200 && !(cn.isFinished() && sn.isFinished()); step++) {
            boolean progressed = false;
            if (ce == null && awaiting(cn) && awaiting(sn) && toClient.length == 0 && toServer.length == 0) {
                ce = engine(cn.transportTls().orElseThrow(), clientContext, true);
                se = engine(sn.transportTls().orElseThrow(), serverContext, false);
                try {
                    EnginePair.handshake(ce, se);
                    c = cn.onTlsEstablished(ce.getSession(), now);
                    s = sn.onTlsEstablished(se.getSession(), now);
                } catch (SSLException e) {
                    c = cn.onTlsFailed(e, now);
                    s = sn.onTlsFailed(e, now);
                }
                cn = c.next();
                sn = s.next();
                clientEvents.addAll(c.events());
                serverEvents.addAll(s.events());
                toServer = tunnel(ce, se, c.outboundBytes());
                toClient = tunnel(se, ce, s.outboundBytes());
                progressed = true;
            }
            if (sn.isFinished() && sn.outcome().get() instanceof Outcome.Secured secured) {
                if (!handedOver) {
                    handedOver = true;
                    appInput.append(Loopback.latin1(Loopback.bytesOf(secured.session().unread())));
                    String opening = app.onHandOver();
                    toClient = Loopback.concat(toClient, tunnel(se, ce, opening == null ? new byte[0] : opening.getBytes(StandardCharsets.ISO_8859_1)));
                }
                appInput.append(Loopback.latin1(toServer));
                appReceived.append(Loopback.latin1(toServer));
                toServer = new byte[0];
                byte[] reply = answer(appInput, app);
                toClient = Loopback.concat(toClient, tunnel(se, ce, reply));
            } else if (sn.isFinished()) {
                toServer = new byte[0];
            }
            if (!sn.isFinished() && toServer.length > 0) {
                s = sn.onReceived(ByteBuffer.wrap(toServer), now);
                toServer = new byte[0];
                sn = s.next();
                serverEvents.addAll(s.events());
                toClient = Loopback.concat(toClient, tunnel(se, ce, s.outboundBytes()));
                progressed = true;
            }
            if (!cn.isFinished() && toClient.length > 0) {
                c = cn.onReceived(ByteBuffer.wrap(toClient), now);
                toClient = new byte[0];
                cn = c.next();
                clientEvents.addAll(c.events());
                toServer = Loopback.concat(toServer, tunnel(ce, se, c.outboundBytes()));
                progressed = true;
            }
            if (!progressed && !(ce == null && awaiting(cn) && awaiting(sn))) {
                if (!sn.isFinished()) {
                    s = sn.onEndOfStream(now);
                    sn = s.next();
                    serverEvents.addAll(s.events());
                }
                if (!cn.isFinished()) {
                    c = cn.onEndOfStream(now);
                    cn = c.next();
                    clientEvents.addAll(c.events());
                }
            }
        }
        return new Result(cn, sn, clientEvents, serverEvents, ce, se, appReceived.toString());
    }

    /** Whether the negotiation waits for its transport's TLS. */
    public static boolean awaiting(Negotiation n) {
        return !n.isFinished() && n.transportTls().isPresent();
    }

    /** The transport's engine: the negotiation's own, or one of the transport's context with the negotiation's parameters. */
    public static SSLEngine engine(TransportTls tls, SSLContext own, boolean client) {
        if (own == null) {
            return tls.engine();
        }
        SSLEngine engine = own.createSSLEngine();
        engine.setUseClientMode(client);
        engine.setSSLParameters(tls.parameters());
        return engine;
    }

    /**
     * What the transports do to plaintext after TLS: {@code from} encrypts, {@code to} decrypts;
     * before TLS ({@code from} null) the bytes travel as they are.
     */
    public static byte[] tunnel(SSLEngine from, SSLEngine to, byte[] plain) {
        if (from == null || plain.length == 0 || from.isOutboundDone()) {
            return plain;
        }
        try {
            ByteBuffer source = ByteBuffer.wrap(plain);
            ByteBuffer net = ByteBuffer.allocate(from.getSession().getPacketBufferSize() * (2 + plain.length / 16384));
            while (source.hasRemaining()) {
                SSLEngineResult r = from.wrap(source, net);
                if (r.getStatus() != SSLEngineResult.Status.OK) {
                    throw new AssertionError("wrap: " + r);
                }
            }
            net.flip();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteBuffer app = ByteBuffer.allocate(to.getSession().getApplicationBufferSize());
            while (net.hasRemaining()) {
                app.clear();
                SSLEngineResult r = to.unwrap(net, app);
                app.flip();
                out.write(app.array(), 0, app.limit());
                if (r.getStatus() != SSLEngineResult.Status.OK) {
                    throw new AssertionError("unwrap: " + r);
                }
                while (to.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_TASK) {
                    to.getDelegatedTask().run();
                }
            }
            return out.toByteArray();
        } catch (SSLException e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] answer(StringBuilder input, Loopback.ServerApp app) {
        StringBuilder reply = new StringBuilder();
        int end;
        while ((end = input.indexOf("\r\n")) >= 0) {
            String line = input.substring(0, end);
            input.delete(0, end + 2);
            String r = app.onLine(line);
            if (r != null) {
                reply.append(r);
            }
        }
        return reply.toString().getBytes(StandardCharsets.ISO_8859_1);
    }
}
