package org.starttls4j.netty.boringssl;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import org.starttls4j.SecureSession;
import org.starttls4j.TlsResult;

/** Moves application bytes through two secured sessions as an application would, over heap or direct buffers. */
final class Bulk {

    private Bulk() {
    }

    static ByteBuffer allocate(int size, boolean direct) {
        return direct ? ByteBuffer.allocateDirect(size) : ByteBuffer.allocate(size);
    }

    /**
     * Encrypts {@code data} on {@code from}, one network buffer of {@code minNetworkBufferSize()} at a
     * time, and decrypts each into one application buffer of {@code to.minApplicationBufferSize()}:
     * the sizes the sessions promise are enough.
     *
     * @return what {@code to} decrypted
     */
    static byte[] send(SecureSession from, SecureSession to, byte[] data, boolean direct) {
        ByteBuffer app = allocate(data.length, direct).put(data).flip();
        ByteBuffer net = allocate(from.minNetworkBufferSize(), direct);
        ByteBuffer plain = allocate(to.minApplicationBufferSize(), direct);
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        for (int calls = 0; app.hasRemaining(); calls++) {
            if (calls > data.length + 10) {
                throw new AssertionError("no progress");
            }
            net.clear();
            TlsResult w = from.encrypt(app, net);
            if (w.status() != TlsResult.Status.OK || w.consumed() == 0) {
                throw new AssertionError("encrypt: " + w);
            }
            net.flip();
            while (net.hasRemaining() || to.hasBufferedPlaintext()) {
                plain.clear();
                TlsResult r = to.decrypt(net, plain);
                if (r.status() == TlsResult.Status.FAILED || r.status() == TlsResult.Status.CLOSED
                        || r.status() == TlsResult.Status.NEEDS_OUTPUT_SPACE) {
                    throw new AssertionError("decrypt: " + r + " into " + plain.capacity() + " bytes");
                }
                plain.flip();
                byte[] chunk = new byte[plain.remaining()];
                plain.get(chunk);
                received.writeBytes(chunk);
                if (r.status() == TlsResult.Status.NEEDS_INPUT) {
                    break;
                }
            }
        }
        return received.toByteArray();
    }
}
