package org.starttls4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.Test;
import org.starttls4j.testing.DelegatingEngine;
import org.starttls4j.testing.TestPki;
import org.starttls4j.testing.TestPki.KeyType;

/**
 * The flows' rules around and inside TLS, driven through the public API only ({@link Negotiation},
 * {@link Transition}) with the toy dialogs of {@link Toy} and real JDK engines fed each other's
 * bytes by hand: records that arrive while delegated tasks are outstanding, a client state inside
 * TLS that owns its engine, a peer that breaks or closes TLS before the hand-over, TLS refusing to
 * carry a command or the implicit greeting, and the server's two waits.
 */
class FlowsAroundTlsTest {

    static final Instant NOW = ClientFlowTest.NOW;
    static final String HOST = ClientFlowTest.HOST;
    /** One byte more than the TLS bytes a negotiation holds unprocessed. */
    static final int FLOOD = (1 << 20) + 1;

    final List<String> log = new ArrayList<>();

    /** A toy client and server, fed each other's bytes by hand; every event of each is kept. */
    final class Pair {
        Transition client;
        Transition server;
        final List<Event> clientEvents = new ArrayList<>();
        final List<Event> serverEvents = new ArrayList<>();

        Pair(ClientConfig clientConfig, ServerConfig serverConfig) {
            this(clientConfig, serverConfig, Toy.GREETING);
        }

        Pair(ClientConfig clientConfig, ServerConfig serverConfig, String greeting) {
            server = Negotiation.server(serverConfig, Toy.server(serverConfig, greeting)).begin(NOW);
            client = Negotiation.client(clientConfig, Toy.client(log)).begin(NOW);
            serverEvents.addAll(server.events());
            clientEvents.addAll(client.events());
        }

        Transition toClient(byte[] bytes) {
            return client(client.next().onReceived(ByteBuffer.wrap(bytes), NOW));
        }

        Transition toServer(byte[] bytes) {
            return server(server.next().onReceived(ByteBuffer.wrap(bytes), NOW));
        }

        Transition client(Transition t) {
            client = t;
            clientEvents.addAll(t.events());
            return t;
        }

        Transition server(Transition t) {
            server = t;
            serverEvents.addAll(t.events());
            return t;
        }

        /** Greeting, CAPS, STARTTLS, the go-ahead: what the client sends next is its ClientHello. */
        byte[] upToClientHello() {
            toClient(server.outboundBytes());
            toServer(client.outboundBytes());
            toClient(server.outboundBytes());
            toServer(client.outboundBytes());
            toClient(server.outboundBytes());
            assertThat(client.next().state()).isEqualTo("Handshaking");
            return client.outboundBytes();
        }

        /** A STARTTLS handshake done on both sides, with inline tasks: the client waits for CAPS inside TLS. */
        Pair secured() {
            toServer(upToClientHello());
            toClient(server.outboundBytes());
            toServer(client.outboundBytes());
            assertThat(server.outcome()).containsInstanceOf(Outcome.Secured.class);
            assertThat(client.next().state()).isEqualTo(Negotiation.INSIDE_TLS + "AwaitingCaps");
            return this;
        }

        /** Runs the client's delegated tasks, and any that follow, until it waits for no more. */
        void runClientTasks(List<Runnable> tasks) {
            List<Runnable> next = tasks;
            do {
                next.forEach(Runnable::run);
                client(client.next().onTasksCompleted(NOW));
                next = client.delegatedTasks();
            } while (client.next().state().equals("AwaitingDelegatedTasks"));
        }

        void runServerTasks(List<Runnable> tasks) {
            List<Runnable> next = tasks;
            do {
                next.forEach(Runnable::run);
                server(server.next().onTasksCompleted(NOW));
                next = server.delegatedTasks();
            } while (server.next().state().equals("AwaitingDelegatedTasks"));
        }
    }

    static ClientConfig.Builder client(TlsPolicy policy) {
        return ClientFlowTest.config(policy);
    }

    static ServerConfig.Builder server(TlsPolicy policy) {
        return ServerFlowTest.config(policy);
    }

    static SSLContext serverContext() {
        return TestPki.server(KeyType.EC_P256, HOST).serverContext();
    }

