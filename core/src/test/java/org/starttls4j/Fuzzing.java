package org.starttls4j;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.starttls4j.imap.Imap;
import org.starttls4j.lmtp.Lmtp;
import org.starttls4j.nntp.Nntp;
import org.starttls4j.pop3.Pop3;
import org.starttls4j.sieve.ManageSieve;
import org.starttls4j.smtp.Smtp;
import org.starttls4j.testing.Dialect;
import org.starttls4j.testing.FuzzInput;

/**
 * What the negotiation fuzz targets share: the six protocols' entry points, configurations made
 * once (an {@link javax.net.ssl.SSLContext} takes long to make, a fuzz run makes millions of
 * negotiations), and the invariants checked after every call, whatever the peer sent.
 *
 * <p>The targets read their choices with {@link com.code_intelligence.jazzer.api.FuzzedDataProvider}:
 * numbers from the end of the input, byte strings from its front. {@link FuzzInput.Seed} writes an input in
 * that layout, so that a committed seed is a readable conversation (see {@code FuzzSeedsTest}).
 */
final class Fuzzing {

    /** The one instant every run starts at. */
    static final Instant T0 = Dialect.T0;

    /** Steps a negotiation target takes at most. */
    static final int STEPS = 48;

    /** The longest read a negotiation target feeds at once. */
    static final int MAX_READ = 2048;

    /** The longest a negotiation target lets time jump between two calls. */
    static final int MAX_TICK_MILLIS = 60_000;

    /**
     * One step of a negotiation target, as the fuzzer chose it (in this order, which the seeds
     * follow: a kind, then a tick's milliseconds or a read's length and bytes).
     *
     * @param transition what the call returned
     * @param now        the time of the call
     * @param tick       whether it was a tick
     * @param read       the bytes read, or null for a tick or the end of the stream
     */
    record Step(Transition transition, Instant now, boolean tick, byte[] read) {

        static Step take(FuzzedDataProvider data, Negotiation before, Instant now) {
            int kind = data.consumeInt(0, 7);
            if (kind == 0) {
                Instant later = now.plusMillis(data.consumeInt(0, MAX_TICK_MILLIS));
                return new Step(before.onTick(later), later, true, null);
            }
            if (kind == 1) {
                return new Step(before.onEndOfStream(now), now, false, null);
            }
            byte[] read = data.consumeBytes(data.consumeInt(1, MAX_READ));
            return new Step(before.onReceived(ByteBuffer.wrap(read), now), now, false, read);
        }
    }

    /** Small bounds, reached by short inputs: a line, a reply, the plaintext and the transcript. */
    static final Limits SMALL = new Limits(64, 4, 512, 64, 3, 6, 200, 4096);

    /** The bounds in the order a target picks them. */
    static final List<Limits> LIMITS = List.of(Limits.DEFAULT, SMALL);

    /** The policies a peer's bytes are fed under, in the order a target picks them. */
    static final List<TlsPolicy> POLICIES = List.of(TlsPolicy.OPPORTUNISTIC, TlsPolicy.REQUIRED, TlsPolicy.IMPLICIT,
            TlsPolicy.PLAINTEXT_ONLY);

    /** Timeouts short enough that a fuzzer's ticks reach them. */
    static final Timeouts TIMEOUTS = new Timeouts(Duration.ofSeconds(30), Duration.ofSeconds(90),
            Duration.ofSeconds(20), Duration.ofSeconds(40));

    /** Most bytes one call may ask a client to send: a ClientHello, or a command and a farewell. */
    static final int MAX_CLIENT_OUTPUT_PER_CALL = 8 * 1024;

    /** Most bytes one reply of a server may take (its longest is a capability list). */
    static final int MAX_REPLY = 1024;

    /** Most bytes a server's TLS flight may take: its certificate chain and handshake messages. */
    static final int MAX_TLS_FLIGHT = 16 * 1024;

    /** Words the core never sends in a command of its own: credentials and mail belong to the application. */
    static final Set<String> NEVER_SENT = Set.of("AUTH", "AUTHENTICATE", "LOGIN", "USER", "PASS", "APOP", "MAIL", "RCPT",
            "DATA", "AUTHINFO", "PUTSCRIPT", "HAVESPACE");

    /** A protocol's entry points. */
    enum Protocol {
        SMTP(Smtp::client, Smtp::server),
        LMTP(Lmtp::client, Lmtp::server),
        IMAP(Imap::client, Imap::server),
        POP3(Pop3::client, Pop3::server),
        NNTP(Nntp::client, Nntp::server),
        SIEVE(ManageSieve::client, ManageSieve::server);

        final Function<ClientConfig, Negotiation> client;
        final Function<ServerConfig, Negotiation> server;

        Protocol(Function<ClientConfig, Negotiation> client, Function<ServerConfig, Negotiation> server) {
            this.client = client;
            this.server = server;
        }

        /** Whether {@code line}, a command this protocol's client sent or a server received, asks for TLS. */
        boolean isStartTls(String line) {
            String[] words = line.trim().split(" +");
            String first = words.length > 1 && this == IMAP ? words[1] : words[0];
            return first.equalsIgnoreCase(this == POP3 ? "STLS" : "STARTTLS");
        }
    }

    private static final Map<TlsPolicy, ClientConfig[]> CLIENTS = new EnumMap<>(TlsPolicy.class);
    private static final Map<TlsPolicy, ServerConfig[]> SERVERS = new EnumMap<>(TlsPolicy.class);

    private Fuzzing() {
    }

