package org.starttls4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.starttls4j.smtp.Smtp;
import org.starttls4j.testing.BcJsse;
import org.starttls4j.testing.Identity;
import org.starttls4j.testing.LegacyTls;
import org.starttls4j.testing.Loopback;
import org.starttls4j.testing.TestPki;
import org.starttls4j.testing.TestPki.KeyType;

/**
 * Core client against core server over real SSLEngines, in memory, with SMTP as the vehicle:
 * versions, key types, policies, certificate checks, pins, another provider, delegated tasks.
 */
class TlsPairTest {

    static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
    static final String HOST = "mail.example.test";
    static final Loopback.ServerApp SMTP_APP = line -> line.startsWith("EHLO ")
            ? "250-" + HOST + " greets you\r\n250-AUTH PLAIN\r\n250 SIZE 1000\r\n" : null;

    static ServerConfig.Builder server(KeyType type) {
        return ServerConfig.builder().hostname(HOST).sslContext(TestPki.server(type, HOST).serverContext());
    }

    static ClientConfig.Builder client(KeyType type) {
        return ClientConfig.builder(HOST).trustAnchors(List.of(TestPki.ca(type)));
    }

    static Loopback.Result run(ClientConfig client, ServerConfig server) {
        return Loopback.run(Smtp.client(client), Smtp.server(server), NOW, SMTP_APP);
    }

