package org.starttls4j.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.starttls4j.smtp.Wire.NOW;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.starttls4j.Event;
import org.starttls4j.Failure;
import org.starttls4j.Failure.Reason;
import org.starttls4j.Limits;
import org.starttls4j.Negotiation;
import org.starttls4j.Outcome;
import org.starttls4j.PlaintextSession;
import org.starttls4j.TlsPolicy;
import org.starttls4j.Transition;

/**
 * Properties over arbitrary splits and arbitrary bytes: fragmentation changes nothing, no input
 * makes the core throw, and the bounds hold whatever arrives.
 */
class SmtpPropertiesTest {

    // ---------------------------------------------------------------- fragmentation, client

    /** A normal server transcript, one reply per command; STARTTLS refused so no TLS is needed. */
    static final List<String> SERVER_REPLIES = List.of(
            "220-mail.example.test ESMTP\r\n220-no UCE\r\n220 ready\r\n",
            "250-mail.example.test greets client.example.test\r\n250-SIZE 35882577\r\n250-auth PLAIN LOGIN\r\n250-8BITMIME\r\n250 STARTTLS\r\n",
            "454 4.7.0 TLS not available due to temporary reason\r\n");

    /** What a client does with {@link #SERVER_REPLIES}, each reply fed as the reads given. */
    record Run(List<Event> events, byte[] sent, String state, Outcome outcome) {
    }

    static Run runClient(TlsPolicy policy, List<List<byte[]>> readsPerReply) {
        Transition t = Smtp.client(Wire.clientConfig(policy)).begin(NOW);
        List<Event> events = new ArrayList<>(t.events());
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        sent.writeBytes(t.outboundBytes());
        for (List<byte[]> reads : readsPerReply) {
            for (byte[] read : reads) {
                if (t.isFinished()) {
                    break;
                }
                t = t.next().onReceived(ByteBuffer.wrap(read), NOW);
                events.addAll(t.events());
                sent.writeBytes(t.outboundBytes());
            }
        }
        return new Run(events, sent.toByteArray(), t.next().state(), t.outcome().orElse(null));
    }

    /** Splits {@code bytes} at the given positions (taken modulo its length + 1); empty reads included. */
    static List<byte[]> split(byte[] bytes, List<Integer> cuts) {
        TreeSet<Integer> at = new TreeSet<>();
        for (int c : cuts) {
            at.add(c % (bytes.length + 1));
        }
        List<byte[]> pieces = new ArrayList<>();
        int from = 0;
        for (int cut : at) {
            pieces.add(java.util.Arrays.copyOfRange(bytes, from, cut));
            from = cut;
        }
        pieces.add(java.util.Arrays.copyOfRange(bytes, from, bytes.length));
        return pieces;
    }

    @Provide
    Arbitrary<TlsPolicy> plaintextPolicies() {
        return Arbitraries.of(TlsPolicy.REQUIRED, TlsPolicy.OPPORTUNISTIC, TlsPolicy.PLAINTEXT_ONLY);
    }

    @Property(tries = 200)
    void splittingEachServerReplyIntoFragmentsChangesNothing(@ForAll("plaintextPolicies") TlsPolicy policy,
            @ForAll @Size(3) List<@Size(max = 8) List<@IntRange(min = 0, max = 10_000) Integer>> cuts) {
        List<List<byte[]>> whole = new ArrayList<>();
        List<List<byte[]>> fragmented = new ArrayList<>();
        for (int i = 0; i < SERVER_REPLIES.size(); i++) {
            byte[] reply = Wire.latin1(SERVER_REPLIES.get(i));
            whole.add(List.of(reply));
            fragmented.add(split(reply, cuts.get(i)));
        }

        Run expected = runClient(policy, whole);
        Run actual = runClient(policy, fragmented);

        assertThat(actual.events()).isEqualTo(expected.events());
        assertThat(actual.sent()).isEqualTo(expected.sent());
        assertThat(actual.state()).isEqualTo(expected.state());
        assertThat(actual.outcome()).isEqualTo(expected.outcome()).isNotNull();
    }

    // ---------------------------------------------------------------- fragmentation, server

    /** A server's run over a command stream: events made comparable, bytes sent, what the application got. */
    record ServerRun(List<String> events, byte[] sent, String state, String application) {
    }

