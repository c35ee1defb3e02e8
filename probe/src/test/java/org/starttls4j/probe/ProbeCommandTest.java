package org.starttls4j.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.starttls4j.probe.Servers.args;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.starttls4j.TlsFacts;
import org.starttls4j.TlsPolicy;

/** {@code starttls4j probe} end to end over 127.0.0.1 against the reference server: exit status, JSON, text. */
class ProbeCommandTest {

    private static final List<Servers.Running> SERVERS = new ArrayList<>();

    private static Servers.Running smtp;

    @BeforeAll
    static void start() {
        smtp = Servers.start(Protocol.SMTP, TlsPolicy.REQUIRED, Adapter.NIO);
        SERVERS.add(smtp);
    }

    @AfterAll
    static void stop() {
        SERVERS.forEach(Servers.Running::close);
    }

    static Stream<Arguments> everyProtocolModeAndAdapter() {
        List<Arguments> all = new ArrayList<>();
        for (Adapter server : Adapter.values()) {
            for (Protocol p : Protocol.values()) {
                for (TlsPolicy policy : List.of(TlsPolicy.REQUIRED, TlsPolicy.IMPLICIT)) {
                    if (policy == TlsPolicy.IMPLICIT && !p.hasImplicitPort()) {
                        continue; // LMTP and ManageSieve have no implicit-TLS URL
                    }
                    Servers.Running running = Servers.start(p, policy, server);
                    SERVERS.add(running);
                    // The other adapter probes: with the demo (each adapter at both ends) every pairing is covered.
                    Adapter client = server == Adapter.NIO ? Adapter.NETTY : Adapter.NIO;
                    all.add(Arguments.of(running.url(), server, client));
                }
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0} served by {1}, probed by {2}")
    @MethodSource("everyProtocolModeAndAdapter")
    void securesEveryProtocolInBothModesAcrossAdapters(String url, Adapter server, Adapter client) {
        Cli.Result r = Cli.run(args("probe", url, Servers.trust(), "--adapter", client.lowerName(), "--json"));

        assertThat(r.status()).as(r.toString()).isZero();
        JsonNode json = r.json();
        assertThat(json.get("outcome").asText()).isEqualTo("secured");
        assertThat(json.get("adapter").asText()).isEqualTo(client.lowerName());
        assertThat(json.get("tls").get("protocol").asText()).startsWith("TLSv1.");
        assertThat(json.get("policy").asText()).isEqualTo(url.contains("s://") ? "implicit" : "required");
    }

    @Test
    void jsonHasEveryContractField() {
        Cli.Result r = Cli.run(args("probe", smtp.url(), Servers.trust(), "--json"));

        assertThat(r.status()).as(r.toString()).isZero();
        JsonNode j = r.json();
        assertThat(j.get("url").asText()).isEqualTo(smtp.url());
        assertThat(j.get("protocol").asText()).isEqualTo("smtp");
        assertThat(j.get("policy").asText()).isEqualTo("required");
        assertThat(j.get("outcome").asText()).isEqualTo("secured");
        assertThat(j.get("failure").isNull()).isTrue();
        JsonNode tls = j.get("tls");
        assertThat(tls.get("protocol").asText()).isEqualTo("TLSv1.3");
        assertThat(tls.get("cipherSuite").asText()).startsWith("TLS_");
        JsonNode cert = tls.get("peerCertificate");
        assertThat(cert.get("subject").asText()).contains("CN=" + Servers.NAME);
        assertThat(cert.get("issuer").asText()).contains("CN=" + Servers.NAME);
        assertThat(cert.get("subjectAltNames").get(0).asText()).isEqualTo("DNS:" + Servers.NAME);
        assertThat(Instant.parse(cert.get("notAfter").asText())).isAfter(Instant.now().plus(Duration.ofDays(80)));
        assertThat(cert.get("sha256").asText()).isEqualTo(TlsFacts.sha256(Servers.identity().leaf()));
        assertThat(cert.get("verification").get("result").asText()).isEqualTo("passed");
        assertThat(cert.get("verification").get("method").asText()).contains("chain").contains(Servers.NAME);
        assertThat(texts(j.get("capabilitiesBeforeTls"))).contains("STARTTLS", "PIPELINING").doesNotContain("AUTH PLAIN LOGIN");
        assertThat(texts(j.get("capabilitiesAfterTls"))).contains("AUTH PLAIN LOGIN").doesNotContain("STARTTLS");
        JsonNode timings = j.get("timingsMillis");
        for (String field : List.of("connect", "greeting", "handshake", "total")) {
            assertThat(timings.get(field).isIntegralNumber()).as(field).isTrue();
        }
        assertThat(timings.get("total").asLong()).isGreaterThanOrEqualTo(timings.get("handshake").asLong());
        assertThat(j.get("warnings").isEmpty()).as(j.toString()).isTrue();
    }

    @Test
    void humanOutputTellsTheStoryInOrder() {
        Cli.Result r = Cli.run(args("probe", smtp.url(), Servers.trust()));

        assertThat(r.status()).as(r.toString()).isZero();
        assertThat(r.out()).doesNotContain("\u001b[");
        int connected = r.out().indexOf("connected");
        int greeting = r.out().indexOf("greeting    220 " + Servers.NAME);
        int before = r.out().indexOf("before TLS");
        int startTls = r.out().indexOf("STARTTLS    accepted");
        int tls = r.out().indexOf("TLS         TLSv1.3");
        int certificate = r.out().indexOf("certificate CN=" + Servers.NAME);
        int after = r.out().indexOf("after TLS");
        int result = r.out().indexOf("result      SECURED");
        assertThat(List.of(connected, greeting, before, startTls, tls, certificate, after, result)).as(r.out())
                .doesNotContain(-1).isSorted();
        assertThat(r.out()).contains("checked  chain against the anchors in " + Servers.trustFile() + ", and the name "
                + Servers.NAME + ": passed");
    }

    @Test
    void transcriptShowsEachLineWithItsLayer() {
        Cli.Result text = Cli.run(args("probe", smtp.url(), Servers.trust(), "--transcript", "--ehlo", "client.example"));
        Cli.Result json = Cli.run(args("probe", smtp.url(), Servers.trust(), "--transcript", "--json"));

        assertThat(text.status()).isZero();
        List<String> lines = text.out().lines().filter(l -> l.contains(" C: ") || l.contains(" S: ") || l.contains("--")).toList();
        assertThat(lines.get(0)).contains("[plain] S: 220 " + Servers.NAME);
        assertThat(lines.get(1)).contains("[plain] C: EHLO client.example");
        assertThat(text.out()).contains("[plain] C: STARTTLS", "[plain] S: 220 2.0.0 Ready to start TLS",
                "-- TLS established: TLSv1.3", "[tls]   C: EHLO client.example");
        assertThat(text.out().indexOf("[plain] C: STARTTLS")).isLessThan(text.out().indexOf("-- TLS established"));
        assertThat(text.out().indexOf("-- TLS established")).isLessThan(text.out().indexOf("[tls]   C: EHLO"));

        JsonNode transcript = json.json().get("transcript");
        assertThat(transcript.get(0).get("direction").asText()).isEqualTo("received");
        assertThat(transcript.get(0).get("encrypted").asBoolean()).isFalse();
        assertThat(transcript.get(1).get("text").asText()).isEqualTo("EHLO localhost");
        JsonNode last = transcript.get(transcript.size() - 1);
        assertThat(last.get("encrypted").asBoolean()).isTrue();
        assertThat(last.get("direction").asText()).isEqualTo("received");
    }

    @Test
    void untrustedCertificateFailsWithItsReasonAndIsStillShown() {
        // No --trust: the JDK's trust store does not know the self-signed certificate.
        Cli.Result r = Cli.run("probe", smtp.url(), "--server-name", Servers.NAME, "--json");

        assertThat(r.status()).as(r.toString()).isEqualTo(1);
        JsonNode j = r.json();
        assertThat(j.get("outcome").asText()).isEqualTo("failed");
        assertThat(j.get("failure").get("reason").asText()).isEqualTo("CERTIFICATE_REJECTED");
        assertThat(j.get("failure").get("certificateProblem").asText()).isEqualTo("NOT_TRUSTED");
        assertThat(j.get("failure").get("tlsRptResultType").asText()).isEqualTo("certificate-not-trusted");
        assertThat(j.get("tls").get("protocol").isNull()).isTrue();
        JsonNode cert = j.get("tls").get("peerCertificate");
        assertThat(cert.get("sha256").asText()).isEqualTo(TlsFacts.sha256(Servers.identity().leaf()));
        assertThat(cert.get("verification").get("result").asText()).isEqualTo("rejected");
        assertThat(cert.get("verification").get("problem").asText()).isEqualTo("NOT_TRUSTED");
    }

    @Test
    void wrongHostNameIsAHostMismatch() {
        Cli.Result r = Cli.run("probe", smtp.url(), "--trust", Servers.trustFile().toString(), "--json");

        assertThat(r.status()).isEqualTo(1);
        assertThat(r.json().get("failure").get("certificateProblem").asText()).isEqualTo("HOST_MISMATCH");
        assertThat(r.json().get("failure").get("tlsRptResultType").asText()).isEqualTo("certificate-host-mismatch");
    }

    @Test
    void pinAloneAcceptsThePinnedCertificateAndNothingElse() {
        String right = TlsFacts.sha256(Servers.identity().leaf());
        String wrong = "00".repeat(32);

        Cli.Result pinned = Cli.run("probe", smtp.url(), "--pin", right);
        Cli.Result other = Cli.run("probe", smtp.url(), "--pin", wrong, "--json");

        assertThat(pinned.status()).as(pinned.toString()).isZero();
        assertThat(pinned.out()).contains("SHA-256 pin only (1 pin): passed");
        assertThat(other.status()).isEqualTo(1);
        assertThat(other.json().get("failure").get("certificateProblem").asText()).isEqualTo("PIN_MISMATCH");
    }

    @Test
    void insecureWorksButSaysSoInWords() {
        Cli.Result r = Cli.run("probe", smtp.url(), "--insecure");

        assertThat(r.status()).as(r.toString()).isZero();
        assertThat(r.out()).contains("warning     the certificate was not checked (--insecure)");
    }

    @Test
    void certificateNearExpiryIsAWarningInWords() {
        Instant now = Instant.now();
        ServerIdentity soon = ServerIdentity.selfSigned(Servers.NAME, now.minus(Duration.ofDays(80)), now.plus(Duration.ofDays(9))
                .plus(Duration.ofHours(12)));
        try (Servers.Running server = Servers.start(Protocol.POP3, TlsPolicy.REQUIRED, Adapter.NIO, soon)) {
            Cli.Result r = Cli.run("probe", server.url(), "--pin", TlsFacts.sha256(soon.leaf()));
            Cli.Result json = Cli.run("probe", server.url(), "--pin", TlsFacts.sha256(soon.leaf()), "--json");

            assertThat(r.status()).isZero();
            assertThat(r.out()).contains("warning     certificate expires in 9 days");
            assertThat(texts(json.json().get("warnings"))).contains("certificate expires in 9 days");
            assertThat(json.json().get("tls").get("peerCertificate").get("daysToExpiry").asLong()).isEqualTo(9);
        }
    }

    @Test
    void authBeforeTlsIsAWarningInWords() throws Exception {
        try (NaiveSmtpServer naive = NaiveSmtpServer.start(false)) {
            Cli.Result r = Cli.run("probe", naive.url(), "--insecure");

            assertThat(r.status()).as(r.toString()).isZero();
            assertThat(r.out()).contains("warning     AUTH offered before TLS (AUTH PLAIN LOGIN)");
        }
    }

    @Test
    void requiredFailsAndOpportunisticFallsBackWhenStartTlsIsNotOffered() {
        try (Servers.Running plain = Servers.start(Protocol.IMAP, TlsPolicy.PLAINTEXT_ONLY, Adapter.NIO)) {
            Cli.Result required = Cli.run("probe", plain.url(), "--json");
            Cli.Result opportunistic = Cli.run("probe", plain.url(), "--policy", "opportunistic", "--json");
            Cli.Result text = Cli.run("probe", plain.url(), "--policy", "opportunistic", "--adapter", "netty");

            assertThat(required.status()).isEqualTo(1);
            assertThat(required.json().get("outcome").asText()).isEqualTo("failed");
            assertThat(required.json().get("failure").get("reason").asText()).isEqualTo("STARTTLS_NOT_OFFERED");
            assertThat(required.json().get("failure").get("tlsRptResultType").asText()).isEqualTo("starttls-not-supported");
            assertThat(required.json().get("tls").isNull()).isTrue();
            assertThat(opportunistic.status()).isZero();
            assertThat(opportunistic.json().get("outcome").asText()).isEqualTo("plaintext");
            assertThat(opportunistic.json().get("fallback").get("reason").asText()).isEqualTo("STARTTLS_NOT_OFFERED");
            assertThat(text.status()).isZero();
            assertThat(text.out()).contains("STARTTLS    not offered", "warning     not encrypted: STARTTLS_NOT_OFFERED",
                    "result      PLAINTEXT");
        }
    }

    @Test
    void aServerThatNeverGreetsTimesOut() throws Exception {
        // The kernel completes the TCP handshake from the listen backlog; nothing ever answers.
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 10, java.net.InetAddress.getLoopbackAddress())) {
            for (String adapter : List.of("nio", "netty")) {
                Cli.Result r = Cli.run("probe", "pop3://127.0.0.1:" + silent.getLocalPort(), "--timeout", "1", "--adapter", adapter,
                        "--json");

                assertThat(r.status()).as(adapter + "\n" + r).isEqualTo(1);
                assertThat(r.json().get("failure").get("reason").asText()).isEqualTo("TIMEOUT");
                assertThat(r.json().get("greeting").isNull()).isTrue();
            }
        }
    }

