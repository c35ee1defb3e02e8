package org.starttls4j.pop3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.starttls4j.pop3.Fixtures.T0;
import static org.starttls4j.pop3.Fixtures.bytes;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.starttls4j.Event;
import org.starttls4j.Failure;
import org.starttls4j.Limits;
import org.starttls4j.Negotiation;
import org.starttls4j.TlsPolicy;
import org.starttls4j.Transition;

/**
 * Invariants over arbitrary input: fragmentation never changes the outcome, nothing makes the
 * core throw, and the bounds hold.
 */
class Pop3PropertiesTest {

    private static final String GREETING = Pop3ClientDialogTest.GREETING;
    private static final String CAPA_WITH_STLS = Pop3ClientDialogTest.CAPA_WITH_STLS;
    private static final String CAPA_WITHOUT_STLS = Pop3ClientDialogTest.CAPA_WITHOUT_STLS;

    /**
     * A conversation seen from one side: the peer's turns, each of which the peer sends only after
     * reading our previous command, so no fragmentation may merge two turns.
     */
    private record Case(Supplier<Negotiation> negotiation, List<String> turns) {
    }

    private static Case client(TlsPolicy policy, Limits limits, String... turns) {
        return new Case(() -> Pop3.client(Fixtures.client(policy, limits)), List.of(turns));
    }

    private static Case server(TlsPolicy policy, Limits limits, String... turns) {
        return new Case(() -> Pop3.server(Fixtures.serverBuilder(policy).limits(limits).build()), List.of(turns));
    }

    private static final Limits SMALL = new Limits(48, 4, 400, 0);

    private static final List<Case> CLIENT_CASES = List.of(
            client(TlsPolicy.OPPORTUNISTIC, Limits.DEFAULT, GREETING, CAPA_WITH_STLS, "-ERR not now\r\n"),
            client(TlsPolicy.REQUIRED, Limits.DEFAULT, GREETING, CAPA_WITHOUT_STLS),
            client(TlsPolicy.REQUIRED, Limits.DEFAULT, GREETING, "-ERR unknown\r\n", "+OK Begin TLS\r\n"),
            client(TlsPolicy.REQUIRED, Limits.DEFAULT, GREETING, CAPA_WITH_STLS, "+OK Begin TLS\r\n"),
            client(TlsPolicy.PLAINTEXT_ONLY, Limits.DEFAULT, GREETING, "+OK\r\n..X-DOT\r\nTOP\r\n.\r\n"),
            client(TlsPolicy.REQUIRED, Limits.DEFAULT, "-ERR go away\r\n"),
            client(TlsPolicy.REQUIRED, SMALL, GREETING, "+OK\r\nA\r\nB\r\nC\r\nD\r\n.\r\n"),
            client(TlsPolicy.REQUIRED, SMALL, GREETING, "+OK\r\nX-" + "A".repeat(60) + "\r\n.\r\n"),
            client(TlsPolicy.OPPORTUNISTIC, Limits.DEFAULT, GREETING, "+OK\r\nTOP\nSTLS\r\n.\r\n"));

    private static final List<Case> SERVER_CASES = List.of(
            server(TlsPolicy.REQUIRED, Limits.DEFAULT, "CAPA\r\n", "NOOP\r\n", "USER alice\r\n", "STAT\r\n", "STLS\r\n"),
            server(TlsPolicy.OPPORTUNISTIC, Limits.DEFAULT, "CAPA\r\n", "STAT\r\n"),
            server(TlsPolicy.OPPORTUNISTIC, Limits.DEFAULT, "capa\r\n", "AUTH PLAIN\r\n", "STLS x\r\n", "QUIT\r\n"),
            server(TlsPolicy.PLAINTEXT_ONLY, Limits.DEFAULT, "STLS\r\n", "XYZZY\r\n", "CAPA\r\n", "RETR 1\r\n"),
            server(TlsPolicy.REQUIRED, SMALL, "NOOP\r\n", "USER " + "a".repeat(60) + "\r\n"),
            server(TlsPolicy.REQUIRED, Limits.DEFAULT, "CAPA\r\n", "NO\0OP\r\n"));

    /** What one run produced: the events, the bytes sent before any TLS record, and whether TLS began. */
    private record Run(List<Event> events, String plaintextSent, boolean tlsBegan, boolean finished) {
    }

