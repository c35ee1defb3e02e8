package org.starttls4j.testing;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.starttls4j.Event;
import org.starttls4j.Negotiation;
import org.starttls4j.Outcome;
import org.starttls4j.SecureSession;
import org.starttls4j.TlsResult;
import org.starttls4j.Transition;

/**
 * Connects a client negotiation to a server negotiation in memory and shuttles bytes between them
 * until both have finished (or a step bound is hit, which fails the test rather than hanging).
 * Delegated tasks handed to the caller are run at once. A {@link Tamper} can rewrite what travels
 * in either direction, playing the man in the middle.
 */
public final class Loopback {

    /** Rewrites bytes in flight; identity by default. */
    public interface Tamper {
        /** The bytes the client sent, as the server will see them. */
        default byte[] clientToServer(byte[] bytes) {
            return bytes;
        }

        /** The bytes the server sent, as the client will see them. */
        default byte[] serverToClient(byte[] bytes) {
            return bytes;
        }
    }

    /**
     * What happened.
     *
     * @param client       the client's final negotiation state
     * @param server       the server's final negotiation state
     * @param clientEvents every client event in order
     * @param serverEvents every server event in order
     * @param clientSent   every byte the client produced (before tampering)
     * @param serverSent   every byte the server produced (before tampering)
     * @param delegatedTasksRun how many delegated tasks were handed to the caller and run
     */
    public record Result(Negotiation client, Negotiation server, List<Event> clientEvents, List<Event> serverEvents,
                         byte[] clientSent, byte[] serverSent, int delegatedTasksRun) {
        /** The client's outcome (the test fails if it has none). */
        public Outcome clientOutcome() {
            return client.outcome().orElseThrow(() -> new AssertionError("client did not finish: " + client));
        }

        /** The server's outcome (the test fails if it has none). */
        public Outcome serverOutcome() {
            return server.outcome().orElseThrow(() -> new AssertionError("server did not finish: " + server));
        }

        /** The client's secure session (the test fails if it has none). */
        public SecureSession clientSession() {
            return ((Outcome.Secured) clientOutcome()).session();
        }

        /** The server's secure session (the test fails if it has none). */
        public SecureSession serverSession() {
            return ((Outcome.Secured) serverOutcome()).session();
        }
    }

    /** Delegated tasks run by this thread's loopbacks (thread-local so parallel tests do not mix). */
    private static final ThreadLocal<int[]> TASK_COUNT = ThreadLocal.withInitial(() -> new int[1]);
    private static final Counter TASKS = new Counter();

    private static final class Counter {
        int get() {
            return TASK_COUNT.get()[0];
        }

        void addAndGet(int n) {
            TASK_COUNT.get()[0] += n;
        }
    }

    private Loopback() {
    }

    /** Runs both negotiations to the end without tampering. */
    public static Result run(Negotiation client, Negotiation server, Instant now) {
        return run(client, server, now, new Tamper() { });
    }

    /** Runs both negotiations without tampering, with {@code app} answering after the server hands over. */
    public static Result run(Negotiation client, Negotiation server, Instant now, ServerApp app) {
        return run(client, server, now, new Tamper() { }, app);
    }

    /** Runs both negotiations with tampering; nobody answers after the server hands over. */
    public static Result run(Negotiation client, Negotiation server, Instant now, Tamper tamper) {
        return run(client, server, now, tamper, line -> null);
    }

    /**
     * The application behind the server once it has handed over: gets each complete line the
     * client sends (decrypted if the session is secure), returns the reply text (CRLF included)
     * or null for none.
     */
    @FunctionalInterface
    public interface ServerApp {
        /** The reply to {@code line} (without CRLF), or null. */
        String onLine(String line);

        /**
         * What the application sends first, unasked, when the server hands a secured session over
         * (ManageSieve's capabilities after STARTTLS), or null for nothing.
         */
        default String onHandOver() {
            return null;
        }
    }

