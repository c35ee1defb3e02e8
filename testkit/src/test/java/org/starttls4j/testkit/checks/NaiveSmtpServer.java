package org.starttls4j.testkit.checks;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.SequenceInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Reader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * An SMTP server with every classic server-side STARTTLS bug: it keeps its plaintext reader across
 * the upgrade (command injection), accepts a second STARTTLS, accepts MAIL and AUTH before TLS,
 * reads lines without bound, answers every junk command at length, never closes an idle
 * connection, and leaves renegotiation to the JDK (which allows it). The positive control of the
 * server checks.
 */
final class NaiveSmtpServer implements AutoCloseable {

    private final LoopbackListener listener;
    private final SSLContext context;

    NaiveSmtpServer(SSLContext context) throws IOException {
        this.context = context;
        this.listener = new LoopbackListener("naive-smtp", this::serve);
    }

    int port() {
        return listener.port();
    }

    private void serve(Socket accepted) {
        Socket socket = accepted;
        try (accepted) {
            Reader raw = new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1);
            BufferedReader in = new BufferedReader(raw);
            OutputStream out = socket.getOutputStream();
            out.write("220 naive ESMTP\r\n".getBytes(StandardCharsets.US_ASCII));
            String line;
            while ((line = in.readLine()) != null) {
                String verb = line.split(" ", 2)[0].toUpperCase(Locale.ROOT);
                String reply = switch (verb) {
                    case "EHLO" -> "250-naive\r\n250-STARTTLS\r\n250 AUTH PLAIN\r\n";
                    case "STARTTLS" -> "220 Go ahead\r\n";
                    case "MAIL", "RCPT", "NOOP", "RSET" -> "250 OK\r\n";
                    case "AUTH" -> "334 \r\n";
                    case "QUIT" -> "221 Bye\r\n";
                    default -> "500 5.5.2 Syntax error, command unrecognized: this naive server explains at length\r\n";
                };
                StringBuilder buffered = new StringBuilder();
                if (verb.equals("STARTTLS")) {
                    while (in.ready()) { // what the client pipelined after STARTTLS, before it could have seen our answer
                        buffered.append((char) in.read());
                    }
                }
                out.write(reply.getBytes(StandardCharsets.US_ASCII));
                out.flush();
                if (verb.equals("QUIT")) {
                    return;
                }
                if (verb.equals("STARTTLS") && !(socket instanceof SSLSocket)) {
                    SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(socket, null, socket.getPort(), true);
                    tls.setUseClientMode(false);
                    tls.startHandshake();
                    socket = tls;
                    out = tls.getOutputStream();
                    // the bug: what the old reader buffered is read as if it came inside TLS
                    in = new BufferedReader(new InputStreamReader(new SequenceInputStream(
                            new ByteArrayInputStream(buffered.toString().getBytes(StandardCharsets.ISO_8859_1)), tls.getInputStream()),
                            StandardCharsets.ISO_8859_1));
                }
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
