package org.starttls4j.bench;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.function.Supplier;
import org.starttls4j.ClientConfig;
import org.starttls4j.Negotiation;
import org.starttls4j.Outcome;
import org.starttls4j.SecureSession;
import org.starttls4j.ServerConfig;
import org.starttls4j.TlsResult;
import org.starttls4j.Transition;

/**
 * A core client and a core server negotiating STARTTLS in memory, as lean as an I/O loop can be:
 * one reusable network buffer per direction, into which each transition writes its outbound bytes
 * (the negotiation's destination form: no copy of the core's own; a socket write would send it
 * from there), the whole buffer fed to the peer (as a socket read would). Built {@code lean}, both
 * ends record no transcript ({@code recordTranscript(false)}).
 *
 * <p>The server hands over right after its handshake; the client still waits for the answer to its
 * first command inside TLS (EHLO, CAPABILITY, CAPA). The application behind the server answers it
 * through the server's {@link SecureSession}: the command is decrypted and compared with the one
 * captured on the first negotiation, and the prepared reply is encrypted back. The harness itself
 * allocates nothing per negotiation, so what {@code -prof gc} sees is the core's and the JDK's.
 */
public final class CorePair {

    private static final Instant NOW = Instant.EPOCH;
    private static final int MAX_STEPS = 64;

    private final MailProtocol protocol;
    private final ClientConfig clientConfig;
    private final ServerConfig serverConfig;
    private final Supplier<Negotiation> servers;
    private final ByteBuffer c2s = ByteBuffer.allocate(1 << 16);
    private final ByteBuffer s2c = ByteBuffer.allocate(1 << 16);
    private final ByteBuffer serverApp = ByteBuffer.allocate(1 << 15);
    private ByteBuffer expectedLine; // captured on the first negotiation
    private ByteBuffer reply;
    private SecureSession lastServer;

    /**
     * A pair.
     *
     * @param fixture  the TLS set-up
     * @param protocol the mail protocol
     */
    public CorePair(Fixture fixture, MailProtocol protocol) {
        this(fixture, protocol, false);
    }

    /**
     * A pair that may record no transcript.
     *
     * @param fixture  the TLS set-up
     * @param protocol the mail protocol
     * @param lean     true: neither end records a transcript
     */
    public CorePair(Fixture fixture, MailProtocol protocol, boolean lean) {
        this.protocol = protocol;
        this.clientConfig = fixture.clientConfig(!lean);
        this.serverConfig = fixture.serverConfig(protocol, !lean);
        this.servers = protocol.servers(serverConfig);
    }

    /** The protocol. */
    public MailProtocol protocol() {
        return protocol;
    }

    /**
     * Runs one negotiation to the end on both sides.
     *
     * @return the client's session (the server's is {@link #lastServer()})
     * @throws IllegalStateException if either side did not end secured
     */
    public SecureSession negotiate() {
        c2s.clear();
        s2c.clear();
        serverApp.clear();
        Transition s = servers.get().begin(s2c, NOW);
        Negotiation sn = s.next();
        s2c.put(s.outbound()); // what did not fit: never, with 64 KiB
        Transition c = protocol.client(clientConfig).begin(c2s, NOW);
        Negotiation cn = c.next();
        c2s.put(c.outbound());
        SecureSession server = null;
        boolean answered = false;
        for (int step = 0; step < MAX_STEPS; step++) {
            c2s.flip();
            if (server == null && c2s.hasRemaining()) {
                s = sn.onReceived(c2s, s2c, NOW);
                sn = s.next();
                s2c.put(s.outbound());
                if (sn.isFinished()) {
                    server = secured(sn, "server");
                }
            }
            if (server != null && !answered) {
                answered = answer(server);
            }
            c2s.compact();
            s2c.flip();
            if (s2c.hasRemaining()) {
                c = cn.onReceived(s2c, c2s, NOW);
                cn = c.next();
                c2s.put(c.outbound());
            }
            s2c.compact();
            if (cn.isFinished()) {
                lastServer = server;
                return secured(cn, "client");
            }
        }
        throw new IllegalStateException("no end after " + MAX_STEPS + " steps: client " + cn + ", server " + sn);
    }

    /** The server's session from the last negotiation. */
    public SecureSession lastServer() {
        return lastServer;
    }

    /** The client's first command inside TLS, CRLF included (known after one negotiation). */
    public byte[] lineAfterTls() {
        return bytes(expectedLine);
    }

    /** The server's answer to it (known after one negotiation). */
    public byte[] replyAfterTls() {
        return bytes(reply);
    }

    /** Decrypts what the client sent inside TLS; once the whole command is in, encrypts the reply. */
    private boolean answer(SecureSession server) {
        // c2s is in read mode: whole records are consumed, an incomplete one stays for next time.
        for (int i = 0; i < MAX_STEPS; i++) {
            TlsResult r = server.decrypt(c2s, serverApp);
            if (r.status() == TlsResult.Status.FAILED || r.status() == TlsResult.Status.CLOSED) {
                throw new IllegalStateException("server session: " + r + " " + server.failure());
            }
            if (r.produced() == 0 && !server.hasBufferedPlaintext()) {
                break;
            }
        }
        if (expectedLine == null) {
            return capture(server);
        }
        if (serverApp.position() < expectedLine.remaining()) {
            return false;
        }
        serverApp.flip();
        if (!serverApp.equals(expectedLine)) {
            throw new IllegalStateException("the client's first command inside TLS changed");
        }
        reply.rewind();
        TlsResult w = server.encrypt(reply, s2c);
        if (w.status() != TlsResult.Status.OK || reply.hasRemaining()) {
            throw new IllegalStateException("server encrypt: " + w);
        }
        return true;
    }

    private boolean capture(SecureSession server) {
        String text = new String(serverApp.array(), 0, serverApp.position(), StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n");
        if (end < 0) {
            return false;
        }
        expectedLine = ByteBuffer.wrap(text.substring(0, end + 2).getBytes(StandardCharsets.ISO_8859_1));
        reply = ByteBuffer.wrap(protocol.replyAfterTls(serverConfig, text.substring(0, end)).getBytes(StandardCharsets.ISO_8859_1));
        return answer(server);
    }

    private static SecureSession secured(Negotiation n, String who) {
        Outcome o = n.outcome().orElseThrow();
        if (o instanceof Outcome.Secured) {
            return ((Outcome.Secured) o).session();
        }
        throw new IllegalStateException(who + " ended " + o);
    }

    private static byte[] bytes(ByteBuffer buffer) {
        if (buffer == null) {
            throw new IllegalStateException("negotiate once first");
        }
        byte[] b = new byte[buffer.capacity()];
        buffer.duplicate().clear().get(b);
        return b;
    }
}