    /**
     * Runs both negotiations to the end. When one side finishes, the bytes it produced are still
     * delivered; when the other side then waits for input that will never come, it is told the
     * stream ended.
     */
    public static Result run(Negotiation client, Negotiation server, Instant now, Tamper tamper, ServerApp app) {
        int tasksBefore = TASKS.get();
        List<Event> clientEvents = new ArrayList<>();
        List<Event> serverEvents = new ArrayList<>();
        ByteArrayOutputStream clientSent = new ByteArrayOutputStream();
        ByteArrayOutputStream serverSent = new ByteArrayOutputStream();
        Transition s = settle(server.begin(now), now);
        Transition c = settle(client.begin(now), now);
        serverEvents.addAll(s.events());
        clientEvents.addAll(c.events());
        byte[] toClient = s.outboundBytes();
        byte[] toServer = c.outboundBytes();
        serverSent.writeBytes(toClient);
        clientSent.writeBytes(toServer);
        Negotiation cn = c.next();
        Negotiation sn = s.next();
        StringBuilder appInput = new StringBuilder();
        boolean unreadDelivered = false;
        for (int step = 0; step < 1000 && !(cn.isFinished() && sn.isFinished()); step++) {
            boolean progressed = false;
            if (sn.isFinished() && !unreadDelivered) {
                unreadDelivered = true;
                Outcome o = sn.outcome().get();
                if (o instanceof Outcome.Secured) {
                    appInput.append(latin1(drainBuffered(((Outcome.Secured) o).session())));
                } else if (o instanceof Outcome.Plaintext) {
                    appInput.append(latin1(bytesOf(((Outcome.Plaintext) o).session().unread())));
                }
                String opening = o instanceof Outcome.Secured ? app.onHandOver() : null;
                byte[] reply = opening == null ? new byte[0] : protect(opening, o);
                serverSent.writeBytes(reply);
                toClient = concat(toClient, reply);
                reply = answer(appInput, app, o);
                serverSent.writeBytes(reply);
                toClient = concat(toClient, reply);
            }
            if (sn.isFinished() && toServer.length > 0 && !(sn.outcome().get() instanceof Outcome.Failed)) {
                Outcome o = sn.outcome().get();
                byte[] plain = o instanceof Outcome.Secured ? decryptAll(((Outcome.Secured) o).session(), tamper.clientToServer(toServer))
                        : tamper.clientToServer(toServer);
                toServer = new byte[0];
                appInput.append(latin1(plain));
                byte[] reply = answer(appInput, app, o);
                serverSent.writeBytes(reply);
                toClient = concat(toClient, reply);
                progressed = reply.length > 0;
            } else if (sn.isFinished()) {
                toServer = new byte[0];
            }
            if (!sn.isFinished() && toServer.length > 0) {
                s = settle(sn.onReceived(ByteBuffer.wrap(tamper.clientToServer(toServer)), now), now);
                toServer = new byte[0];
                sn = s.next();
                serverEvents.addAll(s.events());
                byte[] out = s.outboundBytes();
                serverSent.writeBytes(out);
                toClient = concat(toClient, out);
                progressed = true;
            }
            if (!cn.isFinished() && toClient.length > 0) {
                c = settle(cn.onReceived(ByteBuffer.wrap(tamper.serverToClient(toClient)), now), now);
                toClient = new byte[0];
                cn = c.next();
                clientEvents.addAll(c.events());
                byte[] out = c.outboundBytes();
                clientSent.writeBytes(out);
                toServer = concat(toServer, out);
                progressed = true;
            }
            if (!progressed) {
                // Nobody has anything to say: whoever is still waiting sees the other side hang up.
                if (!sn.isFinished() && (cn.isFinished() || toServer.length == 0)) {
                    s = sn.onEndOfStream(now);
                    sn = s.next();
                    serverEvents.addAll(s.events());
                }
                if (!cn.isFinished()) {
                    c = cn.onEndOfStream(now);
                    cn = c.next();
                    clientEvents.addAll(c.events());
                }
            }
        }
        return new Result(cn, sn, clientEvents, serverEvents, clientSent.toByteArray(), serverSent.toByteArray(), TASKS.get() - tasksBefore);
    }