    static ServerRun runServer(TlsPolicy policy, List<byte[]> reads) {
        Transition t = Smtp.server(Wire.serverConfig(policy)).begin(NOW);
        List<String> events = new ArrayList<>();
        t.events().forEach(e -> events.add(comparable(e)));
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        sent.writeBytes(t.outboundBytes());
        StringBuilder application = new StringBuilder();
        for (byte[] read : reads) {
            if (t.isFinished()) {
                application.append(Wire.text(read)); // the application reads these itself
                continue;
            }
            t = t.next().onReceived(ByteBuffer.wrap(read), NOW);
            t.events().forEach(e -> events.add(comparable(e)));
            sent.writeBytes(t.outboundBytes());
            if (t.outcome().orElse(null) instanceof Outcome.Plaintext) {
                application.append(Wire.text(((Outcome.Plaintext) t.outcome().get()).session().unread()));
            }
        }
        return new ServerRun(events, sent.toByteArray(), t.next().state(), application.toString());
    }

    /**
     * Events as text, with the two that carry how much of the stream was read at the hand-over
     * (the preview and the unread bytes differ with the split) reduced to what must not differ.
     */
    static String comparable(Event e) {
        if (e instanceof Event.FellBackToPlaintext) {
            return "FellBackToPlaintext " + ((Event.FellBackToPlaintext) e).cause().reason();
        }
        if (e instanceof Event.HandedOverInPlaintext) {
            PlaintextSession s = ((Event.HandedOverInPlaintext) e).session();
            return "HandedOverInPlaintext " + s.capabilities() + " " + s.fallbackCause().map(Failure::reason);
        }
        return e.toString();
    }

    static String commandsFor(TlsPolicy policy) {
        switch (policy) {
            case REQUIRED:
                return "EHLO client.example.test\r\nNOOP\r\nMAIL FROM:<a@b>\r\nHELP\r\nrset\r\nVRFY x\r\nXYZZY\r\nSTARTTLS\r\n";
            case OPPORTUNISTIC:
                return "EHLO client.example.test\r\nNOOP\r\nHELP\r\nAUTH PLAIN x\r\nMAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\n";
            default:
                return "EHLO client.example.test\r\nSTARTTLS\r\nHELO c\r\nNOOP\r\nQUIT\r\n";
        }
    }

    @Property(tries = 200)
    void splittingTheClientsCommandsIntoFragmentsChangesNothing(@ForAll("plaintextPolicies") TlsPolicy policy,
            @ForAll @Size(max = 12) List<@IntRange(min = 0, max = 10_000) Integer> cuts) {
        byte[] commands = Wire.latin1(commandsFor(policy));

        ServerRun expected = runServer(policy, List.of(commands));
        ServerRun actual = runServer(policy, split(commands, cuts));

        assertThat(actual.events()).isEqualTo(expected.events());
        assertThat(actual.sent()).isEqualTo(expected.sent());
        assertThat(actual.state()).isEqualTo(expected.state()).isIn("Handshaking", "Plaintext", "Failed");
        assertThat(actual.application()).isEqualTo(expected.application());
        if (policy == TlsPolicy.OPPORTUNISTIC) {
            assertThat(actual.application()).isEqualTo("MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\n");
        }
    }

    // ---------------------------------------------------------------- arbitrary bytes never throw

    static final List<String> SERVER_TOKENS = List.of("220 mail\r\n", "220-mail\r\n", "250-SIZE 10\r\n", "250 STARTTLS\r\n", "250-mail\r\n250 STARTTLS\r\n",
            "250 OK\r\n", "220 go\r\n", "454 no\r\n", "421 bye\r\n", "502 no\r\n", "554 no\r\n", "354 go\r\n", "\r\n", "\r", "\n",
            "\u0000", "2", "25", "0-", " ", "\u00ff", "\u0016\u0003\u0003\u0000\u0005hello", "\u0015\u0003\u0003\u0000\u0002\u0001\u0000");
    static final List<String> CLIENT_TOKENS = List.of("EHLO c\r\n", "HELO c\r\n", "NOOP\r\n", "STARTTLS\r\n", "STARTTLS x\r\n",
            "MAIL FROM:<a@b>\r\n", "QUIT\r\n", "AUTH PLAIN x\r\n", "RSET\r\n", "HELP\r\n", "\r\n", "\r", "\n", "\u0000", "S", "\u00e9",
            "\u0016\u0003\u0001\u0000\u0005hello", "\u0015\u0003\u0003\u0000\u0002\u0001\u0000");