    /** A client configuration trusting the test CA, made once per policy and bounds. */
    static synchronized ClientConfig client(TlsPolicy policy, int limits) {
        ClientConfig[] made = CLIENTS.computeIfAbsent(policy, p -> new ClientConfig[LIMITS.size()]);
        if (made[limits] == null) {
            made[limits] = Dialect.clientBuilder(policy).limits(LIMITS.get(limits)).timeouts(TIMEOUTS).build();
        }
        return made[limits];
    }

    /** A server configuration with the test certificate, made once per policy and bounds. */
    static synchronized ServerConfig server(TlsPolicy policy, int limits) {
        ServerConfig[] made = SERVERS.computeIfAbsent(policy, p -> new ServerConfig[LIMITS.size()]);
        if (made[limits] == null) {
            made[limits] = Dialect.serverBuilder(policy, Dialect.caps("SIZE 1000", "8BITMIME"), Dialect.caps("SIZE 1000", "AUTH PLAIN"))
                    .limits(LIMITS.get(limits)).timeouts(TIMEOUTS).build();
        }
        return made[limits];
    }

    /** The bytes of {@code text} as they travel (ISO-8859-1). */
    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** {@code bytes} as text, one char per byte. */
    static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    /** {@code bytes} with one more byte after them. */
    static ByteBuffer withOneMore(byte[] bytes) {
        ByteBuffer b = ByteBuffer.allocate(bytes.length + 1);
        b.put(bytes).put((byte) 'X').flip();
        return b;
    }

    /** How many of {@code events} end a negotiation. */
    static long endings(List<Event> events) {
        return events.stream().filter(e -> e instanceof Event.Failed || e instanceof Event.Secured
                || e instanceof Event.HandedOverInPlaintext).count();
    }

    /**
     * Checks one transition's transcript against {@code limits}: at most
     * {@link Limits#maxTranscriptLines()} lines and {@link Limits#maxTranscriptBytes()} characters,
     * then at most one truncation marker.
     */
    static void checkTranscript(Transition t, Limits limits) {
        int lines = 0;
        long chars = 0;
        int markers = 0;
        for (Event e : t.events()) {
            if (e instanceof Event.Line l) {
                lines++;
                chars += l.text().length();
            } else if (e instanceof Event.TranscriptTruncated) {
                markers++;
            }
        }
        check(lines <= limits.maxTranscriptLines(), "a transition reported %d transcript lines, over its bound %d", lines,
                limits.maxTranscriptLines());
        check(chars <= limits.maxTranscriptBytes(), "a transition reported %d transcript characters, over its bound %d", chars,
                limits.maxTranscriptBytes());
        check(markers <= 1, "a transition reported %d truncation markers", markers);
    }

    /**
     * Checks that what a negotiation holds while it reads plaintext is within {@code limits}: less
     * than a line of bytes kept between reads, no more plaintext received than the bound.
     */
    static void checkHeld(Negotiation n, Limits limits) {
        Flow.Phase<?> phase = ((Flow<?>) n).phase;
        if (phase instanceof ClientFlow.AwaitingReplies r && r.tls() == null) {
            check(r.pending().length < limits.maxLineLength(), "a client holds %d bytes between reads, not less than a line (%d)",
                    r.pending().length, limits.maxLineLength());
            check(r.received() <= limits.maxPlaintextBytes(), "a client took %d plaintext bytes, over the bound %d", r.received(),
                    limits.maxPlaintextBytes());
        } else if (phase instanceof ServerFlow.AwaitingCommands a) {
            check(a.pending().length < limits.maxLineLength(), "a server holds %d bytes between reads, not less than a line (%d)",
                    a.pending().length, limits.maxLineLength());
            check(a.received() <= limits.maxPlaintextBytes(), "a server took %d plaintext bytes, over the bound %d", a.received(),
                    limits.maxPlaintextBytes());
            check(a.commands() <= limits.maxCommandsBeforeTls(), "a server answered %d commands, over the bound %d", a.commands(),
                    limits.maxCommandsBeforeTls());
        }
    }

    /** The first word of each line of plaintext a client sent that the core must never send. */
    static void checkNoForbiddenCommand(Protocol protocol, String plaintextSent) {
        for (String line : plaintextSent.split("\r?\n")) {
            String[] words = line.trim().split(" +");
            String command = words.length > 1 && (protocol == Protocol.IMAP) ? words[1] : words[0];
            check(!NEVER_SENT.contains(command.toUpperCase(Locale.ROOT)), "the core sent %s in plaintext: %s", command, line);
        }
    }

    /** Fails the fuzz run with a message when {@code condition} is false. */
    static void check(boolean condition, String format, Object... args) {
        if (!condition) {
            throw new AssertionError(String.format(Locale.ROOT, format, args));
        }
    }

    /**
     * Checks that a byte stream is made of TLS records only, across calls: a content type of 20 to
     * 23 (change_cipher_spec, alert, handshake, application_data), a major version of 3, a length
     * of at most 2^14 + 2048 (a TLS 1.2 ciphertext). What a client sends after the go-ahead.
     */
    static final class RecordStream {
        private final ByteArrayOutputStream partial = new ByteArrayOutputStream();

        void add(byte[] bytes) {
            partial.writeBytes(bytes);
            byte[] all = partial.toByteArray();
            int at = 0;
            while (all.length - at >= 5) {
                int type = all[at] & 0xff;
                int length = ((all[at + 3] & 0xff) << 8) | (all[at + 4] & 0xff);
                check(type >= 20 && type <= 23 && all[at + 1] == 3 && length <= (1 << 14) + 2048,
                        "not a TLS record after the go-ahead: %s", text(java.util.Arrays.copyOfRange(all, at, Math.min(all.length, at + 40))));
                if (all.length - at < 5 + length) {
                    break;
                }
                at += 5 + length;
            }
            partial.reset();
            partial.write(all, at, all.length - at);
        }
    }
}
