package org.starttls4j.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import org.starttls4j.Capabilities;
import org.starttls4j.Capability;
import org.starttls4j.ClientConfig;
import org.starttls4j.Event;
import org.starttls4j.Failure;
import org.starttls4j.Negotiation;
import org.starttls4j.Outcome;
import org.starttls4j.PlaintextSession;
import org.starttls4j.ServerConfig;
import org.starttls4j.TlsPolicy;
import org.starttls4j.Transition;
import org.starttls4j.testing.TestPki;
import org.starttls4j.testing.TestPki.KeyType;

/**
 * Test support for the SMTP tests: fixed names and time, configurations, and {@link Wire}, a
 * recorder that drives one {@link Negotiation} through the public API and keeps every byte it sent
 * and every event it reported.
 */
final class Wire {

    static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
    static final String HOST = "mail.example.test";
    static final String CLIENT_NAME = "client.example.test";
    static final String EHLO = "EHLO " + CLIENT_NAME + "\r\n";
    static final String HELO = "HELO " + CLIENT_NAME + "\r\n";
    static final String QUIT = "QUIT\r\n";
    static final String STARTTLS = "STARTTLS\r\n";
    static final String GREETING = "220 " + HOST + " ESMTP starttls4j\r\n";

    /** The only commands a client may send in plaintext under REQUIRED. */
    private static final Pattern NEGOTIATION_COMMAND = Pattern.compile("(EHLO|HELO) \\S+|STARTTLS|QUIT");

    private static SSLContext serverContext;

    private Negotiation state;
    private Transition last;
    private final ByteArrayOutputStream sent = new ByteArrayOutputStream();
    private final List<Event> events = new ArrayList<>();

    private Wire(Transition first) {
        record(first);
    }

    // ---------------------------------------------------------------- configurations

    /** A client config with the test CA as its only anchor and {@link #CLIENT_NAME}. */
    static ClientConfig.Builder clientBuilder(TlsPolicy policy) {
        return ClientConfig.builder(HOST).policy(policy).clientName(CLIENT_NAME)
                .trustAnchors(List.of(TestPki.ca(KeyType.EC_P256)));
    }

    static ClientConfig clientConfig(TlsPolicy policy) {
        return clientBuilder(policy).build();
    }

    /** One server context for every test: contexts are thread-safe and reusable. */
    static synchronized SSLContext serverContext() {
        if (serverContext == null) {
            serverContext = TestPki.server(KeyType.EC_P256, HOST).serverContext();
        }
        return serverContext;
    }

    /** A server config presenting a certificate for {@link #HOST} (never used by the plaintext-only tests). */
    static ServerConfig.Builder serverBuilder(TlsPolicy policy) {
        return ServerConfig.builder().hostname(HOST).policy(policy).sslContext(serverContext());
    }

    static ServerConfig serverConfig(TlsPolicy policy) {
        return serverBuilder(policy).build();
    }

    static Capabilities caps(String... specs) {
        List<Capability> list = new ArrayList<>();
        for (String spec : specs) {
            String[] words = spec.split(" ");
            list.add(new Capability(words[0], List.of(words).subList(1, words.length)));
        }
        return new Capabilities(list);
    }

    // ---------------------------------------------------------------- driving

    /** Records from an already made first transition on. */
    static Wire of(Transition first) {
        return new Wire(first);
    }

    static Wire client(ClientConfig config) {
        return new Wire(Smtp.client(config).begin(NOW));
    }

    static Wire client(TlsPolicy policy) {
        return client(clientConfig(policy));
    }

    static Wire server(ServerConfig config) {
        return new Wire(Smtp.server(config).begin(NOW));
    }

    static Wire server(TlsPolicy policy) {
        return server(serverConfig(policy));
    }

    /** Feeds {@code text} (one ISO-8859-1 character per byte) as one read. */
    Wire receive(String text) {
        return receive(latin1(text));
    }

    /** Feeds {@code text} as one read at {@code at}. */
    Wire receiveAt(Instant at, String text) {
        return record(state.onReceived(ByteBuffer.wrap(latin1(text)), at));
    }

    Wire receive(byte[] bytes) {
        return record(state.onReceived(ByteBuffer.wrap(bytes), NOW));
    }

    /** Feeds each string as its own read, in order. */
    Wire receiveEach(String... reads) {
        for (String read : reads) {
            receive(read);
        }
        return this;
    }

    Wire endOfStream() {
        return record(state.onEndOfStream(NOW));
    }

    Wire tick(Instant at) {
        return record(state.onTick(at));
    }

    private Wire record(Transition t) {
        last = t;
        state = t.next();
        sent.writeBytes(t.outboundBytes());
        events.addAll(t.events());
        return this;
    }

    // ---------------------------------------------------------------- observing

