package org.starttls4j;

import static org.starttls4j.Fuzzing.check;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLEngine;
import org.starttls4j.smtp.Smtp;
import org.starttls4j.testing.Dialect;

/**
 * The TLS stage, both roles at once: a core SMTP client and a core SMTP server with real engines,
 * and the fuzzer as the network between them. At each step it delivers what one side sent,
 * whole, cut short, with one byte changed, with its own bytes put first, or not at all; or lets
 * time pass; or ends a side's stream; and once both sides hold a {@link SecureSession}, has one of
 * them encrypt or close. So the bytes where a TLS record is expected are sometimes the peer's real
 * records (reaching every handshake message and the records after it) and sometimes anything.
 * The stage is the same for every protocol (the dialogs stop at the go-ahead), so SMTP stands for
 * all; {@code STARTTLS} and implicit TLS both, TLS 1.3 and TLS 1.2.
 *
 * <p>Checked, beyond "no exception":
 * <ul>
 *   <li>each negotiation ends once, never in plaintext (both sides require TLS), and a
 *       {@link Outcome.Secured} only after its handshake completed ({@link Event.TlsEstablished});
 *   <li>the client sends no credentials or mail commands inside TLS either ({@link Fuzzing#NEVER_SENT});
 *   <li>a session's {@code FAILED} always comes with its {@link SecureSession#failure()};
 *   <li>integrity: once both sides are secured with nothing in flight, what a session decrypts is
 *       always a prefix of what the other encrypted since, whatever the network did to the records;
 *   <li>no call sends more than {@link #MAX_OUTPUT} bytes;
 *   <li>no hang: after the fuzzer's steps, at most {@link #DRAIN_ROUNDS} rounds of honest delivery
 *       and then the end of both streams finish both negotiations.
 * </ul>
 */
class TlsStageFuzzTest {

    static final int STEPS = 40;
    static final int DRAIN_ROUNDS = 20;
    static final int MAX_OUTPUT = 64 * 1024;
    static final int MAX_INJECT = 512;
    static final int MAX_APP = 4096;
    static final int MAX_TICK_MILLIS = 60_000;

    private static final ServerConfig[] SERVERS = new ServerConfig[4];
    private static final ClientConfig[] CLIENTS = new ClientConfig[2];

    /** Server configurations: STARTTLS or implicit, either TLS version (the client offers both). */
    private static synchronized ServerConfig server(boolean implicit, boolean tls12) {
        int i = (implicit ? 2 : 0) + (tls12 ? 1 : 0);
        if (SERVERS[i] == null) {
            ServerConfig.Builder b = Dialect.serverBuilder(implicit ? TlsPolicy.IMPLICIT : TlsPolicy.REQUIRED,
                    Dialect.caps("SIZE 1000"), Dialect.caps("SIZE 1000", "AUTH PLAIN")).timeouts(Fuzzing.TIMEOUTS);
            if (tls12) {
                b.engineFactory((host, port) -> {
                    SSLEngine engine = Dialect.serverContext().createSSLEngine();
                    engine.setEnabledProtocols(new String[] {"TLSv1.2"});
                    return engine;
                });
            }
            SERVERS[i] = b.build();
        }
        return SERVERS[i];
    }

    private static synchronized ClientConfig client(boolean implicit) {
        int i = implicit ? 1 : 0;
        if (CLIENTS[i] == null) {
            CLIENTS[i] = Dialect.clientBuilder(implicit ? TlsPolicy.IMPLICIT : TlsPolicy.REQUIRED).timeouts(Fuzzing.TIMEOUTS).build();
        }
        return CLIENTS[i];
    }

    /** One side of the connection: its negotiation until it ends, then its session if secured. */
    private static final class Side {
        final String name;
        Negotiation negotiation;
        SecureSession session;
        byte[] pending = new byte[0];   // what it sent, not yet delivered to the other side
        byte[] leftover = new byte[0];  // an incomplete record it received, kept for the next read
        boolean counting;               // both sides secured with nothing in flight: application bytes are compared
        long endings;
        boolean established;
        boolean serverApp;              // answers EHLO inside TLS, as the application behind a server would
        final ByteArrayOutputStream encrypted = new ByteArrayOutputStream();   // application bytes it sent
        final ByteArrayOutputStream decrypted = new ByteArrayOutputStream();   // application bytes it received
        final StringBuilder lines = new StringBuilder();

