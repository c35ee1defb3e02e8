package org.starttls4j.probe;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.starttls4j.testing.Identity;
import org.starttls4j.testing.interop.DovecotServer;
import org.starttls4j.testing.interop.ExternalTool;
import org.starttls4j.testing.interop.InnServer;
import org.starttls4j.testing.interop.InteropPki;
import org.starttls4j.testing.interop.OpenSslClient;
import org.starttls4j.testing.interop.ProcessRun;

/**
 * LMTP, ManageSieve and NNTP against software no one here wrote, over loopback: our client
 * ({@code probe}, through both adapters) against Dovecot's LMTP and ManageSieve services and INN's
 * nnrpd (STARTTLS and implicit TLS); and our server ({@code serve}, through both adapters) against
 * {@code openssl s_client -starttls lmtp|sieve|nntp} and sieve-connect. Every server presents the
 * interop certificate, which every client verifies by name against the interop CA.
 */
@Tag("interop")
class DialectsInteropTest {

    private static DovecotServer dovecot;
    private static InnServer inn;
    private static Path dir;
    private static Path ca;
    private static Identity.PemFiles pem;

    @BeforeAll
    static void start() throws IOException {
        dir = Files.createTempDirectory("starttls4j-dialects-interop-");
        pem = InteropPki.serverIdentity().writePem(dir.resolve("server"));
        ca = InteropPki.writeCaPem(dir);
        dovecot = DovecotServer.start();
        inn = InnServer.start();
    }

    @AfterAll
    static void stop() {
        if (dovecot != null) {
            dovecot.close();
        }
        if (inn != null) {
            inn.close();
        }
    }

    private static JsonNode probe(String scheme, InetSocketAddress address, String adapter, String log) {
        Cli.Result r = Cli.run("probe", scheme + "://127.0.0.1:" + address.getPort(), "--trust", ca.toString(), "--server-name",
                InteropPki.SERVER_NAME, "--adapter", adapter, "--json");
        assertThat(r.status()).as(scheme + " " + adapter + "\n" + r + "\n" + log).isZero();
        JsonNode j = r.json();
        assertThat(j.get("outcome").asText()).isEqualTo("secured");
        assertThat(j.get("capabilitiesAfterTls").toString()).doesNotContain("\"STARTTLS\"");
        return j;
    }

    @Test
    void dovecotLmtpIsSecuredThroughBothAdapters() {
        for (String adapter : List.of("nio", "netty")) {
            JsonNode j = probe("lmtp", dovecot.lmtp(), adapter, dovecot.log());
            assertThat(j.get("capabilitiesBeforeTls").toString()).contains("STARTTLS");
            assertThat(j.get("capabilitiesAfterTls").toString()).contains("PIPELINING");
        }
    }

    @Test
    void dovecotManageSieveIsSecuredWithTheCapabilitiesItSendsAgainInsideTls() {
        for (String adapter : List.of("nio", "netty")) {
            JsonNode j = probe("sieve", dovecot.sieve(), adapter, dovecot.log());
            assertThat(j.get("capabilitiesBeforeTls").toString()).contains("STARTTLS");
            assertThat(j.get("capabilitiesAfterTls").toString()).contains("IMPLEMENTATION").contains("SASL");
        }
    }

    @Test
    void innIsSecuredWithStartTlsAndImplicitTlsAndItsPostTlsListIsTheOneReported() {
        for (String adapter : List.of("nio", "netty")) {
            JsonNode j = probe("nntp", inn.nntp(), adapter, inn.log());
            // nnrpd offers AUTHINFO USER only inside TLS: the list reported after TLS is the one learned there.
            assertThat(j.get("capabilitiesBeforeTls").toString()).contains("STARTTLS").doesNotContain("AUTHINFO USER");
            assertThat(j.get("capabilitiesAfterTls").toString()).contains("AUTHINFO USER");
            JsonNode implicit = probe("nntps", inn.nntps(), adapter, inn.log());
            assertThat(implicit.get("capabilitiesAfterTls").toString()).contains("READER");
        }
    }

    @Test
    void opensslStartTlsLmtpSieveAndNntpAgainstOurServerThroughBothAdapters() {
        record Case(String protocol, String script, String expectedInsideTls) {
        }
        List<Case> cases = List.of(
                new Case("lmtp", "LHLO openssl.example.test\r\nQUIT\r\n", "221 "),
                new Case("sieve", "LOGOUT\r\n", "\"IMPLEMENTATION\""),
                new Case("nntp", "CAPABILITIES\r\nQUIT\r\n", "205 "));
        for (String adapter : List.of("nio", "netty")) {
            for (Case c : cases) {
                try (Serving serve = Serving.start("serve", c.protocol(), "--port", "0", "--adapter", adapter, "--cert",
                        pem.certificateChain().toString(), "--key", pem.privateKey().toString())) {
                    OpenSslClient.Result r = OpenSslClient.startTls(c.protocol(), new InetSocketAddress("127.0.0.1", serve.port()),
                            dir, c.script());
                    assertThat(r.protocol()).as(r.describe()).contains("TLSv1.3");
                    assertThat(r.verified()).as(r.describe()).isTrue();
                    assertThat(r.afterTls()).as(r.describe()).anyMatch(l -> l.startsWith(c.expectedInsideTls()))
                            .noneMatch(l -> l.contains("STARTTLS"));
                    assertThat(serve.output()).contains("[tls]");
                }
            }
        }
    }

    @Test
    void sieveConnectListsScriptsOverStartTlsAgainstOurServer() {
        for (String adapter : List.of("nio", "netty")) {
            try (Serving serve = Serving.start("serve", "sieve", "--port", "0", "--adapter", adapter, "--cert",
                    pem.certificateChain().toString(), "--key", pem.privateKey().toString())) {
                ProcessRun.Result r = ProcessRun.run(List.of(ExternalTool.SIEVE_CONNECT.command(), "--server", "127.0.0.1",
                                "--port", Integer.toString(serve.port()), "--user", "alice", "--passwordfd", "0",
                                "--tlscafile", ca.toString(), "--tlshostname", InteropPki.SERVER_NAME,
                                "--noclearauth", "--noclearchan", "--authmech", "PLAIN", "--list"),
                        dir, "interop-secret\n".getBytes(StandardCharsets.US_ASCII), Duration.ofSeconds(30), Map.of());
                assertThat(r.exitCode()).as(r.describe() + "\n" + serve.output()).isZero();
                assertThat(serve.output()).contains("[tls]   C: AUTHENTICATE", "[tls]   C: LISTSCRIPTS")
                        .doesNotContain("interop-secret").doesNotContain("[plain] C: AUTHENTICATE");
            }
        }
    }
}