    private static byte[] answer(StringBuilder input, ServerApp app, Outcome outcome) {
        StringBuilder reply = new StringBuilder();
        int end;
        while ((end = input.indexOf("\r\n")) >= 0) {
            String line = input.substring(0, end);
            input.delete(0, end + 2);
            String r = app.onLine(line);
            if (r != null) {
                reply.append(r);
            }
        }
        return protect(reply.toString(), outcome);
    }

    /** {@code text} as it travels: encrypted if the session is secure. */
    private static byte[] protect(String text, Outcome outcome) {
        byte[] plain = text.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        if (plain.length == 0 || !(outcome instanceof Outcome.Secured)) {
            return plain;
        }
        SecureSession session = ((Outcome.Secured) outcome).session();
        ByteBuffer net = ByteBuffer.allocate(session.minNetworkBufferSize() * 4 + plain.length * 2);
        session.encrypt(ByteBuffer.wrap(plain), net);
        net.flip();
        return bytesOf(net);
    }

    private static byte[] decryptAll(SecureSession session, byte[] net) {
        ByteBuffer source = ByteBuffer.wrap(net);
        ByteArrayOutputStream plain = new ByteArrayOutputStream();
        ByteBuffer buffer = ByteBuffer.allocate(session.minApplicationBufferSize());
        while (source.hasRemaining() || session.hasBufferedPlaintext()) {
            buffer.clear();
            TlsResult r = session.decrypt(source, buffer);
            buffer.flip();
            plain.write(buffer.array(), 0, buffer.limit());
            if (r.status() != TlsResult.Status.OK) {
                break;
            }
        }
        return plain.toByteArray();
    }

    private static byte[] drainBuffered(SecureSession session) {
        return decryptAll(session, new byte[0]);
    }

    static byte[] bytesOf(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    static String latin1(byte[] bytes) {
        return new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    /** Runs handed-over delegated tasks until the transition needs none. */
    private static Transition settle(Transition t, Instant now) {
        Transition current = t;
        List<Event> events = new ArrayList<>(t.events());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes(t.outboundBytes());
        while (!current.delegatedTasks().isEmpty()) {
            current.delegatedTasks().forEach(Runnable::run);
            TASKS.addAndGet(current.delegatedTasks().size());
            current = current.next().onTasksCompleted(now);
            events.addAll(current.events());
            bytes.writeBytes(current.outboundBytes());
        }
        if (current == t) {
            return t;
        }
        return new Transition(current.next(), ByteBuffer.wrap(bytes.toByteArray()), events, List.of());
    }

    /**
     * Sends {@code data} from one secured session to the other, in memory, and returns what the
     * receiver decrypted.
     */
    public static byte[] send(SecureSession from, SecureSession to, byte[] data) {
        ByteBuffer app = ByteBuffer.wrap(data);
        ByteBuffer net = ByteBuffer.allocate(from.minNetworkBufferSize() * 4);
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        ByteBuffer plain = ByteBuffer.allocate(to.minApplicationBufferSize());
        while (app.hasRemaining()) {
            net.clear();
            TlsResult w = from.encrypt(app, net);
            if (w.status() != TlsResult.Status.OK) {
                throw new AssertionError("encrypt: " + w);
            }
            net.flip();
            while (net.hasRemaining() || to.hasBufferedPlaintext()) {
                plain.clear();
                TlsResult r = to.decrypt(net, plain);
                plain.flip();
                received.write(plain.array(), 0, plain.limit());
                if (r.status() == TlsResult.Status.NEEDS_INPUT || r.status() == TlsResult.Status.CLOSED
                        || r.status() == TlsResult.Status.FAILED) {
                    break;
                }
            }
        }
        plain.clear();
        while (to.hasBufferedPlaintext()) {
            plain.clear();
            to.decrypt(ByteBuffer.allocate(0), plain);
            plain.flip();
            received.write(plain.array(), 0, plain.limit());
        }
        return received.toByteArray();
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] all = new byte[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