        Side(String name) {
            this.name = name;
        }

        void take(Transition t) {
            Transition current = t;
            while (true) {
                byte[] out = current.outboundBytes();
                check(out.length <= MAX_OUTPUT, "%s asked to send %d bytes in one call", name, out.length);
                pending = concat(pending, out);
                for (Event e : current.events()) {
                    if (e instanceof Event.TlsEstablished) {
                        established = true;
                    }
                    if (e instanceof Event.Secured) {
                        check(established, "%s secured without an established handshake", name);
                    }
                    if (!serverApp && e instanceof Event.Line line && line.direction() == Event.Direction.SENT) {
                        Fuzzing.checkNoForbiddenCommand(Fuzzing.Protocol.SMTP, line.text());
                    }
                }
                endings += Fuzzing.endings(current.events());
                if (current.delegatedTasks().isEmpty()) {
                    break;
                }
                current.delegatedTasks().forEach(Runnable::run);
                current = current.next().onTasksCompleted(Fuzzing.T0);
            }
            negotiation = current.next();
            if (current.isFinished()) {
                check(endings == 1, "%s ended with %d ending events", name, endings);
                Outcome o = current.outcome().orElseThrow(() -> new AssertionError(name + " finished without an outcome"));
                check(!(o instanceof Outcome.Plaintext), "%s ended in plaintext under a required policy", name);
                if (o instanceof Outcome.Secured s) {
                    session = s.session();
                    drain(s.session().unread());
                    decryptInto(new byte[0]);
                }
            } else {
                check(endings == 0, "%s reported an ending without finishing", name);
            }
        }

        void receive(byte[] bytes, Instant now) {
            if (session != null) {
                decryptInto(bytes);
            } else if (!negotiation.isFinished()) {
                take(negotiation.onReceived(ByteBuffer.wrap(bytes), now));
            }
        }

        void decryptInto(byte[] bytes) {
            ByteBuffer source = ByteBuffer.wrap(concat(leftover, bytes));
            try {
                decrypt(source);
            } finally {
                leftover = Arrays.copyOfRange(source.array(), source.position(), source.limit());
            }
        }

        private void decrypt(ByteBuffer source) {
            ByteBuffer app = ByteBuffer.allocate(session.minApplicationBufferSize());
            for (int i = 0; i < 64 && (source.hasRemaining() || session.hasBufferedPlaintext()); i++) {
                app.clear();
                TlsResult r = session.decrypt(source, app);
                app.flip();
                drain(app);
                if (r.status() == TlsResult.Status.FAILED) {
                    check(session.failure().isPresent(), "%s: FAILED without a failure", name);
                }
                if (r.wantsToWrite()) {
                    encrypt(new byte[0]);
                }
                if (r.status() != TlsResult.Status.OK || (r.consumed() == 0 && r.produced() == 0)) {
                    return;
                }
            }
        }

        private void drain(ByteBuffer app) {
            byte[] bytes = new byte[app.remaining()];
            app.get(bytes);
            if (counting) {
                decrypted.writeBytes(bytes);
            }
            if (serverApp) {
                lines.append(Fuzzing.text(bytes));
                int end;
                while ((end = lines.indexOf("\r\n")) >= 0) {
                    String line = lines.substring(0, end);
                    lines.delete(0, end + 2);
                    if (line.regionMatches(true, 0, "EHLO ", 0, 5)) {
                        encrypt(Fuzzing.bytes(Smtp.ehloReplyAfterTls(server(false, false), line.substring(5))));
                    }
                }
            }
        }

        void encrypt(byte[] data) {
            if (session == null) {
                return;
            }
            ByteBuffer source = ByteBuffer.wrap(data);
            ByteBuffer net = ByteBuffer.allocate(session.minNetworkBufferSize() * 2 + data.length * 2);
            for (int i = 0; i < 16; i++) {
                TlsResult r = session.encrypt(source, net);
                if (r.status() == TlsResult.Status.FAILED) {
                    check(session.failure().isPresent(), "%s: FAILED without a failure", name);
                }
                if (r.status() != TlsResult.Status.OK || !source.hasRemaining()) {
                    break;
                }
            }
            if (counting) {
                encrypted.write(data, 0, source.position());
            }
            net.flip();
            byte[] out = new byte[net.remaining()];
            net.get(out);
            check(out.length <= MAX_OUTPUT, "%s encrypted into %d bytes", name, out.length);
            pending = concat(pending, out);
        }

