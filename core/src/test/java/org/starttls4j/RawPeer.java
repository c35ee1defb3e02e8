package org.starttls4j;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;

/**
 * Pumps a negotiation that is handshaking against a bare {@link SSLEngine} playing the other side,
 * for peers the core cannot be (a server capped at TLS 1.1, a client that offers only TLS 1.1). A
 * client-mode peer must have begun its handshake.
 */
final class RawPeer {

    private RawPeer() {
    }

    /** Runs until the negotiation finishes or neither side has anything more to say. */
    static Transition handshake(Transition start, SSLEngine server, Instant now, ByteArrayOutputStream clientBytes) {
        Transition t = start;
        ByteBuffer toServer = ByteBuffer.wrap(t.outboundBytes());
        clientBytes.writeBytes(t.outboundBytes());
        ByteBuffer app = ByteBuffer.allocate(1 << 17);
        ByteBuffer net = ByteBuffer.allocate(1 << 17);
        for (int step = 0; step < 200 && !t.isFinished(); step++) {
            net.clear();
            try {
                while (toServer.hasRemaining()) {
                    SSLEngineResult r = server.unwrap(toServer, app);
                    runTasks(server);
                    if (r.bytesConsumed() == 0) {
                        break;
                    }
                }
                while (server.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_WRAP) {
                    server.wrap(ByteBuffer.allocate(0), net);
                    runTasks(server);
                }
            } catch (SSLException e) {
                // the server gave up (it may have an alert to send); the client decides the outcome
                server.closeOutbound();
                try {
                    server.wrap(ByteBuffer.allocate(0), net);
                } catch (SSLException ignored) {
                    // nothing more to send
                }
            }
            net.flip();
            if (!net.hasRemaining()) {
                return t.next().onEndOfStream(now);
            }
            t = t.next().onReceived(net, now);
            clientBytes.writeBytes(t.outboundBytes());
            toServer = ByteBuffer.wrap(t.outboundBytes());
        }
        return t;
    }

    private static void runTasks(SSLEngine engine) {
        for (Runnable task = engine.getDelegatedTask(); task != null; task = engine.getDelegatedTask()) {
            task.run();
        }
    }
}
