package org.starttls4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
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
 * However the network cuts the bytes (a TLS record split over reads, several records in one
 * read, a handshake flight one byte at a time), a negotiation ends the same way: both sides
 * secured, the client holding the capabilities the server announced inside TLS, and the first
 * bytes of the application crossing intact. This holds the pump's buffering to account: it keeps
 * only what the engine left (an incomplete record) between reads.
 */
class FragmentedTlsPropertiesTest {

    private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
    private static final String HOST = "mail.example.test";
    private static final SSLContext SERVER_CONTEXT = TestPki.server(KeyType.EC_P256, HOST).serverContext();
    private static final Capabilities AFTER_TLS = new Capabilities(List.of(new Capability("XFRAGMENTED", List.of())));

    /** One protocol: how to start each side and how the application behind the server answers the first command. */
    private record Protocol(String name, Function<ClientConfig, Negotiation> client, Function<ServerConfig, Negotiation> server,
                            ReplyAfterTls reply) {
        @Override
        public String toString() {
            return name;
        }
    }

    @FunctionalInterface
    private interface ReplyAfterTls {
        String to(ServerConfig config, String firstLine);
    }

    @Provide
    Arbitrary<Protocol> protocols() {
        return Arbitraries.of(
                new Protocol("SMTP", Smtp::client, Smtp::server,
                        (config, line) -> Smtp.ehloReplyAfterTls(config, line.substring(line.indexOf(' ') + 1))),
                new Protocol("IMAP", Imap::client, Imap::server,
                        (config, line) -> Imap.capabilityResponseAfterTls(config, line.substring(0, line.indexOf(' ')))),
                new Protocol("POP3", Pop3::client, Pop3::server, (config, line) -> Pop3.capaReplyAfterTls(config)));
    }

    @Provide
    Arbitrary<String> versions() {
        return Arbitraries.of("TLSv1.3", "TLSv1.2");
    }

    @Property(tries = 120)
    void everyWayOfCuttingTheBytesEndsSecuredOnBothSides(@ForAll("protocols") Protocol protocol, @ForAll("versions") String version,
            @ForAll @Size(min = 1, max = 6) List<@IntRange(min = 1, max = 900) Integer> cuts) {
        ServerConfig serverConfig = ServerConfig.builder().hostname(HOST)
                .engineFactory((host, port) -> {
                    javax.net.ssl.SSLEngine engine = SERVER_CONTEXT.createSSLEngine();
                    engine.setEnabledProtocols(new String[] {version});
                    return engine;
                })
                .capabilitiesAfterTls(AFTER_TLS).build();
        ClientConfig clientConfig = ClientConfig.builder(HOST).trustAnchors(List.of(TestPki.ca(KeyType.EC_P256))).build();

        Pair pair = new Pair(protocol.client().apply(clientConfig), protocol.server().apply(serverConfig), new Cutter(cuts),
                line -> protocol.reply().to(serverConfig, line));
        pair.run();

        assertThat(pair.client.outcome()).get().isInstanceOf(Outcome.Secured.class);
        assertThat(pair.server.outcome()).get().isInstanceOf(Outcome.Secured.class);
        SecureSession client = ((Outcome.Secured) pair.client.outcome().get()).session();
        SecureSession server = ((Outcome.Secured) pair.server.outcome().get()).session();
        assertThat(client.tls().protocol()).isEqualTo(version);
        assertThat(client.capabilities().has("XFRAGMENTED")).isTrue();
        assertThat(client.capabilities().has("STARTTLS")).isFalse();
        byte[] mail = "MAIL FROM:<a@example.test>\r\n".repeat(50).getBytes(StandardCharsets.US_ASCII);
        assertThat(pair.sendThroughTls(client, server, mail)).isEqualTo(mail);
    }

    /** Cuts a byte stream into pieces of the given sizes, in turn. */
    private static final class Cutter {
        private final List<Integer> sizes;
        private int next;

        Cutter(List<Integer> sizes) {
            this.sizes = sizes;
        }

        List<ByteBuffer> cut(byte[] bytes) {
            List<ByteBuffer> pieces = new ArrayList<>();
            for (int from = 0; from < bytes.length; ) {
                int size = Math.min(sizes.get(next++ % sizes.size()), bytes.length - from);
                pieces.add(ByteBuffer.wrap(bytes, from, size).slice().asReadOnlyBuffer());
                from += size;
            }
            return pieces;
        }
    }

