package org.starttls4j.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
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
 * Properties of both roles: fragmentation never changes the outcome, no input makes the core
 * throw, and the bounds hold whatever the peer sends.
 */
class ImapPropertiesTest {

    private static final Limits SMALL = new Limits(200, 12, 4096, 300);

    private static final ClientConfig REQUIRED_CLIENT = Wire.client(TlsPolicy.REQUIRED).toBuilder().limits(SMALL).build();
    private static final ClientConfig OPPORTUNISTIC_CLIENT = Wire.client(TlsPolicy.OPPORTUNISTIC).toBuilder().limits(SMALL).build();
    private static final ServerConfig REQUIRED_SERVER = Wire.server(TlsPolicy.REQUIRED).limits(SMALL).build();
    private static final ServerConfig OPPORTUNISTIC_SERVER = Wire.server(TlsPolicy.OPPORTUNISTIC).limits(SMALL).build();

    // ---- (1) fragmentation ----

    /** What the server says, one turn per client command: a turn never arrives before its command. */
    private static final List<String> CLIENT_SCRIPT = List.of(
            "* OK [REFERRAL imap://elsewhere.example.test/] hello\r\n",
            "* 2 EXISTS\r\n* OK [ALERT] hi\r\n" + fetch("A1 OK [CAPABILITY IMAP4rev1 AUTH=PLAIN]\r\n* BYE no\r\n")
                    + "* CAPABILITY IMAP4rev1 STARTTLS\r\n" + fetch("") + "* LIST () \"/\" {5}\r\nINBOX\r\nA1 OK done\r\n",
            "* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n" + fetch("x\r\ny") + "A2 NO [UNAVAILABLE] not today\r\n");

    private static String fetch(String literal) {
        return "* 1 FETCH (BODY[] {" + literal.length() + "}\r\n" + literal + ")\r\n";
    }

    private record Run(List<Event> events, byte[] sent, String state) {
    }

    /** Feeds each turn in pieces of the given sizes (used in a cycle). */
    private static Run feedInPieces(Negotiation start, List<String> turns, List<Integer> sizes) {
        List<Event> events = new ArrayList<>();
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        Transition t = start.begin(Wire.T0);
        events.addAll(t.events());
        sent.writeBytes(t.outboundBytes());
        int k = 0;
        for (String turn : turns) {
            byte[] bytes = turn.getBytes(StandardCharsets.ISO_8859_1);
            for (int at = 0; at < bytes.length && !t.isFinished(); ) {
                int n = sizes.isEmpty() ? bytes.length : Math.min(sizes.get(k++ % sizes.size()), bytes.length - at);
                t = t.next().onReceived(ByteBuffer.wrap(bytes, at, n), Wire.T0);
                at += n;
                events.addAll(t.events());
                sent.writeBytes(t.outboundBytes());
            }
        }
        return new Run(events, sent.toByteArray(), t.next().state());
    }

    @Property
    void clientFragmentationDoesNotMatter(@ForAll @Size(max = 30) List<@IntRange(min = 1, max = 40) Integer> sizes) {
        Run whole = feedInPieces(Imap.client(OPPORTUNISTIC_CLIENT), CLIENT_SCRIPT, List.of());
        Run pieces = feedInPieces(Imap.client(OPPORTUNISTIC_CLIENT), CLIENT_SCRIPT, sizes);
        assertThat(pieces.events()).isEqualTo(whole.events());
        assertThat(pieces.sent()).isEqualTo(whole.sent());
        assertThat(Wire.text(whole.sent())).isEqualTo("A1 CAPABILITY\r\nA2 STARTTLS\r\n");
        assertThat(whole.state()).isEqualTo("Plaintext");
    }

    /** What the client sends: the server may read it all in one go; STARTTLS comes last. */
    private static final List<String> SERVER_SCRIPT = List.of(
            "A1 CAPABILITY\r\nA2 NOOP\r\n* BAD\r\nA3 NOOP {7+}\r\nA4 OK\r\n\r\nA5 LOGIN {3}\r\nA6 LOGIN {3+}\r\njoe {6+}\r\nsecret\r\n"
                    + "A7 SELECT INBOX\r\nA8 STARTTLS\r\n");

