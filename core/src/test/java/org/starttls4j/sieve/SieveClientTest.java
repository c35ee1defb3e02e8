package org.starttls4j.sieve;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.starttls4j.Event;
import org.starttls4j.Failure;
import org.starttls4j.Outcome;
import org.starttls4j.TlsPolicy;
import org.starttls4j.testing.Dialect;
import org.starttls4j.testing.Dialect.Script;

/** The ManageSieve client, byte for byte, under every policy, and its security rules. */
class SieveClientTest {

    /** Dovecot Pigeonhole's greeting before TLS, as it sends it. */
    static final String GREETING = "\"IMPLEMENTATION\" \"Dovecot Pigeonhole\"\r\n\"SIEVE\" \"fileinto reject envelope vacation\"\r\n"
            + "\"NOTIFY\" \"mailto\"\r\n\"SASL\" \"\"\r\n\"STARTTLS\"\r\n\"VERSION\" \"1.0\"\r\nOK \"Dovecot ready.\"\r\n";
    static final String GREETING_WITHOUT_STARTTLS = "\"IMPLEMENTATION\" \"x\"\r\n\"SASL\" \"PLAIN\"\r\n\"VERSION\" \"1.0\"\r\nOK \"ready\"\r\n";

    private static Script client(TlsPolicy policy) {
        return Script.begin(ManageSieve.client(Dialect.clientBuilder(policy).build()));
    }

    @Test
    void requiredReadsTheCapabilitiesOfTheGreetingThenSendsOnlyStartTls() {
        Script s = client(TlsPolicy.REQUIRED);
        assertThat(s.sent()).isEmpty();
        s.receive(GREETING);
        assertThat(s.sent()).isEqualTo("STARTTLS\r\n");
        assertThat(s.events(Event.GreetingReceived.class)).singleElement()
                .isEqualTo(new Event.GreetingReceived("\"Dovecot ready.\"", false));
        assertThat(s.events(Event.CapabilitiesReceived.class)).singleElement().satisfies(c -> {
            assertThat(c.encrypted()).isFalse();
            assertThat(c.capabilities().parameters("SIEVE")).containsExactly("fileinto", "reject", "envelope", "vacation");
            assertThat(c.capabilities().parameters("SASL")).isEmpty();
            assertThat(c.capabilities().has("starttls")).isTrue();
        });
        s.receive("OK \"Begin TLS negotiation now.\"\r\n");
        assertThat(s.negotiation().state()).isEqualTo("Handshaking");
        assertThat(s.lastSent().charAt(0)).isEqualTo((char) 0x16);
    }

    @Test
    void requiredFailsWithLogoutWhenStartTlsIsMissingOrRefused() {
        Script notOffered = client(TlsPolicy.REQUIRED).receive(GREETING_WITHOUT_STARTTLS);
        assertThat(notOffered.reason()).isEqualTo(Failure.Reason.STARTTLS_NOT_OFFERED);
        assertThat(notOffered.sent()).isEqualTo("LOGOUT\r\n");
        Script refused = client(TlsPolicy.REQUIRED).receive(GREETING).receive("NO \"TLS unavailable\"\r\n");
        assertThat(refused.reason()).isEqualTo(Failure.Reason.STARTTLS_REFUSED);
        assertThat(refused.sent()).isEqualTo("STARTTLS\r\nLOGOUT\r\n");
    }

    @Test
    void opportunisticFallsBackAndPlaintextOnlyNeverAsks() {
        Script fallback = client(TlsPolicy.OPPORTUNISTIC).receive(GREETING_WITHOUT_STARTTLS);
        assertThat(fallback.outcome()).isInstanceOf(Outcome.Plaintext.class);
        assertThat(((Outcome.Plaintext) fallback.outcome()).session().capabilities().parameters("SASL")).containsExactly("PLAIN");
        assertThat(client(TlsPolicy.OPPORTUNISTIC).receive(GREETING).receive("NO (TRYLATER) \"busy\"\r\n").outcome())
                .isInstanceOf(Outcome.Plaintext.class);
        Script plain = client(TlsPolicy.PLAINTEXT_ONLY).receive(GREETING);
        assertThat(plain.outcome()).isInstanceOf(Outcome.Plaintext.class);
        assertThat(plain.sent()).isEmpty();
        assertThat(client(TlsPolicy.IMPLICIT).negotiation().state()).isEqualTo("Handshaking");
    }

