package org.starttls4j.nio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.starttls4j.Failure;
import org.starttls4j.Negotiation;
import org.starttls4j.ServerConfig;
import org.starttls4j.TlsPolicy;
import org.starttls4j.imap.Imap;
import org.starttls4j.pop3.Pop3;
import org.starttls4j.smtp.Smtp;
import org.starttls4j.testing.TestPki;

/**
 * Resuming at STARTTLS, written as {@link PlaintextChannel#startTls}'s Javadoc says: an
 * opportunistic {@link NioServer} hands a plaintext connection to the application, whose own line
 * reader reads commands until STARTTLS/STLS and then hands the connection back with what it read.
 * A command pipelined behind STARTTLS is never answered, in plaintext or inside TLS.
 */
class ResumeTest {

    /** One protocol's words: a command the negotiation hands over, the STARTTLS command and its go-ahead. */
    enum Protocol {
        SMTP(Smtp::server, Smtp::serverResuming, "MAIL FROM:<a@example.test>", "STARTTLS", "220 2.0.0 Ready to start TLS",
                "RCPT TO:<evil@example.test>"),
        IMAP(Imap::server, Imap::serverResuming, "a SELECT INBOX", "b STARTTLS", "b OK Begin TLS negotiation now",
                "c LOGIN evil secret"),
        POP3(Pop3::server, Pop3::serverResuming, "STAT", "STLS", "+OK Begin TLS negotiation", "USER evil");

        final Function<ServerConfig, Negotiation> server;
        final Function<ServerConfig, Negotiation> resuming;
        final String handedOver;
        final String startTls;
        final String goAhead;
        final String injected;

        Protocol(Function<ServerConfig, Negotiation> server, Function<ServerConfig, Negotiation> resuming, String handedOver,
                 String startTls, String goAhead, String injected) {
            this.server = server;
            this.resuming = resuming;
            this.handedOver = handedOver;
            this.startTls = startTls;
            this.goAhead = goAhead;
            this.injected = injected;
        }
    }

    /** The application's own line reader over the plaintext channel, as an application would write it. */
    static final class LineReader {
        private final NegotiatedChannel channel;
        private final ByteBuffer buffer = ByteBuffer.allocate(4096);
        private String last;

        LineReader(NegotiatedChannel channel) {
            this.channel = channel;
            buffer.flip();
        }

        /** The next line without CRLF, or null at the end of the stream. */
        String next() throws IOException {
            while (true) {
                for (int i = buffer.position(); i + 1 < buffer.limit(); i++) {
                    if (buffer.get(i) == '\r' && buffer.get(i + 1) == '\n') {
                        byte[] line = new byte[i - buffer.position()];
                        buffer.get(line);
                        buffer.position(buffer.position() + 2);
                        last = new String(line, StandardCharsets.ISO_8859_1);
                        return last;
                    }
                }
                buffer.compact();
                int n = channel.read(buffer);
                buffer.flip();
                if (n < 0) {
                    return null;
                }
            }
        }

        /** The last line read, with its CRLF, and every byte the reader holds after it. */
        ByteBuffer commandAndRest() {
            byte[] command = (last + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
            return ByteBuffer.allocate(command.length + buffer.remaining()).put(command).put(buffer).flip();
        }
    }

    /** What the application saw and how the resume ended. */
    record Served(List<String> plaintextLines, List<String> tlsLines, Throwable resumeFailure) {
    }

    /** The application: answers plaintext commands with "OK <line>", resumes at STARTTLS, then echoes inside TLS. */
    static final class Application {
        final BlockingQueue<Served> served = new LinkedBlockingQueue<>();
        final Protocol protocol;
        final ServerConfig config;

        Application(Protocol protocol, ServerConfig config) {
            this.protocol = protocol;
            this.config = config;
        }