    @Test
    void unreachableServerExitsThree() {
        int port = Servers.closedPort();

        Cli.Result nio = Cli.run("probe", "smtp://127.0.0.1:" + port);
        Cli.Result netty = Cli.run("probe", "imaps://127.0.0.1:" + port, "--adapter", "netty", "--json");

        assertThat(nio.status()).as(nio.toString()).isEqualTo(3);
        assertThat(nio.err()).contains("cannot reach 127.0.0.1:" + port);
        assertThat(netty.status()).as(netty.toString()).isEqualTo(3);
        assertThat(netty.json().get("outcome").asText()).isEqualTo("unreachable");
    }

    @Test
    void usageErrorsExitTwo() {
        List<String[]> wrong = List.of(
                new String[] {"probe"},
                new String[] {"probe", "http://example.com"},
                new String[] {"probe", "smtp://"},
                new String[] {"probe", "smtp://host:99999"},
                new String[] {"probe", "smtp://host/path"},
                new String[] {"probe", "smtp://host", "--policy", "sometimes"},
                new String[] {"probe", "smtps://host", "--policy", "opportunistic"},
                new String[] {"probe", "smtp://host", "--tls-min", "1.1"},
                new String[] {"probe", "smtp://host", "--adapter", "epoll"},
                new String[] {"probe", "smtp://host", "--timeout", "0"},
                new String[] {"probe", "smtp://host", "--pin", "nothex"},
                new String[] {"probe", "smtp://host", "--insecure", "--pin", "00".repeat(32)},
                new String[] {"probe", "smtp://host", "--trust", "/nonexistent/ca.pem"},
                new String[] {"probe", "smtp://host", "--no-such-option"},
                new String[] {"nonsense"});
        for (String[] args : wrong) {
            Cli.Result r = Cli.run(args);
            assertThat(r.status()).as(String.join(" ", args) + "\n" + r).isEqualTo(2);
            assertThat(r.err()).as(String.join(" ", args)).isNotBlank();
        }
    }

    @Test
    void tlsFloorOfOnePointThreeIsApplied() {
        Cli.Result r = Cli.run(args("probe", smtp.url(), Servers.trust(), "--tls-min", "1.3", "--json"));

        assertThat(r.status()).isZero();
        assertThat(r.json().get("tls").get("protocol").asText()).isEqualTo("TLSv1.3");
    }

    private static List<String> texts(JsonNode array) {
        List<String> list = new ArrayList<>();
        array.forEach(n -> list.add(n.asText()));
        return list;
    }
}
