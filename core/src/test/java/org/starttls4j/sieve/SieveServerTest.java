package org.starttls4j.sieve;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.starttls4j.Event;
import org.starttls4j.Failure;
import org.starttls4j.Limits;
import org.starttls4j.Outcome;
import org.starttls4j.ServerConfig;
import org.starttls4j.TlsPolicy;
import org.starttls4j.Transition;
import org.starttls4j.testing.Dialect;
import org.starttls4j.testing.Dialect.Script;

/** The ManageSieve server, byte for byte, under every policy, and its security rules. */
class SieveServerTest {

    static final String BEFORE = "\"IMPLEMENTATION\" \"starttls4j\"\r\n\"SIEVE\" \"fileinto vacation\"\r\n\"SASL\" \"\"\r\n"
            + "\"VERSION\" \"1.0\"\r\n\"STARTTLS\"\r\n";

    static ServerConfig config(TlsPolicy policy) {
        return builder(policy).build();
    }

    static ServerConfig.Builder builder(TlsPolicy policy) {
        return Dialect.serverBuilder(policy, Dialect.caps("SIEVE fileinto vacation", "SASL PLAIN"),
                Dialect.caps("SIEVE fileinto vacation", "SASL PLAIN SCRAM-SHA-256", "STARTTLS"));
    }

    private static Script server(TlsPolicy policy) {
        return Script.begin(ManageSieve.server(config(policy)));
    }

    @Test
    void requiredGreetsWithCapabilitiesWithholdingSaslAndRefusesAuthentication() {
        Script s = server(TlsPolicy.REQUIRED);
        assertThat(s.sent()).isEqualTo(BEFORE + "OK \"mail.example.test ManageSieve ready\"\r\n");
        assertThat(s.receive("CAPABILITY\r\n").lastSent()).isEqualTo(BEFORE + "OK \"Capability completed\"\r\n");
        assertThat(s.receive("AUTHENTICATE \"PLAIN\" \"AGFsaWNlAHNlY3JldA==\"\r\n").lastSent())
                .isEqualTo("NO (ENCRYPT-NEEDED) \"Authentication requires TLS: send STARTTLS first\"\r\n");
        assertThat(s.receive("LISTSCRIPTS\r\n").lastSent()).startsWith("NO ");
        assertThat(s.receive("FROB\r\n").lastSent()).isEqualTo("NO \"Unknown command\"\r\n");
        assertThat(s.receive("NOOP \"t1\"\r\n").lastSent()).isEqualTo("OK (TAG \"t1\") \"Done\"\r\n");
        assertThat(s.receive("STARTTLS x\r\n").lastSent()).startsWith("NO ");
        assertThat(s.receive("StartTls\r\n").lastSent()).isEqualTo("OK \"Begin TLS negotiation now\"\r\n");
        assertThat(s.negotiation().state()).isEqualTo("Handshaking");
    }

    /**
     * RFC 5804 §2.11: NOOP's one string comes back in the TAG response code. Anything else after
     * NOOP is not sent back: echoed, {@code NOOP "x") "y"} made {@code OK (TAG "x") "y") "Done"},
     * a response no client can parse, and a broken string's quote swallowed the rest of the line.
     */
    @Test
    void noopSendsBackOneQuotedStringAndNothingElse() {
        Script s = server(TlsPolicy.REQUIRED);
        assertThat(s.receive("NOOP \"a \\\"b\\\" c\"\r\n").lastSent()).isEqualTo("OK (TAG \"a \\\"b\\\" c\") \"Done\"\r\n");
        assertThat(s.receive("NOOP \"\"\r\n").lastSent()).isEqualTo("OK (TAG \"\") \"Done\"\r\n");
        for (String notOneString : new String[] {"\"x\") \"y\"", "\"a\" \"b\"", "\"a\\\"", "\"", "x"}) {
            assertThat(s.receive("NOOP " + notOneString + "\r\n").lastSent()).as(notOneString).isEqualTo("OK \"Done\"\r\n");
        }
    }

