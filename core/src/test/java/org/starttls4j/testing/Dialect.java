package org.starttls4j.testing;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import org.starttls4j.Capabilities;
import org.starttls4j.Capability;
import org.starttls4j.ClientConfig;
import org.starttls4j.Event;
import org.starttls4j.Failure;
import org.starttls4j.Limits;
import org.starttls4j.Negotiation;
import org.starttls4j.Outcome;
import org.starttls4j.ServerConfig;
import org.starttls4j.TlsPolicy;
import org.starttls4j.Transition;

/**
 * What the tests of a dialect (LMTP, ManageSieve, NNTP) share: its two entry points, one test
 * PKI, configurations, a scripted driver and the runs the jqwik properties compare.
 *
 * @param client the client entry point
 * @param server the server entry point
 */
public record Dialect(Function<ClientConfig, Negotiation> client, Function<ServerConfig, Negotiation> server) {

    /** The one instant every test runs at, so that events compare equal. */
    public static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");
    /** The server's name, in its certificate and the client's configuration. */
    public static final String HOST = "mail.example.test";
    /** The test PKI's key type. */
    public static final TestPki.KeyType KEY = TestPki.KeyType.EC_P256;
    /** Small bounds, for the bounds properties. */
    public static final Limits SMALL = new Limits(48, 4, 400, 16);

    private static SSLContext serverContext;

    /** One server context for all tests: making one is slow, and it is thread-safe. */
    public static synchronized SSLContext serverContext() {
        if (serverContext == null) {
            serverContext = TestPki.server(KEY, HOST).serverContext();
        }
        return serverContext;
    }

    /** Capabilities from lines of space-separated words, each line one capability. */
    public static Capabilities caps(String... lines) {
        return new Capabilities(Arrays.stream(lines).map(line -> {
            String[] words = line.split(" ");
            return new Capability(words[0], Arrays.asList(words).subList(1, words.length));
        }).toList());
    }

    /** A client configuration trusting the test CA. */
    public static ClientConfig.Builder clientBuilder(TlsPolicy policy) {
        return ClientConfig.builder(HOST).policy(policy).trustAnchors(List.of(TestPki.ca(KEY)));
    }

    /** A server configuration with the test certificate and the given capabilities. */
    public static ServerConfig.Builder serverBuilder(TlsPolicy policy, Capabilities before, Capabilities after) {
        return ServerConfig.builder().policy(policy).hostname(HOST).sslContext(serverContext())
                .capabilitiesBeforeTls(before).capabilitiesAfterTls(after);
    }

    /** Text as the ISO-8859-1 bytes it travels as. */
    public static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Bytes as ISO-8859-1 text. */
    public static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    /** Drives one negotiation by hand, one read at a time, and keeps what it sent and reported. */
    public static final class Script {
        private Transition last;
        private final ByteArrayOutputStream sent = new ByteArrayOutputStream();
        private final List<Event> events = new ArrayList<>();

        private Script(Transition first) {
            take(first);
        }

        /** Begins {@code negotiation} at {@link #T0}. */
        public static Script begin(Negotiation negotiation) {
            return new Script(negotiation.begin(T0));
        }

        /** Feeds {@code text} as one read. */
        public Script receive(String text) {
            return take(last.next().onReceived(ByteBuffer.wrap(bytes(text)), T0));
        }

        /** Tells the negotiation the peer closed. */
        public Script endOfStream() {
            return take(last.next().onEndOfStream(T0));
        }

        private Script take(Transition t) {
            last = t;
            sent.writeBytes(t.outboundBytes());
            events.addAll(t.events());
            return this;
        }

        /** Everything sent so far. */
        public String sent() {
            return text(sent.toByteArray());
        }

        /** What the last read made the negotiation send. */
        public String lastSent() {
            return text(last.outboundBytes());
        }

        /** The state to feed next. */
        public Negotiation negotiation() {
            return last.next();
        }

        /** Every event so far. */
        public List<Event> events() {
            return List.copyOf(events);
        }

        /** The events of one type. */
        public <E extends Event> List<E> events(Class<E> type) {
            return events.stream().filter(type::isInstance).map(type::cast).toList();
        }

        /** Whether the negotiation has finished. */
        public boolean finished() {
            return last.isFinished();
        }

        /** The outcome (the test fails if there is none). */
        public Outcome outcome() {
            return last.outcome().orElseThrow(() -> new AssertionError("not finished: " + last.next()));
        }

        /** The failure's reason (the test fails if the negotiation did not fail). */
        public Failure.Reason reason() {
            Outcome o = outcome();
            if (!(o instanceof Outcome.Failed failed)) {
                throw new AssertionError("expected a failure, got " + o);
            }
            return failed.failure().reason();
        }
    }

    /** What one run over a conversation produced: its events, the plaintext it sent, whether TLS began. */
    public record Run(List<Event> events, String plaintextSent, boolean tlsBegan, boolean finished) {
    }

