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
import org.starttls4j.dane.DaneVerdict;
import org.starttls4j.dane.DaneVerifier;
import org.starttls4j.dane.Tlsa;
import org.starttls4j.dane.TlsaBase;
import org.starttls4j.dane.TlsaLookup;
import org.starttls4j.testing.Identity;
import org.starttls4j.testing.TestPki;
import org.starttls4j.testing.TestPki.KeyType;
import org.starttls4j.testing.interop.ExternalTool;
import org.starttls4j.testing.interop.ProcessRun;

/**
 * The library's DANE verdicts beside Postfix's: for each case an SMTP server of this library
 * presents a chain, the signed zone publishes TLSA records for its port, and both the library
 * ({@link DnssecResolver#tlsaBase}, CNAME expansion included, then {@link DaneVerifier}) and
 * {@code posttls-finger -l dane} (through Unbound validating the same zone) say whether the server
 * is authenticated. They must agree, except where {@link Case#postfixMatchesTheBaseDomainOnly()}
 * says why not.
 */
@Tag("interop")
class PosttlsFingerComparisonTest {

    static final String HOST = "mx.example.test";

    /** An alias of {@link #HOST} (RFC 7672 §2.2.2): {@code alias CNAME mx}, signed. */
    static final String ALIAS = "alias.example.test";

    /**
     * A host whose A record is unsigned ({@code hosts.test}) and whose TLSA records are signed, in a
     * zone of their own ({@code _tcp.mx.hosts.test}): RFC 7672 §2.2.2 and Postfix look no TLSA
     * records up for it.
     */
    static final String ISLAND = "mx.hosts.test";

    /** A signed alias of {@link #ISLAND}: {@code toisland CNAME mx.hosts.test.}, its own TLSA records signed. */
    static final String TO_ISLAND = "toisland.example.test";

    /**
     * One server, the name the client is told to reach it by, and the TLSA records published at
     * {@link #HOST} and at {@link #ALIAS} for its port.
     */
    record Case(String name, String host, List<X509Certificate> chain, Identity identity, List<Tlsa> records, List<Tlsa> aliasRecords,
                boolean postfixStricter) {
        Case(String name, List<X509Certificate> chain, Identity identity, List<Tlsa> records) {
            this(name, HOST, chain, identity, records, List.of(), false);
        }

        Case(String name, String host, List<X509Certificate> chain, Identity identity, List<Tlsa> records, List<Tlsa> aliasRecords) {
            this(name, host, chain, identity, records, aliasRecords, false);
        }

        /**
         * The one known difference: under DANE-TA Postfix matches the leaf against the TLSA base
         * domain alone, where RFC 7672 §3.2.2 lets the MX host name and its secure CNAME expansion
         * count as well, as starttls4j does. Such a case must authenticate here and not in Postfix.
         */
        Case postfixMatchesTheBaseDomainOnly() {
            return new Case(name, host, chain, identity, records, aliasRecords, true);
        }
    }

    @TempDir
    static Path dir;
    static final Map<Case, SmtpMx> SERVERS = new LinkedHashMap<>();
    static SignedZones zones;
    static ValidatingUnbound unbound;
    static DnssecResolver resolver;

