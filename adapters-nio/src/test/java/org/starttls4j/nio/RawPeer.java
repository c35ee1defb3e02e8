package org.starttls4j.nio;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;

/** A hand-driven peer on a plain {@link Socket}: says exactly what a test tells it, hostile or not. */
final class RawPeer implements AutoCloseable {

    final Socket socket;
    private final InputStream in;

    RawPeer(Socket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout(30_000); // a bound on every read: a broken test fails, it never hangs
        this.in = socket.getInputStream();
    }

    int localPort() {
        return socket.getLocalPort();
    }

    void send(String text) throws IOException {
        send(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Writes, tolerating a peer that already hung up (a hostile's writes often race its own ejection). */
    boolean send(byte[] bytes) {
        try {
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
            return true;
        } catch (IOException reset) {
            return false;
        }
    }

    /** Reads one line without CRLF; null at end of stream. */
    String line() throws IOException {
        StringBuilder s = new StringBuilder();
        while (true) {
            int b = in.read();
            if (b < 0) {
                return s.length() == 0 ? null : s.toString();
            }
            s.append((char) b);
            int n = s.length();
            if (n >= 2 && s.charAt(n - 2) == '\r' && s.charAt(n - 1) == '\n') {
                return s.substring(0, n - 2);
            }
        }
    }

    /** Reads a whole SMTP reply and returns its last line. */
    String reply() throws IOException {
        String l;
        do {
            l = line();
        } while (l != null && l.length() > 3 && l.charAt(3) == '-');
        return l;
    }

    /** Reads until the peer closes; what arrived, as text. A reset also counts as the end. */
    String untilClosed() throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] chunk = new byte[8192];
        try {
            for (int n; (n = in.read(chunk)) >= 0; ) {
                all.write(chunk, 0, n);
            }
        } catch (SocketException reset) {
            // the peer closed with unread data on its side: a reset is how that ends
        }
        return all.toString(StandardCharsets.ISO_8859_1);
    }

    /** Reads whatever is there within {@code wait}; returns the count (0 on timeout, -1 at end). */
    int readSome(Duration wait) throws IOException {
        socket.setSoTimeout((int) wait.toMillis());
        try {
            return in.read(new byte[16_384]);
        } catch (java.net.SocketTimeoutException quiet) {
            return 0;
        } finally {
            socket.setSoTimeout(30_000);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** The first bytes a TLS client sends: a real ClientHello. */
    static byte[] clientHello() throws SSLException {
        try {
            SSLEngine engine = SSLContext.getDefault().createSSLEngine("mail.example.test", 25);
            engine.setUseClientMode(true);
            engine.beginHandshake();
            ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
            engine.wrap(ByteBuffer.allocate(0), out);
            out.flip();
            byte[] hello = new byte[out.remaining()];
            out.get(hello);
            return hello;
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new SSLException(e);
        }
    }
}
