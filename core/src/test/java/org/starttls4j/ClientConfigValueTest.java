package org.starttls4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.Test;
import org.starttls4j.smtp.Smtp;
import org.starttls4j.testing.CertificateVariants.Leaf;
import org.starttls4j.testing.Identity;
import org.starttls4j.testing.Loopback;
import org.starttls4j.testing.TestPki;
import org.starttls4j.testing.TestPki.KeyType;

/**
 * A configuration is a value: whatever {@link ClientConfig#toBuilder()} copies, the variant
 * behaves as its own settings say, against real servers, for every setting that could diverge,
 * in both directions. And settings that contradict each other are refused when built.
 */
class ClientConfigValueTest {

    static final String HOST = TlsPairTest.HOST;
    static final Identity GOOD = TestPki.server(KeyType.EC_P256, HOST);

    static Outcome against(ClientConfig client, Identity server) {
        return TlsPairTest.run(client, ServerConfig.builder().hostname(HOST).sslContext(server.serverContext()).build())
                .clientOutcome();
    }

    static Outcome against(ClientConfig client, ServerConfig server) {
        return TlsPairTest.run(client, server).clientOutcome();
    }

    static CertificateProblem problem(Outcome outcome) {
        assertThat(outcome).isInstanceOf(Outcome.Failed.class);
        return ((Outcome.Failed) outcome).failure().certificateProblem().orElseThrow();
    }

    static ClientConfig.Builder trustingEc(String name) {
        return ClientConfig.builder(name).trustAnchors(List.of(TestPki.ca(KeyType.EC_P256)));
    }

    @Test
    void certificateCheckStrictToLaxAndBack() {
        Identity selfSigned = TestPki.selfSigned(KeyType.EC_P256, HOST);
        ClientConfig strict = trustingEc("other.example.test").build();
        ClientConfig lax = strict.toBuilder().certificateCheck(CertificateCheck.dangerouslyAcceptAny()).build();
        ClientConfig strictAgain = lax.toBuilder().certificateCheck(CertificateCheck.standard()).build();

        assertThat(problem(against(strict, GOOD))).isEqualTo(CertificateProblem.HOST_MISMATCH);
        assertThat(against(lax, GOOD)).as("wrong name accepted when asked to").isInstanceOf(Outcome.Secured.class);
        assertThat(against(lax, selfSigned)).isInstanceOf(Outcome.Secured.class);
        assertThat(strictAgain.certificateCheck()).isEqualTo(CertificateCheck.standard());
        assertThat(problem(against(strictAgain, GOOD))).as("the review's case: strict again after a lax copy")
                .isEqualTo(CertificateProblem.HOST_MISMATCH);
        assertThat(problem(against(strictAgain, selfSigned))).isEqualTo(CertificateProblem.NOT_TRUSTED);
    }

    @Test
    void aLaxConfigCopiedWithTheStandardCheckUsesTheJdkAnchorsAgain() {
        ClientConfig lax = ClientConfig.builder(HOST).certificateCheck(CertificateCheck.dangerouslyAcceptAny()).build();
        ClientConfig strict = lax.toBuilder().certificateCheck(CertificateCheck.standard()).build();

        assertThat(against(lax, TestPki.selfSigned(KeyType.RSA_2048, HOST))).isInstanceOf(Outcome.Secured.class);
        assertThat(problem(against(strict, TestPki.selfSigned(KeyType.RSA_2048, HOST)))).isEqualTo(CertificateProblem.NOT_TRUSTED);
        assertThat(problem(against(strict, GOOD))).as("the test CA is not among the JDK's").isEqualTo(CertificateProblem.NOT_TRUSTED);
    }

