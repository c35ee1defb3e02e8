package org.starttls4j.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.starttls4j.smtp.Wire.CLIENT_NAME;
import static org.starttls4j.smtp.Wire.EHLO;
import static org.starttls4j.smtp.Wire.HELO;
import static org.starttls4j.smtp.Wire.HOST;
import static org.starttls4j.smtp.Wire.NOW;
import static org.starttls4j.smtp.Wire.QUIT;
import static org.starttls4j.smtp.Wire.STARTTLS;
import static org.starttls4j.smtp.Wire.caps;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.starttls4j.CertificateProblem;
import org.starttls4j.ClientConfig;
import org.starttls4j.Event;
import org.starttls4j.Failure;
import org.starttls4j.Failure.Reason;
import org.starttls4j.Outcome;
import org.starttls4j.PlaintextSession;
import org.starttls4j.ServerConfig;
import org.starttls4j.TlsPolicy;
import org.starttls4j.testing.DelegatingEngine;
import org.starttls4j.testing.LegacyTls;
import org.starttls4j.testing.Loopback;
import org.starttls4j.testing.TestPki;
import org.starttls4j.testing.TestPki.KeyType;

/**
 * The client's security requirements (RFC 3207 §4, §5; DESIGN.md's non-negotiables): nothing after
 * the go-ahead is acted on, REQUIRED never leaks a command, only a complete 220 starts TLS,
 * replies nobody asked for are errors, and nothing learned before TLS survives it.
 */
class SmtpClientSecurityTest {

    static final String GREETING = "220 mail.example.test ESMTP\r\n";
    static final String OFFERS_STARTTLS = "250-mail.example.test\r\n250-8BITMIME\r\n250 STARTTLS\r\n";
    static final String GO_AHEAD = "220 2.0.0 Ready to start TLS\r\n";

    static Wire afterStartTls(TlsPolicy policy) {
        return Wire.client(policy).receive(GREETING).receive(OFFERS_STARTTLS);
    }

    static Stream<TlsPolicy> startTlsPolicies() {
        return Stream.of(TlsPolicy.REQUIRED, TlsPolicy.OPPORTUNISTIC);
    }

    static Stream<TlsPolicy> plaintextStartingPolicies() {
        return Stream.of(TlsPolicy.REQUIRED, TlsPolicy.OPPORTUNISTIC, TlsPolicy.PLAINTEXT_ONLY);
    }

    // ---------------------------------------------------------------- PLAINTEXT_INJECTION