    static Arbitrary<List<byte[]>> reads(List<String> tokens) {
        Arbitrary<byte[]> token = Arbitraries.of(tokens).map(Wire::latin1);
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(40);
        return Arbitraries.oneOf(token, token, token, random).list().ofMaxSize(14);
    }

    @Provide
    Arbitrary<List<byte[]>> serverReads() {
        return reads(SERVER_TOKENS);
    }

    @Provide
    Arbitrary<List<byte[]>> clientReads() {
        return reads(CLIENT_TOKENS);
    }

    @Provide
    Arbitrary<TlsPolicy> anyPolicy() {
        return Arbitraries.of(TlsPolicy.class);
    }

    /** How the peer's input ends: it goes on (0), it hangs up (1), it falls silent until the deadline (2). */
    @Provide
    Arbitrary<Integer> endings() {
        return Arbitraries.integers().between(0, 2);
    }

    static final Set<Reason> CLIENT_REASONS = EnumSet.complementOf(
            EnumSet.of(Reason.MALFORMED_COMMAND, Reason.STARTTLS_NOT_USED, Reason.PREAUTH_WITHOUT_TLS, Reason.PEER_CLOSED, Reason.TIMEOUT));
    static final Set<Reason> SERVER_REASONS = EnumSet.of(Reason.PLAINTEXT_INJECTION, Reason.SERVICE_CLOSING, Reason.MALFORMED_COMMAND,
            Reason.LINE_TOO_LONG, Reason.TOO_MUCH_PLAINTEXT, Reason.TLS_HANDSHAKE_FAILED, Reason.TLS_VERSION_TOO_OLD);

    @Property(tries = 200)
    void noBytesFromAServerMakeTheClientThrow(@ForAll("anyPolicy") TlsPolicy policy, @ForAll("serverReads") List<byte[]> reads,
            @ForAll("endings") int ending) {
        Negotiation n = Smtp.client(Wire.clientConfig(policy)).begin(NOW).next();
        boolean tls = policy == TlsPolicy.IMPLICIT;

        for (byte[] read : reads) {
            if (n.isFinished()) {
                break;
            }
            Transition t = n.onReceived(ByteBuffer.wrap(read), NOW);
            tls |= t.events().contains(new Event.StartTlsAccepted());
            n = t.next();
            assertThat(n.isFinished() || n.deadline().isPresent()).as("waiting with a deadline, or finished").isTrue();
        }
        n = end(n, ending);

        assertEndedWell(n, policy, CLIENT_REASONS, ending, tls);
    }

    @Property(tries = 200)
    void noBytesFromAClientMakeTheServerThrow(@ForAll("anyPolicy") TlsPolicy policy, @ForAll("clientReads") List<byte[]> reads,
            @ForAll("endings") int ending) {
        Negotiation n = Smtp.server(Wire.serverConfig(policy)).begin(NOW).next();
        boolean tls = policy == TlsPolicy.IMPLICIT;

        for (byte[] read : reads) {
            if (n.isFinished()) {
                break;
            }
            Transition t = n.onReceived(ByteBuffer.wrap(read), NOW);
            tls |= t.events().contains(new Event.StartTlsAccepted());
            n = t.next();
            assertThat(n.isFinished() || n.deadline().isPresent()).as("waiting with a deadline, or finished").isTrue();
        }
        n = end(n, ending);

        assertEndedWell(n, policy, SERVER_REASONS, ending, tls);
    }

    static Negotiation end(Negotiation n, int ending) {
        if (n.isFinished() || ending == 0) {
            return n;
        }
        if (ending == 1) {
            return n.onEndOfStream(NOW).next();
        }
        Instant deadline = n.deadline().orElseThrow();
        return n.onTick(deadline).next();
    }