    @Test
    void anchorsFollowTheCopyBothWays() {
        ClientConfig ecOnly = trustingEc(HOST).build();
        ClientConfig rsaOnly = ecOnly.toBuilder().trustAnchors(List.of(TestPki.ca(KeyType.RSA_2048))).build();
        ClientConfig both = rsaOnly.toBuilder().trustAnchors(List.of(TestPki.ca(KeyType.RSA_2048), TestPki.ca(KeyType.EC_P256))).build();
        Identity rsa = TestPki.server(KeyType.RSA_2048, HOST);

        assertThat(against(ecOnly, GOOD)).isInstanceOf(Outcome.Secured.class);
        assertThat(problem(against(ecOnly, rsa))).isEqualTo(CertificateProblem.NOT_TRUSTED);
        assertThat(problem(against(rsaOnly, GOOD))).as("the old anchors are gone").isEqualTo(CertificateProblem.NOT_TRUSTED);
        assertThat(against(rsaOnly, rsa)).isInstanceOf(Outcome.Secured.class);
        assertThat(against(both, GOOD)).isInstanceOf(Outcome.Secured.class);
        assertThat(against(both, rsa)).isInstanceOf(Outcome.Secured.class);
    }

    @Test
    void pinsFollowTheCopyBothWays() {
        String wrong = TestPki.server(KeyType.RSA_2048, HOST).sha256Fingerprint();
        ClientConfig unpinned = trustingEc(HOST).build();
        ClientConfig pinned = unpinned.toBuilder().certificateCheck(CertificateCheck.standardAndPinned(wrong)).build();
        ClientConfig unpinnedAgain = pinned.toBuilder().certificateCheck(CertificateCheck.standard()).build();

        assertThat(against(unpinned, GOOD)).isInstanceOf(Outcome.Secured.class);
        assertThat(problem(against(pinned, GOOD))).isEqualTo(CertificateProblem.PIN_MISMATCH);
        assertThat(against(unpinnedAgain, GOOD)).isInstanceOf(Outcome.Secured.class);
    }

    @Test
    void policyFollowsTheCopyBothWays() {
        ClientConfig plaintext = trustingEc(HOST).policy(TlsPolicy.PLAINTEXT_ONLY).build();
        ClientConfig required = plaintext.toBuilder().policy(TlsPolicy.REQUIRED).build();
        ClientConfig plaintextAgain = required.toBuilder().policy(TlsPolicy.PLAINTEXT_ONLY).build();
        ServerConfig server = TlsPairTest.server(KeyType.EC_P256).build();

        Loopback.Result plain = TlsPairTest.run(plaintext, server);
        assertThat(plain.clientOutcome()).isInstanceOf(Outcome.Plaintext.class);
        assertThat(new String(plain.clientSent(), StandardCharsets.US_ASCII)).doesNotContain("STARTTLS");
        assertThat(against(required, server)).as("PLAINTEXT_ONLY copied to REQUIRED makes engines").isInstanceOf(Outcome.Secured.class);
        assertThat(against(plaintextAgain, server)).isInstanceOf(Outcome.Plaintext.class);
    }

    @Test
    void floorFollowsTheCopyBothWays() {
        ServerConfig tls12 = ServerConfig.builder().hostname(HOST)
                .engineFactory(TlsPairTest.onlyVersion(GOOD.serverContext(), "TLSv1.2")).build();
        ClientConfig low = trustingEc(HOST).build();
        ClientConfig high = low.toBuilder().tlsFloor(TlsVersion.TLS_1_3).build();
        ClientConfig lowAgain = high.toBuilder().tlsFloor(TlsVersion.TLS_1_2).build();

        assertThat(against(low, tls12)).isInstanceOf(Outcome.Secured.class);
        assertThat(((Outcome.Failed) against(high, tls12)).failure().reason()).isEqualTo(Failure.Reason.TLS_VERSION_TOO_OLD);
        assertThat(against(lowAgain, tls12)).isInstanceOf(Outcome.Secured.class);
    }

    @Test
    void serverNameFollowsTheCopyBothWays() {
        ClientConfig right = trustingEc(HOST).build();
        ClientConfig wrong = right.toBuilder().serverName("other.example.test").build();
        ClientConfig rightAgain = wrong.toBuilder().serverName(HOST).build();

        assertThat(against(right, GOOD)).isInstanceOf(Outcome.Secured.class);
        assertThat(problem(against(wrong, GOOD))).isEqualTo(CertificateProblem.HOST_MISMATCH);
        assertThat(against(rightAgain, GOOD)).isInstanceOf(Outcome.Secured.class);
    }