    /** Feeds each turn in pieces whose sizes cycle through {@code cuts}; an empty list feeds whole turns. */
    private static Run run(Case c, List<Integer> cuts) {
        Transition t = c.negotiation().get().begin(T0);
        List<Event> events = new ArrayList<>(t.events());
        ByteArrayOutputStream plain = new ByteArrayOutputStream();
        boolean tls = false;
        plain.writeBytes(t.outboundBytes());
        int cut = 0;
        for (String turn : c.turns()) {
            byte[] data = bytes(turn);
            int at = 0;
            while (at < data.length && !t.isFinished()) {
                int size = cuts.isEmpty() ? data.length : Math.min(cuts.get(cut++ % cuts.size()), data.length - at);
                t = t.next().onReceived(ByteBuffer.wrap(data, at, size), T0);
                at += size;
                events.addAll(t.events());
                boolean began = t.events().stream().anyMatch(e -> e instanceof Event.StartTlsAccepted);
                byte[] out = t.outboundBytes();
                if (began && out.length > 0 && out[0] == 0x16) {
                    tls = true; // the client's ClientHello: random, so not compared
                } else if (!tls) {
                    plain.writeBytes(out);
                }
            }
        }
        return new Run(events.stream().map(Pop3PropertiesTest::withoutPreview).toList(), Fixtures.text(plain.toByteArray()), tls,
                t.isFinished());
    }

    /**
     * A malformed-input failure without its peer reply: on a framing failure that reply is a
     * preview of the raw bytes buffered, and how much of the bad input had arrived depends on the
     * reads, by design. Reason and message must still agree.
     */
    private static Event withoutPreview(Event e) {
        if (e instanceof Event.Failed f && (f.failure().reason() == Failure.Reason.MALFORMED_REPLY
                || f.failure().reason() == Failure.Reason.MALFORMED_COMMAND)) {
            return new Event.Failed(Failure.of(f.failure().reason(), f.failure().message()));
        }
        return e;
    }

    @Property(tries = 400)
    void fragmentationNeverChangesWhatTheClientDoes(@ForAll @IntRange(min = 0, max = 8) int which,
                                                    @ForAll @Size(min = 1, max = 12) List<@IntRange(min = 1, max = 9) Integer> cuts) {
        Case c = CLIENT_CASES.get(which);
        Run whole = run(c, List.of());
        Run pieces = run(c, cuts);
        assertThat(pieces).isEqualTo(whole);
        assertThat(Fixtures.carriesCredentials(whole.plaintextSent())).isFalse();
    }

    @Property(tries = 300)
    void fragmentationNeverChangesWhatTheServerDoes(@ForAll @IntRange(min = 0, max = 5) int which,
                                                    @ForAll @Size(min = 1, max = 12) List<@IntRange(min = 1, max = 9) Integer> cuts) {
        Case c = SERVER_CASES.get(which);
        Run whole = run(c, List.of());
        Run pieces = run(c, cuts);
        assertThat(pieces).isEqualTo(whole);
    }

    // ---- arbitrary input ----

    private static final List<String> TOKENS = List.of("+OK", "-ERR", " ", "\r\n", "\r\n", "\r", "\n", ".", "..", ".\r\n",
            "STLS", "CAPA", "USER", "PASS", "APOP", "AUTH", "STAT", "RETR 1", "TOP", "SASL PLAIN", "QUIT", "NOOP", "\0", "\u0016\u0003\u0001\u0002\u0000",
            "<1.2@x>", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "\u00ff\u00fe");