    @Property
    void serverFragmentationDoesNotMatter(@ForAll @Size(max = 30) List<@IntRange(min = 1, max = 40) Integer> sizes) {
        Run whole = feedInPieces(Imap.server(REQUIRED_SERVER), SERVER_SCRIPT, List.of());
        Run pieces = feedInPieces(Imap.server(REQUIRED_SERVER), SERVER_SCRIPT, sizes);
        assertThat(pieces.events()).isEqualTo(whole.events());
        assertThat(pieces.sent()).isEqualTo(whole.sent());
        assertThat(whole.state()).isEqualTo("Handshaking");
        assertThat(Wire.text(whole.sent())).endsWith("A5 NO [PRIVACYREQUIRED] Must issue a STARTTLS command first\r\n"
                + "A6 NO [PRIVACYREQUIRED] Must issue a STARTTLS command first\r\nA7 BAD Must issue a STARTTLS command first\r\n"
                + "A8 OK Begin TLS negotiation now\r\n");
    }

    // ---- (2) nothing makes the core throw ----

    private static final List<String> RESPONSE_TOKENS = List.of("* ", "OK", "NO", "BAD", "BYE", "PREAUTH", "CAPABILITY", "STARTTLS",
            "IMAP4rev1", "A1", "A2", "A3", " ", "[", "]", "[CAPABILITY STARTTLS]", "[ALERT]", "+", "+ ", "{5}", "{0}", "{299}",
            "{301}", "~{3}", "{2+}", "1 FETCH (BODY[] ", ")", "\r\n", "\r\n", "\r\n", "\r", "\n", "\u0000", "\u00ff", "x", "\u0016\u0003\u0003",
            "* OK hi\r\n", "* OK [CAPABILITY IMAP4rev1 STARTTLS] hi\r\n", "* CAPABILITY IMAP4rev1 STARTTLS\r\n", "A1 OK done\r\n",
            "A2 OK go\r\n", "A1 OK go\r\n", "A1 NO x\r\n", "A2 BAD x\r\n", "* PREAUTH hi\r\n", "* 1 FETCH (BODY[] {3}\r\n");

    private static final List<String> COMMAND_TOKENS = List.of("A1 ", "A2 ", "* ", "+ ", "CAPABILITY", "NOOP", "LOGOUT", "STARTTLS",
            "LOGIN", "AUTHENTICATE", "SELECT", " ", "{3}", "{3+}", "{0+}", "{301+}", "{5-}", "x", "joe", "\r\n", "\r\n", "\r\n",
            "\r", "\n", "\u0000", "\u00e9", "\u0016\u0003\u0001",
            "A1 STARTTLS\r\n", "A1 CAPABILITY\r\n", "A2 NOOP\r\n", "A3 LOGIN joe secret\r\n", "A4 LOGOUT\r\n", "A5 NOOP {3+}\r\n");

    /** Plausible server lines, so that generated dialogs get past the greeting and reach STARTTLS. */
    private static final List<String> RESPONSE_LINES = List.of("* OK [CAPABILITY IMAP4rev1 STARTTLS] hi\r\n",
            "* CAPABILITY IMAP4rev1 STARTTLS\r\n", "A1 OK done\r\n", "A2 OK go\r\n", "A1 NO x\r\n", "A2 NO x\r\n",
            "A1 BAD x\r\n", "A3 OK x\r\n", "* 1 FETCH (BODY[] {3}\r\n", "abc)\r\n", "* BYE\r\n", "* PREAUTH hi\r\n",
            "+ go\r\n", "* 3 EXISTS\r\n", "* OK [ALERT] x\r\n");

    private static final List<String> COMMAND_LINES = List.of("A1 STARTTLS\r\n", "A1 CAPABILITY\r\n", "A2 NOOP\r\n",
            "A3 LOGIN joe secret\r\n", "A3 AUTHENTICATE PLAIN\r\n", "A4 LOGOUT\r\n", "A5 NOOP {3+}\r\n", "abc\r\n",
            "A6 SELECT INBOX\r\n", "* BAD\r\n", "A7 STARTTLS x\r\n");

    @Provide
    Arbitrary<List<byte[]>> responses() {
        Arbitrary<String> greeting = Arbitraries.of("* OK hi\r\n", "* OK [CAPABILITY IMAP4rev1 STARTTLS] hi\r\n", "* PREAUTH hi\r\n", "");
        return Combinators.combine(greeting, dialog(RESPONSE_LINES, RESPONSE_TOKENS)).as((first, rest) -> {
            List<byte[]> all = new ArrayList<>();
            all.add(Wire.bytes(first));
            all.addAll(rest);
            return all;
        });
    }

    @Provide
    Arbitrary<List<byte[]>> commands() {
        return dialog(COMMAND_LINES, COMMAND_TOKENS);
    }

