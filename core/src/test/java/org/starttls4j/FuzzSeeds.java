package org.starttls4j;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.starttls4j.Fuzzing.Protocol;
import org.starttls4j.Fuzzing.Seed;

/**
 * The negotiation targets' seeds, written as the conversations they are: an honest peer up to the
 * go-ahead, then a TLS alert where a handshake record belongs, and a few ways of ending early (a
 * tick past the deadline, the end of the stream). The fuzzer starts from these, so that its first
 * inputs already reach the handshake of every protocol. {@link FuzzSeedsTest} keeps the committed
 * files equal to these (run it with {@code -Dfuzz.seeds.write=true} to write them).
 */
final class FuzzSeeds {

    /** A fatal handshake_failure alert, TLS 1.2 record: what the fuzzer mutates into records. */
    static final String ALERT = "\u0015\u0003\u0003\u0000\u0002\u0002\u0028";

    /** What an honest server says to each client, read by read, up to the go-ahead. */
    static final Map<Protocol, List<String>> SERVER_SAYS = new LinkedHashMap<>();
    /** What an honest client says to each server, read by read, up to STARTTLS. */
    static final Map<Protocol, List<String>> CLIENT_SAYS = new LinkedHashMap<>();

    static {
        SERVER_SAYS.put(Protocol.SMTP, List.of("220 mail.example.test ESMTP\r\n",
                "250-mail.example.test\r\n250-8BITMIME\r\n250 STARTTLS\r\n", "220 2.0.0 Ready to start TLS\r\n"));
        SERVER_SAYS.put(Protocol.LMTP, List.of("220 lmtp.example.test LMTP ready\r\n",
                "250-lmtp.example.test\r\n250-PIPELINING\r\n250 STARTTLS\r\n", "220 2.0.0 Ready to start TLS\r\n"));
        SERVER_SAYS.put(Protocol.IMAP, List.of("* OK IMAP4rev1 Service Ready\r\n",
                "* CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED\r\nA1 OK CAPABILITY completed\r\n", "A2 OK Begin TLS negotiation now\r\n"));
        SERVER_SAYS.put(Protocol.POP3, List.of("+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>\r\n",
                "+OK Capability list follows\r\nTOP\r\nUIDL\r\nSASL PLAIN\r\nSTLS\r\n.\r\n", "+OK Begin TLS negotiation\r\n"));
        SERVER_SAYS.put(Protocol.NNTP, List.of("200 news.example.test InterNetNews NNRP server ready\r\n",
                "101 Capability list:\r\nVERSION 2\r\nREADER\r\nSTARTTLS\r\n.\r\n", "382 Continue with TLS negotiation\r\n"));
        SERVER_SAYS.put(Protocol.SIEVE, List.of("\"IMPLEMENTATION\" \"Dovecot Pigeonhole\"\r\n\"SIEVE\" \"fileinto reject\"\r\n"
                + "\"SASL\" \"\"\r\n\"STARTTLS\"\r\n\"VERSION\" \"1.0\"\r\nOK \"Dovecot ready.\"\r\n", "OK \"Begin TLS negotiation now.\"\r\n"));

        CLIENT_SAYS.put(Protocol.SMTP, List.of("EHLO client.example.test\r\n", "STARTTLS\r\n"));
        CLIENT_SAYS.put(Protocol.LMTP, List.of("LHLO client.example.test\r\n", "STARTTLS\r\n"));
        CLIENT_SAYS.put(Protocol.IMAP, List.of("A1 CAPABILITY\r\n", "A2 STARTTLS\r\n"));
        CLIENT_SAYS.put(Protocol.POP3, List.of("CAPA\r\n", "STLS\r\n"));
        CLIENT_SAYS.put(Protocol.NNTP, List.of("CAPABILITIES\r\n", "STARTTLS\r\n"));
        CLIENT_SAYS.put(Protocol.SIEVE, List.of("CAPABILITY\r\n", "STARTTLS\r\n"));
    }

    private FuzzSeeds() {
    }

    /** Every seed, by the directory Jazzer reads it from (relative to the test resources) and file name. */
    static Map<String, Map<String, byte[]>> all() {
        Map<String, Map<String, byte[]>> all = new LinkedHashMap<>();
        all.put("org/starttls4j/ClientNegotiationFuzzTestInputs/anyServerBytes", negotiations(SERVER_SAYS,
                ClientNegotiationFuzzTest.MAX_READ, ClientNegotiationFuzzTest.MAX_TICK_MILLIS));
        all.put("org/starttls4j/ServerNegotiationFuzzTestInputs/anyClientBytes", negotiations(CLIENT_SAYS,
                ServerNegotiationFuzzTest.MAX_READ, ServerNegotiationFuzzTest.MAX_TICK_MILLIS));
        all.put("org/starttls4j/TlsStageFuzzTestInputs/anyNetworkBetweenTwoCores", tlsStage());
        return all;
    }

