package org.starttls4j;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.starttls4j.Fuzzing.Protocol;
import org.starttls4j.testing.FuzzInput.Seed;

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
                Fuzzing.MAX_READ, Fuzzing.MAX_TICK_MILLIS));
        all.put("org/starttls4j/ServerNegotiationFuzzTestInputs/anyClientBytes", negotiations(CLIENT_SAYS,
                Fuzzing.MAX_READ, Fuzzing.MAX_TICK_MILLIS));
        all.put("org/starttls4j/TlsStageFuzzTestInputs/anyNetworkBetweenTwoCores", tlsStage());
        all.put("org/starttls4j/CapabilityListFuzzTestInputs/anyList", capabilityLists());
        all.put("org/starttls4j/imap/ImapResponseFuzzTestInputs/responsesWithLiterals", imapResponses());
        all.put("org/starttls4j/mtasts/MtaStsFuzzTestInputs/policyFile", Map.of(
                "enforce", new Seed().utf8("mx1.example.com", 300).text("version: STSv1\r\nmode: enforce\r\nmx: mx1.example.com\r\n"
                        + "mx: *.example.net\r\nmax_age: 86400\r\n").toBytes(),
                "testing-lf", new Seed().utf8("a.example.net.", 300).text("version: STSv1\nmode: testing\nmx: *.example.net\nmax_age: 604800\n"
                        + "x-extension: 1\n").toBytes(),
                "none", new Seed().utf8("mx.example.org", 300).text("version: STSv1\r\nmode: none\r\nmax_age: 0\r\n").toBytes()));
        all.put("org/starttls4j/mtasts/MtaStsFuzzTestInputs/txtRecords", Map.of(
                "one-record", new Seed().integer(1, 0, 4).utf8("v=STSv1; id=20160831085700Z;", 1088).utf8("*.example.com", 300).toBytes(),
                "two-records", new Seed().integer(2, 0, 4).utf8("v=STSv1; id=1", 1088).utf8("v=spf1 -all", 1088)
                        .utf8("mx.example.com", 300).toBytes()));
        all.put("org/starttls4j/tlsrpt/TlsRptRecordFuzzTestInputs/txtRecords", Map.of(
                "mailto", new Seed().integer(1, 0, 4).utf8("v=TLSRPTv1; rua=mailto:tlsrpt@example.com", 4160).toBytes(),
                "https-and-mailto", new Seed().integer(2, 0, 4)
                        .utf8("v=TLSRPTv1;rua=https://reporting.example.com/v1/tlsrpt,mailto:r@example.com;ext=1", 4160)
                        .utf8("v=TLSRPTv2; rua=mailto:x@example.com", 4160).toBytes()));
        all.put("org/starttls4j/dane/TlsaFuzzTestInputs/recordsAndMatching", tlsa());
        all.put("org/starttls4j/PemFuzzTestInputs/pemAndDer", pem());
        all.put("org/starttls4j/internal/tls/HostNamesFuzzTestInputs/namesAndEncodings", Map.of(
                "wildcard", new Seed().utf8("*.example.com", 300).utf8("mx.example.com.", 300).toBytes(),
                "idn", new Seed().utf8("xn--bcher-kva.example", 300).utf8("b\u00fccher.example", 300).toBytes(),
                "ip", new Seed().utf8("192.0.2.1", 300).utf8("[2001:db8::1]", 300).toBytes()));
        return all;
    }

    /**
     * Seeds made of a real certificate and key of the test PKI, whose keys are random: written
     * once (when absent) and kept, not compared.
     */
    static Map<String, Map<String, byte[]>> once() {
        org.starttls4j.testing.Identity server = org.starttls4j.testing.TestPki.server(org.starttls4j.testing.Dialect.KEY,
                org.starttls4j.testing.Dialect.HOST, "*.example.com");
        byte[] der;
        try {
            der = server.leaf().getEncoded();
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
        Map<String, Map<String, byte[]>> once = new LinkedHashMap<>();
        once.put("org/starttls4j/internal/tls/HostNamesFuzzTestInputs/namesAndEncodings", Map.of(
                "test-pki-leaf", new Seed().utf8("mail.example.test", 300).utf8("mx.example.com", 300).bytes(der).toBytes()));
        once.put("org/starttls4j/PemFuzzTestInputs/pemAndDer", Map.of(
                "test-pki-certificate-and-key", new Seed().bool(true).text(server.certificatePem() + server.privateKeyPem()).toBytes(),
                "test-pki-leaf-der", new Seed().bool(false).integer(0, 0, PemFuzzTest.LABELS.size() - 1).bytes(der).toBytes()));
        return once;
    }

    /** Each protocol's list as an honest server announces it, whole and under the small bounds. */
    private static Map<String, byte[]> capabilityLists() {
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        for (Map.Entry<Protocol, List<String>> e : SERVER_SAYS.entrySet()) {
            String list = e.getValue().get(e.getValue().size() - 2);
            for (boolean small : new boolean[] {false, true}) {
                seeds.put(e.getKey().name().toLowerCase(java.util.Locale.ROOT) + (small ? "-small" : ""),
                        new Seed().integer(e.getKey().ordinal(), 0, Protocol.values().length - 1).bool(small).text(list).toBytes());
            }
        }
        // what the fuzzer found against the target's first checks (docs/SECURITY.md, "What it found")
        seeds.put("pop3-control-character-in-a-name", new Seed().integer(Protocol.POP3.ordinal(), 0, Protocol.values().length - 1)
                .bool(false).text("+OK Capability list follows\r\nA\u0002+WK Ca\r\nSTLS\r\n.\r\n").toBytes());
        seeds.put("imap-six-on-one-small-line", new Seed().integer(Protocol.IMAP.ordinal(), 0, Protocol.values().length - 1)
                .bool(true).text("* CAPABILITY IMA-ER ev1 STAA SLRTL>T>>>> CAPABILTY IKRBLED\r\nA1 OK CAPABILITY done\r\n").toBytes());
        return seeds;
    }

    private static Map<String, byte[]> imapResponses() {
        String fetch = "* 1 FETCH (BODY[] {5}\r\nhello FLAGS (\\Seen))\r\n* 2 FETCH (BODY[1] {0}\r\n)\r\na1 OK done\r\n";
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        seeds.put("literals-whole", new Seed().integer(1, 1, 8).text(fetch).toBytes());
        seeds.put("literals-cut", new Seed().integer(3, 1, 8).integer(22, 0, 300).text(fetch.substring(0, 22))
                .integer(3, 0, 300).text(fetch.substring(22, 25)).text(fetch.substring(25)).toBytes());
        seeds.put("status-and-continuation", new Seed().integer(1, 1, 8)
                .text("* CAPABILITY IMAP4rev1 IDLE\r\n* OK [ALERT] hi\r\n+ go ahead\r\n* BYE [UNAVAILABLE] {3}\r\na2 NO [TRYCREATE] x\r\n")
                .toBytes());
        return seeds;
    }

    /** An honest DANE-EE record and a changed one, beside records in presentation, generic and wire form. */
    private static Map<String, byte[]> tlsa() {
        String hash = "0C72AC70B745AC19998811B131D662C9AC69DBDBE7CB23E5B514B56664C5D3D6";
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        seeds.put("honest-spki-sha256-and-presentation", new Seed().bool(true).bool(false).integer(1, 0, 1).integer(1, 0, 2)
                .bool(false).utf8("3 1 1 " + hash, 2048).toBytes());
        seeds.put("changed-cert-full-and-generic", new Seed().bool(true).bool(true).integer(0, 0, 1).integer(0, 0, 2)
                .integer(40, 0, 600).integer(1, 1, 255).bool(false).utf8("\\# 35 030101" + hash, 2048).toBytes());
        byte[] rdata = java.util.HexFormat.of().parseHex("020101" + hash);
        seeds.put("wire-dane-ta", new Seed().bool(false).bool(true).integer(rdata.length, 0, 1024).bytes(rdata).toBytes());
        seeds.put("presentation-split-data", new Seed().bool(false).bool(false)
                .utf8("3 0 2 " + hash.substring(0, 20) + " ( " + hash.substring(20) + " )", 2048).toBytes());
        return seeds;
    }

    /** PEM blocks around DER skeletons of each form the reader knows: PKCS#8, PKCS#1, SEC 1, a certificate. */
    private static Map<String, byte[]> pem() {
        byte[] ecOid = Der.tlv(Der.OID, java.util.HexFormat.of().parseHex("2a8648ce3d0201"));
        byte[] p256 = Der.tlv(Der.OID, java.util.HexFormat.of().parseHex("2a8648ce3d030107"));
        byte[] scalar = new byte[32];
        java.util.Arrays.fill(scalar, (byte) 0x11);
        byte[] sec1 = Der.tlv(Der.SEQUENCE, Der.tlv(Der.INTEGER, new byte[] {1}), Der.tlv(Der.OCTET_STRING, scalar), Der.tlv(0xa0, p256));
        byte[] pkcs8 = Der.tlv(Der.SEQUENCE, Der.tlv(Der.INTEGER, new byte[] {0}), Der.tlv(Der.SEQUENCE, ecOid, p256),
                Der.tlv(Der.OCTET_STRING, sec1));
        byte[] one = Der.tlv(Der.INTEGER, new byte[] {1});
        byte[] rsa = Der.tlv(Der.SEQUENCE, Der.tlv(Der.INTEGER, new byte[] {0}), Der.tlv(Der.INTEGER, new byte[] {0, (byte) 0xc5}),
                Der.tlv(Der.INTEGER, new byte[] {3}), one, one, one, one, one, one);
        byte[] certificate = Der.tlv(Der.SEQUENCE, Der.tlv(Der.SEQUENCE, Der.tlv(0xa0, Der.tlv(Der.INTEGER, new byte[] {2}))),
                Der.tlv(Der.SEQUENCE, ecOid), Der.tlv(0x03, new byte[] {0}));
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        seeds.put("pkcs8-ec", pemSeed(1, pkcs8));
        seeds.put("sec1-ec", pemSeed(3, sec1));
        seeds.put("pkcs1-rsa", pemSeed(2, rsa));
        seeds.put("certificate-skeleton", pemSeed(0, certificate));
        seeds.put("raw-text", new Seed().bool(true).text("-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n"
                + "-----BEGIN PRIVATE KEY-----\nMAMCAQA=\n-----END PRIVATE KEY-----\n").toBytes());
        return seeds;
    }

    private static byte[] pemSeed(int label, byte[] der) {
        return new Seed().bool(false).integer(label, 0, PemFuzzTest.LABELS.size() - 1).bytes(der).toBytes();
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
        // a long record of its own put before the server's first flight: an input of 400 bytes to
        // mutate from the start (libFuzzer lengthens its own inputs slowly, and this target runs
        // only a few hundred times a second)
        Seed injected = new Seed().bool(false).bool(false);
        for (int i = 0; i < 6; i++) {
            injected.bool(i % 2 == 1).integer(0, 0, 9);
        }
        byte[] record = new byte[5 + 400];
        record[0] = 0x16;
        record[1] = 0x03;
        record[2] = 0x03;
        record[3] = (byte) (400 >> 8);
        record[4] = (byte) (400 & 0xff);
        record[5] = 0x02; // ServerHello, of zeros
        injected.bool(false).integer(5, 0, 9).integer(record.length, 1, TlsStageFuzzTest.MAX_INJECT).bytes(record);
        seeds.put("starttls-tls13-long-record-injected", injected.toBytes());
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
