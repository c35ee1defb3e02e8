package org.starttls4j.examples;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import org.starttls4j.ClientConfig;
import org.starttls4j.Limits;
import org.starttls4j.Outcome;
import org.starttls4j.Pem;
import org.starttls4j.SecureByteChannel;
import org.starttls4j.Transition;
import org.starttls4j.smtp.Smtp;
import org.starttls4j.smtp.SmtpReply;
import org.starttls4j.smtp.SmtpReplyParser;
import org.starttls4j.text.Received;

/**
 * The README's quick start for the core: an SMTP client whose bytes move over a blocking
 * {@link SocketChannel} that the caller opens, while the core decides everything else; after the
 * hand-over, one command answered inside TLS.
 */
public final class CoreQuickStart {

    private CoreQuickStart() {
    }

    /**
     * The client's configuration, as the README shows it.
     *
     * @param caPem PEM trust anchors (leave {@code trustAnchors} out to use the JDK's trust store)
     * @return the configuration
     */
    public static ClientConfig config(Path caPem) {
        // README: core config
        ClientConfig config = ClientConfig.builder("mail.example.org")   // SNI + the name to verify
                .clientName("client.example.net")                        // EHLO argument
                .trustAnchors(Pem.certificates(caPem))                   // default: the JDK's trust store
                .build();                                                // policy REQUIRED, TLS 1.2 floor
        // README end
        return config;
    }

    /**
     * Negotiates STARTTLS with {@code server}, then sends NOOP inside TLS.
     *
     * @param server where the SMTP server listens
     * @param config the client's configuration
     * @return the reply to NOOP, or why there was none
     * @throws IOException when the connection fails
     */
    public static String noopInsideTls(InetSocketAddress server, ClientConfig config) throws IOException {
        // README: core
        try (SocketChannel socket = SocketChannel.open(server)) {        // your I/O: any transport will do
            Transition t = Smtp.client(config).begin(Instant.now());
            send(socket, t.outbound());
            while (!t.isFinished()) {                                    // the core decides, you move bytes:
                t = t.next().onReceived(receive(socket), Instant.now()); // or onTick(now) at t.next().deadline(),
                send(socket, t.outbound());                              //    onEndOfStream(now) at EOF
            }
            if (t.outcome().get() instanceof Outcome.Secured s) {
                s.session().capabilities();                              // announced inside TLS only
                SecureByteChannel tls = new SecureByteChannel(s.session(), socket);   // the TLS pump
                tls.write(StandardCharsets.US_ASCII.encode("NOOP\r\n"));
                Received<SmtpReply> reply = SmtpReplyParser.create(Limits.DEFAULT).read(tls, ByteBuffer.allocate(512).flip());
                return reply.response().map(SmtpReply::summary).orElseThrow();      // "250 2.0.0 OK"
            }
            return t.outcome().get().toString();                         // Failed[failure=STARTTLS_NOT_OFFERED: ...]
        }
        // README end
    }

    private static void send(SocketChannel socket, ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) {
            socket.write(bytes);
        }
    }

    private static ByteBuffer receive(SocketChannel socket) throws IOException {
        ByteBuffer received = ByteBuffer.allocate(16 * 1024);
        if (socket.read(received) < 0) {
            throw new EOFException("the server closed the connection");
        }
        return received.flip();
    }
}