    Negotiation state() {
        return state;
    }

    Transition last() {
        return last;
    }

    /** Every byte sent so far, as ISO-8859-1 text. */
    String sent() {
        return new String(sent.toByteArray(), StandardCharsets.ISO_8859_1);
    }

    byte[] sentBytes() {
        return sent.toByteArray();
    }

    /** What the last transition sent, as ISO-8859-1 text. */
    String lastSent() {
        return new String(last.outboundBytes(), StandardCharsets.ISO_8859_1);
    }

    List<Event> events() {
        return List.copyOf(events);
    }

    List<Event> lastEvents() {
        return last.events();
    }

    boolean finished() {
        return state.isFinished();
    }

    Outcome outcome() {
        return state.outcome().orElseThrow(() -> new AssertionError("not finished: " + state));
    }

    Failure failure() {
        Outcome o = outcome();
        assertThat(o).as("outcome").isInstanceOf(Outcome.Failed.class);
        return ((Outcome.Failed) o).failure();
    }

    Failure.Reason reason() {
        return failure().reason();
    }

    PlaintextSession plaintext() {
        Outcome o = outcome();
        assertThat(o).as("outcome").isInstanceOf(Outcome.Plaintext.class);
        return ((Outcome.Plaintext) o).session();
    }

    /** The events of one type, in order. */
    <T extends Event> List<T> events(Class<T> type) {
        List<T> found = new ArrayList<>();
        for (Event e : events) {
            if (type.isInstance(e)) {
                found.add(type.cast(e));
            }
        }
        return found;
    }

    // ---------------------------------------------------------------- bytes

    static byte[] latin1(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    static String text(ByteBuffer buffer) {
        ByteBuffer view = buffer.duplicate();
        byte[] bytes = new byte[view.remaining()];
        view.get(bytes);
        return text(bytes);
    }

    /** Whether {@code bytes} contains a TLS record header (a handshake or alert record). */
    static boolean looksLikeTls(byte[] bytes) {
        for (int i = 0; i + 1 < bytes.length; i++) {
            if ((bytes[i] == 0x16 || bytes[i] == 0x15) && bytes[i + 1] == 0x03) {
                return true;
            }
        }
        return false;
    }

    /**
     * Splits what a client sent into its plaintext command lines and the TLS records after them,
     * and fails unless every plaintext line is EHLO, HELO, STARTTLS or QUIT, nothing but whole TLS
     * records follows the first record, and records only ever follow a STARTTLS.
     *
     * @return the plaintext lines, without CRLF
     */
    static List<String> assertOnlyNegotiationInPlaintext(byte[] sent) {
        List<String> lines = new ArrayList<>();
        int i = 0;
        while (i < sent.length && !isRecordHeader(sent, i)) {
            int end = indexOfCrlf(sent, i);
            assertThat(end).as("a plaintext line without CRLF at byte %d of %s", i, text(sent)).isGreaterThanOrEqualTo(0);
            String line = new String(sent, i, end - i, StandardCharsets.ISO_8859_1);
            assertThat(line).as("plaintext command under REQUIRED").matches(NEGOTIATION_COMMAND);
            lines.add(line);
            i = end + 2;
        }
        if (i < sent.length) {
            assertThat(lines).as("TLS records only after STARTTLS").endsWith("STARTTLS");
        }
        while (i < sent.length) {
            assertThat(isRecordHeader(sent, i)).as("a TLS record header at byte %d", i).isTrue();
            assertThat(i + 5).isLessThanOrEqualTo(sent.length);
            int length = ((sent[i + 3] & 0xff) << 8) | (sent[i + 4] & 0xff);
            assertThat(length).isBetween(1, (1 << 14) + 2048);
            i += 5 + length;
            assertThat(i).as("a whole TLS record").isLessThanOrEqualTo(sent.length);
        }
        return lines;
    }

    /** The lines a client sent in plaintext, from its transcript events. */
    static List<String> plaintextLinesSent(List<Event> events) {
        List<String> lines = new ArrayList<>();
        for (Event e : events) {
            if (e instanceof Event.Line && ((Event.Line) e).direction() == Event.Direction.SENT && !((Event.Line) e).encrypted()) {
                lines.add(((Event.Line) e).text());
            }
        }
        return lines;
    }

    private static boolean isRecordHeader(byte[] b, int i) {
        return i + 2 < b.length && b[i] >= 20 && b[i] <= 23 && b[i + 1] == 0x03 && b[i + 2] >= 0x01 && b[i + 2] <= 0x04;
    }

    private static int indexOfCrlf(byte[] b, int from) {
        for (int i = from; i + 1 < b.length; i++) {
            if (b[i] == '\r' && b[i + 1] == '\n') {
                return i;
            }
        }
        return -1;
    }
}