    /** A client and a server in memory, each read cut by the cutter, the server's application answering once it is secured. */
    private static final class Pair {
        private Negotiation client;
        private Negotiation server;
        private final Cutter cutter;
        private final Function<String, String> application;
        private final ByteArrayOutputStream toServer = new ByteArrayOutputStream();
        private final ByteArrayOutputStream toClient = new ByteArrayOutputStream();
        private final ByteArrayOutputStream serverApplicationInput = new ByteArrayOutputStream();
        private final ByteBuffer serverNet = ByteBuffer.allocate(1 << 16).flip(); // read mode: records not yet decrypted
        private boolean answered;

        Pair(Negotiation client, Negotiation server, Cutter cutter, Function<String, String> application) {
            this.cutter = cutter;
            this.application = application;
            Transition s = server.begin(NOW);
            this.server = s.next();
            toClient.writeBytes(s.outboundBytes());
            Transition c = client.begin(NOW);
            this.client = c.next();
            toServer.writeBytes(c.outboundBytes());
        }

        void run() {
            for (int round = 0; round < 200 && !client.isFinished(); round++) {
                byte[] forServer = take(toServer);
                if (!server.isFinished()) {
                    for (ByteBuffer piece : cutter.cut(forServer)) {
                        if (server.isFinished()) {
                            serverApplication(piece); // what arrives after the hand-over is the application's
                            continue;
                        }
                        Transition t = server.onReceived(piece, NOW);
                        server = t.next();
                        toClient.writeBytes(t.outboundBytes());
                        if (server.isFinished()) {
                            serverApplication(piece);
                        }
                    }
                } else {
                    serverApplication(ByteBuffer.wrap(forServer));
                }
                for (ByteBuffer piece : cutter.cut(take(toClient))) {
                    if (!client.isFinished()) {
                        Transition t = client.onReceived(piece, NOW);
                        client = t.next();
                        toServer.writeBytes(t.outboundBytes());
                    }
                }
            }
        }

        /** Decrypts what reached the secured server; answers the first whole line with the reply inside TLS. */
        private void serverApplication(ByteBuffer piece) {
            SecureSession session = ((Outcome.Secured) server.outcome().orElseThrow()).session();
            serverApplicationInput.writeBytes(decrypt(session, serverNet, piece));
            String input = serverApplicationInput.toString(StandardCharsets.ISO_8859_1);
            if (!answered && input.contains("\r\n")) {
                answered = true;
                String reply = application.apply(input.substring(0, input.indexOf("\r\n")));
                toClient.writeBytes(encrypt(session, reply.getBytes(StandardCharsets.ISO_8859_1)));
            }
        }

        byte[] sendThroughTls(SecureSession from, SecureSession to, byte[] data) {
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            ByteBuffer net = ByteBuffer.allocate(1 << 16).flip();
            for (ByteBuffer piece : cutter.cut(encrypt(from, data))) {
                received.writeBytes(decrypt(to, net, piece));
            }
            return received.toByteArray();
        }

        /** Adds {@code piece} to the records in {@code net} (read mode) and decrypts every whole one. */
        private static byte[] decrypt(SecureSession session, ByteBuffer net, ByteBuffer piece) {
            net.compact().put(piece).flip();
            ByteArrayOutputStream plaintext = new ByteArrayOutputStream();
            ByteBuffer plain = ByteBuffer.allocate(session.minApplicationBufferSize());
            do {
                plain.clear();
                TlsResult r = session.decrypt(net, plain);
                assertThat(r.status()).isNotIn(TlsResult.Status.FAILED, TlsResult.Status.CLOSED);
                plaintext.write(plain.array(), 0, plain.position());
            } while (plain.position() > 0 || session.hasBufferedPlaintext());
            return plaintext.toByteArray();
        }

        private static byte[] encrypt(SecureSession session, byte[] data) {
            ByteBuffer source = ByteBuffer.wrap(data);
            ByteBuffer net = ByteBuffer.allocate(session.minNetworkBufferSize() * (2 + data.length / 1000));
            while (source.hasRemaining()) {
                TlsResult w = session.encrypt(source, net);
                assertThat(w.status()).isEqualTo(TlsResult.Status.OK);
            }
            net.flip();
            byte[] bytes = new byte[net.remaining()];
            net.get(bytes);
            return bytes;
        }

        private static byte[] take(ByteArrayOutputStream stream) {
            byte[] bytes = stream.toByteArray();
            stream.reset();
            return bytes;
        }
    }
}
