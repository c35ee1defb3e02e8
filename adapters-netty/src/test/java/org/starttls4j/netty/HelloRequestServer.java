package org.starttls4j.netty;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A one-connection SMTP server over 127.0.0.1 with the JDK's {@code SSLSocket} under TLS 1.2 that
 * asks the client to renegotiate (a HelloRequest) and then answers: once the client's first command
 * after EHLO inside TLS arrives, or ({@code beforeEhloReply}) at the EHLO inside TLS, while the
 * client still negotiates. Blocking, on its own thread; a read timeout guards
 * against a hung client only.
 */
final class HelloRequestServer implements AutoCloseable {

    private static final int GUARD_MILLIS = 60_000;

    private final ServerSocket listener;
    /** Completes when the server is done: normally after its answer, exceptionally when TLS broke. */
    final CompletableFuture<String> done = new CompletableFuture<>();

    HelloRequestServer(SSLContext context, boolean beforeEhloReply) throws IOException {
        listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Thread serving = new Thread(() -> {
            try (Socket plain = listener.accept()) {
                done.complete(serve(context, plain, beforeEhloReply));
            } catch (IOException | RuntimeException e) {
                done.completeExceptionally(e);
            }
        }, "hello-request-server");
        serving.setDaemon(true);
        serving.start();
    }

    InetSocketAddress address() {
        return (InetSocketAddress) listener.getLocalSocketAddress();
    }

    private static String serve(SSLContext context, Socket plain, boolean beforeEhloReply) throws IOException {
        plain.setSoTimeout(GUARD_MILLIS);
        InputStream in = plain.getInputStream();
        OutputStream out = plain.getOutputStream();
        send(out, "220 " + Fixtures.HOST + " ESMTP\r\n");
        Renegotiator.readLine(in); // EHLO
        send(out, "250-" + Fixtures.HOST + "\r\n250 STARTTLS\r\n");
        Renegotiator.readLine(in); // STARTTLS
        send(out, "220 2.0.0 Ready to start TLS\r\n");
        try (SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(plain, null, plain.getPort(), true)) {
            tls.setUseClientMode(false);
            tls.setEnabledProtocols(new String[] {"TLSv1.2"});
            tls.startHandshake();
            InputStream tin = tls.getInputStream();
            OutputStream tout = tls.getOutputStream();
            Renegotiator.readLine(tin); // EHLO inside TLS
            if (beforeEhloReply) {
                tls.startHandshake();
            }
            send(tout, "250 " + Fixtures.HOST + "\r\n");
            String command = Renegotiator.readLine(tin);
            tls.startHandshake(); // a HelloRequest: renegotiate, please
            send(tout, "250 2.0.0 OK\r\n");
            return command + " answered after renegotiating: " + Renegotiator.readLine(tin);
        }
    }

    private static void send(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