    static Stream<Arguments> injections() {
        List<Arguments> all = new ArrayList<>();
        for (TlsPolicy policy : List.of(TlsPolicy.REQUIRED, TlsPolicy.OPPORTUNISTIC)) {
            for (String extra : List.of("250 OK\r\n", "250-AUTH PLAIN\r\n250 STARTTLS\r\n", GO_AHEAD, "X", "\r\n", "\u0016\u0003\u0003")) {
                all.add(Arguments.of(policy, extra));
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("injections")
    void plaintextAfterTheGoAheadInTheSameReadIsInjectionAndNoHandshakeStarts(TlsPolicy policy, String extra) {
        Wire c = afterStartTls(policy).receive(GO_AHEAD + extra);

        assertThat(c.reason()).isEqualTo(Reason.PLAINTEXT_INJECTION);
        assertThat(c.last().outboundBytes()).as("no ClientHello, no QUIT").isEmpty();
        assertThat(c.events(Event.StartTlsAccepted.class)).isEmpty();
        assertThat(c.events(Event.CapabilitiesReceived.class)).as("the injected lines are never parsed").hasSize(1);
        assertThat(c.sent()).isEqualTo(EHLO + STARTTLS);
    }

    @ParameterizedTest
    @MethodSource("startTlsPolicies")
    void plaintextAfterTheGoAheadInALaterReadIsNeverReadAsSmtp(TlsPolicy policy) {
        Wire c = afterStartTls(policy).receive(GO_AHEAD);
        int linesBefore = c.events(Event.Line.class).size();

        c.receive("250-AUTH PLAIN\r\n250 OK\r\n");

        assertThat(c.finished()).isTrue();
        assertThat(c.outcome()).isInstanceOf(Outcome.Failed.class);
        assertThat(c.reason()).isEqualTo(Reason.TLS_HANDSHAKE_FAILED);
        assertThat(c.events(Event.Line.class)).as("nothing was framed as a line").hasSize(linesBefore);
        assertThat(Wire.text(c.last().outboundBytes())).doesNotContain("QUIT", "EHLO");
    }

    // ---------------------------------------------------------------- REQUIRED on the wire, without TLS

    @Test
    void requiredWhenStartTlsIsNotOfferedSendsOnlyEhloAndQuit() {
        Wire c = Wire.client(TlsPolicy.REQUIRED).receive(GREETING).receive("250-mail.example.test\r\n250 AUTH PLAIN\r\n");

        assertThat(Wire.assertOnlyNegotiationInPlaintext(c.sentBytes())).containsExactly("EHLO " + CLIENT_NAME, "QUIT");
        assertThat(c.reason()).isEqualTo(Reason.STARTTLS_NOT_OFFERED);
    }

    @Test
    void requiredWhenStartTlsIsRefusedWith454SendsOnlyEhloStartTlsAndQuit() {
        Wire c = afterStartTls(TlsPolicy.REQUIRED).receive("454 4.7.0 TLS not available\r\n");

        assertThat(Wire.assertOnlyNegotiationInPlaintext(c.sentBytes())).containsExactly("EHLO " + CLIENT_NAME, "STARTTLS", "QUIT");
        assertThat(c.reason()).isEqualTo(Reason.STARTTLS_REFUSED);
    }

    @Test
    void requiredWhenEhloAndHeloAreBothRejectedSendsOnlyEhloHeloAndQuit() {
        Wire c = Wire.client(TlsPolicy.REQUIRED).receive(GREETING).receive("500 what\r\n").receive("500 what\r\n");

        assertThat(Wire.assertOnlyNegotiationInPlaintext(c.sentBytes())).containsExactly("EHLO " + CLIENT_NAME, "HELO " + CLIENT_NAME, "QUIT");
        assertThat(c.reason()).isEqualTo(Reason.COMMAND_REJECTED);
    }

    // ---------------------------------------------------------------- REQUIRED on the wire, with TLS

    static ServerConfig.Builder realServer() {
        return ServerConfig.builder().hostname(HOST).sslContext(Wire.serverContext())
                .capabilitiesBeforeTls(caps("8BITMIME", "SIZE 1000"))
                .capabilitiesAfterTls(caps("AUTH PLAIN", "SIZE 2000"));
    }

    static Loopback.Result pair(ClientConfig client, ServerConfig server) {
        return Loopback.run(Smtp.client(client), Smtp.server(server), NOW,
                line -> line.startsWith("EHLO ") ? Smtp.ehloReplyAfterTls(server, line.substring(5)) : null);
    }

    static Failure clientFailure(Loopback.Result r) {
        assertThat(r.clientOutcome()).isInstanceOf(Outcome.Failed.class);
        return ((Outcome.Failed) r.clientOutcome()).failure();
    }

    static void assertRequiredSentOnlyEhloAndStartTlsInPlaintext(Loopback.Result r) {
        assertThat(Wire.assertOnlyNegotiationInPlaintext(r.clientSent())).containsExactly("EHLO " + CLIENT_NAME, "STARTTLS");
        assertThat(Wire.plaintextLinesSent(r.clientEvents())).containsExactly("EHLO " + CLIENT_NAME, "STARTTLS");
        assertThat(r.clientEvents()).noneMatch(e -> e instanceof Event.Line && ((Event.Line) e).encrypted());
    }

    @Test
    void requiredAgainstAServerCappedAtTls11SendsNothingButTheNegotiation() {
        ServerConfig server = realServer()
                .engineFactory((host, port) -> new ClaimsModernVersions(LegacyTls.serverEngineCappedAtTls11(TestPki.server(KeyType.EC_P256, HOST))))
                .build();

        Loopback.Result r = pair(Wire.clientConfig(TlsPolicy.REQUIRED), server);

        assertThat(clientFailure(r).reason()).isEqualTo(Reason.TLS_VERSION_TOO_OLD);
        assertRequiredSentOnlyEhloAndStartTlsInPlaintext(r);
    }

    @Test
    void requiredWithAHostNameMismatchSendsNothingButTheNegotiation() {
        ClientConfig client = ClientConfig.builder("other.example.test").clientName(CLIENT_NAME)
                .trustAnchors(List.of(TestPki.ca(KeyType.EC_P256))).build();

        Loopback.Result r = pair(client, realServer().build());

        Failure failure = clientFailure(r);
        assertThat(failure.reason()).isEqualTo(Reason.CERTIFICATE_REJECTED);
        assertThat(failure.certificateProblem()).contains(CertificateProblem.HOST_MISMATCH);
        assertRequiredSentOnlyEhloAndStartTlsInPlaintext(r);
    }

    @Test
    void requiredAgainstAnUntrustedSelfSignedCertificateSendsNothingButTheNegotiation() {
        ServerConfig server = realServer().sslContext(TestPki.selfSigned(KeyType.EC_P256, HOST).serverContext()).build();

        Loopback.Result r = pair(Wire.clientConfig(TlsPolicy.REQUIRED), server);

        Failure failure = clientFailure(r);
        assertThat(failure.reason()).isEqualTo(Reason.CERTIFICATE_REJECTED);
        assertThat(failure.certificateProblem()).contains(CertificateProblem.NOT_TRUSTED);
        assertRequiredSentOnlyEhloAndStartTlsInPlaintext(r);
    }

    @Test
    void requiredWithACorruptedHandshakeSendsNothingButTheNegotiation() {
        Loopback.Tamper flipServerHelloRandom = new Loopback.Tamper() {
            private boolean done;

            @Override
            public byte[] serverToClient(byte[] bytes) {
                if (done || bytes.length < 12 || bytes[0] != 0x16) {
                    return bytes;
                }
                done = true;
                byte[] copy = bytes.clone();
                copy[11] ^= 0x01;
                return copy;
            }
        };

        ServerConfig server = realServer().build();
        Loopback.Result r = Loopback.run(Smtp.client(Wire.clientConfig(TlsPolicy.REQUIRED)), Smtp.server(server), NOW,
                flipServerHelloRandom, line -> line.startsWith("EHLO ") ? Smtp.ehloReplyAfterTls(server, "x") : null);

        assertThat(clientFailure(r).reason()).isEqualTo(Reason.TLS_HANDSHAKE_FAILED);
        assertRequiredSentOnlyEhloAndStartTlsInPlaintext(r);
    }

    @Test
    void opportunisticNeverFallsBackToPlaintextOnceTheGoAheadWasRead() {
        ServerConfig server = realServer().policy(TlsPolicy.OPPORTUNISTIC)
                .sslContext(TestPki.selfSigned(KeyType.EC_P256, HOST).serverContext()).build();

        Loopback.Result r = pair(Wire.clientConfig(TlsPolicy.OPPORTUNISTIC), server);

        assertThat(clientFailure(r).reason()).isEqualTo(Reason.CERTIFICATE_REJECTED);
        assertThat(r.clientEvents()).noneMatch(e -> e instanceof Event.FellBackToPlaintext || e instanceof Event.HandedOverInPlaintext);
        assertThat(Wire.plaintextLinesSent(r.clientEvents())).containsExactly("EHLO " + CLIENT_NAME, "STARTTLS");
    }

    // ---------------------------------------------------------------- only a complete 220 starts TLS

    static Stream<Arguments> notAGoAhead() {
        List<Arguments> all = new ArrayList<>();
        for (TlsPolicy policy : List.of(TlsPolicy.REQUIRED, TlsPolicy.OPPORTUNISTIC)) {
            all.add(Arguments.of(policy, "250 2.0.0 OK\r\n", Reason.UNEXPECTED_REPLY));
            all.add(Arguments.of(policy, "200 fine\r\n", Reason.UNEXPECTED_REPLY));
            all.add(Arguments.of(policy, "221 2.0.0 Bye\r\n", Reason.UNEXPECTED_REPLY));
            all.add(Arguments.of(policy, "230 close enough\r\n", Reason.UNEXPECTED_REPLY));
            all.add(Arguments.of(policy, "354 go ahead\r\n", Reason.UNEXPECTED_REPLY));
            all.add(Arguments.of(policy, "334 VXNlcm5hbWU6\r\n", Reason.UNEXPECTED_REPLY));
            all.add(Arguments.of(policy, "150 wait\r\n", Reason.MALFORMED_REPLY));
            all.add(Arguments.of(policy, "1xx go\r\n", Reason.MALFORMED_REPLY));
            all.add(Arguments.of(policy, "220-ready\r\n250 changed my mind\r\n", Reason.MALFORMED_REPLY));
            all.add(Arguments.of(policy, "220-ready\r\n221 changed my mind\r\n", Reason.MALFORMED_REPLY));
            all.add(Arguments.of(policy, "220go\r\n", Reason.MALFORMED_REPLY));
            all.add(Arguments.of(policy, "22 go\r\n", Reason.MALFORMED_REPLY));
            all.add(Arguments.of(policy, "2200 go\r\n", Reason.MALFORMED_REPLY));
            all.add(Arguments.of(policy, " 220 go\r\n", Reason.MALFORMED_REPLY));
            all.add(Arguments.of(policy, "ready 220\r\n", Reason.MALFORMED_REPLY));
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("notAGoAhead")
    void onlyACompleteReplyWithCodeExactly220StartsTls(TlsPolicy policy, String reply, Reason expected) {
        Wire c = afterStartTls(policy).receive(reply);

        assertThat(c.reason()).isEqualTo(expected);
        assertThat(c.events(Event.StartTlsAccepted.class)).isEmpty();
        assertThat(Wire.looksLikeTls(c.sentBytes())).as("no handshake bytes").isFalse();
        assertThat(c.events(Event.FellBackToPlaintext.class)).as("never a fallback either").isEmpty();
        assertThat(c.sent()).isEqualTo(EHLO + STARTTLS);
    }

    @ParameterizedTest
    @MethodSource("startTlsPolicies")
    void aGoAheadSplitAcrossReadsStartsTlsOnlyOnceComplete(TlsPolicy policy) {
        Wire c = afterStartTls(policy);

        for (String piece : List.of("2", "20", " 2.0.0 Ready", "\r")) {
            c.receive(piece);
            assertThat(c.lastSent()).as("after %s", piece).isEmpty();
            assertThat(c.finished()).isFalse();
            assertThat(c.state().state()).isEqualTo("AwaitingStartTlsReply");
        }
        c.receive("\n");

        assertThat(c.last().outboundBytes()[0]).as("ClientHello").isEqualTo((byte) 0x16);
        assertThat(c.state().state()).isEqualTo("Handshaking");
    }

    @ParameterizedTest
    @MethodSource("startTlsPolicies")
    void aMultiLineGoAheadStartsTlsOnlyAfterItsLastLine(TlsPolicy policy) {
        Wire c = afterStartTls(policy).receive("220-ready\r\n220-still\r\n");

        assertThat(c.lastSent()).isEmpty();
        assertThat(c.events(Event.StartTlsAccepted.class)).isEmpty();
        c.receive("220 go\r\n");
        assertThat(c.events(Event.StartTlsAccepted.class)).hasSize(1);
        assertThat(c.state().state()).isEqualTo("Handshaking");
    }

    // ---------------------------------------------------------------- replies nobody asked for

    @ParameterizedTest
    @MethodSource("plaintextStartingPolicies")
    void aSecondReplyToEhloIsUnexpected(TlsPolicy policy) {
        Wire c = Wire.client(policy).receive(GREETING).receive(OFFERS_STARTTLS + "250 OK\r\n");

        assertThat(c.reason()).isEqualTo(Reason.UNEXPECTED_REPLY);
        assertThat(c.sent()).as("no STARTTLS on a desynchronised dialog").isEqualTo(EHLO + QUIT);
    }

    @ParameterizedTest
    @MethodSource("plaintextStartingPolicies")
    void aPartialSecondReplyToEhloIsUnexpected(TlsPolicy policy) {
        Wire c = Wire.client(policy).receive(GREETING).receive(OFFERS_STARTTLS + "2");

        assertThat(c.reason()).isEqualTo(Reason.UNEXPECTED_REPLY);
        assertThat(c.sent()).isEqualTo(EHLO + QUIT);
    }

    @ParameterizedTest
    @MethodSource("plaintextStartingPolicies")
    void aSecondReplyToHeloIsUnexpected(TlsPolicy policy) {
        Wire c = Wire.client(policy).receive(GREETING).receive("502 no\r\n").receive("250 hi\r\n250 again\r\n");

        assertThat(c.reason()).isEqualTo(Reason.UNEXPECTED_REPLY);
        assertThat(c.sent()).isEqualTo(EHLO + HELO + QUIT);
    }

    @ParameterizedTest
    @MethodSource("startTlsPolicies")
    void aReplyQueuedBehindAStartTlsRefusalFailsInsteadOfFallingBack(TlsPolicy policy) {
        Wire c = afterStartTls(policy).receive("454 no\r\n250 OK\r\n");

        assertThat(c.reason()).isEqualTo(Reason.UNEXPECTED_REPLY);
        assertThat(c.events(Event.FellBackToPlaintext.class)).isEmpty();
        assertThat(c.events(Event.HandedOverInPlaintext.class)).isEmpty();
        assertThat(c.sent()).isEqualTo(EHLO + STARTTLS + QUIT);
    }

    /**
     * The greeting and a "reply" arrive in one read: the server sent the 250 before it could have
     * seen our EHLO (we send EHLO only after reading the greeting), so it answers nothing. Taken as
     * the EHLO reply it would decide STARTTLS's fate: a forged "no STARTTLS here" downgrade under
     * OPPORTUNISTIC, and under every policy a reply that then answers the wrong command.
     */
    @ParameterizedTest
    @MethodSource("plaintextStartingPolicies")
    void aReplyInTheSameReadAsTheGreetingAnswersNoCommandAndIsUnexpected(TlsPolicy policy) {
        Wire c = Wire.client(policy).receive(GREETING + "250 OK\r\n");

        assertThat(c.finished()).isTrue();
        assertThat(c.outcome()).as("never a hand-over").isInstanceOf(Outcome.Failed.class);
        assertThat(c.reason()).isEqualTo(Reason.UNEXPECTED_REPLY);
        assertThat(c.sent()).doesNotContain("STARTTLS", "HELO");
    }

    /** Same, for the reply to HELO arriving together with the EHLO refusal, before HELO was sent. */
    @ParameterizedTest
    @MethodSource("plaintextStartingPolicies")
    void aReplyInTheSameReadAsTheEhloRefusalAnswersNoCommandAndIsUnexpected(TlsPolicy policy) {
        Wire c = Wire.client(policy).receive(GREETING).receive("502 no EHLO\r\n250 mail.example.test\r\n");

        assertThat(c.finished()).isTrue();
        assertThat(c.outcome()).as("never a hand-over").isInstanceOf(Outcome.Failed.class);
        assertThat(c.reason()).isEqualTo(Reason.UNEXPECTED_REPLY);
    }

    // ---------------------------------------------------------------- the TLS boundary

    @Test
    void postTlsCapabilitiesAreOnlyThoseReceivedInsideTls() {
        ServerConfig server = realServer().build();
        Loopback.Result r = Loopback.run(Smtp.client(Wire.clientConfig(TlsPolicy.REQUIRED)), Smtp.server(server), NOW,
                line -> line.startsWith("EHLO ") ? "250-mail.example.test greets you\r\n250-AUTH PLAIN\r\n250 SIZE 2000\r\n" : null);

        assertThat(r.clientOutcome()).isInstanceOf(Outcome.Secured.class);
        assertThat(r.clientSession().capabilities().list()).containsExactly(
                new org.starttls4j.Capability("AUTH", List.of("PLAIN")), new org.starttls4j.Capability("SIZE", List.of("2000")));
        assertThat(r.clientSession().capabilities().has("8BITMIME")).as("pre-TLS only").isFalse();
        assertThat(r.clientSession().capabilities().has("STARTTLS")).isFalse();
        List<Event.CapabilitiesReceived> received = new ArrayList<>();
        r.clientEvents().forEach(e -> {
            if (e instanceof Event.CapabilitiesReceived) {
                received.add((Event.CapabilitiesReceived) e);
            }
        });
        assertThat(received).hasSize(2);
        assertThat(received.get(0).encrypted()).isFalse();
        assertThat(received.get(0).capabilities().has("8BITMIME")).isTrue();
        assertThat(received.get(1).encrypted()).isTrue();
        assertThat(received.get(1).capabilities()).isEqualTo(r.clientSession().capabilities());
        assertThat(new String(r.clientSent(), java.nio.charset.StandardCharsets.ISO_8859_1)).startsWith(EHLO + STARTTLS);
    }

    @Test
    void theClientNeverSendsStartTlsAgainWhenItIsAdvertisedInsideTls() {
        List<String> appSaw = new ArrayList<>();
        Loopback.Result r = Loopback.run(Smtp.client(Wire.clientConfig(TlsPolicy.REQUIRED)), Smtp.server(realServer().build()), NOW, line -> {
            appSaw.add(line);
            return line.startsWith("EHLO ") ? "250-mail.example.test\r\n250-AUTH PLAIN\r\n250 STARTTLS\r\n" : "503 5.5.1 no\r\n";
        });

        assertThat(r.clientOutcome()).isInstanceOf(Outcome.Secured.class);
        assertThat(appSaw).as("what the client sent inside TLS").containsExactly("EHLO " + CLIENT_NAME);
        assertThat(Wire.plaintextLinesSent(r.clientEvents())).containsExactly("EHLO " + CLIENT_NAME, "STARTTLS");
    }

    @Test
    void theClientNeverSendsStartTlsUnderImplicitTlsEvenWhenAdvertised() {
        List<String> appSaw = new ArrayList<>();
        ServerConfig server = realServer().policy(TlsPolicy.IMPLICIT).build();
        Loopback.Result r = Loopback.run(Smtp.client(Wire.clientConfig(TlsPolicy.IMPLICIT)), Smtp.server(server), NOW, line -> {
            appSaw.add(line);
            return line.startsWith("EHLO ") ? "250-mail.example.test\r\n250 STARTTLS\r\n" : "503 5.5.1 no\r\n";
        });

        assertThat(r.clientOutcome()).isInstanceOf(Outcome.Secured.class);
        assertThat(appSaw).containsExactly("EHLO " + CLIENT_NAME);
        assertThat(Wire.plaintextLinesSent(r.clientEvents())).as("nothing at all in plaintext").isEmpty();
        assertThat(r.clientEvents()).contains(new Event.GreetingReceived(HOST + " ESMTP starttls4j", true));
    }

    @Test
    void theServerNeverAnnouncesStartTlsInsideTls() {
        ServerConfig server = realServer().capabilitiesAfterTls(caps("AUTH PLAIN", "STARTTLS")).build();

        Loopback.Result r = pair(Wire.clientConfig(TlsPolicy.REQUIRED), server);

        assertThat(r.clientSession().capabilities().has("STARTTLS")).isFalse();
        assertThat(r.serverSession().capabilities().has("STARTTLS"))
                .as("the server session's own capabilities, which an application would announce").isFalse();
    }

    @Test
    void anOpportunisticPlaintextHandOverSaysItIsNotEncryptedAndWhy() {
        Wire c = afterStartTls(TlsPolicy.OPPORTUNISTIC).receive("454 4.7.0 TLS not available\r\n");

        PlaintextSession session = c.plaintext();
        assertThat(session.isEncrypted()).isFalse();
        assertThat(session.why()).startsWith("not encrypted").contains("STARTTLS_REFUSED").contains("454");
        assertThat(c.events(Event.FellBackToPlaintext.class)).hasSize(1);
        assertThat(c.events(Event.HandedOverInPlaintext.class)).singleElement().satisfies(e -> assertThat(e.session()).isEqualTo(session));
    }

    // ---------------------------------------------------------------- test engine

    /**
     * A TLS 1.1-only legacy server engine that reports TLS 1.2 as enabled and ignores the
     * parameters set on it, as an old server would: our own server refuses to enable anything
     * below its floor, so only a foreign engine can play the legacy peer.
     */
    static final class ClaimsModernVersions extends DelegatingEngine {
        ClaimsModernVersions(SSLEngine legacy) {
            super(legacy);
        }

        @Override
        public void setEnabledCipherSuites(String[] suites) {
            // fixed by the legacy engine
        }

        @Override
        public String[] getSupportedProtocols() {
            return new String[] {"TLSv1.2"};
        }

        @Override
        public String[] getEnabledProtocols() {
            return new String[] {"TLSv1.2"};
        }

        @Override
        public void setEnabledProtocols(String[] protocols) {
            // fixed by the legacy engine
        }

        @Override
        public SSLParameters getSSLParameters() {
            return new SSLParameters(getEnabledCipherSuites(), getEnabledProtocols());
        }

        @Override
        public void setSSLParameters(SSLParameters parameters) {
            // fixed by the legacy engine
        }
    }
}
