package org.starttls4j.testing;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;

/**
 * Drives a TLS handshake between a client and a server {@link SSLEngine} entirely in memory:
 * whatever one engine wraps is handed to the other engine's unwrap, delegated tasks run inline.
 * No sockets and no threads, so a test sees exactly the engines' own behaviour.
 *
 * <p>The loop is bounded: if neither engine can make progress, or the step limit is reached, the
 * handshake ends with an {@link SSLException} instead of hanging. Every byte each side sent is
 * recorded, so a test can inspect the wire (e.g. the version in a ServerHello) even when the
 * handshake failed.
 *
 * <p>Not thread-safe; one instance drives one handshake.
 */
public final class EnginePair {

    /** Generous: a full TLS 1.2 or 1.3 handshake takes well under 20 steps. */
    public static final int DEFAULT_STEP_LIMIT = 200;

    /** Which engine something happened on. */
    public enum Side { CLIENT, SERVER }

    /**
     * The outcome of a completed handshake, as seen by the client (the server is checked to agree).
     *
     * @param protocol e.g. {@code "TLSv1.3"}
     * @param cipherSuite e.g. {@code "TLS_AES_128_GCM_SHA256"}
     */
    public record Result(String protocol, String cipherSuite) {
    }

    private final Endpoint client;
    private final Endpoint server;
    private Side failedSide;

    public EnginePair(SSLEngine client, SSLEngine server) {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(server, "server");
        if (!client.getUseClientMode() || server.getUseClientMode()) {
            throw new IllegalArgumentException("expected a client-mode and a server-mode engine");
        }
        this.client = new Endpoint(Side.CLIENT, client);
        this.server = new Endpoint(Side.SERVER, server);
    }

    /** Shorthand for {@code new EnginePair(client, server).handshake()}. */
    public static Result handshake(SSLEngine client, SSLEngine server) throws SSLException {
        return new EnginePair(client, server).handshake();
    }

    /** Runs the handshake with {@link #DEFAULT_STEP_LIMIT}. */
    public Result handshake() throws SSLException {
        return handshake(DEFAULT_STEP_LIMIT);
    }

    /**
     * Runs the handshake to completion. Throws the first {@link SSLException} either engine
     * raised (see {@link #failedSide()} for which), or an {@code SSLException} of its own if the
     * handshake stalls or exceeds {@code maxSteps} rounds.
     */
    public Result handshake(int maxSteps) throws SSLException {
        client.begin();
        server.begin();
        for (int step = 0; step < maxSteps; step++) {
            // Each round lets each engine do one thing: run tasks, wrap, or unwrap.
            boolean progress = client.step(server.sent);
            progress |= server.step(client.sent);
            if (client.isDone(server.sent) && server.isDone(client.sent)) {
                return result();
            }
            if (!progress) {
                throw new SSLException("handshake stalled: " + state());
            }
        }
        throw new SSLException("handshake not finished after " + maxSteps + " steps: " + state());
    }

    /** Everything {@code side} wrapped so far, in order: the raw TLS records it sent. */
    public byte[] bytesSentBy(Side side) {
        return (side == Side.CLIENT ? client : server).transcript.toByteArray();
    }

    /** Which engine threw, if the handshake failed with an engine's exception. */
    public Optional<Side> failedSide() {
        return Optional.ofNullable(failedSide);
    }

    private Result result() {
        SSLSession clientSession = client.engine.getSession();
        SSLSession serverSession = server.engine.getSession();
        // A disagreement means one of the engines (likely a test helper) reports nonsense.
        if (!clientSession.getProtocol().equals(serverSession.getProtocol())
                || !clientSession.getCipherSuite().equals(serverSession.getCipherSuite())) {
            throw new IllegalStateException("client and server disagree: client "
                    + clientSession.getProtocol() + "/" + clientSession.getCipherSuite() + ", server "
                    + serverSession.getProtocol() + "/" + serverSession.getCipherSuite());
        }
        return new Result(clientSession.getProtocol(), clientSession.getCipherSuite());
    }