        void close() {
            if (session != null) {
                ByteBuffer net = ByteBuffer.allocate(session.minNetworkBufferSize());
                session.close(net);
                net.flip();
                byte[] out = new byte[net.remaining()];
                net.get(out);
                pending = concat(pending, out);
            }
        }

        void endOfStream(Instant now) {
            if (session != null) {
                session.onEndOfStream();
            } else if (!negotiation.isFinished()) {
                take(negotiation.onEndOfStream(now));
            }
        }

        void tick(Instant now) {
            if (session == null && !negotiation.isFinished()) {
                take(negotiation.onTick(now));
            }
        }
    }

    @FuzzTest(maxDuration = "2m")
    void anyNetworkBetweenTwoCores(FuzzedDataProvider data) {
        boolean implicit = data.consumeBoolean();
        boolean tls12 = data.consumeBoolean();
        Instant now = Fuzzing.T0;
        Side client = new Side("the client");
        Side server = new Side("the server");
        server.serverApp = true;
        server.take(Smtp.server(server(implicit, tls12)).begin(now));
        client.take(Smtp.client(client(implicit)).begin(now));

        for (int step = 0; step < STEPS && data.remainingBytes() > 0; step++) {
            boolean toServer = data.consumeBoolean();
            Side from = toServer ? client : server;
            Side to = toServer ? server : client;
            switch (data.consumeInt(0, 9)) {
                case 0, 1, 2 -> deliver(from, to, from.pending.length, now);
                case 3 -> deliver(from, to, data.consumeInt(0, from.pending.length), now);
                case 4 -> {
                    if (from.pending.length > 0) {
                        from.pending[data.consumeInt(0, from.pending.length - 1)] ^= (byte) data.consumeInt(1, 255);
                    }
                    deliver(from, to, from.pending.length, now);
                }
                case 5 -> {
                    from.pending = concat(data.consumeBytes(data.consumeInt(1, MAX_INJECT)), from.pending);
                    deliver(from, to, from.pending.length, now);
                }
                case 6 -> from.pending = new byte[0];
                case 7 -> {
                    now = now.plusMillis(data.consumeInt(0, MAX_TICK_MILLIS));
                    client.tick(now);
                    server.tick(now);
                }
                case 8 -> from.encrypt(data.consumeBytes(data.consumeInt(0, MAX_APP)));
                default -> {
                    if (data.consumeBoolean()) {
                        from.close();
                    } else {
                        to.endOfStream(now);
                    }
                }
            }
            if (!client.counting && client.session != null && server.session != null && quiet(client) && quiet(server)) {
                client.counting = true;
                server.counting = true;
            }
            checkIntegrity(client, server);
        }

        for (int round = 0; round < DRAIN_ROUNDS && (client.pending.length > 0 || server.pending.length > 0); round++) {
            deliver(client, server, client.pending.length, now);
            deliver(server, client, server.pending.length, now);
        }
        checkIntegrity(client, server);
        client.endOfStream(now);
        server.endOfStream(now);
        check(client.negotiation.isFinished() && server.negotiation.isFinished(), "not finished after the end of both streams: %s, %s",
                client.negotiation.state(), server.negotiation.state());
    }

    private static boolean quiet(Side side) {
        return side.pending.length == 0 && side.leftover.length == 0 && !side.session.hasBufferedPlaintext();
    }

    private static void deliver(Side from, Side to, int length, Instant now) {
        if (length == 0) {
            return;
        }
        byte[] bytes = Arrays.copyOf(from.pending, length);
        from.pending = Arrays.copyOfRange(from.pending, length, from.pending.length);
        to.receive(bytes, now);
    }

    /** What each side decrypted is a prefix of what the other encrypted: TLS lets nobody on the way write. */
    private static void checkIntegrity(Side client, Side server) {
        for (List<Side> pair : List.of(List.of(client, server), List.of(server, client))) {
            byte[] sent = pair.get(0).encrypted.toByteArray();
            byte[] got = pair.get(1).decrypted.toByteArray();
            check(got.length <= sent.length && Arrays.equals(got, 0, got.length, sent, 0, got.length),
                    "%s decrypted %s, which %s never encrypted (it sent %s)", pair.get(1).name, Fuzzing.text(got), pair.get(0).name,
                    Fuzzing.text(sent));
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