    /**
     * Honest networks: every byte delivered, alternately, until both sides are secured; then each
     * side sends a line and the client closes. Under STARTTLS and implicit TLS, TLS 1.3 and 1.2;
     * and one where the server's first flight arrives with a byte changed.
     */
    private static Map<String, byte[]> tlsStage() {
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        for (boolean implicit : new boolean[] {false, true}) {
            for (boolean tls12 : new boolean[] {false, true}) {
                Seed seed = new Seed().bool(implicit).bool(tls12);
                for (int i = 0; i < 16; i++) {
                    seed.bool(i % 2 == 1).integer(0, 0, 9);
                }
                send(seed.bool(true), "NOOP\r\n");
                seed.bool(true).integer(0, 0, 9);
                send(seed.bool(false), "250 2.0.0 OK\r\n");
                seed.bool(false).integer(0, 0, 9);
                seed.bool(true).integer(9, 0, 9).bool(true);
                seed.bool(true).integer(0, 0, 9);
                seeds.put((implicit ? "implicit" : "starttls") + (tls12 ? "-tls12" : "-tls13") + "-honest", seed.toBytes());
            }
        }
        Seed flipped = new Seed().bool(false).bool(false);
        for (int i = 0; i < 6; i++) {
            flipped.bool(i % 2 == 1).integer(0, 0, 9);
        }
        flipped.bool(false).integer(4, 0, 9).integer(100, 0, 1000).integer(1, 1, 255);
        seeds.put("starttls-tls13-server-hello-changed", flipped.toBytes());
        return seeds;
    }

    private static Map<String, byte[]> negotiations(Map<Protocol, List<String>> says, int maxRead, int maxTick) {
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        for (Map.Entry<Protocol, List<String>> e : says.entrySet()) {
            String name = e.getKey().name().toLowerCase(java.util.Locale.ROOT);
            for (TlsPolicy policy : List.of(TlsPolicy.OPPORTUNISTIC, TlsPolicy.REQUIRED)) {
                Seed honest = start(e.getKey(), policy, 0);
                e.getValue().forEach(read -> read(honest, read, maxRead));
                read(honest, ALERT, maxRead);
                seeds.put(name + "-" + policy.name().toLowerCase(java.util.Locale.ROOT) + "-to-the-handshake", honest.toBytes());
            }
            // the same conversation under the small bounds, each read cut in two
            Seed cut = start(e.getKey(), TlsPolicy.REQUIRED, 1);
            for (String read : e.getValue()) {
                read(cut, read.substring(0, read.length() / 2), maxRead);
                read(cut, read.substring(read.length() / 2), maxRead);
            }
            seeds.put(name + "-required-small-bounds-cut", cut.toBytes());
            // the first read, then silence until the deadline; the first read, then the end of the stream
            Seed late = start(e.getKey(), TlsPolicy.OPPORTUNISTIC, 0);
            read(late, e.getValue().get(0), maxRead);
            late.integer(0, 0, 7).integer(maxTick, 0, maxTick);
            late.integer(0, 0, 7).integer(maxTick, 0, maxTick);
            seeds.put(name + "-opportunistic-ticks", late.toBytes());
            Seed closed = start(e.getKey(), TlsPolicy.OPPORTUNISTIC, 0);
            read(closed, e.getValue().get(0), maxRead);
            closed.integer(1, 0, 7);
            seeds.put(name + "-opportunistic-end-of-stream", closed.toBytes());
        }
        Seed implicit = start(Protocol.SMTP, TlsPolicy.IMPLICIT, 0);
        read(implicit, ALERT, maxRead);
        seeds.put("smtp-implicit-alert", implicit.toBytes());
        return seeds;
    }

    private static void send(Seed seed, String text) {
        seed.integer(8, 0, 9).integer(text.length(), 0, TlsStageFuzzTest.MAX_APP).text(text);
    }

    private static Seed start(Protocol protocol, TlsPolicy policy, int limits) {
        return new Seed().integer(protocol.ordinal(), 0, Protocol.values().length - 1)
                .integer(Fuzzing.POLICIES.indexOf(policy), 0, Fuzzing.POLICIES.size() - 1)
                .integer(limits, 0, Fuzzing.LIMITS.size() - 1);
    }

    private static void read(Seed seed, String read, int maxRead) {
        seed.integer(2, 0, 7).integer(read.length(), 1, maxRead).text(read);
    }
}
