package org.starttls4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.starttls4j.imap.Imap;
import org.starttls4j.pop3.Pop3;
import org.starttls4j.smtp.Smtp;
import org.starttls4j.testing.TestPki;
import org.starttls4j.testing.TestPki.KeyType;

/**
 * However small the caller's buffers, nothing is lost: a client and a server negotiating with every
 * transition's bytes written into a destination of random room (none at all, a few bytes, more than
 * enough; heap or direct; from a position past 0) get through the handshake, and wherever a state
 * can be fed twice (plaintext), the destination's bytes followed by the owned rest are exactly the
 * owned form's bytes.
 */
class DestinationBufferPropertiesTest {

    private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
    private static final String HOST = "mail.example.test";
    private static final SSLContext SERVER_CONTEXT = TestPki.server(KeyType.EC_P256, HOST).serverContext();

    private record Protocol(String name, Function<ClientConfig, Negotiation> client, Function<ServerConfig, Negotiation> server) {
        @Override
        public String toString() {
            return name;
        }
    }

    @Provide
    Arbitrary<Protocol> protocols() {
        return Arbitraries.of(new Protocol("SMTP", Smtp::client, Smtp::server), new Protocol("IMAP", Imap::client, Imap::server),
                new Protocol("POP3", Pop3::client, Pop3::server));
    }

    @Property(tries = 60)
    void splittingTheOutputOverAnyBuffersLosesNothing(@ForAll("protocols") Protocol protocol,
            @ForAll @Size(min = 1, max = 8) List<@IntRange(min = 0, max = 700) Integer> rooms,
            @ForAll @IntRange(min = 0, max = 3) int offset, @ForAll boolean direct) {
        ServerConfig serverConfig = ServerConfig.builder().hostname(HOST).sslContext(SERVER_CONTEXT).build();
        ClientConfig clientConfig = ClientConfig.builder(HOST).trustAnchors(List.of(TestPki.ca(KeyType.EC_P256))).build();
        Destinations destinations = new Destinations(rooms, offset, direct);
        ByteArrayOutputStream toServer = new ByteArrayOutputStream();
        ByteArrayOutputStream toClient = new ByteArrayOutputStream();

        Negotiation server = destinations.feed(protocol.server().apply(serverConfig), (n, d) -> d == null ? n.begin(NOW) : n.begin(d, NOW),
                toClient);
        Negotiation client = destinations.feed(protocol.client().apply(clientConfig), (n, d) -> d == null ? n.begin(NOW) : n.begin(d, NOW),
                toServer);
        for (int round = 0; round < 20 && !server.isFinished(); round++) {
            byte[] forServer = take(toServer);
            if (forServer.length > 0) {
                server = destinations.feed(server, received(forServer), toClient);
            }
            byte[] forClient = take(toClient);
            if (forClient.length > 0 && !client.isFinished()) {
                client = destinations.feed(client, received(forClient), toServer);
            }
        }

        assertThat(server.outcome()).get().isInstanceOf(Outcome.Secured.class);
        assertThat(client.state()).as("the client's handshake completed: it asks its capabilities inside TLS")
                .startsWith(Negotiation.INSIDE_TLS);
        assertThat(destinations.compared).as("plaintext transitions compared with the owned form").isGreaterThanOrEqualTo(2);
    }

    /** One input, in its owned form ({@code destination} null) or its destination form. */
    @FunctionalInterface
    private interface Input {
        Transition apply(Negotiation state, ByteBuffer destination);
    }

    private static Input received(byte[] bytes) {
        return (n, d) -> d == null ? n.onReceived(ByteBuffer.wrap(bytes), NOW) : n.onReceived(ByteBuffer.wrap(bytes), d, NOW);
    }

    /** Hands out destinations of the given rooms in turn, and checks each transition against the owned form where it can. */
    private static final class Destinations {
        private final List<Integer> rooms;
        private final int offset;
        private final boolean direct;
        private int next;
        int compared;

        Destinations(List<Integer> rooms, int offset, boolean direct) {
            this.rooms = rooms;
            this.offset = offset;
            this.direct = direct;
        }

        /** Feeds {@code input} with a destination; what it wrote there, then the owned rest, goes to {@code wire}. */
        Negotiation feed(Negotiation state, Input input, ByteArrayOutputStream wire) {
            byte[] owned = reusable(state) ? input.apply(state, null).outboundBytes() : null;
            int room = rooms.get(next++ % rooms.size());
            ByteBuffer destination = (direct ? ByteBuffer.allocateDirect(offset + room) : ByteBuffer.allocate(offset + room)).position(offset);

            Transition t = input.apply(state, destination);

            assertThat(destination.position() - offset).isEqualTo(t.outboundWritten());
            assertThat(t.outboundWritten()).isLessThanOrEqualTo(room);
            if (t.outboundWritten() < room) {
                assertThat(t.outbound().hasRemaining()).as("bytes owned while the destination had room").isFalse();
            }
            byte[] written = new byte[t.outboundWritten()];
            destination.flip().position(offset);
            destination.get(written);
            byte[] sent = concat(written, t.outboundBytes());
            if (owned != null && !ownsEngine(t.next())) { // a ClientHello is random: made twice, it differs
                assertThat(sent).isEqualTo(owned);
                compared++;
            }
            wire.writeBytes(sent);
            return t.next();
        }
    }

    /** Whether a state can be fed twice: neither finished nor holding an engine. */
    private static boolean reusable(Negotiation state) {
        return !state.isFinished() && !ownsEngine(state);
    }

    private static boolean ownsEngine(Negotiation state) {
        return state.state().equals("Handshaking") || state.state().equals("AwaitingDelegatedTasks")
                || state.state().startsWith(Negotiation.INSIDE_TLS) || state.state().equals("Secured");
    }

    private static byte[] take(ByteArrayOutputStream bytes) {
        byte[] all = bytes.toByteArray();
        bytes.reset();
        return all;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
