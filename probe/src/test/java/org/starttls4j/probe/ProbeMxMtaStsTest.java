package org.starttls4j.probe;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.starttls4j.resolvers.PolicyServer;
import org.starttls4j.resolvers.SignedZones;
import org.starttls4j.resolvers.SmtpMx;
import org.starttls4j.testing.TestPki;
import org.starttls4j.testing.TestPki.KeyType;
import org.starttls4j.testing.interop.FreePort;

/**
 * {@code starttls4j probe smtp://sts.test --mx} on the MTA-STS path, end to end: NSD serves
 * {@code sts.test} (three MX hosts, an {@code _mta-sts} TXT record, a TLS-RPT record, no TLSA
 * records, so DANE does not apply), an HTTPS server on loopback serves its {@code enforce} policy
 * under the test PKI, and two SMTP servers of this library listen on one port at two loopback
 * addresses: {@code good.sts.test} presents a certificate for its name, {@code bad.sts.test} one for
 * another name. The third MX host, {@code rogue.sts.test}, listens too but is not in the policy.
 */
@Tag("interop")
class ProbeMxMtaStsTest {

    static final String POLICY = "version: STSv1\nmode: enforce\nmx: good.sts.test\nmx: bad.sts.test\nmax_age: 86400\n";

    @TempDir
    static Path dir;
    static SignedZones zones;
    static PolicyServer policyServer;
    static SmtpMx good;
    static SmtpMx bad;
    static SmtpMx rogue;
    static Path anchors;
    static Path ca;
    static int port;

    @BeforeAll
    static void start() throws Exception {
        port = FreePort.pick();
        good = new SmtpMx("good.sts.test", TestPki.server(KeyType.EC_P256, "good.sts.test"), new InetSocketAddress("127.0.0.1", port));
        bad = new SmtpMx("bad.sts.test", TestPki.server(KeyType.EC_P256, "elsewhere.sts.test"), new InetSocketAddress("127.0.0.2", port));
        rogue = new SmtpMx("rogue.sts.test", TestPki.server(KeyType.EC_P256, "rogue.sts.test"), new InetSocketAddress("127.0.0.3", port));
        zones = new SignedZones(dir.resolve("dns"), List.of(SignedZones.Zone.signed("sts.test",
                "@ IN MX 10 good\n@ IN MX 20 bad\n@ IN MX 30 rogue\ngood IN A 127.0.0.1\nbad IN A 127.0.0.2\nrogue IN A 127.0.0.3\n"
                        + "_mta-sts IN TXT \"v=STSv1; id=20261207;\"\n_smtp._tls IN TXT \"v=TLSRPTv1; rua=mailto:tlsrpt@sts.test\"\n")));
        policyServer = new PolicyServer(TestPki.server(KeyType.EC_P256, "mta-sts.sts.test")).answer(PolicyServer.Reply.policy(POLICY));
        anchors = Files.writeString(dir.resolve("anchors"), zones.trustAnchors());
        ca = TestPki.writeCaPem(KeyType.EC_P256, dir);
    }

    @AfterAll
    static void stop() {
        good.close();
        bad.close();
        rogue.close();
        policyServer.close();
        zones.close();
    }

    static Cli.Result probe(String... more) {
        List<String> args = new ArrayList<>(List.of("probe", "smtp://sts.test:" + port, "--mx",
                "--dns", "127.0.0.1:" + zones.address().getPort(), "--trust-anchor", anchors.toString(),
                "--mta-sts-port", String.valueOf(policyServer.port()), "--trust", ca.toString(), "--timeout", "10"));
        args.addAll(List.of(more));
        return Cli.run(args.toArray(String[]::new));
    }

    @Test
    void theJsonSaysWhatThePolicyDemandedOfEachMxHostAndWhatHappened() {
        Cli.Result r = probe("--json");
        assertThat(r.status()).as(r.toString()).isEqualTo(Main.NOT_AS_DEMANDED);
        JsonNode json = r.json();
        assertThat(json.get("asDemanded").asBoolean()).isFalse();
        assertThat(json.at("/mtaSts/mode").asText()).isEqualTo("enforce");
        assertThat(json.at("/mtaSts/id").asText()).isEqualTo("20261207");
        assertThat(json.at("/mtaSts/fromCache").asBoolean()).isFalse();
        assertThat(json.at("/mtaSts/mx")).extracting(JsonNode::asText).containsExactly("good.sts.test", "bad.sts.test");
        assertThat(json.at("/tlsRpt/0").asText()).isEqualTo("mailto:tlsrpt@sts.test");
        assertThat(json.get("mx")).hasSize(3);

        JsonNode goodMx = json.at("/mx/0");
        assertThat(goodMx.get("host").asText()).isEqualTo("good.sts.test");
        assertThat(goodMx.get("policyType").asText()).isEqualTo("sts");
        assertThat(goodMx.get("demanded").asText())
                .isEqualTo("MTA-STS enforce: STARTTLS required, TLS 1.2+, certificate valid for good.sts.test");
        assertThat(goodMx.get("outcome").asText()).isEqualTo("secured");
        assertThat(goodMx.get("address").asText()).isEqualTo("127.0.0.1");
        assertThat(goodMx.get("tlsProtocol").asText()).startsWith("TLSv1.");
        assertThat(goodMx.has("resultType")).isFalse();

        JsonNode badMx = json.at("/mx/1");
        assertThat(badMx.get("host").asText()).isEqualTo("bad.sts.test");
        assertThat(badMx.get("demanded").asText()).contains("certificate valid for bad.sts.test");
        assertThat(badMx.get("address").asText()).isEqualTo("127.0.0.2");
        assertThat(badMx.get("outcome").asText()).isEqualTo("failed");
        assertThat(badMx.get("failure").asText()).isEqualTo("CERTIFICATE_REJECTED");
        assertThat(badMx.get("certificateProblem").asText()).isEqualTo("HOST_MISMATCH");
        assertThat(badMx.get("resultType").asText()).isEqualTo("certificate-host-mismatch");

        JsonNode rogue = json.at("/mx/2");
        assertThat(rogue.get("host").asText()).isEqualTo("rogue.sts.test");
        assertThat(rogue.get("outcome").asText()).isEqualTo("skipped");
        assertThat(rogue.get("demanded").asText()).startsWith("do not deliver: ");
        assertThat(rogue.has("address")).as("a host the policy rules out is never connected to").isFalse();
        assertThat(rogue.get("resultType").asText()).isEqualTo("validation-failure");
    }

