package org.starttls4j.netty.boringssl;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.function.IntUnaryOperator;
import org.starttls4j.ClientConfig;
import org.starttls4j.Negotiation;
import org.starttls4j.Outcome;
import org.starttls4j.SecureSession;
import org.starttls4j.ServerConfig;
import org.starttls4j.TlsResult;
import org.starttls4j.Transition;
import org.starttls4j.imap.Imap;
import org.starttls4j.pop3.Pop3;
import org.starttls4j.smtp.Smtp;

/**
 * A core client against a core server in memory, with the server's application answering the
 * client's first command inside TLS, and every byte delivered in fragments whose sizes a function
 * picks: whole flights, one byte at a time, or anything a property draws.
 */
final class Wire {

    static final Instant NOW = Instant.parse("2026-12-07T00:00:00Z");

    /** The three protocols, with the application's answer to the client's first command inside TLS. */
    enum Protocol {
        SMTP, IMAP, POP3;

        Negotiation client(ClientConfig config) {
            return this == SMTP ? Smtp.client(config) : this == IMAP ? Imap.client(config) : Pop3.client(config);
        }

        Negotiation server(ServerConfig config) {
            return this == SMTP ? Smtp.server(config) : this == IMAP ? Imap.server(config) : Pop3.server(config);
        }

        String replyAfterTls(ServerConfig config, String line) {
            switch (this) {
                case SMTP:
                    return Smtp.ehloReplyAfterTls(config, line.substring(line.indexOf(' ') + 1));
                case IMAP:
                    return Imap.capabilityResponseAfterTls(config, line.substring(0, line.indexOf(' ')));
                default:
                    return Pop3.capaReplyAfterTls(config);
            }
        }
    }

    /** Both outcomes. */
    record Ends(Outcome client, Outcome server) {
        SecureSession clientSession() {
            return ((Outcome.Secured) client).session();
        }

        SecureSession serverSession() {
            return ((Outcome.Secured) server).session();
        }
    }

    /** Bytes on their way in one direction. */
    private static final class Pipe {
        private byte[] bytes = new byte[0];
        private int position;

        void add(ByteBuffer more) {
            if (more.hasRemaining()) {
                byte[] all = Arrays.copyOf(Arrays.copyOfRange(bytes, position, bytes.length), bytes.length - position + more.remaining());
                more.get(all, bytes.length - position, more.remaining());
                bytes = all;
                position = 0;
            }
        }

        boolean isEmpty() {
            return position == bytes.length;
        }

        ByteBuffer take(int size) {
            int n = Math.max(1, Math.min(size, bytes.length - position));
            ByteBuffer fragment = ByteBuffer.wrap(Arrays.copyOfRange(bytes, position, position + n));
            position += n;
            return fragment;
        }
    }

    private Wire() {
    }

    /**
     * Runs a negotiation to its end on both sides.
     *
     * @param cut the size of the next fragment, given the step number
     * @return both outcomes; the server's application has answered inside TLS if both are secured
     */
    static Ends run(Protocol protocol, ClientConfig clientConfig, ServerConfig serverConfig, IntUnaryOperator cut) {
        Pipe toServer = new Pipe();
        Pipe toClient = new Pipe();
        Transition s = protocol.server(serverConfig).begin(NOW);
        toClient.add(s.outbound());
        Transition c = protocol.client(clientConfig).begin(NOW);
        toServer.add(c.outbound());
        Negotiation server = s.next();
        Negotiation client = c.next();
        ByteBuffer appNet = ByteBuffer.allocate(1 << 16).flip();
        ByteArrayOutputStream appText = new ByteArrayOutputStream();
        boolean answered = false;
        for (int step = 0; step < 1_000_000; step++) {
            boolean moved = false;
            if (server.isFinished() && server.outcome().get() instanceof Outcome.Secured && !answered) {
                SecureSession session = ((Outcome.Secured) server.outcome().get()).session();
                ByteBuffer fragment = toServer.isEmpty() ? ByteBuffer.allocate(0) : toServer.take(cut.applyAsInt(step));
                moved = fragment.hasRemaining();
                appNet.compact().put(fragment).flip();
                ByteBuffer plain = ByteBuffer.allocate(session.minApplicationBufferSize());
                do {
                    plain.clear();
                    session.decrypt(appNet, plain);
                    plain.flip();
                    appText.write(plain.array(), 0, plain.limit());
                } while (plain.limit() > 0 || session.hasBufferedPlaintext());
                String text = appText.toString(StandardCharsets.ISO_8859_1);
                int end = text.indexOf("\r\n");
                if (end >= 0) {
                    answered = true;
                    toClient.add(encrypt(session, protocol.replyAfterTls(serverConfig, text.substring(0, end))));
                    moved = true;
                }
            } else if (!server.isFinished() && !toServer.isEmpty()) {
                s = server.onReceived(toServer.take(cut.applyAsInt(step)), NOW);
                toClient.add(s.outbound());
                server = s.next();
                moved = true;
            }
            if (!client.isFinished() && !toClient.isEmpty()) {
                c = client.onReceived(toClient.take(cut.applyAsInt(step)), NOW);
                toServer.add(c.outbound());
                client = c.next();
                moved = true;
            }
            if (client.isFinished() && (server.isFinished() || !moved)) {
                if (!server.isFinished()) {
                    server = server.onEndOfStream(NOW).next();
                }
                return new Ends(client.outcome().get(), server.outcome().get());
            }
            if (!moved) {
                client = client.onEndOfStream(NOW).next();
            }
        }
        throw new AssertionError("no end after a million steps");
    }

    static ByteBuffer encrypt(SecureSession session, String text) {
        ByteBuffer source = ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1));
        ByteBuffer net = ByteBuffer.allocate(session.minNetworkBufferSize() * 2);
        while (source.hasRemaining()) {
            TlsResult r = session.encrypt(source, net);
            if (r.status() != TlsResult.Status.OK) {
                throw new AssertionError("encrypt: " + r);
            }
        }
        return net.flip();
    }
}
