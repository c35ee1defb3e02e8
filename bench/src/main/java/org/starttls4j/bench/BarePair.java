package org.starttls4j.bench;

import java.nio.ByteBuffer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;

/**
 * The baseline: two bare {@link SSLEngine}s doing the same full handshake in memory, then the same
 * exchange inside TLS as the core pair (the client's command, the server's reply, byte for byte
 * the same lengths), driven by the leanest loop the JDK's API allows: each engine is driven by its
 * handshake status until it needs the peer's bytes, into reusable buffers allocated once. What
 * {@code -prof gc} sees per handshake is therefore the JDK's own allocation only.
 */
public final class BarePair {

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
    private static final int MAX_STEPS = 256;

    private final Fixture fixture;
    private final ByteBuffer line;
    private final ByteBuffer reply;
    private final ByteBuffer c2s = ByteBuffer.allocate(1 << 16);
    private final ByteBuffer s2c = ByteBuffer.allocate(1 << 16);
    private final ByteBuffer clientApp = ByteBuffer.allocate(1 << 15);
    private final ByteBuffer serverApp = ByteBuffer.allocate(1 << 15);
    private SSLEngine lastServer;

    /**
     * A bare pair.
     *
     * @param fixture the TLS set-up
     * @param line    what the client sends once TLS is up (CRLF included)
     * @param reply   what the server answers
     */
    public BarePair(Fixture fixture, byte[] line, byte[] reply) {
        this.fixture = fixture;
        this.line = ByteBuffer.wrap(line.clone());
        this.reply = ByteBuffer.wrap(reply.clone());
    }

    /**
     * One full handshake and one exchange inside TLS.
     *
     * @return the client engine (the server's is {@link #lastServer()})
     * @throws SSLException if the engines fail
     */
    public SSLEngine handshake() throws SSLException {
        SSLEngine client = fixture.bareClientEngine();
        SSLEngine server = fixture.bareServerEngine();
        c2s.clear();
        s2c.clear();
        client.beginHandshake();
        server.beginHandshake();
        for (int step = 0; ; step++) {
            if (step == MAX_STEPS) {
                throw new SSLException("handshake did not finish");
            }
            drive(client, s2c, c2s, clientApp);
            drive(server, c2s, s2c, serverApp);
            if (!handshaking(client) && !handshaking(server)) {
                break;
            }
        }
        line.rewind();
        transfer(client, line, c2s, server, serverApp);
        reply.rewind();
        transfer(server, reply, s2c, client, clientApp);
        lastServer = server;
        return client;
    }

    /** The server engine from the last handshake. */
    public SSLEngine lastServer() {
        return lastServer;
    }

    /**
     * Drives {@code engine} until it needs the peer's bytes.
     *
     * @param in  bytes from the peer, in write mode
     * @param out bytes to the peer, in write mode
     */
    private static void drive(SSLEngine engine, ByteBuffer in, ByteBuffer out, ByteBuffer app) throws SSLException {
        in.flip();
        try {
            for (int step = 0; step < MAX_STEPS; step++) {
                SSLEngineResult r;
                switch (engine.getHandshakeStatus()) {
                    case NEED_TASK:
                        runTasks(engine);
                        continue;
                    case NEED_WRAP:
                        r = engine.wrap(EMPTY, out);
                        check(r);
                        continue;
                    case NEED_UNWRAP:
                    case NEED_UNWRAP_AGAIN:
                        app.clear();
                        r = engine.unwrap(in, app);
                        if (r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW) {
                            return;
                        }
                        check(r);
                        continue;
                    default:
                        return;
                }
            }
            throw new SSLException("no progress");
        } finally {
            in.compact();
        }
    }

    /** Sends {@code data} from one engine to the other and checks it arrived whole. */
    private static void transfer(SSLEngine from, ByteBuffer data, ByteBuffer net, SSLEngine to, ByteBuffer app) throws SSLException {
        int length = data.remaining();
        check(from.wrap(data, net));
        net.flip();
        app.clear();
        for (int step = 0; app.position() < length; step++) {
            SSLEngineResult r = to.unwrap(net, app);
            check(r);
            if (r.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_TASK) {
                runTasks(to);
            }
            if (step == MAX_STEPS) {
                throw new SSLException("the data did not arrive");
            }
        }
        net.compact();
        app.flip();
        data.rewind();
        if (!app.equals(data)) {
            throw new SSLException("the data changed on the way");
        }
    }

    private static boolean handshaking(SSLEngine engine) {
        SSLEngineResult.HandshakeStatus s = engine.getHandshakeStatus();
        return s != SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING && s != SSLEngineResult.HandshakeStatus.FINISHED;
    }

    private static void runTasks(SSLEngine engine) {
        for (Runnable task = engine.getDelegatedTask(); task != null; task = engine.getDelegatedTask()) {
            task.run();
        }
    }

    private static void check(SSLEngineResult r) throws SSLException {
        if (r.getStatus() != SSLEngineResult.Status.OK) {
            throw new SSLException("engine: " + r);
        }
    }
}
