package org.starttls4j.testing;

import java.nio.ByteBuffer;
import java.security.NoSuchAlgorithmException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;

/**
 * What a client floods a server's TLS 1.2 handshake with: a real ClientHello, then records that
 * carry nothing, which the JDK's engine (17 and 25) reads and lets pass.
 */
public final class HandshakeFiller {

    /** A TLS 1.2 warning alert (user_canceled), in plaintext. */
    public static final byte[] WARNING_ALERT = {0x15, 0x03, 0x03, 0x00, 0x02, 0x01, 90};

    private HandshakeFiller() {
    }

    /**
     * @param size the most bytes
     * @return as many whole {@link #WARNING_ALERT}s as fit {@code size} bytes
     */
    public static byte[] warningAlerts(int size) {
        byte[] chunk = new byte[size / WARNING_ALERT.length * WARNING_ALERT.length];
        for (int i = 0; i < chunk.length; i += WARNING_ALERT.length) {
            System.arraycopy(WARNING_ALERT, 0, chunk, i, WARNING_ALERT.length);
        }
        return chunk;
    }

    /**
     * @param host the server name the client asks for
     * @return the ClientHello of a JDK client that offers TLS 1.2 only
     * @throws SSLException if the engine cannot begin
     */
    public static byte[] tls12ClientHello(String host) throws SSLException {
        SSLEngine engine;
        try {
            engine = SSLContext.getDefault().createSSLEngine(host, 25);
        } catch (NoSuchAlgorithmException e) {
            throw new SSLException(e);
        }
        engine.setUseClientMode(true);
        engine.setEnabledProtocols(new String[] {"TLSv1.2"});
        engine.beginHandshake();
        ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        engine.wrap(ByteBuffer.allocate(0), out);
        byte[] hello = new byte[out.flip().remaining()];
        out.get(hello);
        return hello;
    }
}
