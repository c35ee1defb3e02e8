package org.starttls4j.lmtp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.starttls4j.Event;
import org.starttls4j.Failure;
import org.starttls4j.Outcome;
import org.starttls4j.TlsPolicy;
import org.starttls4j.testing.Dialect;
import org.starttls4j.testing.Dialect.Script;

/** The LMTP client, byte for byte, under every policy, and its security rules. */
class LmtpClientTest {

    static final String GREETING = "220 lmtp.example.test LMTP ready\r\n";
    static final String LHLO_WITH_STARTTLS = "250-lmtp.example.test\r\n250-PIPELINING\r\n250-ENHANCEDSTATUSCODES\r\n250 STARTTLS\r\n";
    static final String LHLO_WITHOUT_STARTTLS = "250-lmtp.example.test\r\n250 PIPELINING\r\n";

    private static Script client(TlsPolicy policy) {
        return Script.begin(Lmtp.client(Dialect.clientBuilder(policy).clientName("mta.example.test").build()));
    }

    @Test
    void requiredSendsLhloThenStartTlsAndStartsTheHandshakeOnTheGoAhead() {
        Script s = client(TlsPolicy.REQUIRED).receive(GREETING);
        assertThat(s.lastSent()).isEqualTo("LHLO mta.example.test\r\n");
        assertThat(s.negotiation().state()).isEqualTo("AwaitingLhloReply");
        s.receive(LHLO_WITH_STARTTLS);
        assertThat(s.lastSent()).isEqualTo("STARTTLS\r\n");
        assertThat(s.negotiation().state()).isEqualTo("AwaitingStartTlsReply");
        s.receive("220 2.0.0 Ready to start TLS\r\n");
        assertThat(s.negotiation().state()).isEqualTo("Handshaking");
        assertThat(s.lastSent().charAt(0)).isEqualTo((char) 0x16);
        assertThat(s.events()).contains(new Event.StartTlsAccepted());
        assertThat(s.events(Event.CapabilitiesReceived.class)).singleElement()
                .satisfies(c -> assertThat(c.encrypted()).isFalse());
    }

    @Test
    void requiredFailsWhenStartTlsIsNotOfferedAndQuits() {
        Script s = client(TlsPolicy.REQUIRED).receive(GREETING).receive(LHLO_WITHOUT_STARTTLS);
        assertThat(s.reason()).isEqualTo(Failure.Reason.STARTTLS_NOT_OFFERED);
        assertThat(s.sent()).isEqualTo("LHLO mta.example.test\r\nQUIT\r\n");
    }

    @Test
    void requiredFailsWhenStartTlsIsRefused() {
        Script s = client(TlsPolicy.REQUIRED).receive(GREETING).receive(LHLO_WITH_STARTTLS).receive("454 4.7.0 TLS not available\r\n");
        assertThat(s.reason()).isEqualTo(Failure.Reason.STARTTLS_REFUSED);
        assertThat(s.sent()).isEqualTo("LHLO mta.example.test\r\nSTARTTLS\r\nQUIT\r\n");
    }

    @Test
    void opportunisticFallsBackToPlaintextWhenNotOfferedOrRefused() {
        Script notOffered = client(TlsPolicy.OPPORTUNISTIC).receive(GREETING).receive(LHLO_WITHOUT_STARTTLS);
        assertThat(notOffered.outcome()).isInstanceOf(Outcome.Plaintext.class);
        assertThat(((Outcome.Plaintext) notOffered.outcome()).session().capabilities().has("PIPELINING")).isTrue();
        assertThat(notOffered.sent()).isEqualTo("LHLO mta.example.test\r\n");

        Script refused = client(TlsPolicy.OPPORTUNISTIC).receive(GREETING).receive(LHLO_WITH_STARTTLS).receive("454 4.7.0 later\r\n");
        assertThat(refused.outcome()).isInstanceOf(Outcome.Plaintext.class);
        assertThat(refused.events(Event.FellBackToPlaintext.class)).singleElement()
                .satisfies(f -> assertThat(f.cause().reason()).isEqualTo(Failure.Reason.STARTTLS_REFUSED));
    }

    @Test
    void plaintextOnlyNeverSendsStartTls() {
        Script s = client(TlsPolicy.PLAINTEXT_ONLY).receive(GREETING).receive(LHLO_WITH_STARTTLS);
        assertThat(s.outcome()).isInstanceOf(Outcome.Plaintext.class);
        assertThat(s.sent()).isEqualTo("LHLO mta.example.test\r\n");
    }

    @Test
    void implicitStartsWithTheClientHello() {
        Script s = client(TlsPolicy.IMPLICIT);
        assertThat(s.negotiation().state()).isEqualTo("Handshaking");
        assertThat(s.sent().charAt(0)).isEqualTo((char) 0x16);
    }

    @Test
    void lhloRejectedIsNeverRetriedAsHelo() {
        Script s = client(TlsPolicy.REQUIRED).receive(GREETING).receive("500 5.5.1 what?\r\n");
        assertThat(s.reason()).isEqualTo(Failure.Reason.COMMAND_REJECTED);
        assertThat(s.sent()).isEqualTo("LHLO mta.example.test\r\nQUIT\r\n");
    }

    @Test
    void greetingsOtherThan220AndA421AnywhereEndTheNegotiation() {
        assertThat(client(TlsPolicy.REQUIRED).receive("554 no\r\n").reason()).isEqualTo(Failure.Reason.GREETING_REJECTED);
        assertThat(client(TlsPolicy.REQUIRED).receive(GREETING).receive("421 4.3.2 bye\r\n").reason())
                .isEqualTo(Failure.Reason.SERVICE_CLOSING);
        assertThat(client(TlsPolicy.REQUIRED).receive(GREETING).receive(LHLO_WITH_STARTTLS).receive("250 ok\r\n").reason())
                .isEqualTo(Failure.Reason.UNEXPECTED_REPLY);
    }

    @Test
    void bytesAfterTheGoAheadArePlaintextInjection() {
        Script s = client(TlsPolicy.REQUIRED).receive(GREETING).receive(LHLO_WITH_STARTTLS)
                .receive("220 go ahead\r\n250-forged\r\n250 AUTH PLAIN\r\n");
        assertThat(s.reason()).isEqualTo(Failure.Reason.PLAINTEXT_INJECTION);
        assertThat(s.events()).doesNotContain(new Event.StartTlsAccepted());
    }

    @Test
    void aReplyQueuedBehindTheGreetingIsNeverTakenForTheLhloReply() {
        Script s = client(TlsPolicy.OPPORTUNISTIC).receive(GREETING + LHLO_WITHOUT_STARTTLS);
        assertThat(s.reason()).isEqualTo(Failure.Reason.UNEXPECTED_REPLY);
    }

    @Test
    void multiLineRepliesAreBounded() {
        Script s = Script.begin(Lmtp.client(Dialect.clientBuilder(TlsPolicy.REQUIRED).limits(Dialect.SMALL).build()))
                .receive(GREETING).receive("250-a\r\n250-b\r\n250-c\r\n250-d\r\n250 e\r\n");
        assertThat(s.reason()).isEqualTo(Failure.Reason.REPLY_TOO_LONG);
    }
}