    @Test
    void anAuthenticateWithALiteralIsRefusedAndItsLiteralNeverReadAsCommands() {
        Script s = server(TlsPolicy.REQUIRED).receive("AUTHENTICATE \"PLAIN\" {20+}\r\n");
        assertThat(s.lastSent()).isEmpty();
        assertThat(s.negotiation().state()).isEqualTo("SkippingLiteral");
        s.receive("STARTTLS\r\nLOGOUT\r\nxy\r\n");
        assertThat(s.lastSent()).startsWith("NO (ENCRYPT-NEEDED)");
        assertThat(s.finished()).isFalse();
        assertThat(s.events()).filteredOn(Event.Line.class::isInstance).map(e -> ((Event.Line) e).text())
                .as("the literal's lines, kept as their lengths")
                .contains(Event.Line.literalData(8), Event.Line.literalData(6), Event.Line.literalData(2))
                .doesNotContain("STARTTLS", "LOGOUT");
        Script tooBig = Script.begin(ManageSieve.server(builder(TlsPolicy.REQUIRED).limits(new Limits(1000, 100, 65536, 10)).build()))
                .receive("PUTSCRIPT \"a\" {11+}\r\n");
        assertThat(tooBig.reason()).isEqualTo(Failure.Reason.COMMAND_TOO_LONG);
        assertThat(tooBig.lastSent()).isEqualTo("BYE \"Literal too big\"\r\n");
    }

    @Test
    void opportunisticHandsScriptCommandsOverUnreadAndAllowsAuthenticationOnlyWhenConfigured() {
        Script s = server(TlsPolicy.OPPORTUNISTIC).receive("LISTSCRIPTS\r\n");
        Outcome.Plaintext plain = (Outcome.Plaintext) s.outcome();
        byte[] unread = new byte[plain.session().unread().remaining()];
        plain.session().unread().duplicate().get(unread);
        assertThat(new String(unread, StandardCharsets.ISO_8859_1)).isEqualTo("LISTSCRIPTS\r\n");
        assertThat(server(TlsPolicy.OPPORTUNISTIC).receive("AUTHENTICATE \"PLAIN\"\r\n").lastSent()).startsWith("NO (ENCRYPT-NEEDED)");
        Script allowed = Script.begin(ManageSieve.server(builder(TlsPolicy.OPPORTUNISTIC).allowAuthBeforeTls(true).build()));
        assertThat(allowed.sent()).contains("\"SASL\" \"PLAIN\"\r\n");
        assertThat(allowed.receive("AUTHENTICATE \"PLAIN\"\r\n").outcome()).isInstanceOf(Outcome.Plaintext.class);
    }

    @Test
    void plaintextOnlyNeitherAnnouncesNorAcceptsStartTls() {
        Script s = server(TlsPolicy.PLAINTEXT_ONLY);
        assertThat(s.sent()).doesNotContain("STARTTLS");
        assertThat(s.receive("STARTTLS\r\n").lastSent()).isEqualTo("NO \"STARTTLS not available\"\r\n");
    }

    @Test
    void implicitStartsWithTheHandshake() {
        Script s = server(TlsPolicy.IMPLICIT);
        assertThat(s.sent()).isEmpty();
        assertThat(s.negotiation().state()).isEqualTo("Handshaking");
    }

    @Test
    void commandsPipelinedAfterStartTlsAreNeverAnswered() {
        Script s = server(TlsPolicy.REQUIRED).receive("STARTTLS\r\nAUTHENTICATE \"PLAIN\" \"AGEAYg==\"\r\n");
        assertThat(s.reason()).isEqualTo(Failure.Reason.PLAINTEXT_INJECTION);
        assertThat(s.lastSent()).isEmpty();
        assertThat(s.events()).doesNotContain(new Event.StartTlsAccepted());
    }

    @Test
    void logoutClosesAndThePostTlsCapabilitiesNeverAnnounceStartTls() {
        Script s = server(TlsPolicy.REQUIRED).receive("LOGOUT\r\n");
        assertThat(s.reason()).isEqualTo(Failure.Reason.SERVICE_CLOSING);
        assertThat(s.lastSent()).isEqualTo("OK \"Logout completed\"\r\n");
        assertThat(ManageSieve.capabilitiesAfterTls(config(TlsPolicy.REQUIRED))).isEqualTo("\"IMPLEMENTATION\" \"starttls4j\"\r\n"
                + "\"SIEVE\" \"fileinto vacation\"\r\n\"SASL\" \"PLAIN SCRAM-SHA-256\"\r\n\"VERSION\" \"1.0\"\r\n"
                + "OK \"TLS negotiation successful\"\r\n");
        assertThat(ManageSieve.REPLY_TLS_ALREADY_ACTIVE).startsWith("NO ");
    }

    @Test
    void atCapacityTheServerSaysItIsBusyInsteadOfGreeting() {
        Transition busy = ManageSieve.server(config(TlsPolicy.REQUIRED)).beginAtCapacity(Dialect.T0);
        assertThat(Dialect.text(busy.outboundBytes())).isEqualTo("BYE (TRYLATER) \"Server busy, try again later\"\r\n");
        assertThat(busy.outcome()).hasValueSatisfying(o -> assertThat(((Outcome.Failed) o).failure().reason())
                .isEqualTo(Failure.Reason.SERVER_BUSY));
    }
}