    @Test
    void auditChecksTheRecordThePolicyTheMxHostsItListsAndTheCertificatesServed() {
        Cli.Result r = Cli.run("audit", "smtp://sts.test:" + port, "--mx", "--json",
                "--dns", "127.0.0.1:" + zones.address().getPort(), "--trust-anchor", anchors.toString(),
                "--mta-sts-port", String.valueOf(policyServer.port()), "--trust", ca.toString(), "--timeout", "10");
        assertThat(r.status()).as(r.toString()).isEqualTo(Main.NOT_AS_DEMANDED);
        assertThat(ProbeMxCommandTest.verdicts(r.json()))
                .containsEntry("MX records", "PASS")
                .containsEntry("TLS-RPT record", "PASS")
                .containsEntry("MTA-STS record", "PASS")
                .containsEntry("MTA-STS policy", "PASS")
                .containsEntry("MTA-STS lists MX", "FAIL")
                .containsEntry("MTA-STS good.sts.test", "PASS")
                .containsEntry("MTA-STS bad.sts.test", "FAIL")
                .containsEntry("TLSA good.sts.test", "WARN")
                .doesNotContainKey("MTA-STS rogue.sts.test");
        JsonNode lists = null;
        for (JsonNode check : r.json().get("checks")) {
            if (check.get("name").asText().equals("MTA-STS lists MX")) {
                lists = check;
            }
        }
        assertThat(lists).isNotNull();
        assertThat(lists.toString()).contains("rogue.sts.test", "senders will not deliver there");
    }

    @Test
    void underATestingPolicyTheFailureIsReportedAndTheMailGoesAsWithoutThePolicy() {
        policyServer.answer(PolicyServer.Reply.policy(POLICY.replace("enforce", "testing")));
        try {
            Cli.Result r = probe("--json");
            assertThat(r.status()).as(r.toString()).isEqualTo(Main.OK);
            JsonNode badMx = r.json().at("/mx/1");
            assertThat(badMx.get("demanded").asText()).startsWith("MTA-STS testing: ");
            assertThat(badMx.get("outcome").asText()).isEqualTo("failed");
            assertThat(badMx.get("certificateProblem").asText()).isEqualTo("HOST_MISMATCH");
            assertThat(badMx.get("resultType").asText()).isEqualTo("certificate-host-mismatch");
            assertThat(badMx.get("fallbackOutcome").asText()).isEqualTo("secured");
            assertThat(r.json().at("/mx/0").has("fallbackOutcome")).as("no fallback where the policy was met").isFalse();
            JsonNode rogueMx = r.json().at("/mx/2");
            assertThat(rogueMx.get("demanded").asText()).contains("does not list the MX host rogue.sts.test; opportunistic TLS");
            assertThat(rogueMx.get("outcome").asText()).isEqualTo("secured");
            assertThat(rogueMx.get("resultType").asText()).isEqualTo("validation-failure");

            Cli.Result text = probe();
            assertThat(text.out()).contains("fallback  secured (MTA-STS testing: the failure is reported");
        } finally {
            policyServer.answer(PolicyServer.Reply.policy(POLICY));
        }
    }

    @Test
    void theTextSaysTheSame() {
        Cli.Result r = probe();
        assertThat(r.status()).as(r.toString()).isEqualTo(Main.NOT_AS_DEMANDED);
        String out = r.out();
        assertThat(out).contains("probe --mx sts.test", "MTA-STS   mode enforce", "id 20261207", "reports to [mailto:tlsrpt@sts.test]");
        List<String> lines = out.lines().map(String::strip).toList();
        assertThat(lines).containsSubsequence(
                "good.sts.test  (preference 10, policy sts)",
                "demanded  MTA-STS enforce: STARTTLS required, TLS 1.2+, certificate valid for good.sts.test",
                "address   127.0.0.1:" + port);
        assertThat(lines).anyMatch(l -> l.startsWith("outcome   secured, TLSv1."));
        assertThat(lines).containsSubsequence("bad.sts.test  (preference 20, policy sts)",
                "demanded  MTA-STS enforce: STARTTLS required, TLS 1.2+, certificate valid for bad.sts.test");
        assertThat(lines).anyMatch(l -> l.startsWith("outcome   failed: ") && l.contains("HOST_MISMATCH"));
        assertThat(lines).contains("TLS-RPT   certificate-host-mismatch");
        assertThat(lines).containsSubsequence("rogue.sts.test  (preference 30, policy sts)");
        assertThat(lines).anyMatch(l -> l.startsWith("demanded  do not deliver: ") && l.contains("rogue.sts.test"));
        assertThat(lines).contains("outcome   skipped (reported as validation-failure)");
    }
}