    /** Splits a flight of TLS bytes into its records. */
    static List<byte[]> records(byte[] flight) {
        List<byte[]> records = new ArrayList<>();
        int at = 0;
        while (at < flight.length) {
            int length = 5 + (((flight[at + 3] & 0xff) << 8) | (flight[at + 4] & 0xff));
            records.add(Arrays.copyOfRange(flight, at, at + length));
            at += length;
        }
        return records;
    }

    static byte[] concat(List<byte[]> parts) {
        int size = parts.stream().mapToInt(p -> p.length).sum();
        ByteBuffer all = ByteBuffer.allocate(size);
        parts.forEach(all::put);
        return all.array();
    }

    static ByteBuffer ascii(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
    }

    static Failure failure(Transition t) {
        Outcome outcome = t.outcome().orElseThrow(() -> new AssertionError("not finished: " + t));
        assertThat(outcome).isInstanceOf(Outcome.Failed.class);
        return ((Outcome.Failed) outcome).failure();
    }

    // ---------------------------------------------------------------- delegated tasks outstanding

    /** Feeds the server's flight record by record until the client waits for its tasks; returns the records left. */
    List<byte[]> serverFlightUpToClientTasks(Pair p) {
        p.toServer(p.upToClientHello());
        List<byte[]> flight = records(p.server.outboundBytes());
        int fed = 0;
        while (fed < flight.size() && !p.client.next().state().equals("AwaitingDelegatedTasks")) {
            p.toClient(flight.get(fed++));
        }
        assertThat(p.client.next().state()).isEqualTo("AwaitingDelegatedTasks");
        assertThat(p.client.delegatedTasks()).isNotEmpty();
        return flight.subList(fed, flight.size());
    }

    @Test
    void recordsThatArriveWhileTheClientsTasksAreOutstandingAreHeldAndReadAfterThem() {
        Pair p = new Pair(client(TlsPolicy.REQUIRED).delegatedTasks(DelegatedTasks.HAND_TO_CALLER).build(), server(TlsPolicy.REQUIRED).build());
        List<byte[]> rest = serverFlightUpToClientTasks(p);
        List<Runnable> tasks = p.client.delegatedTasks();
        assertThat(rest).as("records of the server's flight still to come").isNotEmpty();

        Transition held = p.toClient(concat(rest));

        assertThat(held.isFinished()).isFalse();
        assertThat(held.outboundBytes()).as("nothing is done with them before the tasks ran").isEmpty();
        assertThat(held.next().state()).isEqualTo("AwaitingDelegatedTasks");
        p.runClientTasks(tasks);
        assertThat(p.clientEvents).filteredOn(e -> e instanceof Event.TlsEstablished).hasSize(1);
        p.toServer(p.client.outboundBytes());
        assertThat(p.server.outcome()).containsInstanceOf(Outcome.Secured.class);
        assertThat(p.client.next().state()).isEqualTo(Negotiation.INSIDE_TLS + "AwaitingCaps");
        // What the server sent after its handshake (a TLS 1.3 session ticket) has tasks of its own:
        // the client runs them itself rather than stall inside TLS.
        Transition ticket = p.toClient(p.server.outboundBytes());
        assertThat(ticket.isFinished()).isFalse();
        assertThat(ticket.delegatedTasks()).isEmpty();
        assertThat(ticket.next().state()).isEqualTo(Negotiation.INSIDE_TLS + "AwaitingCaps");
    }

    @Test
    void aTaskTheEngineHandsOutInsideTlsBeforeTheHandOverIsRunByTheClientItself() {
        SSLContext trusting = TestPki.clientContextTrusting(TestPki.ca(KeyType.EC_P256));
        List<TaskAfterHandshake> engines = new ArrayList<>();
        ClientConfig clientConfig = ClientConfig.builder(HOST).policy(TlsPolicy.REQUIRED)
                .delegatedTasks(DelegatedTasks.HAND_TO_CALLER).engineFactory((host, port) -> {
                    TaskAfterHandshake engine = new TaskAfterHandshake(trusting.createSSLEngine(host, port));
                    engines.add(engine);
                    return engine;
                }).build();
        Pair p = new Pair(clientConfig, server(TlsPolicy.REQUIRED).build());
        p.toServer(p.upToClientHello());
        p.toClient(p.server.outboundBytes());
        p.runClientTasks(p.client.delegatedTasks());
        p.toServer(p.client.outboundBytes());
        assertThat(p.client.next().state()).isEqualTo(Negotiation.INSIDE_TLS + "AwaitingCaps");
        TaskAfterHandshake engine = engines.get(engines.size() - 1);
        engine.taskOnNextRecord = true;

        Transition caps = p.toClient(p.server.outboundBytes());

        assertThat(engine.taskRan).as("the post-handshake task was run, not left to stall the engine").isTrue();
        assertThat(caps.delegatedTasks()).as("nothing handed to the caller inside TLS").isEmpty();
        assertThat(caps.isFinished()).isFalse();
        assertThat(caps.next().state()).isEqualTo(Negotiation.INSIDE_TLS + "AwaitingCaps");
    }

