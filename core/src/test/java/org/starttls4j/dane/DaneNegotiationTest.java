package org.starttls4j.dane;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.starttls4j.CertificateProblem;
import org.starttls4j.ClientConfig;
import org.starttls4j.Failure;
import org.starttls4j.Outcome;
import org.starttls4j.ServerConfig;
import org.starttls4j.TlsPolicy;
import org.starttls4j.smtp.Smtp;
import org.starttls4j.testing.Identity;
import org.starttls4j.testing.Loopback;
import org.starttls4j.testing.TestPki;
import org.starttls4j.testing.TestPki.KeyType;
import org.starttls4j.tlsrpt.ResultType;

/** DANE decisions applied by real negotiations: a client and a server of the core, in memory, with real engines. */
class DaneNegotiationTest {

    static final String MX = "mx.example.test";
    static final Instant NOW = Instant.now();

    static final Identity LEAF = TestPki.server(KeyType.EC_P256, MX);
    static final X509Certificate CA = TestPki.ca(KeyType.EC_P256);

    @Test
    void aMatchingDaneEeRecordSecuresTheSessionWithoutAnyTrustAnchor() throws Exception {
        Tlsa record = DaneVerifierTest.record(3, 1, 1, LEAF.leaf().getPublicKey().getEncoded());
        ClientConfig client = deliver(new TlsaLookup.Secure(List.of(record)), DaneLevel.DANE);
        assertThat(run(client, LEAF)).isInstanceOf(Outcome.Secured.class);
    }

    @Test
    void aDaneTaRecordSecuresASessionWhoseServerSendsItsIssuer() throws Exception {
        Tlsa record = DaneVerifierTest.record(2, 0, 1, CA.getEncoded());
        ClientConfig client = deliver(new TlsaLookup.Secure(List.of(record)), DaneLevel.DANE);
        assertThat(run(client, new Identity(LEAF.key(), List.of(LEAF.leaf(), CA)))).isInstanceOf(Outcome.Secured.class);
    }

    @Test
    void aCertificateTheRecordsDoNotNameFailsBeforeAnythingIsSentInsideTls() throws Exception {
        Identity other = TestPki.server(KeyType.RSA_2048, MX);
        Tlsa record = DaneVerifierTest.record(3, 1, 1, LEAF.leaf().getPublicKey().getEncoded());
        ClientConfig client = deliver(new TlsaLookup.Secure(List.of(record)), DaneLevel.DANE);
        Outcome outcome = run(client, other);
        assertThat(outcome).isInstanceOfSatisfying(Outcome.Failed.class, f -> {
            assertThat(f.failure().reason()).isEqualTo(Failure.Reason.CERTIFICATE_REJECTED);
            assertThat(f.failure().certificateProblem()).contains(CertificateProblem.DANE_MISMATCH);
            assertThat(ResultType.of(f.failure())).isEqualTo(ResultType.TLSA_INVALID);
        });
    }

    @Test
    void unusableRecordsStillRequireTlsButAcceptAnyCertificate() throws Exception {
        Tlsa pkixEe = DaneVerifierTest.record(1, 1, 1, LEAF.leaf().getPublicKey().getEncoded());
        DaneDecision d = Dane.decide(new TlsaLookup.Secure(List.of(pkixEe)), MX, MX, DaneLevel.DANE, b -> b);
        assertThat(d).isInstanceOfSatisfying(DaneDecision.Deliver.class, deliver -> {
            assertThat(deliver.authenticated()).isFalse();
            assertThat(deliver.report()).isEqualTo(ResultType.TLSA_INVALID);
            assertThat(deliver.config().policy()).isEqualTo(TlsPolicy.REQUIRED);
            assertThat(run(deliver.config(), TestPki.selfSigned(KeyType.EC_P256, "anything.invalid"))).isInstanceOf(Outcome.Secured.class);
        });
        assertThat(Dane.decide(new TlsaLookup.Secure(List.of(pkixEe)), MX, MX, DaneLevel.DANE_ONLY, b -> b))
                .isInstanceOfSatisfying(DaneDecision.DoNotDeliver.class, n -> assertThat(n.report()).isEqualTo(ResultType.TLSA_INVALID));
    }