    @Test
    void theGreetingMayComeInPiecesAndInAnyCase() {
        Script s = client(TlsPolicy.REQUIRED).receive("\"IMPLEMENTATION\" \"x\"\r\n\"STAR").receive("TTLS\"\r\nok\r\n");
        assertThat(s.sent()).isEqualTo("STARTTLS\r\n");
        assertThat(client(TlsPolicy.REQUIRED).receive(GREETING).receive("Ok\r\n").negotiation().state()).isEqualTo("Handshaking");
    }

    @Test
    void aRefusingOrMalformedGreetingFails() {
        assertThat(client(TlsPolicy.REQUIRED).receive("BYE \"go away\"\r\n").reason()).isEqualTo(Failure.Reason.GREETING_REJECTED);
        assertThat(client(TlsPolicy.REQUIRED).receive("* OK IMAP4rev1\r\n").reason()).isEqualTo(Failure.Reason.MALFORMED_REPLY);
        assertThat(client(TlsPolicy.REQUIRED).receive("\"SASL\" \"PLAIN\" \"extra\"\r\n").reason()).isEqualTo(Failure.Reason.MALFORMED_REPLY);
        assertThat(client(TlsPolicy.REQUIRED).receive("{8}\r\n").reason()).isEqualTo(Failure.Reason.MALFORMED_REPLY);
        assertThat(client(TlsPolicy.REQUIRED).receive(GREETING).receive("BYE \"shutting down\"\r\n").reason())
                .isEqualTo(Failure.Reason.SERVICE_CLOSING);
        assertThat(client(TlsPolicy.REQUIRED).receive(GREETING).receive("\"STARTTLS\"\r\n").reason())
                .isEqualTo(Failure.Reason.UNEXPECTED_REPLY);
    }

    @Test
    void aStatusTextWrittenAsALiteralIsCountedNeverRead() {
        Script s = client(TlsPolicy.OPPORTUNISTIC).receive(GREETING).receive("NO {11}\r\nOK\r\n\"x\" \"y\"\r\n");
        assertThat(s.outcome()).isInstanceOf(Outcome.Plaintext.class);
        Script bounded = Script.begin(ManageSieve.client(Dialect.clientBuilder(TlsPolicy.REQUIRED).limits(Dialect.SMALL).build()))
                .receive("OK {17}\r\n");
        assertThat(bounded.reason()).isEqualTo(Failure.Reason.REPLY_TOO_LONG);
    }

    @Test
    void capabilitiesInjectedBehindTheGoAheadArePlaintextInjectionNeverThePostTlsList() {
        Script s = client(TlsPolicy.REQUIRED).receive(GREETING)
                .receive("OK \"Begin TLS\"\r\n\"IMPLEMENTATION\" \"forged\"\r\n\"SASL\" \"PLAIN\"\r\nOK\r\n");
        assertThat(s.reason()).isEqualTo(Failure.Reason.PLAINTEXT_INJECTION);
        assertThat(s.events()).doesNotContain(new Event.StartTlsAccepted());
    }

    @Test
    void anythingAfterTheGreetingsOkIsUnsolicited() {
        assertThat(client(TlsPolicy.OPPORTUNISTIC).receive(GREETING + "OK \"again\"\r\n").reason())
                .isEqualTo(Failure.Reason.UNEXPECTED_REPLY);
    }

    @Test
    void theCapabilityListIsBounded() {
        Script s = Script.begin(ManageSieve.client(Dialect.clientBuilder(TlsPolicy.REQUIRED).limits(Dialect.SMALL).build()))
                .receive("\"A\"\r\n\"B\"\r\n\"C\"\r\n\"D\"\r\n\"E\"\r\nOK\r\n");
        assertThat(s.reason()).isEqualTo(Failure.Reason.REPLY_TOO_LONG);
    }
}
