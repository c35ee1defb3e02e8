package org.starttls4j.server;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;

/** A bare JDK engine playing the peer, driven by hand: what a test can make it do, it does. */
final class RawEngine {

    final SSLEngine engine;
    private ByteBuffer inbox = ByteBuffer.allocate(0);
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();

    RawEngine(SSLEngine engine) {
        this.engine = engine;
    }

    /** Everything the engine wants to send now (handshake flights, alerts), with {@code data} encrypted after. */
    byte[] wrap(byte[] data) throws SSLException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer source = ByteBuffer.wrap(data);
        ByteBuffer net = ByteBuffer.allocate(engine.getSession().getPacketBufferSize() * 2);
        for (int i = 0; i < 100; i++) {
            runTasks();
            SSLEngineResult.HandshakeStatus hs = engine.getHandshakeStatus();
            boolean handshaking = hs == SSLEngineResult.HandshakeStatus.NEED_WRAP;
            boolean idle = hs == SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING && source.hasRemaining();
            if (!handshaking && !idle) {
                break;
            }
            net.clear();
            SSLEngineResult r = engine.wrap(source, net);
            out.write(net.array(), 0, net.flip().remaining());
            if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                break;
            }
        }
        return out.toByteArray();
    }

    /** Feeds the peer's bytes; decrypted application bytes are kept for {@link #takeReceived}. */
    void unwrap(byte[] bytes) throws SSLException {
        ByteBuffer more = ByteBuffer.allocate(inbox.remaining() + bytes.length).put(inbox).put(bytes);
        inbox = more.flip();
        ByteBuffer app = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize() * 2);
        for (int i = 0; i < 100 && inbox.hasRemaining(); i++) {
            app.clear();
            SSLEngineResult r = engine.unwrap(inbox, app);
            received.write(app.array(), 0, app.flip().remaining());
            runTasks();
            if (r.getStatus() != SSLEngineResult.Status.OK || r.bytesConsumed() == 0) {
                break;
            }
        }
    }

    byte[] takeReceived() {
        byte[] all = received.toByteArray();
        received.reset();
        return all;
    }

    private void runTasks() {
        for (Runnable task = engine.getDelegatedTask(); task != null; task = engine.getDelegatedTask()) {
            task.run();
        }
    }
}
