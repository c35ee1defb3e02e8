package org.starttls4j.examples;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Instant;
import org.starttls4j.ClientConfig;
import org.starttls4j.Outcome;
import org.starttls4j.SecureSession;
import org.starttls4j.TlsPolicy;
import org.starttls4j.Transition;
import org.starttls4j.smtp.Smtp;

/**
 * The README's quick start for the core: an SMTP client whose bytes move over a blocking
 * {@link SocketChannel}, while the core decides everything else.
 */
public final class CoreQuickStart {

    private final SocketChannel socket;
    private final ByteBuffer received = ByteBuffer.allocate(16 * 1024);

    /**
     * A client over a connected socket.
     *
     * @param socket connected to the server, in blocking mode
     */
    public CoreQuickStart(SocketChannel socket) {
        this.socket = socket;
    }

    /**
     * Negotiates STARTTLS and exchanges one buffer of application bytes inside TLS.
     *
     * @param appBytes  what to send inside TLS
     * @param netBuffer where its TLS records go before they are written
     * @param netBytes  TLS records read from the server
     * @param appBuffer where their plaintext goes
     * @return the outcome
     * @throws IOException when the socket fails
     */
    public Outcome negotiate(ByteBuffer appBytes, ByteBuffer netBuffer, ByteBuffer netBytes, ByteBuffer appBuffer)
            throws IOException {
        // README: core
        ClientConfig config = ClientConfig.builder("mail.example.org")   // SNI + the name to verify
                .policy(TlsPolicy.REQUIRED)                              // the default
                .clientName("client.example.net")                        // EHLO argument
                .build();

        Transition t = Smtp.client(config).begin(Instant.now());
        send(t.outbound());
        while (!t.isFinished()) {
            t = t.next().onReceived(receive(), Instant.now());            // or onTick(now) at t.next().deadline()
            send(t.outbound());                                           // or onEndOfStream(now)
        }
        if (t.outcome().get() instanceof Outcome.Secured s) {
            SecureSession tls = s.session();
            tls.capabilities();                 // announced inside TLS only
            tls.tls().protocol();               // e.g. "TLSv1.3"
            tls.encrypt(appBytes, netBuffer);   // your buffers, no allocation in the steady state;
                                                // large writes go out as nearly even records (no tiny tail),
                                                // tls.maxRecordPlaintext() bytes fill exactly one
            tls.decrypt(netBytes, appBuffer);
        }
        // README end
        return t.outcome().get();
    }

    private void send(ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) {
            socket.write(bytes);
        }
    }

    private ByteBuffer receive() throws IOException {
        received.clear();
        if (socket.read(received) < 0) {
            throw new EOFException("the server closed the connection");
        }
        return received.flip();
    }
}