        void serve(NegotiatedChannel channel) {
            List<String> plain = Collections.synchronizedList(new ArrayList<>());
            List<String> tls = new ArrayList<>();
            try (NegotiatedChannel c = channel) {
                c.configureBlocking(true);
                LineReader lines = new LineReader(c);
                for (String line = lines.next(); line != null; line = lines.next()) {
                    plain.add(line);
                    if (line.equalsIgnoreCase(protocol.startTls)) {
                        NegotiatedChannel secure;
                        try {
                            secure = ((PlaintextChannel) c).startTls(protocol.resuming.apply(config), lines.commandAndRest());
                        } catch (NegotiationException e) {
                            served.add(new Served(plain, tls, e));
                            return;
                        }
                        try (NegotiatedChannel s = secure) {
                            LineReader inside = new LineReader(s);
                            for (String l = inside.next(); l != null; l = inside.next()) {
                                tls.add(l);
                                Fixtures.send(s, "OK " + l + "\r\n");
                            }
                        }
                        served.add(new Served(plain, tls, null));
                        return;
                    }
                    Fixtures.send(c, "OK " + line + "\r\n");
                }
                served.add(new Served(plain, tls, null));
            } catch (IOException e) {
                served.add(new Served(plain, tls, e));
            }
        }
    }

    /**
     * A server's plaintext channel whose application has just read STARTTLS: greeted, the
     * handed-over command and STARTTLS sent, both read through the application's own reader.
     *
     * @param plain       the handed-over channel, in blocking mode
     * @param fromCommand the STARTTLS line and what the reader holds after it
     */
    record AtStartTls(PlaintextChannel plain, ByteBuffer fromCommand) {
        static AtStartTls reach(Protocol p, Socket socket, BlockingQueue<PlaintextChannel> handed) throws Exception {
            assertThat(line(socket.getInputStream())).as("greeting").isNotNull();
            socket.getOutputStream().write((p.handedOver + "\r\n" + p.startTls + "\r\n").getBytes(StandardCharsets.US_ASCII));
            PlaintextChannel plain = handed.poll(30, TimeUnit.SECONDS);
            assertThat(plain).as("handed over").isNotNull();
            plain.configureBlocking(true);
            LineReader lines = new LineReader(plain);
            assertThat(lines.next()).isEqualTo(p.handedOver);
            assertThat(lines.next()).isEqualTo(p.startTls);
            return new AtStartTls(plain, lines.commandAndRest());
        }
    }

    static NioServer start(Application app) throws IOException {
        return NioServer.builder(app.config, app.protocol.server)
                .bind(Fixtures.anyLoopbackPort())
                .onSession(channel -> CompletableFuture.runAsync(() -> app.serve(channel)))
                .start();
    }

    static String line(InputStream in) throws IOException {
        StringBuilder s = new StringBuilder();
        for (int b = in.read(); b >= 0; b = in.read()) {
            s.append((char) b);
            if (s.length() >= 2 && s.charAt(s.length() - 2) == '\r' && s.charAt(s.length() - 1) == '\n') {
                return s.substring(0, s.length() - 2);
            }
        }
        return s.length() == 0 ? null : s.toString();
    }

    static String rest(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }

    static ServerConfig config() {
        return Fixtures.server(TlsPolicy.OPPORTUNISTIC).build();
    }