    @Test
    void strengthFollowsTheCopyBothWays() {
        Identity weak = Leaf.rsa(HOST).withKey("RSA-1024").issue();
        ClientConfig strict = ClientConfig.builder(HOST).trustAnchors(List.of(TestPki.ca(KeyType.RSA_2048))).build();
        ClientConfig legacy = strict.toBuilder().certificateStrength(CertificateStrength.LEGACY).build();
        ClientConfig strictAgain = legacy.toBuilder().certificateStrength(CertificateStrength.DEFAULT).build();

        assertThat(problem(against(strict, weak))).isEqualTo(CertificateProblem.WEAK_KEY);
        assertThat(against(legacy, weak)).isInstanceOf(Outcome.Secured.class);
        assertThat(problem(against(strictAgain, weak))).isEqualTo(CertificateProblem.WEAK_KEY);
    }

    @Test
    void aCallersContextIsKeptByACopyThatChangesNothingItStandsFor() {
        AtomicInteger made = new AtomicInteger();
        SSLContext context = TestPki.clientContextTrusting(TestPki.ca(KeyType.EC_P256));
        ClientConfig own = ClientConfig.builder(HOST).engineFactory((h, p) -> {
            made.incrementAndGet();
            return context.createSSLEngine(h, p);
        }).build();
        ClientConfig variant = own.toBuilder().limits(Limits.DEFAULT.withMaxPlaintextBytes(8192)).build();
        int before = made.get();

        assertThat(against(variant, GOOD)).isInstanceOf(Outcome.Secured.class);
        assertThat(made.get()).as("the variant's engines still come from the caller's factory").isEqualTo(before + 1);
    }

    @Test
    void aCopyThatChangesTheTrustDropsTheCopiedContextAndFollowsItsSettings() {
        SSLContext trustsEc = TestPki.clientContextTrusting(TestPki.ca(KeyType.EC_P256));
        ClientConfig own = ClientConfig.builder(HOST).sslContext(trustsEc).build();
        ClientConfig acceptsAny = own.toBuilder().certificateCheck(CertificateCheck.dangerouslyAcceptAny()).build();
        ClientConfig trustsRsa = own.toBuilder().trustAnchors(List.of(TestPki.ca(KeyType.RSA_2048))).build();
        Identity selfSigned = TestPki.selfSigned(KeyType.EC_P256, HOST);

        assertThat(problem(against(own, selfSigned))).isEqualTo(CertificateProblem.NOT_TRUSTED);
        assertThat(against(acceptsAny, selfSigned)).isInstanceOf(Outcome.Secured.class);
        assertThat(problem(against(trustsRsa, GOOD))).isEqualTo(CertificateProblem.NOT_TRUSTED);
        assertThat(against(trustsRsa, TestPki.server(KeyType.RSA_2048, HOST))).isInstanceOf(Outcome.Secured.class);
    }

    @Test
    void aCallersContextStillGetsTheHostNameAndStrengthChecks() {
        SSLContext trustsBoth = TestPki.clientContextTrusting(TestPki.ca(KeyType.EC_P256), TestPki.ca(KeyType.RSA_2048));
        ClientConfig wrongName = ClientConfig.builder("other.example.test").sslContext(trustsBoth).build();
        ClientConfig right = ClientConfig.builder(HOST).sslContext(trustsBoth).build();

        assertThat(problem(against(wrongName, GOOD))).isEqualTo(CertificateProblem.HOST_MISMATCH);
        assertThat(problem(against(right, Leaf.rsa(HOST).withKey("RSA-1024").issue()))).isEqualTo(CertificateProblem.WEAK_KEY);
        assertThat(problem(against(right, Leaf.rsa(HOST).signedWith("SHA1withRSA").issue()))).isEqualTo(CertificateProblem.WEAK_SIGNATURE);
        assertThat(problem(against(ClientConfig.builder("mail.test").sslContext(trustsBoth).build(),
                Leaf.rsa("*.test").issue()))).as("RFC 7817 wildcards for any engine").isEqualTo(CertificateProblem.HOST_MISMATCH);
    }

