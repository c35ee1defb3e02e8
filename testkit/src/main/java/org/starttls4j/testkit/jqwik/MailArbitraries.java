package org.starttls4j.testkit.jqwik;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import org.starttls4j.testkit.MailProtocol;
import org.starttls4j.testkit.hostile.HostileScenario;

/**
 * jqwik arbitraries for STARTTLS dialogs. Every generated reply is well-formed for its protocol
 * (CRLF line ends, RFC syntax), so a property can state what a correct peer must accept; the
 * injection payloads are what a hostile peer adds where nothing may follow.
 *
 * <pre>{@code
 * @Property
 * void anySplitGivesTheSameOutcome(@ForAll("greetingSplits") Split split) { … }
 *
 * @Provide
 * Arbitrary<Split> greetingSplits() {
 *     return MailArbitraries.splits("220 mail.example ESMTP\r\n".getBytes(US_ASCII));
 * }
 * }</pre>
 */
public final class MailArbitraries {

    private static final String TEXT_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,:;-_()[]<>@=/+";

    private MailArbitraries() {
    }

    /**
     * The ways to cut {@code bytes} into reads: every cut point equally likely, from one read to one
     * byte per read. Shrinks towards fewer cuts.
     *
     * @param bytes the stream
     * @return splits whose {@link Split#joined()} is {@code bytes}
     */
    public static Arbitrary<Split> splits(byte[] bytes) {
        byte[] stream = bytes.clone();
        if (stream.length < 2) {
            return Arbitraries.just(new Split(List.of(stream)));
        }
        return Arbitraries.integers().between(1, stream.length - 1).set().ofMaxSize(stream.length - 1).map(cuts -> {
            List<byte[]> reads = new ArrayList<>();
            int from = 0;
            for (int cut : new TreeSet<>(cuts)) {
                reads.add(Arrays.copyOfRange(stream, from, cut));
                from = cut;
            }
            reads.add(Arrays.copyOfRange(stream, from, stream.length));
            return new Split(reads);
        });
    }

