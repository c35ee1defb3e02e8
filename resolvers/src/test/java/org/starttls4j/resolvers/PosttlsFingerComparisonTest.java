package org.starttls4j.resolvers;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.starttls4j.dane.Dane;
import org.starttls4j.dane.DaneVerdict;
import org.starttls4j.dane.DaneVerifier;
import org.starttls4j.dane.Tlsa;
import org.starttls4j.testing.Identity;
import org.starttls4j.testing.TestPki;
import org.starttls4j.testing.TestPki.KeyType;
import org.starttls4j.testing.interop.ExternalTool;
import org.starttls4j.testing.interop.ProcessRun;

/**
 * The library's DANE verdicts beside Postfix's: for each case an SMTP server of this library
 * presents a chain, the signed zone publishes TLSA records for its port, and both
 * {@link DaneVerifier} and {@code posttls-finger -l dane} (through Unbound validating the same zone)
 * say whether the server is authenticated. They must agree.
 */
@Tag("interop")
class PosttlsFingerComparisonTest {

    static final String HOST = "mx.example.test";

    /** One server and the TLSA records published for it. */
    record Case(String name, List<X509Certificate> chain, Identity identity, List<Tlsa> records) {
    }

    @TempDir
    static Path dir;
    static final Map<Case, SmtpMx> SERVERS = new LinkedHashMap<>();
    static SignedZones zones;
    static ValidatingUnbound unbound;

    @BeforeAll
    static void start() throws Exception {
        Identity ec = TestPki.server(KeyType.EC_P256, HOST);
        X509Certificate ca = TestPki.ca(KeyType.EC_P256);
        Identity rsa = TestPki.server(KeyType.RSA_2048, HOST);
        Identity expired = TestPki.expiredServer(KeyType.EC_P256, HOST);
        Identity otherName = TestPki.server(KeyType.EC_P256, "other.example.test");
        List<Case> cases = List.of(
                new Case("DANE-EE key matches", ec.chain(), ec, List.of(record(3, 1, 1, ec.leaf().getPublicKey().getEncoded()))),
                new Case("DANE-EE key of another server", rsa.chain(), rsa, List.of(record(3, 1, 1, ec.leaf().getPublicKey().getEncoded()))),
                new Case("DANE-EE certificate, expired", expired.chain(), expired, List.of(record(3, 0, 1, expired.leaf().getEncoded()))),
                new Case("DANE-TA issuer sent, name matches", List.of(ec.leaf(), ca), new Identity(ec.key(), List.of(ec.leaf(), ca)),
                        List.of(record(2, 0, 1, ca.getEncoded()))),
                new Case("DANE-TA issuer sent, another name", List.of(otherName.leaf(), ca),
                        new Identity(otherName.key(), List.of(otherName.leaf(), ca)), List.of(record(2, 0, 1, ca.getEncoded()))),
                new Case("DANE-TA issuer sent, leaf expired", List.of(expired.leaf(), ca), new Identity(expired.key(), List.of(expired.leaf(), ca)),
                        List.of(record(2, 0, 1, ca.getEncoded()))),
                new Case("DANE-TA bare issuer key, issuer not sent", ec.chain(), ec, List.of(record(2, 1, 0, ca.getPublicKey().getEncoded()))),
                new Case("PKIX-EE only (unusable)", ec.chain(), ec, List.of(record(1, 1, 1, ec.leaf().getPublicKey().getEncoded()))));
        StringBuilder zone = new StringBuilder("mx IN A 127.0.0.1\n@ IN MX 10 mx\n");
        for (Case c : cases) {
            SmtpMx server = new SmtpMx(HOST, c.identity());
            SERVERS.put(c, server);
            for (Tlsa r : c.records()) {
                zone.append("_").append(server.address().getPort()).append("._tcp.mx IN TLSA ").append(r.toPresentation()).append('\n');
            }
        }
        zones = new SignedZones(dir.resolve("dns"), List.of(SignedZones.Zone.signed("example.test", zone.toString())));
        unbound = new ValidatingUnbound(dir.resolve("unbound"), zones, "example.test");
        Path config = Files.createDirectories(dir.resolve("postfix"));
        Files.writeString(config.resolve("main.cf"), "compatibility_level = 3.6\nsmtp_dns_support_level = dnssec\n"
                + "inet_protocols = ipv4\ndnssec_probe = ns:example.test\n");
    }

    @AfterAll
    static void stop() {
        SERVERS.values().forEach(SmtpMx::close);
        if (unbound != null) {
            unbound.close();
        }
        if (zones != null) {
            zones.close();
        }
    }

    @Test
    void theLibraryAndPostfixAgreeOnEveryCase() throws IOException {
        List<String> disagreements = new ArrayList<>();
        List<String> verdicts = new ArrayList<>();
        for (Map.Entry<Case, SmtpMx> entry : SERVERS.entrySet()) {
            Case c = entry.getKey();
            DaneVerdict ours = DaneVerifier.verify(c.records(), Dane.referenceNames(HOST, HOST), c.chain(), Instant.now());
            boolean oursAuthenticated = ours instanceof DaneVerdict.Authenticated;
            ProcessRun.Result postfix = posttlsFinger(entry.getValue().address().getPort());
            String output = postfix.stdout() + postfix.stderr();
            assertThat(output).as("posttls-finger reached the server and did TLS: " + postfix.describe())
                    .contains("TLS connection established");
            boolean postfixAuthenticated = output.contains("Verified TLS connection established");
            verdicts.add(c.name() + ": starttls4j " + (oursAuthenticated ? "authenticated" : "not (" + ours + ")")
                    + ", Postfix " + (postfixAuthenticated ? "Verified" : "not verified"));
            if (oursAuthenticated != postfixAuthenticated) {
                disagreements.add(c.name() + "\n" + postfix.describe());
            }
        }
        assertThat(disagreements).as(String.join("\n", verdicts)).isEmpty();
        // and the cases are not all alike: some authenticate, some do not
        assertThat(verdicts).anyMatch(v -> v.contains("Postfix Verified")).anyMatch(v -> v.contains("Postfix not verified"));
    }

    static ProcessRun.Result posttlsFinger(int port) {
        // posttls-finger resolves through the C library, which reads /etc/resolv.conf: a private
        // mount namespace gives it one naming Unbound, without touching the machine's.
        return ProcessRun.run(List.of(ExternalTool.UNSHARE.path().toString(), "-m", "sh", "-c",
                        "mount --bind \"$0\" /etc/resolv.conf && exec \"$@\"", unbound.resolvConf().toString(),
                        ExternalTool.POSTTLS_FINGER.path().toString(), "-c", "-l", "dane", "-t", "10", "-T", "10",
                        "[" + HOST + "]:" + port),
                dir, new byte[0], Duration.ofSeconds(60), Map.of("MAIL_CONFIG", dir.resolve("postfix").toString()));
    }

    static Tlsa record(int usage, int selector, int matchingType, byte[] selected) throws Exception {
        byte[] data = matchingType == 0 ? selected : MessageDigest.getInstance("SHA-256").digest(selected);
        return Tlsa.parsePresentation(usage + " " + selector + " " + matchingType + " " + HexFormat.of().formatHex(data))
                .valid().orElseThrow();
    }
}