    // ---- refused when built

    @Test
    void anSslContextWithTrustAnchorsIsRefused() {
        ClientConfig.Builder both = trustingEc(HOST).sslContext(TestPki.clientContextTrusting(TestPki.ca(KeyType.RSA_2048)));

        assertThatThrownBy(both::build).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("would be ignored").hasMessageContaining("build the SSLContext with those anchors");
    }

    @Test
    void anSslContextWithAnEngineFactoryIsRefused() {
        SSLContext context = TestPki.clientContextTrusting(TestPki.ca(KeyType.EC_P256));
        ClientConfig.Builder both = ClientConfig.builder(HOST).sslContext(context).engineFactory(context::createSSLEngine);

        assertThatThrownBy(both::build).isInstanceOf(IllegalStateException.class).hasMessageContaining("keep one");
    }

    @Test
    void anchorsWithACheckThatVerifiesNoChainAreRefused() {
        ClientConfig.Builder both = trustingEc(HOST).certificateCheck(CertificateCheck.pinnedOnly(GOOD.sha256Fingerprint()));

        assertThatThrownBy(both::build).isInstanceOf(IllegalStateException.class).hasMessageContaining("drop one of them");
    }

    @Test
    void anEngineFactoryBelowTheFloorIsRefusedWhenBuiltNotAtStartTls() {
        SSLContext context = TestPki.clientContextTrusting(TestPki.ca(KeyType.EC_P256));
        EngineFactory tls11 = (h, p) -> {
            SSLEngine engine = context.createSSLEngine(h, p);
            engine.setEnabledProtocols(new String[] {"TLSv1.1"});
            return engine;
        };

        assertThatThrownBy(() -> ClientConfig.builder(HOST).engineFactory(tls11).build()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("engineFactory").hasMessageContaining("enable TLSv1.2 or TLSv1.3");
        assertThatThrownBy(() -> ClientConfig.builder(HOST).tlsFloor(TlsVersion.TLS_1_3)
                .engineFactory(TlsPairTest.onlyVersion(context, "TLSv1.2")).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("enable TLSv1.3");
        assertThatThrownBy(() -> ServerConfig.builder().tlsFloor(TlsVersion.TLS_1_3)
                .engineFactory(TlsPairTest.onlyVersion(GOOD.serverContext(), "TLSv1.2")).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("enable TLSv1.3");
        assertThat(ClientConfig.builder(HOST).policy(TlsPolicy.PLAINTEXT_ONLY).engineFactory(tls11).build().policy())
                .as("a plaintext-only config never makes an engine").isEqualTo(TlsPolicy.PLAINTEXT_ONLY);
    }

    @Test
    void pinsAsOpenSslPrintsThemAreAcceptedAndMalformedOnesRefusedWithAHint() {
        String hex = GOOD.sha256Fingerprint();
        String openssl = "sha256 Fingerprint=" + TlsPairTest.colons(hex.toUpperCase(java.util.Locale.ROOT));
        String older = "SHA256 Fingerprint=" + TlsPairTest.colons(hex.toUpperCase(java.util.Locale.ROOT));

        assertThat(CertificateCheck.pinnedOnly(openssl).pinAllows(hex)).isTrue();
        assertThat(CertificateCheck.pinnedOnly(older).pinAllows(hex)).isTrue();
        assertThat(CertificateCheck.pinnedOnly("  " + hex + "\n").pinAllows(hex)).isTrue();
        assertThat(against(ClientConfig.builder("any.test").certificateCheck(CertificateCheck.pinnedOnly(openssl)).build(), GOOD))
                .isInstanceOf(Outcome.Secured.class);
        assertThatThrownBy(() -> CertificateCheck.pinnedOnly("sha1 Fingerprint=" + TlsPairTest.colons("ab".repeat(20))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-sha256");
        assertThatThrownBy(() -> CertificateCheck.pinnedOnly(hex.substring(1) + "g"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("64 hex digits");
        assertThatThrownBy(() -> CertificateCheck.standardAndPinned("sha256 Fingerprint=")).isInstanceOf(IllegalArgumentException.class);
    }
}