    private String state() {
        return "client " + client.engine.getHandshakeStatus() + " (" + client.sent.position()
                + " bytes unread by server), server " + server.engine.getHandshakeStatus() + " ("
                + server.sent.position() + " bytes unread by client)";
    }

    /** One engine plus the buffer of bytes it has sent that the peer has not read yet. */
    private final class Endpoint {
        private final Side side;
        private final SSLEngine engine;
        private final ByteArrayOutputStream transcript = new ByteArrayOutputStream();
        /** Outbound network bytes, kept in "write mode" (position = end of data). */
        private ByteBuffer sent;
        private ByteBuffer application;

        Endpoint(Side side, SSLEngine engine) {
            this.side = side;
            this.engine = engine;
            SSLSession session = engine.getSession();
            this.sent = ByteBuffer.allocate(session.getPacketBufferSize());
            this.application = ByteBuffer.allocate(session.getApplicationBufferSize());
        }

        void begin() throws SSLException {
            try {
                engine.beginHandshake();
            } catch (SSLException e) {
                throw failed(e);
            }
        }

        /** Does one unit of work; returns whether anything changed. */
        boolean step(ByteBuffer inbound) throws SSLException {
            try {
                HandshakeStatus status = engine.getHandshakeStatus();
                switch (status) {
                    case NEED_TASK:
                        return runTasks();
                    case NEED_WRAP:
                        return wrap();
                    default:
                        // NEED_UNWRAP(_AGAIN) during the handshake; NOT_HANDSHAKING/FINISHED when
                        // the peer may still send post-handshake messages (TLS 1.3 tickets).
                        return unwrap(inbound);
                }
            } catch (SSLException e) {
                throw failed(e);
            }
        }

        /** Finished, and the peer's last bytes (e.g. a session ticket) have been consumed. */
        boolean isDone(ByteBuffer inbound) {
            HandshakeStatus status = engine.getHandshakeStatus();
            return (status == HandshakeStatus.NOT_HANDSHAKING || status == HandshakeStatus.FINISHED)
                    && inbound.position() == 0 && sent.position() == 0;
        }

        private boolean runTasks() {
            boolean ran = false;
            for (Runnable task = engine.getDelegatedTask(); task != null; task = engine.getDelegatedTask()) {
                task.run();
                ran = true;
            }
            return ran;
        }

        private boolean wrap() throws SSLException {
            while (true) {
                int before = sent.position();
                SSLEngineResult result = engine.wrap(ByteBuffer.allocate(0), sent);
                if (result.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                    sent = grow(sent, engine.getSession().getPacketBufferSize());
                    continue;
                }
                transcript.write(sent.array(), before, result.bytesProduced());
                return result.bytesProduced() > 0 || result.getHandshakeStatus() != HandshakeStatus.NEED_WRAP;
            }
        }

        private boolean unwrap(ByteBuffer inbound) throws SSLException {
            if (inbound.position() == 0) {
                return false; // nothing from the peer yet
            }
            inbound.flip();
            try {
                while (true) {
                    SSLEngineResult result = engine.unwrap(inbound, application);
                    if (result.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                        application = grow(application, engine.getSession().getApplicationBufferSize());
                        continue;
                    }
                    // Application data is not expected during a handshake; drop it.
                    application.clear();
                    // BUFFER_UNDERFLOW (partial record) consumes nothing: wait for more bytes.
                    return result.bytesConsumed() > 0 || result.getStatus() == SSLEngineResult.Status.CLOSED;
                }
            } finally {
                inbound.compact();
            }
        }

        private SSLException failed(SSLException e) {
            if (failedSide == null) {
                failedSide = side;
            }
            return e;
        }
    }

    private static ByteBuffer grow(ByteBuffer buffer, int atLeast) {
        ByteBuffer bigger = ByteBuffer.allocate(Math.max(buffer.capacity() * 2, atLeast));
        buffer.flip();
        bigger.put(buffer);
        return bigger;
    }
}
