package org.starttls4j.imap;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.starttls4j.Event;
import org.starttls4j.Negotiation;
import org.starttls4j.Outcome;
import org.starttls4j.SecureSession;
import org.starttls4j.ServerConfig;
import org.starttls4j.TlsResult;
import org.starttls4j.Transition;

/**
 * Connects an IMAP client negotiation to an IMAP server negotiation in memory, like
 * {@link org.starttls4j.testing.Loopback}, and plays the server's application once the server
 * negotiation has handed over inside TLS: the core server hands over right after the handshake,
 * so the client's post-TLS {@code CAPABILITY} is answered here, through the server's
 * {@link SecureSession}, with {@link Imap#capabilityResponseAfterTls}.
 */
final class ImapLoopback {

    /**
     * What happened.
     *
     * @param client            the client's last state
     * @param server            the server's last state
     * @param clientEvents      every client event
     * @param serverEvents      every server event
     * @param clientSent        every byte the client produced
     * @param serverSent        every byte the server negotiation produced (not the application's)
     * @param applicationLines  the lines the server application decrypted, in order
     */
    record Result(Negotiation client, Negotiation server, List<Event> clientEvents, List<Event> serverEvents,
                  byte[] clientSent, byte[] serverSent, List<String> applicationLines) {

        Outcome clientOutcome() {
            return client.outcome().orElseThrow(() -> new AssertionError("client did not finish: " + client));
        }

        SecureSession clientSession() {
            Outcome o = clientOutcome();
            if (!(o instanceof Outcome.Secured)) {
                throw new AssertionError("client not secured: " + o);
            }
            return ((Outcome.Secured) o).session();
        }

        SecureSession serverSession() {
            Outcome o = server.outcome().orElseThrow(() -> new AssertionError("server did not finish: " + server));
            if (!(o instanceof Outcome.Secured)) {
                throw new AssertionError("server not secured: " + o);
            }
            return ((Outcome.Secured) o).session();
        }
    }

    private ImapLoopback() {
    }

    static Result run(Negotiation client, Negotiation server, ServerConfig serverConfig) {
        return run(client, server, serverConfig, UnaryOperator.identity());
    }

    /**
     * Runs until the client has finished. {@code serverToClient} may rewrite what the server side
     * (negotiation or application) sends, chunk by chunk, as a man in the middle would.
     */
    static Result run(Negotiation client, Negotiation server, ServerConfig serverConfig, UnaryOperator<byte[]> serverToClient) {
        Instant now = Wire.T0;
        List<Event> clientEvents = new ArrayList<>();
        List<Event> serverEvents = new ArrayList<>();
        ByteArrayOutputStream clientSent = new ByteArrayOutputStream();
        ByteArrayOutputStream serverSent = new ByteArrayOutputStream();
        Transition s = server.begin(now);
        Transition c = client.begin(now);
        serverEvents.addAll(s.events());
        clientEvents.addAll(c.events());
        byte[] toClient = s.outboundBytes();
        byte[] toServer = c.outboundBytes();
        serverSent.writeBytes(toClient);
        clientSent.writeBytes(toServer);
        Negotiation cn = c.next();
        Negotiation sn = s.next();
        Application app = null;
        for (int step = 0; step < 1000 && !cn.isFinished(); step++) {
            boolean progressed = false;
            if (toServer.length > 0) {
                if (!sn.isFinished()) {
                    s = sn.onReceived(ByteBuffer.wrap(toServer), now);
                    sn = s.next();
                    serverEvents.addAll(s.events());
                    byte[] out = s.outboundBytes();
                    serverSent.writeBytes(out);
                    toClient = concat(toClient, out);
                    if (sn.outcome().orElse(null) instanceof Outcome.Secured secured) {
                        app = new Application(secured.session(), serverConfig);
                        toClient = concat(toClient, app.receive(new byte[0]));
                    }
                } else if (app != null) {
                    toClient = concat(toClient, app.receive(toServer));
                }
                toServer = new byte[0];
                progressed = true;
            }
            if (toClient.length > 0) {
                c = cn.onReceived(ByteBuffer.wrap(serverToClient.apply(toClient)), now);
                toClient = new byte[0];
                cn = c.next();
                clientEvents.addAll(c.events());
                byte[] out = c.outboundBytes();
                clientSent.writeBytes(out);
                toServer = concat(toServer, out);
                progressed = true;
            }
            if (!progressed) {
                c = cn.onEndOfStream(now);
                cn = c.next();
                clientEvents.addAll(c.events());
            }
        }
        return new Result(cn, sn, clientEvents, serverEvents, clientSent.toByteArray(), serverSent.toByteArray(),
                app == null ? List.of() : List.copyOf(app.lines));
    }

    /** The server's application inside TLS: answers CAPABILITY, records every line. */
    private static final class Application {
        private final SecureSession session;
        private final ServerConfig config;
        private final List<String> lines = new ArrayList<>();
        private ByteBuffer network = ByteBuffer.allocate(0);
        private final StringBuilder text = new StringBuilder();

        Application(SecureSession session, ServerConfig config) {
            this.session = session;
            this.config = config;
        }

        byte[] receive(byte[] bytes) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteBuffer all = ByteBuffer.allocate(network.remaining() + bytes.length).put(network).put(bytes).flip();
            ByteBuffer plain = ByteBuffer.allocate(session.minApplicationBufferSize());
            boolean wantsToWrite = false;
            while (true) {
                plain.clear();
                TlsResult r = session.decrypt(all, plain);
                plain.flip();
                text.append(StandardCharsets.ISO_8859_1.decode(plain));
                wantsToWrite |= r.wantsToWrite();
                if (r.status() != TlsResult.Status.OK || (!all.hasRemaining() && !session.hasBufferedPlaintext())) {
                    break;
                }
            }
            network = all.slice();
            StringBuilder replies = new StringBuilder();
            int end;
            while ((end = text.indexOf("\r\n")) >= 0) {
                String line = text.substring(0, end);
                text.delete(0, end + 2);
                lines.add(line);
                String[] words = line.split(" ");
                if (words.length == 2 && words[1].equalsIgnoreCase("CAPABILITY")) {
                    replies.append(Imap.capabilityResponseAfterTls(config, words[0]));
                }
            }
            if (replies.length() > 0 || wantsToWrite) {
                encrypt(replies.toString().getBytes(StandardCharsets.ISO_8859_1), out);
            }
            return out.toByteArray();
        }

        private void encrypt(byte[] data, ByteArrayOutputStream out) {
            ByteBuffer source = ByteBuffer.wrap(data);
            ByteBuffer net = ByteBuffer.allocate(session.minNetworkBufferSize() * 2);
            do {
                net.clear();
                TlsResult r = session.encrypt(source, net);
                if (r.status() != TlsResult.Status.OK) {
                    throw new AssertionError("encrypt: " + r);
                }
                out.write(net.array(), 0, net.position());
            } while (source.hasRemaining());
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = new byte[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
