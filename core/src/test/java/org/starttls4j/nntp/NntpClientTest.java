package org.starttls4j.nntp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.starttls4j.Event;
import org.starttls4j.Failure;
import org.starttls4j.Outcome;
import org.starttls4j.TlsPolicy;
import org.starttls4j.testing.Dialect;
import org.starttls4j.testing.Dialect.Script;

/** The NNTP client, byte for byte, under every policy, and its security rules. */
class NntpClientTest {

    static final String GREETING = "200 news.example.test InterNetNews NNRP server ready\r\n";
    static final String CAPS_WITH_STARTTLS = "101 Capability list:\r\nVERSION 2\r\nREADER\r\nSTARTTLS\r\nLIST ACTIVE NEWSGROUPS\r\n.\r\n";
    static final String CAPS_WITHOUT_STARTTLS = "101 Capability list:\r\nVERSION 2\r\nREADER\r\nAUTHINFO USER\r\n.\r\n";

    private static Script client(TlsPolicy policy) {
        return Script.begin(Nntp.client(Dialect.clientBuilder(policy).build()));
    }

    @Test
    void requiredAsksCapabilitiesThenStartTlsAndStartsTheHandshakeOn382() {
        Script s = client(TlsPolicy.REQUIRED).receive(GREETING);
        assertThat(s.lastSent()).isEqualTo("CAPABILITIES\r\n");
        assertThat(s.negotiation().state()).isEqualTo("AwaitingCapabilitiesReply");
        assertThat(s.events(Event.GreetingReceived.class)).singleElement()
                .isEqualTo(new Event.GreetingReceived(GREETING.strip().substring(4), false));
        s.receive(CAPS_WITH_STARTTLS);
        assertThat(s.lastSent()).isEqualTo("STARTTLS\r\n");
        assertThat(s.events(Event.CapabilitiesReceived.class)).singleElement()
                .satisfies(c -> assertThat(c.capabilities().parameters("LIST")).containsExactly("ACTIVE", "NEWSGROUPS"));
        s.receive("382 Continue with TLS negotiation\r\n");
        assertThat(s.negotiation().state()).isEqualTo("Handshaking");
        assertThat(s.lastSent().charAt(0)).isEqualTo((char) 0x16);
    }

    @Test
    void requiredFailsWithQuitWhenStartTlsIsNotOfferedOrRefusedWith580() {
        Script notOffered = client(TlsPolicy.REQUIRED).receive(GREETING).receive(CAPS_WITHOUT_STARTTLS);
        assertThat(notOffered.reason()).isEqualTo(Failure.Reason.STARTTLS_NOT_OFFERED);
        assertThat(notOffered.sent()).isEqualTo("CAPABILITIES\r\nQUIT\r\n");
        Script refused = client(TlsPolicy.REQUIRED).receive(GREETING).receive(CAPS_WITH_STARTTLS)
                .receive("580 Can not initiate TLS negotiation\r\n");
        assertThat(refused.reason()).isEqualTo(Failure.Reason.STARTTLS_REFUSED);
        assertThat(refused.sent()).isEqualTo("CAPABILITIES\r\nSTARTTLS\r\nQUIT\r\n");
    }

    @Test
    void opportunisticFallsBackWhenNotOfferedOrRefused() {
        assertThat(client(TlsPolicy.OPPORTUNISTIC).receive(GREETING).receive(CAPS_WITHOUT_STARTTLS).outcome())
                .isInstanceOf(Outcome.Plaintext.class);
        Script refused = client(TlsPolicy.OPPORTUNISTIC).receive(GREETING).receive(CAPS_WITH_STARTTLS).receive("502 not now\r\n");
        assertThat(refused.outcome()).isInstanceOf(Outcome.Plaintext.class);
        assertThat(refused.events(Event.FellBackToPlaintext.class)).singleElement()
                .satisfies(f -> assertThat(f.cause().reason()).isEqualTo(Failure.Reason.STARTTLS_REFUSED));
    }

    @Test
    void aServerWithoutCapabilitiesIsAskedForStartTlsAnyway() {
        Script s = client(TlsPolicy.REQUIRED).receive(GREETING).receive("500 What?\r\n");
        assertThat(s.lastSent()).isEqualTo("STARTTLS\r\n");
        assertThat(s.negotiation().state()).isEqualTo("AwaitingStartTlsReply");
    }

    @Test
    void plaintextOnlyNeverSendsStartTlsAndImplicitStartsWithTheHandshake() {
        Script plain = client(TlsPolicy.PLAINTEXT_ONLY).receive(GREETING).receive(CAPS_WITH_STARTTLS);
        assertThat(plain.outcome()).isInstanceOf(Outcome.Plaintext.class);
        assertThat(plain.sent()).isEqualTo("CAPABILITIES\r\n");
        Script implicit = client(TlsPolicy.IMPLICIT);
        assertThat(implicit.negotiation().state()).isEqualTo("Handshaking");
    }

    @Test
    void greetingsAndRepliesOutOfTheGrammarFail() {
        assertThat(client(TlsPolicy.REQUIRED).receive("502 no access\r\n").reason()).isEqualTo(Failure.Reason.GREETING_REJECTED);
        assertThat(client(TlsPolicy.REQUIRED).receive("hello\r\n").reason()).isEqualTo(Failure.Reason.MALFORMED_REPLY);
        assertThat(client(TlsPolicy.REQUIRED).receive(GREETING).receive("400 bye\r\n").reason())
                .isEqualTo(Failure.Reason.SERVICE_CLOSING);
        assertThat(client(TlsPolicy.REQUIRED).receive(GREETING).receive(CAPS_WITH_STARTTLS).receive("200 ok\r\n").reason())
                .isEqualTo(Failure.Reason.UNEXPECTED_REPLY);
        assertThat(client(TlsPolicy.REQUIRED).receive(GREETING).receive("101 list\r\nVERSION 2\r\n382 go\r\n.\r\n").reason())
                .isEqualTo(Failure.Reason.UNEXPECTED_REPLY);
    }

    @Test
    void bytesAfterThe382ArePlaintextInjection() {
        Script s = client(TlsPolicy.REQUIRED).receive(GREETING).receive(CAPS_WITH_STARTTLS)
                .receive("382 go\r\n101 Capability list:\r\nVERSION 2\r\n.\r\n");
        assertThat(s.reason()).isEqualTo(Failure.Reason.PLAINTEXT_INJECTION);
    }

    @Test
    void aCapabilityListQueuedBehindTheGreetingIsRefused() {
        assertThat(client(TlsPolicy.OPPORTUNISTIC).receive(GREETING + CAPS_WITHOUT_STARTTLS).reason())
                .isEqualTo(Failure.Reason.UNEXPECTED_REPLY);
    }

    @Test
    void theListIsDotUnstuffedAndBounded() {
        Script s = client(TlsPolicy.PLAINTEXT_ONLY).receive(GREETING).receive("101 list\r\n..X-DOT\r\nREADER\r\n.\r\n");
        assertThat(((Outcome.Plaintext) s.outcome()).session().capabilities().has(".X-DOT")).isTrue();
        Script bounded = Script.begin(Nntp.client(Dialect.clientBuilder(TlsPolicy.REQUIRED).limits(Dialect.SMALL).build()))
                .receive("200 ok\r\n").receive("101 list\r\nA\r\nB\r\nC\r\nD\r\n.\r\n");
        assertThat(bounded.reason()).isEqualTo(Failure.Reason.REPLY_TOO_LONG);
    }
}