    /**
     * Reads of one to three lines each; a line is mostly a plausible one, sometimes a soup of
     * tokens (partial lines, bare CR or LF, NUL, literals, TLS record headers…).
     */
    private static Arbitrary<List<byte[]>> dialog(List<String> lines, List<String> tokens) {
        Arbitrary<String> soup = Arbitraries.of(tokens).list().ofMaxSize(8).map(list -> String.join("", list));
        Arbitrary<String> line = Arbitraries.frequencyOf(Tuple.of(4, Arbitraries.of(lines)), Tuple.of(1, soup));
        return line.list().ofMinSize(1).ofMaxSize(3).map(list -> Wire.bytes(String.join("", list))).list().ofMaxSize(8);
    }

    @Provide
    Arbitrary<List<byte[]>> noise() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(300).list().ofMaxSize(8);
    }

    private static Arbitrary<List<byte[]>> chunks(List<String> tokens) {
        return Arbitraries.of(tokens).list().ofMaxSize(20)
                .map(list -> String.join("", list).getBytes(StandardCharsets.ISO_8859_1))
                .list().ofMaxSize(6);
    }

    /** How a finished negotiation ended, for the statistics: the failure reason, or the outcome's kind. */
    private static String ending(Negotiation n) {
        Outcome o = n.outcome().orElseThrow();
        return o instanceof Outcome.Failed f ? f.failure().reason().name() : o.getClass().getSimpleName();
    }

    /** Feeds every chunk (stopping once finished), then the end of stream; returns the last state. */
    private static Negotiation feedAll(Negotiation start, List<byte[]> chunks) {
        Transition t = start.begin(Wire.T0);
        for (byte[] chunk : chunks) {
            if (t.isFinished()) {
                break;
            }
            t = t.next().onReceived(ByteBuffer.wrap(chunk), Wire.T0);
        }
        if (!t.isFinished()) {
            t = t.next().onTick(Wire.T0.plusSeconds(1));
        }
        if (!t.isFinished()) {
            t = t.next().onEndOfStream(Wire.T0.plusSeconds(2));
        }
        return t.next();
    }

    @Property
    void noResponseMakesTheClientThrow(@ForAll("responses") List<byte[]> chunks) {
        Negotiation required = feedAll(Imap.client(REQUIRED_CLIENT), chunks);
        assertThat(required.isFinished()).isTrue();
        Statistics.label("required client").collect(ending(required));
        Negotiation opportunistic = feedAll(Imap.client(OPPORTUNISTIC_CLIENT), chunks);
        assertThat(opportunistic.isFinished()).isTrue();
        Statistics.label("opportunistic client").collect(ending(opportunistic));
    }

    @Property
    void noBytesMakeTheClientThrow(@ForAll("noise") List<byte[]> chunks) {
        assertThat(feedAll(Imap.client(REQUIRED_CLIENT), chunks).isFinished()).isTrue();
    }

    @Property
    void noCommandMakesTheServerThrow(@ForAll("commands") List<byte[]> chunks) {
        Negotiation required = feedAll(Imap.server(REQUIRED_SERVER), chunks);
        assertThat(required.isFinished()).isTrue();
        Statistics.label("required server").collect(ending(required));
        Negotiation opportunistic = feedAll(Imap.server(OPPORTUNISTIC_SERVER), chunks);
        assertThat(opportunistic.isFinished()).isTrue();
        Statistics.label("opportunistic server").collect(ending(opportunistic));
    }

    @Property
    void noBytesMakeTheServerThrow(@ForAll("noise") List<byte[]> chunks) {
        assertThat(feedAll(Imap.server(REQUIRED_SERVER), chunks).isFinished()).isTrue();
    }

    @Property
    void aRequiredServerNeverEndsInPlaintext(@ForAll("commands") List<byte[]> chunks) {
        assertThat(feedAll(Imap.server(REQUIRED_SERVER), chunks).outcome().orElseThrow()).isNotInstanceOf(Outcome.Plaintext.class);
    }

    @Property
    void aRequiredClientNeverEndsInPlaintextNorSendsCredentials(@ForAll("responses") List<byte[]> chunks) {
        Transition t = Imap.client(REQUIRED_CLIENT).begin(Wire.T0);
        StringBuilder plaintext = new StringBuilder();
        for (byte[] chunk : chunks) {
            if (t.isFinished()) {
                break;
            }
            t = t.next().onReceived(ByteBuffer.wrap(chunk), Wire.T0);
            t.events().stream().filter(e -> e instanceof Event.Line l && l.direction() == Event.Direction.SENT && !l.encrypted())
                    .forEach(e -> plaintext.append(((Event.Line) e).text()).append('\n'));
            if (t.outcome().isPresent()) {
                assertThat(t.outcome().get()).isNotInstanceOf(Outcome.Plaintext.class);
            }
        }
        assertThat(plaintext.toString()).matches("(A[0-9]+ (CAPABILITY|STARTTLS|LOGOUT)\n)*");
    }

    // ---- (3) bounds ----

    @Property
    void aLineThatNeverEndsFailsWithinTheBound(@ForAll @Size(200) List<@IntRange(min = 0, max = 255) Integer> raw,
                                               @ForAll @Size(max = 10) List<@IntRange(min = 1, max = 64) Integer> sizes) {
        byte[] bytes = new byte[raw.size()];
        for (int i = 0; i < bytes.length; i++) {
            int b = raw.get(i);
            bytes[i] = (byte) (b == '\n' ? 'x' : b);
        }
        // By the time maxLineLength bytes without LF arrived, the client has given up.
        Run run = feedInPieces(Imap.client(REQUIRED_CLIENT), List.of(Wire.text(bytes)), sizes);
        assertThat(run.state()).isEqualTo("Failed");
        Set<Failure.Reason> allowed = EnumSet.of(Failure.Reason.LINE_TOO_LONG, Failure.Reason.MALFORMED_REPLY);
        assertThat(run.events()).filteredOn(e -> e instanceof Event.Failed)
                .singleElement().matches(e -> allowed.contains(((Event.Failed) e).failure().reason()));
    }

    @Property
    void plaintextIsBoundedWhateverTheLines(@ForAll("untaggedLines") List<String> lines) {
        Transition t = Imap.client(REQUIRED_CLIENT).begin(Wire.T0);
        t = t.next().onReceived(ByteBuffer.wrap(Wire.bytes("* OK hi\r\n")), Wire.T0);
        long total = "* OK hi\r\n".length();
        for (String line : lines) {
            byte[] bytes = Wire.bytes(line);
            total += bytes.length;
            t = t.next().onReceived(ByteBuffer.wrap(bytes), Wire.T0);
            if (total > SMALL.maxPlaintextBytes()) {
                assertThat(t.outcome()).get().isInstanceOf(Outcome.Failed.class);
                assertThat(((Outcome.Failed) t.outcome().get()).failure().reason()).isEqualTo(Failure.Reason.TOO_MUCH_PLAINTEXT);
                return;
            }
            assertThat(t.isFinished()).isFalse();
        }
    }

    @Provide
    Arbitrary<List<String>> untaggedLines() {
        Arbitrary<String> line = Combinators.combine(Arbitraries.integers().between(0, 99999),
                        Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(150))
                .as((n, word) -> "* " + n + " " + word + "\r\n");
        return line.list().ofMinSize(20).ofMaxSize(80);
    }

    @Property
    void literalsAreBoundedBySize(@ForAll @IntRange(min = 0, max = 100_000) int size) {
        Transition t = Imap.client(REQUIRED_CLIENT).begin(Wire.T0);
        t = t.next().onReceived(ByteBuffer.wrap(Wire.bytes("* OK hi\r\n")), Wire.T0);
        t = t.next().onReceived(ByteBuffer.wrap(Wire.bytes("* 1 FETCH (BODY[] {" + size + "}\r\n")), Wire.T0);
        if (size > SMALL.maxLiteralSize()) {
            assertThat(((Outcome.Failed) t.outcome().orElseThrow()).failure().reason()).isEqualTo(Failure.Reason.REPLY_TOO_LONG);
        } else {
            assertThat(t.isFinished()).isFalse();
        }
    }

    @Property
    void literalContentIsNeverReadAsResponses(@ForAll("literalContent") String content) {
        Transition t = Imap.client(OPPORTUNISTIC_CLIENT).begin(Wire.T0);
        t = t.next().onReceived(ByteBuffer.wrap(Wire.bytes("* OK hi\r\n")), Wire.T0);
        String response = fetch(content) + "* CAPABILITY IMAP4rev1 STARTTLS\r\nA1 OK done\r\n";
        t = t.next().onReceived(ByteBuffer.wrap(Wire.bytes(response)), Wire.T0);
        assertThat(Wire.text(t.outboundBytes())).isEqualTo("A2 STARTTLS\r\n");
        assertThat(t.events()).contains(new Event.CapabilitiesReceived(ImapClientTest.caps("IMAP4rev1", "STARTTLS"), false));
    }

    @Provide
    Arbitrary<String> literalContent() {
        Arbitrary<String> line = Arbitraries.oneOf(
                Arbitraries.of("A1 OK [CAPABILITY IMAP4rev1] fake", "* BYE fake", "A2 OK go", "+ more", "* CAPABILITY EVIL", "", ")"),
                Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(30));
        // Lines joined by CRLF, possibly ending mid-line; at most 8 lines, so within the bound of 12.
        return line.list().ofMaxSize(8).map(lines -> String.join("\r\n", lines)).filter(s -> s.length() <= SMALL.maxLiteralSize());
    }
}