    @Test
    void theSendersOwnTrustAnchorsForPkixElsewhereDoNotStopDane() throws Exception {
        // a sender that verifies PKIX (MTA-STS) with its own anchors passes them to every decision;
        // DANE switches PKIX off and must neither refuse the anchors nor be helped by them
        Identity other = TestPki.server(KeyType.RSA_2048, MX);
        Tlsa record = DaneVerifierTest.record(3, 1, 1, LEAF.leaf().getPublicKey().getEncoded());
        DaneDecision d = Dane.decide(new TlsaLookup.Secure(List.of(record)), MX, MX, DaneLevel.DANE,
                b -> b.trustAnchors(List.of(CA, TestPki.ca(KeyType.RSA_2048))));
        ClientConfig config = ((DaneDecision.Deliver) d).config();
        assertThat(run(config, LEAF)).isInstanceOf(Outcome.Secured.class);
        assertThat(run(config, other)).as("a chain the sender's anchors trust, which no TLSA record names")
                .isInstanceOfSatisfying(Outcome.Failed.class,
                        f -> assertThat(f.failure().certificateProblem()).contains(CertificateProblem.DANE_MISMATCH));
        Tlsa pkixEe = DaneVerifierTest.record(1, 1, 1, LEAF.leaf().getPublicKey().getEncoded());
        assertThat(Dane.decide(new TlsaLookup.Secure(List.of(pkixEe)), MX, MX, DaneLevel.DANE, b -> b.trustAnchors(List.of(CA))))
                .isInstanceOfSatisfying(DaneDecision.Deliver.class, u -> assertThat(u.authenticated()).isFalse());
    }

    @Test
    void aFailedLookupIsNeverADowngrade() {
        for (DaneLevel level : DaneLevel.values()) {
            assertThat(Dane.decide(new TlsaLookup.Failed("SERVFAIL"), MX, MX, level, b -> b))
                    .isInstanceOfSatisfying(DaneDecision.DoNotDeliver.class, n -> assertThat(n.report()).isEqualTo(ResultType.DNSSEC_INVALID));
        }
    }

    @Test
    void withoutSecureRecordsDaneStepsAsideUnlessItIsRequired() {
        assertThat(Dane.decide(new TlsaLookup.Insecure(), MX, MX, DaneLevel.DANE, b -> b)).isInstanceOfSatisfying(
                DaneDecision.NotApplicable.class, n -> assertThat(n.why()).contains("not DNSSEC-validated"));
        assertThat(Dane.decide(new TlsaLookup.SecureNone(), MX, MX, DaneLevel.DANE, b -> b)).isInstanceOfSatisfying(
                DaneDecision.NotApplicable.class, n -> assertThat(n.why()).contains("publishes no TLSA records"));
        assertThat(Dane.decide(new TlsaLookup.Insecure(), MX, MX, DaneLevel.DANE_ONLY, b -> b))
                .isInstanceOfSatisfying(DaneDecision.DoNotDeliver.class, n -> assertThat(n.report()).isEqualTo(ResultType.DANE_REQUIRED));
    }

    @Test
    void theSniNameIsTheTlsaBaseDomainAndBothNamesAreReferenceIdentifiers() throws Exception {
        Tlsa record = DaneVerifierTest.record(2, 0, 1, CA.getEncoded());
        DaneDecision d = Dane.decide(new TlsaLookup.Secure(List.of(record)), "Alias.Example.Test.", MX + ".", DaneLevel.DANE,
                b -> b.policy(TlsPolicy.OPPORTUNISTIC));
        ClientConfig config = ((DaneDecision.Deliver) d).config();
        assertThat(config.serverName()).isEqualTo(MX);
        assertThat(config.policy()).isEqualTo(TlsPolicy.REQUIRED);
        assertThat(config.chainCheck()).hasValueSatisfying(check ->
                assertThat(((DaneCheck) check).referenceNames()).containsExactlyInAnyOrder(MX, "alias.example.test"));
    }

    static ClientConfig deliver(TlsaLookup lookup, DaneLevel level) {
        DaneDecision d = Dane.decide(lookup, MX, MX, level, b -> b.clientName("sender.example.test"));
        assertThat(d).isInstanceOf(DaneDecision.Deliver.class);
        return ((DaneDecision.Deliver) d).config();
    }

    static Outcome run(ClientConfig client, Identity serverIdentity) {
        ServerConfig server = ServerConfig.builder().hostname(MX).sslContext(serverIdentity.serverContext()).build();
        Loopback.Result r = Loopback.run(Smtp.client(client), Smtp.server(server), NOW,
                line -> line.startsWith("EHLO ") ? Smtp.ehloReplyAfterTls(server, line.substring(5)) : null);
        return r.clientOutcome();
    }
}
