package org.starttls4j.netty;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.starttls4j.testing.TestPki;

/**
 * A real TLS 1.2 (or 1.3) SMTP client over a plain socket, with the JDK's {@code SSLSocket}: EHLO,
 * STARTTLS, the handshake, EHLO inside TLS, then (if asked) client-initiated renegotiations (or
 * KeyUpdates), then NOOP. Blocking, with a read timeout as a guard against a hung server only.
 */
final class Renegotiator {

    /** What became of the NOOP sent after the (possible) renegotiation. */
    enum Outcome {
        /** Answered: the session went on. */
        ANSWERED,
        /** The server ended the session instead (an alert, a close). */
        ENDED
    }

    private static final int GUARD_MILLIS = 60_000;

    private Renegotiator() {
    }

    static Outcome run(InetSocketAddress server, boolean renegotiate) throws IOException {
        return run(server, "TLSv1.2", renegotiate ? 1 : 0);
    }

    /**
     * The same client over {@code protocol}, starting {@code handshakes} more handshakes after its
     * EHLO inside TLS: under TLS 1.2 each is a renegotiation, under TLS 1.3 a KeyUpdate that asks
     * the server for one of its own.
     */
    static Outcome run(InetSocketAddress server, String protocol, int handshakes) throws IOException {
        SSLContext context = TestPki.clientContextTrusting(TestPki.ca(Fixtures.KEY_TYPE));
        try (Socket plain = new Socket()) {
            plain.connect(server, GUARD_MILLIS);
            plain.setSoTimeout(GUARD_MILLIS);
            InputStream in = plain.getInputStream();
            OutputStream out = plain.getOutputStream();
            expect(readReply(in), "220 ");
            send(out, "EHLO renegotiator.example.test\r\n");
            expect(readReply(in), "250 ");
            send(out, "STARTTLS\r\n");
            expect(readReply(in), "220 ");
            try (SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(plain, Fixtures.HOST, server.getPort(), true)) {
                tls.setEnabledProtocols(new String[] {protocol});
                tls.startHandshake();
                InputStream tin = tls.getInputStream();
                OutputStream tout = tls.getOutputStream();
                send(tout, "EHLO renegotiator.example.test\r\n");
                expect(readReply(tin), "250 ");
                try {
                    for (int i = 0; i < handshakes; i++) {
                        tls.startHandshake(); // TLS 1.2: a new ClientHello; TLS 1.3: a KeyUpdate
                    }
                    send(tout, "NOOP\r\n");
                    String reply = readReply(tin);
                    return reply != null && reply.startsWith("250") ? Outcome.ANSWERED : Outcome.ENDED;
                } catch (IOException refused) {
                    return Outcome.ENDED;
                }
            }
        }
    }

    private static void send(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    private static void expect(String reply, String prefix) throws IOException {
        if (reply == null || !reply.startsWith(prefix)) {
            throw new IOException("expected a reply starting with " + prefix.trim() + ", got " + reply);
        }
    }

    /** The last line of a (multi-line) SMTP reply, or null at the end of the stream; byte by byte, so nothing past it is read. */
    static String readReply(InputStream in) throws IOException {
        while (true) {
            String line = readLine(in);
            if (line == null || line.length() < 4 || line.charAt(3) != '-') {
                return line;
            }
        }
    }

    static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b; (b = in.read()) != -1; ) {
            if (b == '\n') {
                return line.toString();
            }
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.length() == 0 ? null : line.toString();
    }
}