    static List<Object[]> versionsAndKeys() {
        return List.of(
                new Object[] {KeyType.EC_P256, "TLSv1.3"}, new Object[] {KeyType.EC_P256, "TLSv1.2"},
                new Object[] {KeyType.RSA_2048, "TLSv1.3"}, new Object[] {KeyType.RSA_2048, "TLSv1.2"});
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("versionsAndKeys")
    void requiredNegotiatesEachVersionWithEachKeyType(KeyType type, String version) {
        ServerConfig server = ServerConfig.builder().hostname(HOST)
                .engineFactory(onlyVersion(TestPki.server(type, HOST).serverContext(), version)).build();

        Loopback.Result r = run(client(type).build(), server);

        assertThat(r.clientSession().tls().protocol()).isEqualTo(version);
        assertThat(r.serverSession().tls().protocol()).isEqualTo(version);
        assertThat(r.clientSession().tls().cipherSuite()).isEqualTo(r.serverSession().tls().cipherSuite());
        assertThat(r.clientSession().tls().peerCertificate()).contains(TestPki.server(type, HOST).leaf());
        assertThat(r.clientSession().capabilities().has("AUTH")).isTrue();
    }

    @ParameterizedTest
    @EnumSource(value = TlsPolicy.class, names = {"OPPORTUNISTIC", "REQUIRED", "IMPLICIT"})
    void everyTlsPolicyEndsSecuredOnBothSides(TlsPolicy policy) {
        Loopback.Result r = run(client(KeyType.EC_P256).policy(policy).build(), server(KeyType.EC_P256).policy(policy).build());

        assertThat(r.clientOutcome()).isInstanceOf(Outcome.Secured.class);
        assertThat(r.serverOutcome()).isInstanceOf(Outcome.Secured.class);
        assertThat(r.clientSession().capabilities().has("SIZE")).isTrue();
        byte[] message = "DATA\r\n".getBytes(StandardCharsets.US_ASCII);
        assertThat(Loopback.send(r.clientSession(), r.serverSession(), message)).isEqualTo(message);
        assertThat(Loopback.send(r.serverSession(), r.clientSession(), message)).isEqualTo(message);
    }

    @Test
    void implicitTlsHandshakesBeforeAnyPlaintextAndGreetsInsideTls() {
        Loopback.Result r = run(client(KeyType.EC_P256).policy(TlsPolicy.IMPLICIT).build(),
                server(KeyType.EC_P256).policy(TlsPolicy.IMPLICIT).build());

        assertThat(r.clientSent()[0]).as("a TLS handshake record comes first").isEqualTo((byte) 0x16);
        assertThat(r.serverSent()[0]).isEqualTo((byte) 0x16);
        assertThat(r.clientEvents()).anySatisfy(e -> assertThat(e).isEqualTo(
                new Event.GreetingReceived(HOST + " ESMTP starttls4j", true)));
        assertThat(r.clientEvents()).filteredOn(e -> e instanceof Event.Line)
                .allSatisfy(e -> assertThat(((Event.Line) e).encrypted()).isTrue());
    }

    @Test
    void plaintextOnlyNeverStartsTls() {
        Loopback.Result r = Loopback.run(Smtp.client(client(KeyType.EC_P256).policy(TlsPolicy.PLAINTEXT_ONLY).build()),
                Smtp.server(ServerConfig.builder().policy(TlsPolicy.PLAINTEXT_ONLY).build()), NOW);

        assertThat(r.clientOutcome()).isInstanceOf(Outcome.Plaintext.class);
        assertThat(new String(r.clientSent(), StandardCharsets.US_ASCII)).isEqualTo("EHLO localhost\r\n");
        PlaintextSession session = ((Outcome.Plaintext) r.clientOutcome()).session();
        assertThat(session.isEncrypted()).isFalse();
        assertThat(session.fallbackCause()).isEmpty();
        assertThat(session.capabilities().has("STARTTLS")).isFalse();
    }

    @Test
    void serverCappedAtTls11IsRefusedByTheDefaultFloor() {
        SSLEngine legacy = LegacyTls.serverEngineCappedAtTls11(TestPki.server(KeyType.EC_P256, HOST));
        Transition t = Smtp.client(client(KeyType.EC_P256).build()).begin(NOW);
        t = t.next().onReceived(ascii("220 old.example.test ESMTP\r\n"), NOW);
        t = t.next().onReceived(ascii("250-old.example.test\r\n250 STARTTLS\r\n"), NOW);
        t = t.next().onReceived(ascii("220 go ahead\r\n"), NOW);
        java.io.ByteArrayOutputStream sentInTls = new java.io.ByteArrayOutputStream();

        Transition last = RawPeer.handshake(t, legacy, NOW, sentInTls);

        Failure failure = ((Outcome.Failed) last.outcome().orElseThrow()).failure();
        assertThat(failure.reason()).isEqualTo(Failure.Reason.TLS_VERSION_TOO_OLD);
        assertThat(legacy.getSession().getProtocol()).as("the legacy server offered").isIn("TLSv1.1", "NONE");
    }

    @Test
    void floorOfTls13RefusesATls12OnlyServer() {
        ServerConfig server = ServerConfig.builder().hostname(HOST)
                .engineFactory(onlyVersion(TestPki.server(KeyType.EC_P256, HOST).serverContext(), "TLSv1.2")).build();

        Loopback.Result r = run(client(KeyType.EC_P256).tlsFloor(TlsVersion.TLS_1_3).build(), server);

        assertThat(((Outcome.Failed) r.clientOutcome()).failure().reason()).isEqualTo(Failure.Reason.TLS_VERSION_TOO_OLD);
    }

    @Test
    void wrongHostNameIsRejectedAsHostMismatch() {
        ClientConfig client = ClientConfig.builder("other.example.test").trustAnchors(List.of(TestPki.ca(KeyType.EC_P256))).build();

        Loopback.Result r = run(client, server(KeyType.EC_P256).build());

        Failure failure = ((Outcome.Failed) r.clientOutcome()).failure();
        assertThat(failure.reason()).isEqualTo(Failure.Reason.CERTIFICATE_REJECTED);
        assertThat(failure.certificateProblem()).contains(CertificateProblem.HOST_MISMATCH);
        assertThat(failure.tlsRptResultType()).isEqualTo("certificate-host-mismatch");
        assertThat(failure.certificateSubject()).hasValueSatisfying(s -> assertThat(s).contains(HOST));
        assertPlaintextWasOnlyNegotiation(r.clientSent());
    }

    @Test
    void expiredCertificateIsRejectedAsExpired() {
        ServerConfig server = ServerConfig.builder().hostname(HOST)
                .sslContext(TestPki.expiredServer(KeyType.EC_P256, HOST).serverContext()).build();

        Failure failure = ((Outcome.Failed) run(client(KeyType.EC_P256).build(), server).clientOutcome()).failure();

        assertThat(failure.certificateProblem()).contains(CertificateProblem.EXPIRED);
        assertThat(failure.tlsRptResultType()).isEqualTo("certificate-expired");
    }

    @Test
    void untrustedCertificateIsRejectedAsNotTrusted() {
        ServerConfig server = ServerConfig.builder().hostname(HOST)
                .sslContext(TestPki.selfSigned(KeyType.EC_P256, HOST).serverContext()).build();

        Failure failure = ((Outcome.Failed) run(client(KeyType.EC_P256).build(), server).clientOutcome()).failure();

        assertThat(failure.certificateProblem()).contains(CertificateProblem.NOT_TRUSTED);
        assertThat(failure.tlsRptResultType()).isEqualTo("certificate-not-trusted");
    }

    @Test
    void aMatchingPinInAdditionToVerificationSecures() {
        String pin = TestPki.server(KeyType.EC_P256, HOST).sha256Fingerprint();
        ClientConfig client = client(KeyType.EC_P256).certificateCheck(CertificateCheck.standardAndPinned(colons(pin))).build();

        assertThat(run(client, server(KeyType.EC_P256).build()).clientOutcome()).isInstanceOf(Outcome.Secured.class);
    }

    @Test
    void aPinThatDoesNotMatchIsRejectedEvenWhenTheChainIsValid() {
        String wrong = TestPki.server(KeyType.RSA_2048, HOST).sha256Fingerprint();
        ClientConfig client = client(KeyType.EC_P256).certificateCheck(CertificateCheck.standardAndPinned(wrong)).build();

        Loopback.Result r = run(client, server(KeyType.EC_P256).build());

        Failure failure = ((Outcome.Failed) r.clientOutcome()).failure();
        assertThat(failure.certificateProblem()).contains(CertificateProblem.PIN_MISMATCH);
        assertThat(new String(r.clientSent(), StandardCharsets.ISO_8859_1)).doesNotContain("EHLO localhost\r\nSTARTTLS\r\nEHLO");
        assertThat(failure.certificateSubject()).hasValueSatisfying(subject -> assertThat(subject).contains("mail.example.test"));
    }

    @Test
    void pinnedOnlyAcceptsASelfSignedCertificateWithTheRightFingerprint() {
        Identity selfSigned = TestPki.selfSigned(KeyType.EC_P256, HOST);
        ClientConfig client = ClientConfig.builder("any.name.test")
                .certificateCheck(CertificateCheck.pinnedOnly(selfSigned.sha256Fingerprint().toUpperCase(java.util.Locale.ROOT))).build();

        Loopback.Result r = run(client, ServerConfig.builder().sslContext(selfSigned.serverContext()).build());

        assertThat(r.clientOutcome()).isInstanceOf(Outcome.Secured.class);
    }

    @Test
    void dangerouslyAcceptAnyAcceptsAnUntrustedCertificate() {
        ClientConfig client = ClientConfig.builder("whatever.test").certificateCheck(CertificateCheck.dangerouslyAcceptAny()).build();
        ServerConfig server = ServerConfig.builder().sslContext(TestPki.selfSigned(KeyType.RSA_2048, HOST).serverContext()).build();

        assertThat(run(client, server).clientOutcome()).isInstanceOf(Outcome.Secured.class);
    }

    @Test
    void bouncyCastleJsseEnginesWorkOnBothSides() {
        X509Certificate ca = TestPki.ca(KeyType.EC_P256);
        SSLContext bcClient = BcJsse.clientContextTrusting(ca);
        SSLContext bcServer = BcJsse.serverContext(TestPki.server(KeyType.EC_P256, HOST));
        ClientConfig client = ClientConfig.builder(HOST).engineFactory(bcClient::createSSLEngine).build();
        ServerConfig server = ServerConfig.builder().hostname(HOST).engineFactory((h, p) -> bcServer.createSSLEngine()).build();

        Loopback.Result r = run(client, server);

        assertThat(r.clientOutcome()).isInstanceOf(Outcome.Secured.class);
        assertThat(r.clientSession().tls().protocol()).isIn("TLSv1.2", "TLSv1.3");
        byte[] data = "NOOP\r\n".getBytes(StandardCharsets.US_ASCII);
        assertThat(Loopback.send(r.clientSession(), r.serverSession(), data)).isEqualTo(data);
    }

    @Test
    void bouncyCastleJsseClientVerifiesTheHostNameToo() {
        SSLContext bcClient = BcJsse.clientContextTrusting(TestPki.ca(KeyType.EC_P256));
        ClientConfig client = ClientConfig.builder("other.example.test").engineFactory(bcClient::createSSLEngine).build();

        Failure failure = ((Outcome.Failed) run(client, server(KeyType.EC_P256).build()).clientOutcome()).failure();

        assertThat(failure.reason()).isEqualTo(Failure.Reason.CERTIFICATE_REJECTED);
    }

    @Test
    void delegatedTasksCanBeHandedToTheCaller() {
        ClientConfig client = client(KeyType.RSA_2048).delegatedTasks(DelegatedTasks.HAND_TO_CALLER).build();
        ServerConfig server = server(KeyType.RSA_2048).delegatedTasks(DelegatedTasks.HAND_TO_CALLER).build();

        Loopback.Result r = Loopback.run(Smtp.client(client), Smtp.server(server), NOW, SMTP_APP);

        assertThat(r.clientOutcome()).isInstanceOf(Outcome.Secured.class);
        assertThat(r.serverOutcome()).isInstanceOf(Outcome.Secured.class);
        assertThat(r.delegatedTasksRun()).isPositive();
    }

    @Test
    void aNegotiationWaitingForItsDelegatedTasksKeepsItsDeadline() {
        ClientConfig client = client(KeyType.RSA_2048).delegatedTasks(DelegatedTasks.HAND_TO_CALLER).build();
        Transition s = Smtp.server(server(KeyType.RSA_2048).build()).begin(NOW);
        Transition c = Smtp.client(client).begin(NOW);
        for (int i = 0; i < 20; i++) {
            c = c.next().onReceived(s.outbound(), NOW);
            if (!c.delegatedTasks().isEmpty()) {
                break;
            }
            s = s.next().onReceived(c.outbound(), NOW);
        }

        assertThat(c.delegatedTasks()).isNotEmpty();
        assertThat(c.next().state()).isEqualTo("AwaitingDelegatedTasks");
        assertThat(c.next().deadline()).isPresent();
        // Its time running out, it still says its last words in TLS before failing.
        Transition timedOut = c.next().onTick(c.next().deadline().orElseThrow());
        assertThat(((Outcome.Failed) timedOut.outcome().orElseThrow()).failure().reason()).isEqualTo(Failure.Reason.TIMEOUT);
        assertThat(timedOut.outboundBytes()).as("a TLS alert").isNotEmpty();
    }

    @Test
    void aStateThatOwnsAnEngineCannotBeFedTwice() {
        Transition t = Smtp.client(client(KeyType.EC_P256).build()).begin(NOW);
        t = t.next().onReceived(ascii("220 hi\r\n"), NOW);
        t = t.next().onReceived(ascii("250-x\r\n250 STARTTLS\r\n"), NOW);
        t = t.next().onReceived(ascii("220 go\r\n"), NOW);
        assertThat(t.next().state()).isEqualTo("Handshaking");
        Negotiation handshaking = t.next();
        assertThat(handshaking).hasToString("Negotiation[Handshaking]");
        handshaking.onTick(NOW);
        assertThat(handshaking).hasToString("Negotiation[Handshaking, consumed]");

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> handshaking.onTick(NOW))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("already fed");
    }

    /** Plaintext from a REQUIRED client: only the negotiation's own commands. */
    static void assertPlaintextWasOnlyNegotiation(byte[] sent) {
        String text = new String(sent, StandardCharsets.ISO_8859_1);
        int tls = text.indexOf("STARTTLS\r\n");
        String plaintext = tls < 0 ? text : text.substring(0, tls + "STARTTLS\r\n".length());
        assertThat(plaintext.split("\r\n")).allSatisfy(line -> assertThat(line).matches("(EHLO|HELO) .*|STARTTLS|QUIT"));
    }

    static java.nio.ByteBuffer ascii(String s) {
        return java.nio.ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
    }

    static String colons(String hex) {
        return hex.replaceAll("(..)(?!$)", "$1:");
    }

    static EngineFactory onlyVersion(SSLContext context, String version) {
        return (host, port) -> {
            SSLEngine engine = context.createSSLEngine();
            engine.setEnabledProtocols(new String[] {version});
            return engine;
        };
    }
}