    /** An engine that, once told to, asks for a delegated task after the next record it reads (as a post-handshake message may). */
    static final class TaskAfterHandshake extends DelegatingEngine {
        boolean taskOnNextRecord;
        boolean taskPending;
        boolean taskHandedOut;
        boolean taskRan;

        TaskAfterHandshake(SSLEngine inner) {
            super(inner);
        }

        @Override
        public SSLEngineResult unwrap(ByteBuffer source, ByteBuffer[] destinations, int offset, int length) throws SSLException {
            SSLEngineResult result = super.unwrap(source, destinations, offset, length);
            if (taskOnNextRecord && result.bytesConsumed() > 0) {
                taskOnNextRecord = false;
                taskPending = true;
                return new SSLEngineResult(result.getStatus(), SSLEngineResult.HandshakeStatus.NEED_TASK,
                        result.bytesConsumed(), result.bytesProduced());
            }
            return result;
        }

        @Override
        public SSLEngineResult.HandshakeStatus getHandshakeStatus() {
            return taskPending ? SSLEngineResult.HandshakeStatus.NEED_TASK : super.getHandshakeStatus();
        }

        @Override
        public Runnable getDelegatedTask() {
            if (taskPending && !taskHandedOut) {
                taskHandedOut = true;
                return () -> {
                    taskRan = true;
                    taskPending = false;
                };
            }
            return super.getDelegatedTask();
        }
    }

    @Test
    void aServerFloodingTheClientWhileItsTasksAreOutstandingFailsTheHandshake() {
        Pair p = new Pair(client(TlsPolicy.REQUIRED).delegatedTasks(DelegatedTasks.HAND_TO_CALLER).build(), server(TlsPolicy.REQUIRED).build());
        serverFlightUpToClientTasks(p);

        Transition flooded = p.toClient(new byte[FLOOD]);

        assertThat(failure(flooded).reason()).isEqualTo(Failure.Reason.TLS_HANDSHAKE_FAILED);
        assertThat(failure(flooded).message()).contains("flooded");
        assertThat(flooded.next().isFinished()).isTrue();
    }

    Pair serverAwaitingTasks() {
        Pair p = new Pair(client(TlsPolicy.REQUIRED).build(), server(TlsPolicy.REQUIRED).delegatedTasks(DelegatedTasks.HAND_TO_CALLER).build());
        p.toServer(p.upToClientHello());
        assertThat(p.server.next().state()).isEqualTo("AwaitingDelegatedTasks");
        assertThat(p.server.delegatedTasks()).isNotEmpty();
        return p;
    }

    @Test
    void bytesThatArriveWhileTheServersTasksAreOutstandingAreReadAfterThem() {
        Pair p = serverAwaitingTasks();
        List<Runnable> tasks = p.server.delegatedTasks();
        // A fatal handshake_failure alert from the client: held now, read (and failing) after the tasks.
        byte[] alert = {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28};

        Transition held = p.toServer(alert);

        assertThat(held.isFinished()).isFalse();
        assertThat(held.outboundBytes()).isEmpty();
        p.runServerTasks(tasks);
        assertThat(failure(p.server).reason()).isEqualTo(Failure.Reason.TLS_HANDSHAKE_FAILED);
        assertThat(p.serverEvents).noneMatch(e -> e instanceof Event.TlsEstablished);
    }

    @Test
    void aClientFloodingTheServerWhileItsTasksAreOutstandingFailsTheHandshake() {
        Pair p = serverAwaitingTasks();

        Transition flooded = p.toServer(new byte[FLOOD]);

        assertThat(failure(flooded).reason()).isEqualTo(Failure.Reason.TLS_HANDSHAKE_FAILED);
        assertThat(failure(flooded).message()).contains("flooded");
    }