    @BeforeAll
    static void start() throws Exception {
        Identity ec = TestPki.server(KeyType.EC_P256, HOST);
        X509Certificate ca = TestPki.ca(KeyType.EC_P256);
        Identity rsa = TestPki.server(KeyType.RSA_2048, HOST);
        Identity expired = TestPki.expiredServer(KeyType.EC_P256, HOST);
        Identity otherName = TestPki.server(KeyType.EC_P256, "other.example.test");
        Identity aliasName = TestPki.server(KeyType.EC_P256, ALIAS);
        Identity selfSigned = TestPki.selfSigned(KeyType.EC_P256, HOST);
        Identity wildcard = TestPki.server(KeyType.EC_P256, "*.example.test");
        Identity tooWide = TestPki.server(KeyType.EC_P256, "*.test");
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
                new Case("DANE-TA whole issuer certificate (2 0 0), issuer not sent", ec.chain(), ec,
                        List.of(record(2, 0, 0, ca.getEncoded()))),
                new Case("DANE-TA issuer sent, leaf names *.example.test", List.of(wildcard.leaf(), ca),
                        new Identity(wildcard.key(), List.of(wildcard.leaf(), ca)), List.of(record(2, 0, 1, ca.getEncoded()))),
                new Case("DANE-TA issuer sent, leaf names *.test (a wildcard one label too high)", List.of(tooWide.leaf(), ca),
                        new Identity(tooWide.key(), List.of(tooWide.leaf(), ca)), List.of(record(2, 0, 1, ca.getEncoded()))),
                new Case("DANE-TA naming the self-signed leaf itself", selfSigned.chain(), selfSigned,
                        List.of(record(2, 0, 1, selfSigned.leaf().getEncoded()))),
                new Case("PKIX-EE only (unusable)", ec.chain(), ec, List.of(record(1, 1, 1, ec.leaf().getPublicKey().getEncoded()))),
                // digest algorithm agility (RFC 7671 §9): for a usage and selector, only the strongest digest published counts
                new Case("DANE-EE key, SHA-256 matches, SHA-512 names another key", ec.chain(), ec,
                        List.of(record(3, 1, 1, ec.leaf().getPublicKey().getEncoded()), record(3, 1, 2, rsa.leaf().getPublicKey().getEncoded()))),
                new Case("DANE-EE key, SHA-512 matches, SHA-256 names another key", ec.chain(), ec,
                        List.of(record(3, 1, 1, rsa.leaf().getPublicKey().getEncoded()), record(3, 1, 2, ec.leaf().getPublicKey().getEncoded()))),
                new Case("DANE-EE key SHA-256 matches, SHA-512 of the certificate (another selector) does not", ec.chain(), ec,
                        List.of(record(3, 1, 1, ec.leaf().getPublicKey().getEncoded()), record(3, 0, 2, rsa.leaf().getEncoded()))),
                // CNAME expansion: the client reaches alias.example.test, a secure alias of mx.example.test
                new Case("CNAME, DANE-TA at the target, leaf names the target", ALIAS, List.of(ec.leaf(), ca),
                        new Identity(ec.key(), List.of(ec.leaf(), ca)), List.of(record(2, 0, 1, ca.getEncoded())), List.of()),
                new Case("CNAME, DANE-TA at the target, leaf names the alias", ALIAS, List.of(aliasName.leaf(), ca),
                        new Identity(aliasName.key(), List.of(aliasName.leaf(), ca)), List.of(record(2, 0, 1, ca.getEncoded())), List.of())
                        .postfixMatchesTheBaseDomainOnly(),
                new Case("CNAME, DANE-TA at the target, leaf names neither", ALIAS, List.of(otherName.leaf(), ca),
                        new Identity(otherName.key(), List.of(otherName.leaf(), ca)), List.of(record(2, 0, 1, ca.getEncoded())), List.of()),
                new Case("CNAME, DANE-EE at the alias only", ALIAS, ec.chain(), ec, List.of(),
                        List.of(record(3, 1, 1, ec.leaf().getPublicKey().getEncoded()))),
                new Case("CNAME, DANE-TA at the alias only, leaf names the target", ALIAS, List.of(ec.leaf(), ca),
                        new Identity(ec.key(), List.of(ec.leaf(), ca)), List.of(), List.of(record(2, 0, 1, ca.getEncoded())))
                        .postfixMatchesTheBaseDomainOnly(),
                new Case("CNAME, the target's records name another key, the alias's this one", ALIAS, ec.chain(), ec,
                        List.of(record(3, 1, 1, rsa.leaf().getPublicKey().getEncoded())),
                        List.of(record(3, 1, 1, ec.leaf().getPublicKey().getEncoded()))),
                new Case("unsigned A record, signed DANE-EE key match", ISLAND, ec.chain(), ec,
                        List.of(record(3, 1, 1, ec.leaf().getPublicKey().getEncoded())), List.of()),
                new Case("signed alias of an unsigned host, DANE-EE at the alias", TO_ISLAND, ec.chain(), ec, List.of(),
                        List.of(record(3, 1, 1, ec.leaf().getPublicKey().getEncoded()))),
                new Case("signed alias of an unsigned host, DANE-EE at the alias names another key", TO_ISLAND, ec.chain(), ec, List.of(),
                        List.of(record(3, 1, 1, rsa.leaf().getPublicKey().getEncoded()))));
        StringBuilder island = new StringBuilder();
        StringBuilder zone = new StringBuilder("mx IN A 127.0.0.1\n@ IN MX 10 mx\nalias IN CNAME mx\nviaalias IN MX 10 alias\n"
                + "toisland IN CNAME mx.hosts.test.\nviatoisland IN MX 10 toisland\n");
        for (Case c : cases) {
            SmtpMx server = new SmtpMx(HOST, c.identity());
            SERVERS.put(c, server);
            for (Tlsa r : c.records()) {
                if (c.host().equals(ISLAND)) {
                    island.append("_").append(server.address().getPort()).append(" IN TLSA ").append(r.toPresentation()).append('\n');
                    continue;
                }
                zone.append("_").append(server.address().getPort()).append("._tcp.mx IN TLSA ").append(r.toPresentation()).append('\n');
            }
            for (Tlsa r : c.aliasRecords()) {
                zone.append("_").append(server.address().getPort()).append(c.host().equals(TO_ISLAND) ? "._tcp.toisland" : "._tcp.alias")
                        .append(" IN TLSA ").append(r.toPresentation()).append('\n');
            }
        }
        zones = new SignedZones(dir.resolve("dns"), List.of(SignedZones.Zone.signed("example.test", zone.toString()),
                SignedZones.Zone.unsigned("hosts.test", "mx IN A 127.0.0.1\n"),
                SignedZones.Zone.signed("_tcp.mx.hosts.test", island.toString())));
        unbound = new ValidatingUnbound(dir.resolve("unbound"), zones, "example.test", "hosts.test", "_tcp.mx.hosts.test");
        resolver = DnssecResolver.create(unbound.address(), zones.trustAnchors(), java.time.Clock.systemUTC(), Duration.ofSeconds(5));
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
            // ours: the resolver's CNAME expansion and TLSA lookup (through the same Unbound), then the verifier
            int port = entry.getValue().address().getPort();
            TlsaBase base = resolver.tlsaBase(c.host(), port);
            boolean oursAuthenticated;
            Object ours;
            if (c.host().equals(ISLAND)) {
                // the records validate, yet do not apply (RFC 7672 §2.2.2): DANE off, as without TLSA records
                assertThat(resolver.tlsa(ISLAND, port)).as(c.name()).isInstanceOf(TlsaLookup.Secure.class);
                assertThat(base.lookup()).as(c.name()).isEqualTo(new TlsaLookup.Insecure());
                ours = "DANE does not apply";
                oursAuthenticated = false;
            } else {
                assertThat(base.lookup()).as(c.name()).isInstanceOf(TlsaLookup.Secure.class);
                if (c.host().equals(TO_ISLAND)) {
                    assertThat(base.domain()).as("the alias keeps its own records though its target's addresses are unsigned")
                            .isEqualTo(TO_ISLAND);
                }
                DaneVerdict verdict = DaneVerifier.verify(((TlsaLookup.Secure) base.lookup()).records(), base.referenceNames(), c.chain(),
                        Instant.now());
                ours = verdict;
                oursAuthenticated = verdict instanceof DaneVerdict.Authenticated;
            }
            ProcessRun.Result postfix = posttlsFinger(c.host(), port);
            String output = postfix.stdout() + postfix.stderr();
            assertThat(output).as("posttls-finger reached the server and did TLS: " + postfix.describe())
                    .contains("TLS connection established");
            boolean postfixAuthenticated = output.contains("Verified TLS connection established");
            verdicts.add(c.name() + ": starttls4j " + (oursAuthenticated ? "authenticated" : "not (" + ours + ")")
                    + ", Postfix " + (postfixAuthenticated ? "Verified" : "not verified"));
            if (c.postfixStricter()) {
                if (!oursAuthenticated || postfixAuthenticated) {
                    disagreements.add(c.name() + " (expected: starttls4j authenticated, Postfix not)\n" + postfix.describe());
                }
            } else if (oursAuthenticated != postfixAuthenticated) {
                disagreements.add(c.name() + "\n" + postfix.describe());
            }
        }
        assertThat(disagreements).as(String.join("\n", verdicts)).isEmpty();
        // and the cases are not all alike: some authenticate, some do not
        assertThat(verdicts).anyMatch(v -> v.contains("Postfix Verified")).anyMatch(v -> v.contains("Postfix not verified"));
    }

    static ProcessRun.Result posttlsFinger(String host, int port) {
        // The alias cases go through an MX record naming the alias (viaalias MX 10 alias), as a
        // sender meets them. posttls-finger resolves through the C library, which reads /etc/resolv.conf: a private
        // mount namespace gives it one naming Unbound, without touching the machine's.
        return ProcessRun.run(List.of(ExternalTool.UNSHARE.path().toString(), "-m", "sh", "-c",
                        "mount --bind \"$0\" /etc/resolv.conf && exec \"$@\"", unbound.resolvConf().toString(),
                        ExternalTool.POSTTLS_FINGER.path().toString(), "-c", "-l", "dane", "-t", "10", "-T", "10",
                        host.equals(ALIAS) ? "viaalias.example.test:" + port
                                : host.equals(TO_ISLAND) ? "viatoisland.example.test:" + port : "[" + host + "]:" + port),
                dir, new byte[0], Duration.ofSeconds(60), Map.of("MAIL_CONFIG", dir.resolve("postfix").toString()));
    }

    static Tlsa record(int usage, int selector, int matchingType, byte[] selected) throws Exception {
        byte[] data = matchingType == 0 ? selected : MessageDigest.getInstance(matchingType == 1 ? "SHA-256" : "SHA-512").digest(selected);
        return Tlsa.parsePresentation(usage + " " + selector + " " + matchingType + " " + HexFormat.of().formatHex(data))
                .valid().orElseThrow();
    }
}
