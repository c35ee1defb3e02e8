package org.starttls4j.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * LMTP, ManageSieve and NNTP on the command line: {@code serve} through each adapter, probed
 * through each adapter, secured with the capabilities the server announced inside TLS.
 */
class DialectsServeTest {

    @ParameterizedTest
    @CsvSource({
        "lmtp,  lmtp,  nio,   netty, AUTH PLAIN",
        "lmtp,  lmtp,  netty, nio,   AUTH PLAIN",
        "sieve, sieve, nio,   netty, SASL PLAIN",
        "sieve, sieve, netty, nio,   SASL PLAIN",
        "nntp,  nntp,  nio,   netty, POST",
        "nntp,  nntp,  netty, nio,   POST"})
    void servedAndProbedThroughBothAdapters(String protocol, String scheme, String serverAdapter, String clientAdapter,
                                            String afterTls) throws Exception {
        try (Serving serve = Serving.start("serve", protocol, "--port", "0", "--adapter", serverAdapter)) {
            Cli.Result probe = Cli.run("probe", scheme + "://127.0.0.1:" + serve.port(), "--pin", serve.sha256(), "--adapter",
                    clientAdapter, "--server-name", "localhost");
            assertThat(probe.status()).as(probe.toString()).isZero();
            assertThat(probe.out()).contains("SECURED");
            String afterLine = probe.out().lines().filter(l -> l.trim().startsWith("after TLS")).findFirst().orElseThrow();
            assertThat(afterLine).contains(afterTls).doesNotContain("STARTTLS");
            assertThat(serve.stop()).isZero();
        }
    }

    @Test
    void nntpsIsImplicitTls() throws Exception {
        try (Serving serve = Serving.start("serve", "nntp", "--port", "0", "--implicit")) {
            Cli.Result probe = Cli.run("probe", "nntps://127.0.0.1:" + serve.port(), "--pin", serve.sha256());
            assertThat(probe.status()).as(probe.toString()).isZero();
            assertThat(probe.out()).contains("SECURED");
        }
    }

    @Test
    void theAuditFindsNothingToFailOnTheReferenceServers() throws Exception {
        for (String protocol : List.of("lmtp", "sieve", "nntp")) {
            try (Serving serve = Serving.start("serve", protocol, "--port", "0")) {
                Cli.Result audit = Cli.run("audit", protocol + "://127.0.0.1:" + serve.port(), "--pin", serve.sha256(),
                        "--server-name", "localhost");
                assertThat(audit.out()).as(audit.toString()).contains("PASS  commands before TLS", "PASS  command injection",
                        "PASS  login before TLS", "PASS  second STARTTLS", "PASS  over-long line");
                assertThat(audit.status()).as(audit.toString()).isZero();
            }
        }
    }

    @Test
    void lmtpAndSieveHaveNoImplicitTls() {
        for (String protocol : List.of("lmtp", "sieve")) {
            Cli.Result r = Cli.run("serve", protocol, "--implicit");
            assertThat(r.status()).as(r.toString()).isEqualTo(2);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"nio", "netty"})
    void anOpportunisticSieveSessionThatAsksForTlsLaterGetsTheCapabilitiesAgainInsideTls(String adapter) throws Exception {
        try (Serving serve = Serving.start("serve", "sieve", "--port", "0", "--policy", "opportunistic", "--adapter", adapter)) {
            try (TlsLines c = TlsLines.plain(serve.port())) {
                String line;
                while (!(line = c.line()).startsWith("OK")) {
                    assertThat(line).startsWith("\"");
                }
                c.send("LISTSCRIPTS"); // not the negotiation's: handed over in plaintext here
                assertThat(c.line()).startsWith("NO ");
                c.send("STARTTLS");
                assertThat(c.line()).isEqualTo("OK \"Begin TLS negotiation now\"");
                c.startTls();
                List<String> again = new java.util.ArrayList<>();
                while (!(line = c.line()).startsWith("OK")) {
                    again.add(line);
                }
                assertThat(again).contains("\"SASL\" \"PLAIN\"").doesNotContain("\"STARTTLS\"");
                c.send("LOGOUT");
                assertThat(c.line()).startsWith("OK");
            }
            assertThat(serve.outputOnceItShows("[tls]   C: LOGOUT")).contains("resuming the negotiation at STARTTLS",
                    "negotiated: handing over inside TLS");
        }
    }
}