    /**
     * Splits of a text's ISO-8859-1 bytes.
     *
     * @param text the stream as text
     * @return splits of its bytes
     */
    public static Arbitrary<Split> splits(String text) {
        return splits(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    /**
     * Reply text: printable ASCII, no CR or LF, up to 60 characters.
     *
     * @return text fit for any reply line
     */
    public static Arbitrary<String> replyText() {
        return Arbitraries.strings().withChars(TEXT_CHARS).ofMinLength(1).ofMaxLength(60).map(String::trim).filter(s -> !s.isEmpty());
    }

    /**
     * SMTP replies (RFC 5321 §4.2): one code for every line, {@code 250-} continuation lines and a
     * final {@code 250 } line, optionally an enhanced status code (RFC 3463) whose class matches the
     * reply's first digit; one to six lines, CRLF after each.
     *
     * @return whole replies
     */
    public static Arbitrary<String> smtpReplies() {
        Arbitrary<Integer> codes = Arbitraries.integers().between(2, 5).flatMap(first ->
                Arbitraries.integers().between(0, 5).flatMap(second -> Arbitraries.integers().between(0, 9).map(third -> first * 100 + second * 10 + third)));
        Arbitrary<Boolean> enhanced = Arbitraries.of(true, false);
        return Combinators.combine(codes, enhanced, replyText().list().ofMinSize(1).ofMaxSize(6)).as((code, withEnhanced, lines) -> {
            StringBuilder s = new StringBuilder();
            String prefix = withEnhanced ? (code / 100) + ".0.0 " : "";
            for (int i = 0; i < lines.size(); i++) {
                s.append(code).append(i == lines.size() - 1 ? ' ' : '-').append(prefix).append(lines.get(i)).append("\r\n");
            }
            return s.toString();
        });
    }

    /**
     * IMAP responses (RFC 9051 §7): tagged ({@code A12 OK [CODE] text}), untagged status, data
     * ({@code * 3 EXISTS}, {@code * CAPABILITY …}), continuation requests ({@code + text}), and
     * untagged data carrying a literal ({@code {n}} CRLF then exactly n bytes).
     *
     * @return one response each, CRLF included
     */
    public static Arbitrary<String> imapResponses() {
        Arbitrary<String> tags = Arbitraries.strings().withCharRange('A', 'Z').ofLength(1)
                .flatMap(letter -> Arbitraries.integers().between(0, 9999).map(n -> letter + n));
        Arbitrary<String> status = Arbitraries.of("OK", "NO", "BAD");
        Arbitrary<String> codes = Arbitraries.of("", "[ALERT] ", "[PRIVACYREQUIRED] ", "[CAPABILITY IMAP4rev1 STARTTLS] ", "[UIDNEXT 7] ");
        Arbitrary<String> tagged = Combinators.combine(tags, status, codes, replyText()).as((t, s, c, x) -> t + " " + s + " " + c + x + "\r\n");
        Arbitrary<String> untaggedStatus = Combinators.combine(Arbitraries.of("OK", "NO", "BAD", "BYE"), codes, replyText())
                .as((s, c, x) -> "* " + s + " " + c + x + "\r\n");
        Arbitrary<String> data = Arbitraries.oneOf(
                Arbitraries.integers().between(0, 100_000).map(n -> "* " + n + " EXISTS\r\n"),
                Arbitraries.of("IMAP4rev1", "STARTTLS", "LOGINDISABLED", "AUTH=PLAIN", "IDLE", "ID").list().ofMinSize(1).ofMaxSize(6)
                        .map(caps -> "* CAPABILITY " + String.join(" ", caps) + "\r\n"));
        Arbitrary<String> continuation = replyText().map(x -> "+ " + x + "\r\n");
        Arbitrary<String> literal = Combinators.combine(Arbitraries.integers().between(1, 1000),
                Arbitraries.strings().ascii().ofMaxLength(80)).as((n, body) -> "* " + n + " FETCH (BODY[] {"
                + body.getBytes(StandardCharsets.ISO_8859_1).length + "}\r\n" + body + ")\r\n");
        return Arbitraries.oneOf(tagged, untaggedStatus, data, continuation, literal);
    }

    /**
     * POP3 replies (RFC 1939 §3): {@code +OK text} or {@code -ERR text} (with an RFC 2449 response
     * code sometimes), and multi-line {@code +OK} replies whose lines are dot-stuffed and end with
     * a line holding a single dot.
     *
     * @return one reply each, CRLF included
     */
    public static Arbitrary<String> pop3Replies() {
        Arbitrary<String> single = Combinators.combine(Arbitraries.of("+OK", "-ERR"), Arbitraries.of("", "[AUTH] ", "[IN-USE] "), replyText())
                .as((s, c, x) -> s + " " + (s.equals("-ERR") ? c : "") + x + "\r\n");
        Arbitrary<String> multi = Arbitraries.strings().withChars(TEXT_CHARS).ofMaxLength(40).list().ofMaxSize(8).map(lines -> {
            StringBuilder s = new StringBuilder("+OK list follows\r\n");
            lines.forEach(l -> s.append(l.startsWith(".") ? "." : "").append(l).append("\r\n"));
            return s.append(".\r\n").toString();
        });
        Arbitrary<String> stuffed = Arbitraries.strings().withChars(TEXT_CHARS).ofMaxLength(20).map(l -> "+OK\r\n.." + l + "\r\n.\r\n");
        return Arbitraries.oneOf(single, multi, stuffed);
    }

    /**
     * What a hostile peer appends where nothing may follow (after a STARTTLS go-ahead, or after a
     * client's STARTTLS/STLS command): forged replies or commands in {@code protocol}'s syntax,
     * whole or cut short. SMTP and LMTP: replies and {@code MAIL}/{@code RCPT}/{@code LHLO}; IMAP:
     * responses, {@code LOGIN}, {@code PREAUTH}; POP3: replies, {@code USER}; ManageSieve (RFC 5804):
     * {@code OK}/{@code NO}/{@code BYE} with response codes, capability lines, {@code AUTHENTICATE}
     * and {@code PUTSCRIPT} with quoted strings and literals ({@code {n+}}, {@code {n}}); NNTP
     * (RFC 3977): status lines, dot-terminated data blocks, {@code AUTHINFO}, {@code MODE READER},
     * {@code POST}.
     *
     * @param protocol any protocol the kit speaks
     * @return non-empty payloads
     */
    public static Arbitrary<String> injectionPayloads(MailProtocol protocol) {
        Arbitrary<String> whole = switch (protocol) {
            case SMTP -> Arbitraries.oneOf(smtpReplies(), Arbitraries.of("MAIL FROM:<attacker@example.test>\r\n", "RSET\r\n",
                    "250-PIPELINING\r\n250 AUTH PLAIN\r\n"));
            case IMAP -> Arbitraries.oneOf(imapResponses(), Arbitraries.of("A2 LOGIN attacker secret\r\n", "* PREAUTH ready\r\n"));
            case POP3 -> Arbitraries.oneOf(pop3Replies(), Arbitraries.of("USER attacker\r\n", "+OK\r\nUSER\r\n.\r\n"));
            case LMTP -> Arbitraries.oneOf(smtpReplies(), Arbitraries.of("LHLO attacker.example.test\r\n",
                    "MAIL FROM:<attacker@example.test>\r\nRCPT TO:<victim@example.test>\r\n", "250-PIPELINING\r\n250 AUTH PLAIN\r\n"));
            case SIEVE -> Arbitraries.oneOf(sieveResponses(), sieveCommands());
            case NNTP -> Arbitraries.oneOf(nntpReplies(), Arbitraries.of("AUTHINFO USER attacker\r\n", "AUTHINFO PASS secret\r\n",
                    "MODE READER\r\n", "POST\r\n", "GROUP misc.test\r\nARTICLE 1\r\n"));
        };
        return whole.flatMap(text -> Arbitraries.integers().between(1, text.length()).map(n -> text.substring(0, n)));
    }

    /** RFC 5804 §1.2 and §4: {@code OK}/{@code NO}/{@code BYE} [(code)] [string], and capability responses. */
    private static Arbitrary<String> sieveResponses() {
        Arbitrary<String> codes = Arbitraries.of("", " (AUTH-TOO-WEAK)", " (ENCRYPT-NEEDED)", " (TRYLATER)", " (SASL \"dGVzdA==\")", " (QUOTA/MAXSIZE)");
        Arbitrary<String> status = Combinators.combine(Arbitraries.of("OK", "NO", "BYE"), codes, sieveString(replyText()))
                .as((s, c, x) -> s + c + " " + x + "\r\n");
        Arbitrary<String> capabilities = Arbitraries.of("\"IMPLEMENTATION\" \"forged\"", "\"SASL\" \"PLAIN LOGIN\"", "\"SIEVE\" \"fileinto\"",
                        "\"VERSION\" \"1.0\"").list().ofMinSize(1).ofMaxSize(4)
                .map(lines -> String.join("\r\n", lines) + "\r\nOK\r\n");
        return Arbitraries.oneOf(status, capabilities);
    }

    /** RFC 5804 §2: commands whose arguments are quoted strings or literals. */
    private static Arbitrary<String> sieveCommands() {
        Arbitrary<String> authenticate = sieveString(Arbitraries.of("AGF0dGFja2VyAHNlY3JldA==", "dGVzdA=="))
                .map(response -> "AUTHENTICATE \"PLAIN\" " + response + "\r\n");
        Arbitrary<String> putScript = sieveString(Arbitraries.of("redirect \"attacker@example.test\";", "keep;"))
                .map(script -> "PUTSCRIPT \"evil\" " + script + "\r\n");
        return Arbitraries.oneOf(authenticate, putScript, Arbitraries.of("CAPABILITY\r\n", "LOGOUT\r\n", "HAVESPACE \"evil\" 100\r\n"));
    }

    /** A ManageSieve string: quoted, a synchronising literal {@code {n}} or a non-synchronising one {@code {n+}}. */
    private static Arbitrary<String> sieveString(Arbitrary<String> text) {
        return Combinators.combine(Arbitraries.of("\"", "{", "{+"), text).as((form, t) -> switch (form) {
            case "\"" -> "\"" + t.replace("\\", "").replace("\"", "") + "\"";
            case "{" -> "{" + t.getBytes(StandardCharsets.UTF_8).length + "}\r\n" + t;
            default -> "{" + t.getBytes(StandardCharsets.UTF_8).length + "+}\r\n" + t;
        });
    }

    /** RFC 3977 §3.2: a status line, or a status line and a dot-stuffed data block ending with a lone dot. */
    private static Arbitrary<String> nntpReplies() {
        Arbitrary<String> status = Combinators.combine(Arbitraries.of(200, 201, 211, 281, 340, 381, 382, 400, 480, 483, 500, 502), replyText())
                .as((code, text) -> code + " " + text + "\r\n");
        Arbitrary<String> block = Combinators.combine(Arbitraries.of("101 Capability list:", "215 list of newsgroups follows", "220 1 <a@example.test>"),
                Arbitraries.strings().withChars(TEXT_CHARS).ofMaxLength(40).list().ofMaxSize(6)).as((first, lines) -> {
                    StringBuilder s = new StringBuilder(first).append("\r\n");
                    lines.forEach(l -> s.append(l.startsWith(".") ? "." : "").append(l).append("\r\n"));
                    return s.append(".\r\n").toString();
                });
        return Arbitraries.oneOf(status, block);
    }

    /**
     * The hostile scenarios that apply to {@code protocol}.
     *
     * @param protocol the protocol
     * @return one of them each
     */
    public static Arbitrary<HostileScenario> hostileScenarios(MailProtocol protocol) {
        return Arbitraries.of(HostileScenario.forProtocol(protocol));
    }
}