    @Provide
    Arbitrary<byte[]> wire() {
        Arbitrary<byte[]> token = Arbitraries.of(TOKENS).map(Fixtures::bytes);
        Arbitrary<byte[]> noise = Arbitraries.bytes().array(byte[].class).ofMaxSize(8);
        Arbitrary<String> prefix = Arbitraries.of("", GREETING, GREETING + CAPA_WITH_STLS, GREETING + "-ERR\r\n", "CAPA\r\n",
                "CAPA\r\nNOOP\r\n");
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(4, token), net.jqwik.api.Tuple.of(1, noise)).list().ofMaxSize(60)
                .flatMap(parts -> prefix.map(p -> {
                    ByteArrayOutputStream all = new ByteArrayOutputStream();
                    all.writeBytes(bytes(p));
                    parts.forEach(all::writeBytes);
                    return all.toByteArray();
                }));
    }

    @Provide
    Arbitrary<TlsPolicy> policy() {
        return Arbitraries.of(TlsPolicy.PLAINTEXT_ONLY, TlsPolicy.OPPORTUNISTIC, TlsPolicy.REQUIRED);
    }

    /** Feeds {@code input} in pieces, then ends the stream; returns every event and the bytes fed before the end. */
    private static List<Event> feed(Negotiation negotiation, byte[] input, List<Integer> cuts, int[] fedOut) {
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
        fedOut[0] = at;
        if (!t.isFinished()) {
            Transition end = t.next().onEndOfStream(T0);
            events.addAll(end.events());
            assertThat(end.isFinished()).isTrue();
            assertThat(end.outcome()).isPresent();
        }
        return events;
    }

    @Property(tries = 500)
    void noInputMakesTheClientThrow(@ForAll("wire") byte[] input, @ForAll("policy") TlsPolicy policy,
                                    @ForAll @Size(min = 1, max = 8) List<@IntRange(min = 1, max = 64) Integer> cuts) {
        List<Event> events = feed(Pop3.client(Fixtures.client(policy)), input, cuts, new int[1]);
        assertThat(events.stream().filter(e -> e instanceof Event.Failed || e instanceof Event.Secured
                || e instanceof Event.HandedOverInPlaintext)).hasSize(1);
    }

    @Property(tries = 500)
    void noInputMakesTheServerThrow(@ForAll("wire") byte[] input, @ForAll("policy") TlsPolicy policy,
                                    @ForAll @Size(min = 1, max = 8) List<@IntRange(min = 1, max = 64) Integer> cuts) {
        List<Event> events = feed(Pop3.server(Fixtures.server(policy)), input, cuts, new int[1]);
        assertThat(events.stream().filter(e -> e instanceof Event.Failed || e instanceof Event.Secured
                || e instanceof Event.HandedOverInPlaintext)).hasSize(1);
        if (policy == TlsPolicy.REQUIRED) {
            assertThat(events).doesNotHaveAnyElementsOfTypes(Event.HandedOverInPlaintext.class);
        }
    }

    @Property(tries = 500)
    void theClientsBoundsHoldForAnyInput(@ForAll("wire") byte[] input, @ForAll("policy") TlsPolicy policy,
                                         @ForAll @Size(min = 1, max = 8) List<@IntRange(min = 1, max = 64) Integer> cuts) {
        int[] fed = new int[1];
        List<Event> events = feedUnended(Pop3.client(Fixtures.client(policy, SMALL)), input, cuts, fed);
        checkBounds(events, Arrays.copyOf(input, fed[0]));
    }

    @Property(tries = 500)
    void theServersBoundsHoldForAnyInput(@ForAll("wire") byte[] input, @ForAll("policy") TlsPolicy policy,
                                         @ForAll @Size(min = 1, max = 8) List<@IntRange(min = 1, max = 64) Integer> cuts) {
        int[] fed = new int[1];
        List<Event> events = feedUnended(Pop3.server(Fixtures.serverBuilder(policy).limits(SMALL).build()), input, cuts, fed);
        checkBounds(events, Arrays.copyOf(input, fed[0]));
    }

    private static List<Event> feedUnended(Negotiation negotiation, byte[] input, List<Integer> cuts, int[] fedOut) {
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
        fedOut[0] = at;
        if (!t.isFinished()) {
            events.add(new Event.Line(Event.Direction.RECEIVED, false, T0, "<still running>"));
        }
        return events;
    }

    /**
     * No line longer than the bound was ever read, no CAPA list longer than the bound was
     * reported, and a negotiation still reading plaintext holds less than a line and has received
     * no more than the plaintext bound.
     */
    private static void checkBounds(List<Event> events, byte[] fed) {
        boolean tls = events.stream().anyMatch(e -> e instanceof Event.StartTlsAccepted);
        boolean running = events.get(events.size() - 1) instanceof Event.Line l && l.text().equals("<still running>");
        events.stream().filter(e -> e instanceof Event.Line).map(e -> (Event.Line) e)
                .filter(l -> l.direction() == Event.Direction.RECEIVED && !l.text().equals("<still running>"))
                .forEach(l -> assertThat(l.text().length()).isLessThanOrEqualTo(SMALL.maxLineLength() - 2));
        events.stream().filter(e -> e instanceof Event.CapabilitiesReceived).map(e -> (Event.CapabilitiesReceived) e)
                .forEach(c -> assertThat(c.capabilities().list().size()).isLessThanOrEqualTo(SMALL.maxLinesPerReply() - 1));
        if (running && !tls) {
            assertThat(fed.length).isLessThanOrEqualTo(SMALL.maxPlaintextBytes());
            int lastLf = -1;
            for (int i = 0; i < fed.length; i++) {
                if (fed[i] == '\n') {
                    lastLf = i;
                }
            }
            assertThat(fed.length - (lastLf + 1)).as("bytes held without a line end").isLessThan(SMALL.maxLineLength());
        }
    }
}