    // ---------------------------------------------------------------- the client inside TLS, before the hand-over

    @Test
    void aClientStateInsideTlsOwnsItsEngineAndCanBeFedOnlyOnce() {
        Pair p = new Pair(client(TlsPolicy.REQUIRED).build(), server(TlsPolicy.REQUIRED).build()).secured();
        Negotiation reading = p.client.next();

        Transition fed = reading.onReceived(ByteBuffer.allocate(0), NOW);

        assertThat(fed.isFinished()).isFalse();
        assertThat(reading.isConsumed()).isTrue();
        assertThatThrownBy(() -> reading.onReceived(ByteBuffer.allocate(0), NOW)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> reading.onTick(NOW)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aTimeoutInsideTlsClosesTlsWithCloseNotify() {
        Pair p = new Pair(client(TlsPolicy.REQUIRED).build(), server(TlsPolicy.REQUIRED).build()).secured();
        Instant deadline = p.client.next().deadline().orElseThrow();

        Transition late = p.client.next().onTick(deadline);

        assertThat(failure(late).reason()).isEqualTo(Failure.Reason.TIMEOUT);
        assertThat(failure(late).message()).contains(Negotiation.INSIDE_TLS + "AwaitingCaps");
        byte[] closeNotify = late.outboundBytes();
        assertThat(closeNotify).as("an encrypted alert record, never a plaintext farewell").isNotEmpty();
        assertThat(closeNotify[0]).isIn((byte) 0x15, (byte) 0x17);
    }

    @Test
    void theEndOfTheStreamInsideTlsSaysThatCloseNotifyWasMissing() {
        Pair p = new Pair(client(TlsPolicy.REQUIRED).build(), server(TlsPolicy.REQUIRED).build()).secured();

        Transition end = p.client.next().onEndOfStream(NOW);

        assertThat(failure(end).reason()).isEqualTo(Failure.Reason.PEER_CLOSED);
        assertThat(failure(end).message()).contains("without close_notify").contains(Negotiation.INSIDE_TLS + "AwaitingCaps");
        assertThat(end.outboundBytes()).isNotEmpty();
    }

    @Test
    void aBrokenRecordInsideTlsBeforeTheHandOverFailsTheSession() {
        Pair p = new Pair(client(TlsPolicy.REQUIRED).build(), server(TlsPolicy.REQUIRED).build()).secured();
        byte[] forged = new byte[5 + 32];
        forged[0] = 0x17;
        forged[1] = 0x03;
        forged[2] = 0x03;
        forged[4] = 32;

        Transition broken = p.toClient(forged);

        assertThat(failure(broken).reason()).isEqualTo(Failure.Reason.TLS_SESSION_BROKEN);
        assertThat(p.clientEvents).noneMatch(e -> e instanceof Event.Secured);
        assertThat(log).doesNotContain("AwaitingCaps: +CAPS X-AFTER");
    }

    // ---------------------------------------------------------------- TLS refusing to carry what the flow sends

    /** A server engine limited to TLS 1.2, whose engine answers close_notify with its own and closes. */
    static ServerConfig.Builder tls12Server(TlsPolicy policy) {
        SSLContext context = serverContext();
        return server(policy).engineFactory((host, port) -> {
            SSLEngine engine = context.createSSLEngine();
            engine.setEnabledProtocols(new String[] {"TLSv1.2"});
            return engine;
        });
    }

    @Test
    void aCommandTlsRefusesToEncryptFailsTheClientAndIsNotReportedSent() {
        // Implicit TLS 1.2: the greeting and close_notify come in one read; the client's answer to the
        // greeting cannot be encrypted any more (TLS 1.2 closes both directions on close_notify).
        Pair p = new Pair(client(TlsPolicy.IMPLICIT).build(), tls12Server(TlsPolicy.IMPLICIT).build());
        p.toServer(p.client.outboundBytes());
        p.toClient(p.server.outboundBytes());
        p.toServer(p.client.outboundBytes());
        assertThat(p.server.outcome()).containsInstanceOf(Outcome.Secured.class);
        List<byte[]> last = records(p.server.outboundBytes());
        assertThat(last).hasSizeGreaterThan(2);
        p.toClient(concat(last.subList(0, last.size() - 1)));
        assertThat(p.client.next().state()).isEqualTo(Negotiation.INSIDE_TLS + "AwaitingGreeting");
        SecureSession server = ((Outcome.Secured) p.server.outcome().orElseThrow()).session();
        ByteBuffer close = ByteBuffer.allocate(server.minNetworkBufferSize());
        server.close(close);
        byte[] closeNotify = Arrays.copyOf(close.array(), close.position());

        Transition refused = p.toClient(concat(List.of(last.get(last.size() - 1), closeNotify)));

        assertThat(failure(refused).reason()).isEqualTo(Failure.Reason.PEER_CLOSED);
        assertThat(failure(refused).message()).contains("while sending");
        assertThat(log).contains("AwaitingGreeting: +HI toy");
        assertThat(p.clientEvents).noneMatch(e -> e instanceof Event.Secured);
    }

    /** Implicit TLS 1.2 up to the server's last flight (CCS, Finished, then the greeting record). */
    static List<byte[]> implicitTls12UpToTheServersLastFlight(Pair p) {
        p.toServer(p.client.outboundBytes());
        p.toClient(p.server.outboundBytes());
        p.toServer(p.client.outboundBytes());
        assertThat(p.server.outcome()).containsInstanceOf(Outcome.Secured.class);
        return records(p.server.outboundBytes());
    }

    @Test
    void moreDecryptedBytesThanTheBoundRightWithTheHandshakesEndFail() {
        // The greeting (41 bytes) arrives in the read that ends the handshake; 40 are allowed.
        String greeting = "+HI toy, a greeting of forty-one bytes.\r\n";
        assertThat(greeting).hasSize(41);
        Pair p = new Pair(client(TlsPolicy.IMPLICIT).limits(new Limits(40, 4, 40, 16)).build(), tls12Server(TlsPolicy.IMPLICIT).build(),
                greeting);

        Transition end = p.toClient(concat(implicitTls12UpToTheServersLastFlight(p)));

        assertThat(failure(end).reason()).isEqualTo(Failure.Reason.TOO_MUCH_PLAINTEXT);
        assertThat(log).noneMatch(line -> line.contains("+HI toy"));
        assertThat(p.clientEvents).noneMatch(e -> e instanceof Event.GreetingReceived);
    }

    @Test
    void noStartTlsInsideImplicitTlsIsNoReasonToFailTheSessionIsSecured() {
        // A NoTls answer (IMAP's PREAUTH, here the toy's -ERR to CAPS) inside implicit TLS: TLS is already up.
        Pair p = new Pair(client(TlsPolicy.IMPLICIT).build(), tls12Server(TlsPolicy.IMPLICIT).build());
        p.toClient(concat(implicitTls12UpToTheServersLastFlight(p)));
        assertThat(p.client.next().state()).isEqualTo(Negotiation.INSIDE_TLS + "AwaitingCaps");
        SecureSession server = ((Outcome.Secured) p.server.outcome().orElseThrow()).session();
        ByteBuffer net = ByteBuffer.allocate(server.minNetworkBufferSize());
        server.encrypt(ascii("-ERR no caps\r\n"), net);

        Transition answered = p.toClient(Arrays.copyOf(net.array(), net.position()));

        assertThat(answered.outcome()).containsInstanceOf(Outcome.Secured.class);
        SecureSession session = ((Outcome.Secured) answered.outcome().orElseThrow()).session();
        assertThat(session.capabilities().has("X-PLAIN")).isTrue();
        assertThat(p.clientEvents).noneMatch(e -> e instanceof Event.FellBackToPlaintext);
    }

    /** An engine that closes its outbound side when asked to encrypt application data. */
    static final class ClosesOnApplicationData extends DelegatingEngine {
        ClosesOnApplicationData(SSLEngine inner) {
            super(inner);
        }

        @Override
        public SSLEngineResult wrap(ByteBuffer[] sources, int offset, int length, ByteBuffer destination) throws SSLException {
            for (int i = offset; i < offset + length; i++) {
                if (sources[i].hasRemaining()) {
                    inner.closeOutbound();
                }
            }
            return inner.wrap(sources, offset, length, destination);
        }
    }

    @Test
    void anImplicitServerWhoseGreetingTlsRefusesFailsInsteadOfHandingOver() {
        SSLContext context = serverContext();
        List<SSLEngine> made = new ArrayList<>();
        List<SSLEngine> released = new ArrayList<>();
        EngineFactory closesOnApplicationData = new EngineFactory() {
            @Override
            public SSLEngine create(String peerHost, int peerPort) {
                SSLEngine engine = new ClosesOnApplicationData(context.createSSLEngine());
                made.add(engine);
                return engine;
            }

            @Override
            public void release(SSLEngine engine) {
                released.add(engine);
            }
        };
        ServerConfig serverConfig = server(TlsPolicy.IMPLICIT).engineFactory(closesOnApplicationData).build();
        Pair p = new Pair(client(TlsPolicy.IMPLICIT).build(), serverConfig);
        p.toServer(p.client.outboundBytes());
        p.toClient(p.server.outboundBytes());

        Transition last = p.toServer(p.client.outboundBytes());

        assertThat(failure(last).reason()).isEqualTo(Failure.Reason.PEER_CLOSED);
        assertThat(failure(last).message()).contains("before the greeting");
        assertThat(p.serverEvents).filteredOn(e -> e instanceof Event.TlsEstablished).hasSize(1);
        assertThat(p.serverEvents).noneMatch(e -> e instanceof Event.Secured);
        assertThat(released).as("the negotiation's engine (and the one the configuration checked) released once each")
                .containsExactlyInAnyOrderElementsOf(made).hasSize(2);
    }

    // ---------------------------------------------------------------- the server's two waits

    static final Duration FIRST = Duration.ofSeconds(10);
    static final Duration NEXT = Duration.ofSeconds(60);

    static ServerConfig waiting(TlsPolicy policy) {
        return server(policy).timeouts(Timeouts.of(Duration.ofMinutes(10)).withServerWaits(FIRST, NEXT)).build();
    }

    @Test
    void aServerWaitsFirstCommandForTheFirstByteAndNextCommandAfterIt() {
        ServerConfig config = waiting(TlsPolicy.REQUIRED);
        Transition greeted = Negotiation.server(config, Toy.server(config)).begin(NOW);
        assertThat(greeted.next().deadline()).contains(NOW.plus(FIRST));

        Instant later = NOW.plusSeconds(5);
        Transition partial = greeted.next().onReceived(ascii("CA"), later);
        assertThat(partial.next().deadline()).contains(later.plus(NEXT));

        Instant evenLater = later.plusSeconds(5);
        Transition answered = partial.next().onReceived(ascii("PS\r\n"), evenLater);
        assertThat(new String(answered.outboundBytes(), StandardCharsets.US_ASCII)).startsWith("+CAPS");
        assertThat(answered.next().deadline()).contains(evenLater.plus(NEXT));
    }

    @Test
    void aResumingServerHasHeardTheClientAlready() {
        ServerConfig config = waiting(TlsPolicy.REQUIRED);

        Transition resumed = Negotiation.serverResuming(config, Toy.server(config)).begin(NOW);

        assertThat(resumed.next().deadline()).contains(NOW.plus(NEXT));
    }

    @Test
    void anImplicitServerWaitsFirstCommandForTheClientHelloAndNextCommandAfterItsFirstBytes() {
        ServerConfig config = waiting(TlsPolicy.IMPLICIT);
        Transition waitingForHello = Negotiation.server(config, Toy.server(config)).begin(NOW);
        assertThat(waitingForHello.next().deadline()).contains(NOW.plus(FIRST));
        byte[] hello = Negotiation.client(client(TlsPolicy.IMPLICIT).build(), Toy.client(log)).begin(NOW).outboundBytes();

        Instant later = NOW.plusSeconds(3);
        Transition partial = waitingForHello.next().onReceived(ByteBuffer.wrap(hello, 0, 10), later);

        assertThat(partial.isFinished()).isFalse();
        assertThat(partial.next().deadline()).contains(later.plus(NEXT));
    }

    @Test
    void aStartTlsHandshakeWaitsNextCommandForEachFlight() {
        ServerConfig config = waiting(TlsPolicy.REQUIRED);
        Instant later = NOW.plusSeconds(2);

        Transition goAhead = Negotiation.server(config, Toy.server(config)).begin(NOW).next().onReceived(ascii("STARTTLS\r\n"), later);

        assertThat(goAhead.next().state()).isEqualTo("Handshaking");
        assertThat(goAhead.next().deadline()).contains(later.plus(NEXT));
    }
}
