package org.starttls4j.probe;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.starttls4j.resolvers.SignedZones;
import org.starttls4j.resolvers.SmtpMx;
import org.starttls4j.testing.Identity;
import org.starttls4j.testing.TestPki;
import org.starttls4j.testing.TestPki.KeyType;

/**
 * {@code starttls4j probe smtp://DOMAIN --mx} end to end: NSD serves two DNSSEC-signed domains, each
 * with one MX host (an SMTP server of this library on loopback) and TLSA records naming the EC test
 * key; the MX of {@code example.test} presents it, the MX of {@code other.test} another key.
 */
@Tag("interop")
class ProbeMxCommandTest {

    @TempDir
    static Path dir;
    static SignedZones zones;
    static SmtpMx genuine;
    static SmtpMx impostor;
    static Path anchors;

    @BeforeAll
    static void start() throws Exception {
        Identity ec = TestPki.server(KeyType.EC_P256, "mx.example.test");
        String tlsa = "3 1 1 " + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(ec.leaf().getPublicKey().getEncoded()));
        genuine = new SmtpMx("mx.example.test", ec);
        impostor = new SmtpMx("mx.other.test", TestPki.server(KeyType.RSA_2048, "mx.other.test"));
        zones = new SignedZones(dir.resolve("dns"), List.of(
                SignedZones.Zone.signed("example.test", "@ IN MX 10 mx\nmx IN A 127.0.0.1\n_" + genuine.address().getPort()
                        + "._tcp.mx IN TLSA " + tlsa + "\n_smtp._tls IN TXT \"v=TLSRPTv1; rua=mailto:tlsrpt@example.test\"\n"),
                SignedZones.Zone.signed("other.test", "@ IN MX 10 mx\nmx IN A 127.0.0.1\n_" + impostor.address().getPort()
                        + "._tcp.mx IN TLSA " + tlsa + "\n"),
                // signed MX records naming a host with unsigned addresses and signed TLSA records (RFC 7672 §2.2.2)
                SignedZones.Zone.signed("islands.test", "@ IN MX 10 mx.hosts.test.\n"),
                SignedZones.Zone.unsigned("hosts.test", "mx IN A 127.0.0.1\n"),
                SignedZones.Zone.signed("_tcp.mx.hosts.test", "_" + genuine.address().getPort() + " IN TLSA " + tlsa + "\n")));
        anchors = Files.writeString(dir.resolve("anchors"), zones.trustAnchors());
    }

    @AfterAll
    static void stop() {
        genuine.close();
        impostor.close();
        zones.close();
    }

    static Cli.Result probe(String domain, int port, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("probe", "smtp://" + domain + ":" + port, "--mx",
                "--dns", "127.0.0.1:" + zones.address().getPort(), "--trust-anchor", anchors.toString(), "--timeout", "10"));
        args.addAll(List.of(more));
        return Cli.run(args.toArray(String[]::new));
    }

    @Test
    void anMxHostTheTlsaRecordsNameIsSecuredUnderDane() {
        Cli.Result r = probe("example.test", genuine.address().getPort(), "--json");
        assertThat(r.status()).as(r.toString()).isEqualTo(Main.OK);
        JsonNode json = r.json();
        assertThat(json.get("domain").asText()).isEqualTo("example.test");
        assertThat(json.at("/tlsRpt/0").asText()).isEqualTo("mailto:tlsrpt@example.test");
        JsonNode mx = json.at("/mx/0");
        assertThat(mx.get("host").asText()).isEqualTo("mx.example.test");
        assertThat(mx.get("policyType").asText()).isEqualTo("tlsa");
        assertThat(mx.get("outcome").asText()).isEqualTo("secured");
        assertThat(mx.get("demanded").asText()).contains("DANE");
    }

    @Test
    void anMxHostPresentingAnotherKeyFailsAndSaysWhatToReport() {
        Cli.Result r = probe("other.test", impostor.address().getPort(), "--json");
        assertThat(r.status()).as(r.toString()).isEqualTo(Main.NOT_AS_DEMANDED);
        JsonNode mx = r.json().at("/mx/0");
        assertThat(mx.get("outcome").asText()).isEqualTo("failed");
        assertThat(mx.get("certificateProblem").asText()).isEqualTo("DANE_MISMATCH");
        assertThat(mx.get("resultType").asText()).isEqualTo("tlsa-invalid");
    }

    @Test
    void withoutDaneTheSameHostIsOpportunisticTlsAndTheTextSaysSo() {
        Cli.Result r = probe("other.test", impostor.address().getPort(), "--dane", "none");
        assertThat(r.status()).as(r.toString()).isEqualTo(Main.OK);
        assertThat(r.out()).contains("mx.other.test", "opportunistic", "secured", "MTA-STS");
    }

    @Test
    void auditPassesADomainWhoseTlsaRecordsMatchAndSaysWhatIsMissing() {
        Cli.Result r = Cli.run("audit", "smtp://example.test:" + genuine.address().getPort(), "--mx", "--json",
                "--dns", "127.0.0.1:" + zones.address().getPort(), "--trust-anchor", anchors.toString(), "--timeout", "10");
        assertThat(r.status()).as(r.toString()).isEqualTo(Main.OK);
        assertThat(verdicts(r.json())).containsEntry("MX records", "PASS").containsEntry("DNSSEC", "PASS")
                .containsEntry("TLS-RPT record", "PASS").containsEntry("MTA-STS record", "WARN")
                .containsEntry("TLSA mx.example.test", "PASS");
    }

    @Test
    void auditFailsAnMxHostServingACertificateItsTlsaRecordsDoNotName() {
        Cli.Result r = Cli.run("audit", "smtp://other.test:" + impostor.address().getPort(), "--mx", "--json",
                "--dns", "127.0.0.1:" + zones.address().getPort(), "--trust-anchor", anchors.toString(), "--timeout", "10");
        assertThat(r.status()).as(r.toString()).isEqualTo(Main.NOT_AS_DEMANDED);
        assertThat(verdicts(r.json())).containsEntry("TLSA mx.other.test", "FAIL").containsEntry("TLS-RPT record", "WARN");
        assertThat(r.out()).contains("no TLSA record names the certificate");
    }

    @Test
    void anMxHostWithUnsignedAddressesIsNoDaneHostAndTheAuditSaysWhy() {
        Cli.Result probe = probe("islands.test", genuine.address().getPort(), "--json", "--dane", "dane-only");
        JsonNode mx = probe.json().at("/mx/0");
        assertThat(mx.get("host").asText()).as(probe.toString()).isEqualTo("mx.hosts.test");
        assertThat(mx.get("outcome").asText()).as("the TLSA records validate, yet do not apply").isEqualTo("skipped");
        assertThat(mx.get("policyType").asText()).isEqualTo("no-policy-found");
        assertThat(mx.get("resultType").asText()).isEqualTo("dane-required");
        assertThat(probe.status()).as("skipped is not passed: " + probe).isEqualTo(Main.SKIPPED);
        Cli.Result audit = Cli.run("audit", "smtp://islands.test:" + genuine.address().getPort(), "--mx", "--json",
                "--dns", "127.0.0.1:" + zones.address().getPort(), "--trust-anchor", anchors.toString(), "--timeout", "10");
        assertThat(verdicts(audit.json())).as(audit.toString()).containsEntry("DNSSEC", "PASS").containsEntry("TLSA mx.hosts.test", "WARN");
        assertThat(audit.out()).contains("A/AAAA records are not DNSSEC-signed");
    }

    @Test
    void aDomainWhoseOnlyPolicyIsDaneWhenDaneIsSkippedExitsSkippedNotOk() {
        Cli.Result text = probe("islands.test", genuine.address().getPort(), "--dane", "dane-only");
        assertThat(text.status()).as(text.toString()).isEqualTo(Main.SKIPPED);
        assertThat(text.out()).contains("skipped", "dane-required");
        // the same host under opportunistic DANE is negotiated with (without TLSA records): a pass
        Cli.Result dane = probe("islands.test", genuine.address().getPort());
        assertThat(dane.status()).as(dane.toString()).isEqualTo(Main.OK);
    }

    static java.util.Map<String, String> verdicts(JsonNode audit) {
        java.util.Map<String, String> all = new java.util.LinkedHashMap<>();
        audit.get("checks").forEach(c -> all.put(c.get("name").asText(), c.get("verdict").asText()));
        return all;
    }

    @Test
    void mxIsForSmtpUrlsOnly() {
        Cli.Result r = Cli.run("probe", "imap://example.test", "--mx");
        assertThat(r.status()).isEqualTo(Main.USAGE);
        assertThat(r.err()).contains("--mx is for smtp://");
    }
}