    /**
     * Feeds each of the peer's {@code turns} in pieces whose sizes cycle through {@code cuts} (an
     * empty list feeds whole turns). A turn is what the peer sends after reading our last output,
     * so no split merges two turns.
     */
    public static Run run(Negotiation negotiation, List<String> turns, List<Integer> cuts) {
        Transition t = negotiation.begin(T0);
        List<Event> events = new ArrayList<>(t.events());
        ByteArrayOutputStream plain = new ByteArrayOutputStream();
        plain.writeBytes(t.outboundBytes());
        boolean tls = false;
        int cut = 0;
        for (String turn : turns) {
            byte[] data = bytes(turn);
            int at = 0;
            while (at < data.length && !t.isFinished()) {
                int size = cuts.isEmpty() ? data.length : Math.min(cuts.get(cut++ % cuts.size()), data.length - at);
                t = t.next().onReceived(ByteBuffer.wrap(data, at, size), T0);
                at += size;
                events.addAll(t.events());
                byte[] out = t.outboundBytes();
                boolean began = t.events().stream().anyMatch(e -> e instanceof Event.StartTlsAccepted);
                if (!tls && !(began && out.length > 0 && out[0] == 0x16)) {
                    plain.writeBytes(out); // a client's ClientHello is random, so not compared
                }
                tls |= began;
            }
        }
        return new Run(events.stream().map(Dialect::withoutPreview).toList(), text(plain.toByteArray()), tls, t.isFinished());
    }

    /** A framing failure without its peer reply, which previews however much of the bad input had arrived. */
    private static Event withoutPreview(Event e) {
        if (e instanceof Event.Failed f && (f.failure().reason() == Failure.Reason.MALFORMED_REPLY
                || f.failure().reason() == Failure.Reason.MALFORMED_COMMAND || f.failure().reason() == Failure.Reason.UNEXPECTED_REPLY)) {
            return new Event.Failed(Failure.of(f.failure().reason(), f.failure().message()));
        }
        return e;
    }

    /**
     * Feeds arbitrary {@code input} in pieces and, if still running, ends the stream; returns every
     * event. Exactly one ending event must come out, whatever the input.
     */
    public static List<Event> feedToTheEnd(Negotiation negotiation, byte[] input, List<Integer> cuts) {
        Transition t = negotiation.begin(T0);
        List<Event> events = new ArrayList<>(t.events());
        int at = 0;
        int cut = 0;
        while (at < input.length && !t.isFinished()) {
            int size = Math.min(cuts.get(cut++ % cuts.size()), input.length - at);
            t = t.next().onReceived(ByteBuffer.wrap(input, at, size), T0);
            at += size;
            events.addAll(t.events());
        }
        if (!t.isFinished()) {
            t = t.next().onEndOfStream(T0);
            events.addAll(t.events());
        }
        return events;
    }

    /** How many ending events (failed, secured, handed over in plaintext) are among {@code events}. */
    public static long endings(List<Event> events) {
        return events.stream().filter(e -> e instanceof Event.Failed || e instanceof Event.Secured
                || e instanceof Event.HandedOverInPlaintext).count();
    }

    /**
     * Feeds arbitrary {@code input} under {@link #SMALL} bounds and checks them: no line read
     * longer than the line bound, no capability list longer than the reply bound, and a
     * negotiation still reading plaintext holds less than a line and has received no more than the
     * plaintext bound.
     */
    public static void checkBounds(Negotiation negotiation, byte[] input, List<Integer> cuts) {
        Transition t = negotiation.begin(T0);
        List<Event> events = new ArrayList<>(t.events());
        int at = 0;
        int cut = 0;
        while (at < input.length && !t.isFinished()) {
            int size = Math.min(cuts.get(cut++ % cuts.size()), input.length - at);
            t = t.next().onReceived(ByteBuffer.wrap(input, at, size), T0);
            at += size;
            events.addAll(t.events());
        }
        for (Event e : events) {
            if (e instanceof Event.Line l && l.direction() == Event.Direction.RECEIVED && l.text().length() > SMALL.maxLineLength() - 2) {
                throw new AssertionError("a line longer than the bound was read: " + l.text());
            }
            if (e instanceof Event.CapabilitiesReceived c && c.capabilities().list().size() > SMALL.maxLinesPerReply()) {
                throw new AssertionError("a capability list longer than the bound: " + c.capabilities());
            }
        }
        boolean tls = events.stream().anyMatch(e -> e instanceof Event.StartTlsAccepted);
        if (!t.isFinished() && !tls) {
            if (at > SMALL.maxPlaintextBytes()) {
                throw new AssertionError(at + " plaintext bytes taken, more than the bound");
            }
            int lastLf = -1;
            for (int i = 0; i < at; i++) {
                if (input[i] == '\n') {
                    lastLf = i;
                }
            }
            if (at - (lastLf + 1) >= SMALL.maxLineLength()) {
                throw new AssertionError("more than a line held without a line end");
            }
        }
    }
}