    /** Greeted, capabilities asked where the protocol allows, then the command that hands over, answered by the application. */
    static Socket handedOver(NioServer server, Protocol p) throws IOException {
        Socket socket = new Socket(server.localAddress().getAddress(), server.localAddress().getPort());
        InputStream in = socket.getInputStream();
        String greeting = line(in);
        assertThat(greeting).isNotNull();
        socket.getOutputStream().write((p.handedOver + "\r\n").getBytes(StandardCharsets.US_ASCII));
        assertThat(line(in)).isEqualTo("OK " + p.handedOver);
        return socket;
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void theApplicationResumesAtStartTlsAndTheSessionGoesOnInsideTls(Protocol p) throws Exception {
        Application app = new Application(p, config());
        try (NioServer server = start(app); Socket socket = handedOver(server, p)) {
            OutputStream out = socket.getOutputStream();
            out.write((p.startTls + "\r\n").getBytes(StandardCharsets.US_ASCII));
            assertThat(line(socket.getInputStream())).isEqualTo(p.goAhead);
            SSLContext context = TestPki.clientContextTrusting(TestPki.ca(Fixtures.KEY));
            try (SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(socket, Fixtures.HOST, 25, true)) {
                tls.startHandshake();
                tls.getOutputStream().write("NOOP inside\r\n".getBytes(StandardCharsets.US_ASCII));
                assertThat(line(tls.getInputStream())).isEqualTo("OK NOOP inside");
            }

            Served served = app.served.poll(30, TimeUnit.SECONDS);
            assertThat(served.resumeFailure()).isNull();
            assertThat(served.plaintextLines()).containsExactly(p.handedOver, p.startTls);
            assertThat(served.tlsLines()).containsExactly("NOOP inside");
        }
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void aCommandPipelinedBehindStartTlsIsNeverAnsweredButFailsAsPlaintextInjection(Protocol p) throws Exception {
        Application app = new Application(p, config());
        try (NioServer server = start(app); Socket socket = handedOver(server, p)) {
            // One packet: the application's reader frames both lines, the second already read when it resumes.
            socket.getOutputStream().write((p.startTls + "\r\n" + p.injected + "\r\n").getBytes(StandardCharsets.US_ASCII));

            assertThat(rest(socket.getInputStream())).as("no go-ahead, no answer to the injected command").isEmpty();
            Served served = app.served.poll(30, TimeUnit.SECONDS);
            assertThat(served.plaintextLines()).containsExactly(p.handedOver, p.startTls);
            assertThat(served.tlsLines()).isEmpty();
            assertThat(served.resumeFailure()).isInstanceOfSatisfying(NegotiationException.class,
                    e -> assertThat(e.failure().reason()).isEqualTo(Failure.Reason.PLAINTEXT_INJECTION));
        }
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void whileTheResumedNegotiationRunsTheApplicationCanNeitherWriteNorRead(Protocol p) throws Exception {
        Application app = new Application(p, config());
        BlockingQueue<PlaintextChannel> handed = new LinkedBlockingQueue<>();
        try (NioServer server = NioServer.builder(app.config, p.server).bind(Fixtures.anyLoopbackPort())
                .onSession(channel -> handed.add((PlaintextChannel) channel)).start();
             Socket socket = new Socket(server.localAddress().getAddress(), server.localAddress().getPort())) {
            InputStream in = socket.getInputStream();
            AtStartTls at = AtStartTls.reach(p, socket, handed);
            PlaintextChannel plain = at.plain();
            plain.setTimeout(java.time.Duration.ofMillis(100));
            assertThatThrownBy(() -> plain.read(ByteBuffer.allocate(10))).as("a wait on the view's own read waiter")
                    .isInstanceOf(java.net.SocketTimeoutException.class);
            assertThat(plain.socketChannel().isRegistered()).isTrue();

            NonBlockingNegotiation resumed = plain.startTlsNonBlocking(p.resuming.apply(app.config), at.fromCommand());

            assertThat(resumed.socketChannel().isRegistered()).as("the old view's waiter closed at the hand-back, not leaked")
                    .isFalse();
            assertThat(resumed.isFinished()).isFalse();
            assertThatThrownBy(() -> plain.write(Fixtures.ascii("250 queued into TLS?\r\n"))).isInstanceOf(ClosedChannelException.class);
            assertThatThrownBy(() -> plain.read(ByteBuffer.allocate(10))).isInstanceOf(ClosedChannelException.class);
            plain.close(); // the socket is the negotiation's: closing the old view leaves it open
            assertThat(resumed.socketChannel().isOpen()).isTrue();
            assertThat(line(in)).as("only the go-ahead went out").isEqualTo(p.goAhead);
            resumed.abort();
        }
    }

    @Test
    void theResumedNegotiationKeepsTheServersSettings() throws Exception {
        Protocol p = Protocol.SMTP;
        Application app = new Application(p, config());
        // A clock far in the past: the resumed negotiation's deadline shows which clock it reads.
        Instant then = Instant.parse("2001-01-01T00:00:00Z");
        BlockingQueue<PlaintextChannel> handed = new LinkedBlockingQueue<>();
        try (NioServer server = NioServer.builder(app.config, p.server).bind(Fixtures.anyLoopbackPort())
                .clock(Clock.fixed(then, ZoneOffset.UTC))
                .onSession(channel -> handed.add((PlaintextChannel) channel)).start();
             Socket socket = new Socket(server.localAddress().getAddress(), server.localAddress().getPort())) {
            AtStartTls at = AtStartTls.reach(p, socket, handed);

            NonBlockingNegotiation resumed = at.plain().startTlsNonBlocking(p.resuming.apply(app.config), at.fromCommand());

            assertThat(resumed.deadline()).hasValueSatisfying(d -> assertThat(d).isBetween(then, then.plusSeconds(3600)));
            resumed.abort();
        }
    }
}