    static void assertEndedWell(Negotiation n, TlsPolicy policy, Set<Reason> known, int ending, boolean tls) {
        if (!n.isFinished()) {
            assertThat(ending).isZero();
            assertThat(n.deadline()).isPresent();
            return;
        }
        Outcome outcome = n.outcome().orElseThrow();
        assertThat(outcome).as("garbage never secures a connection").isNotInstanceOf(Outcome.Secured.class);
        if (outcome instanceof Outcome.Plaintext) {
            assertThat(policy.allowsPlaintext()).as("plaintext under %s", policy).isTrue();
            return;
        }
        Reason reason = ((Outcome.Failed) outcome).failure().reason();
        boolean expectedEnding = (ending == 1 && reason == Reason.PEER_CLOSED) || (ending == 2 && reason == Reason.TIMEOUT)
                || (tls && reason == Reason.PEER_CLOSED);
        assertThat(known.contains(reason) || expectedEnding).as("reason %s", reason).isTrue();
    }

    // ---------------------------------------------------------------- bounds hold for arbitrary input

    static final int LINE = 64;
    static final Limits SHORT_LINES = Limits.DEFAULT.withMaxLineLength(LINE);
    static final Limits LITTLE_PLAINTEXT = Limits.DEFAULT.withMaxLineLength(LINE).withMaxPlaintextBytes(128);

    @Provide
    Arbitrary<byte[]> lineBytes() {
        return Arbitraries.bytes().filter(b -> b != 0 && b != '\r' && b != '\n').array(byte[].class).ofMaxSize(3 * LINE);
    }

    @Property(tries = 200)
    void bytesWithoutCrlfFailAsLineTooLongExactlyWhenMaxLineLengthArrived(@ForAll("lineBytes") byte[] bytes,
            @ForAll @Size(max = 10) List<@IntRange(min = 0, max = 10_000) Integer> cuts, @ForAll boolean server, @ForAll boolean afterALine) {
        Negotiation n = server
                ? Smtp.server(Wire.serverBuilder(TlsPolicy.REQUIRED).limits(SHORT_LINES).build()).begin(NOW).next()
                : Smtp.client(Wire.clientBuilder(TlsPolicy.REQUIRED).limits(SHORT_LINES).build()).begin(NOW).next();
        if (afterALine) {
            n = n.onReceived(ByteBuffer.wrap(Wire.latin1(server ? "NOOP\r\n" : "220 hi\r\n")), NOW).next();
        }
        int pending = 0;
        for (byte[] read : split(bytes, cuts)) {
            Transition t = n.onReceived(ByteBuffer.wrap(read), NOW);
            pending += read.length;
            n = t.next();
            if (pending < LINE) {
                assertThat(n.isFinished()).as("%d bytes pending", pending).isFalse();
            } else {
                assertThat(n.outcome()).as("%d bytes pending", pending)
                        .hasValueSatisfying(o -> assertThat(((Outcome.Failed) o).failure().reason())
                                .isEqualTo(server ? Reason.COMMAND_TOO_LONG : Reason.LINE_TOO_LONG));
                return;
            }
        }
        assertThat(bytes.length).isLessThan(LINE);
    }

    @Provide
    Arbitrary<List<String>> shortCommands() {
        return Arbitraries.of("NOOP\r\n", "RSET\r\n", "HELP\r\n", "EHLO c\r\n", "HELO client.example.test\r\n", "XYZZY\r\n",
                "MAIL FROM:<a@b>\r\n").list().ofMaxSize(40);
    }

    @Property(tries = 200)
    void moreThanMaxPlaintextBytesFailsExactlyWhenTheBoundIsPassed(@ForAll("shortCommands") List<String> commands) {
        Negotiation n = Smtp.server(Wire.serverBuilder(TlsPolicy.REQUIRED).limits(LITTLE_PLAINTEXT).build()).begin(NOW).next();
        int received = 0;

        for (String command : commands) {
            received += command.length();
            n = n.onReceived(ByteBuffer.wrap(Wire.latin1(command)), NOW).next();
            if (received <= LITTLE_PLAINTEXT.maxPlaintextBytes()) {
                assertThat(n.isFinished()).as("%d bytes", received).isFalse();
            } else {
                assertThat(n.outcome()).hasValueSatisfying(
                        o -> assertThat(((Outcome.Failed) o).failure().reason()).isEqualTo(Reason.TOO_MUCH_PLAINTEXT));
                return;
            }
        }
    }
}
