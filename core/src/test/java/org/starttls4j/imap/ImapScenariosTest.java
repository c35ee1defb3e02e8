package org.starttls4j.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.starttls4j.imap.ImapClientTest.caps;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.starttls4j.Event;
import org.starttls4j.Failure;
import org.starttls4j.Outcome;
import org.starttls4j.ServerConfig;
import org.starttls4j.TlsPolicy;

/**
 * The security rules (DESIGN.md, "Non-negotiables"), each played out against the IMAP dialogs:
 * by a scripted peer, or by a man in the middle rewriting a real client ↔ server pair.
 */
class ImapScenariosTest {

    // ---- Rule 3: under REQUIRED nothing but the negotiation is sent in plaintext ----

    static Stream<Arguments> serversThatDoNotGiveUsTls() {
        return Stream.of(
                Arguments.of("STARTTLS not offered", List.of("* OK hi\r\n", "* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\nA1 OK done\r\n"),
                        Failure.Reason.STARTTLS_NOT_OFFERED),
                Arguments.of("STARTTLS not offered in the greeting's code", List.of("* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] hi\r\n"),
                        Failure.Reason.STARTTLS_NOT_OFFERED),
                Arguments.of("NO to STARTTLS", List.of("* OK hi\r\n", "* CAPABILITY IMAP4rev1 STARTTLS\r\nA1 OK done\r\n", "A2 NO busy\r\n"),
                        Failure.Reason.STARTTLS_REFUSED),
                Arguments.of("BAD to STARTTLS", List.of("* OK [CAPABILITY IMAP4rev1 STARTTLS] hi\r\n", "A1 BAD huh\r\n"),
                        Failure.Reason.STARTTLS_REFUSED),
                Arguments.of("PREAUTH", List.of("* PREAUTH [CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN] hi\r\n"),
                        Failure.Reason.PREAUTH_WITHOUT_TLS),
                Arguments.of("PREAUTH without capabilities", List.of("* PREAUTH hi\r\n"), Failure.Reason.PREAUTH_WITHOUT_TLS),
                Arguments.of("BAD to CAPABILITY, then NO to STARTTLS", List.of("* OK hi\r\n", "A1 BAD what\r\n", "A2 NO no\r\n"),
                        Failure.Reason.STARTTLS_REFUSED),
                Arguments.of("NO to CAPABILITY, then BAD to STARTTLS", List.of("* OK hi\r\n", "A1 NO no\r\n", "A2 BAD no\r\n"),
                        Failure.Reason.STARTTLS_REFUSED),
                Arguments.of("BYE while asking", List.of("* OK hi\r\n", "* BYE go\r\n"), Failure.Reason.SERVICE_CLOSING),
                Arguments.of("a fake go-ahead under another tag", List.of("* OK [CAPABILITY IMAP4rev1 STARTTLS] hi\r\n", "A0 OK go\r\n"),
                        Failure.Reason.UNEXPECTED_REPLY));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("serversThatDoNotGiveUsTls")
    void requiredNeverSendsCredentialsInPlaintext(String name, List<String> server, Failure.Reason reason) {
        Wire w = Wire.imapClient(Wire.client(TlsPolicy.REQUIRED));
        for (String turn : server) {
            w.feed(turn);
        }
        assertThat(w.reason()).isEqualTo(reason);
        String sent = w.allSent();
        assertThat(sent.toUpperCase(Locale.ROOT)).doesNotContain("LOGIN").doesNotContain("AUTHENTICATE");
        // Every line sent is one of the negotiation's own commands, under a fresh tag.
        assertThat(sent).matches("(A[0-9]+ (CAPABILITY|STARTTLS|LOGOUT)\r\n)*");
        assertThat(w.events()).noneMatch(e -> e instanceof Event.HandedOverInPlaintext);
    }

    @Test
    void preauthUnderRequiredSendsNothingAtAll() {
        Wire w = Wire.imapClient(Wire.client(TlsPolicy.REQUIRED));
        w.feed("* PREAUTH hi\r\n");
        assertThat(w.allSentBytes()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"LOGIN joe secret", "AUTHENTICATE PLAIN", "AUTHENTICATE PLAIN AGpvZQBzZWNyZXQ=", "SELECT INBOX", "LIST \"\" *"})
    void aRequiredServerNeverHandsOverInPlaintext(String command) {
        Wire w = Wire.imapServer(Wire.server(TlsPolicy.REQUIRED).build());
        String reply = w.feed("A1 " + command + "\r\n");
        assertThat(reply).matches("A1 (NO \\[PRIVACYREQUIRED\\]|BAD) .*\r\n");
        assertThat(w.finished()).isFalse();
        assertThat(w.feed("A2 STARTTLS\r\n")).isEqualTo("A2 OK Begin TLS negotiation now\r\n");
    }

    // ---- Rule 1: nothing received after the go-ahead (client) or STARTTLS (server) is acted on ----

    @ParameterizedTest
    @ValueSource(strings = {"* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n", "A3 OK\r\n", "\u0016\u0003\u0001", "*"})
    void clientRejectsBytesAfterTheGoAhead(String injected) {
        Wire w = Wire.imapClient(Wire.client(TlsPolicy.OPPORTUNISTIC));
        w.feed("* OK [CAPABILITY IMAP4rev1 STARTTLS] hi\r\n");
        assertThat(w.feed("A1 OK Begin TLS negotiation now\r\n" + injected)).isEmpty();
        assertThat(w.reason()).isEqualTo(Failure.Reason.PLAINTEXT_INJECTION);
        assertThat(w.events()).noneMatch(e -> e instanceof Event.StartTlsAccepted);
    }

    @ParameterizedTest
    @ValueSource(strings = {"A2 LOGIN x y\r\n", "A2 CAPABILITY\r\n", "\u0016\u0003\u0001", "x"})
    void serverRejectsBytesAfterStartTls(String injected) {
        Wire w = Wire.imapServer(Wire.server(TlsPolicy.OPPORTUNISTIC).build());
        String greeting = w.firstSent();
        assertThat(w.feed("A1 STARTTLS\r\n" + injected)).isEmpty();
        assertThat(w.reason()).isEqualTo(Failure.Reason.PLAINTEXT_INJECTION);
        assertThat(w.allSent()).isEqualTo(greeting);
    }

    @Test
    void aManInTheMiddleAppendingToTheGoAheadIsCaught() {
        ServerConfig server = ImapPairTest.serverConfig(TlsPolicy.REQUIRED, ImapPairTest.Version.TLS_1_3);
        ImapLoopback.Result r = ImapLoopback.run(Imap.client(Wire.client(TlsPolicy.REQUIRED)), Imap.server(server), server,
                replacing("A1 OK Begin TLS negotiation now\r\n", "A1 OK Begin TLS negotiation now\r\n* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n"));
        assertThat(((Outcome.Failed) r.clientOutcome()).failure().reason()).isEqualTo(Failure.Reason.PLAINTEXT_INJECTION);
    }

    // ---- Rule 2: capabilities learned before TLS are never reported after it ----

    @ParameterizedTest
    @EnumSource(ImapPairTest.Version.class)
    void capabilitiesSlippedInWithTheGoAheadAreForgotten(ImapPairTest.Version version) {
        ServerConfig server = ImapPairTest.serverConfig(TlsPolicy.REQUIRED, version);
        ImapLoopback.Result r = ImapLoopback.run(Imap.client(Wire.client(TlsPolicy.REQUIRED)), Imap.server(server), server,
                replacing("A1 OK Begin TLS negotiation now\r\n",
                        "* CAPABILITY IMAP4rev1 AUTH=EVIL\r\nA1 OK [CAPABILITY IMAP4rev1 AUTH=EVIL] Begin TLS negotiation now\r\n"));
        assertThat(r.clientSession().capabilities()).isEqualTo(ImapPairTest.AFTER);
        assertThat(r.clientEvents()).noneMatch(e -> e instanceof Event.CapabilitiesReceived c && c.encrypted() && c.capabilities().has("AUTH=EVIL"));
        assertThat(r.applicationLines()).containsExactly("A2 CAPABILITY");
    }

    @Test
    void thePostTlsCapabilitiesComeOnlyFromInsideTls() {
        ServerConfig server = ImapPairTest.serverConfig(TlsPolicy.REQUIRED, ImapPairTest.Version.TLS_1_3);
        ImapLoopback.Result r = ImapLoopback.run(Imap.client(Wire.client(TlsPolicy.REQUIRED)), Imap.server(server), server);
        List<Event.CapabilitiesReceived> received = r.clientEvents().stream()
                .filter(e -> e instanceof Event.CapabilitiesReceived).map(e -> (Event.CapabilitiesReceived) e).toList();
        assertThat(received).containsExactly(
                new Event.CapabilitiesReceived(caps("IMAP4rev1", "SASL-IR", "ID", "STARTTLS", "LOGINDISABLED"), false),
                new Event.CapabilitiesReceived(ImapPairTest.AFTER, true));
    }

    @ParameterizedTest
    @EnumSource(ImapPairTest.Version.class)
    void untaggedResponsesRightAfterTheGreetingAreSkippedAndNeverReportedAfterTls(ImapPairTest.Version version) {
        ServerConfig server = ImapPairTest.serverConfig(TlsPolicy.REQUIRED, version);
        boolean[] first = {true};
        ImapLoopback.Result r = ImapLoopback.run(Imap.client(Wire.client(TlsPolicy.REQUIRED)), Imap.server(server), server, bytes -> {
            if (!first[0]) {
                return bytes;
            }
            first[0] = false; // the greeting, and what some servers send right behind it, unasked
            String extra = "* CAPABILITY IMAP4rev1 IDLE AUTH=EVIL\r\n* LIST () \"/\" \"x\"\r\n* OK [ALERT] welcome\r\n";
            return (new String(bytes, StandardCharsets.ISO_8859_1) + extra).getBytes(StandardCharsets.ISO_8859_1);
        });

        assertThat(r.clientOutcome()).isInstanceOf(Outcome.Secured.class);
        assertThat(r.clientSession().capabilities()).isEqualTo(ImapPairTest.AFTER);
        assertThat(r.clientEvents()).noneMatch(e -> e instanceof Event.CapabilitiesReceived c && c.capabilities().has("AUTH=EVIL"));
    }

    // ---- Rule 3 again, with a man in the middle ----

    @Test
    void strippingStartTlsFromTheGreetingFailsARequiredClient() {
        ServerConfig server = ImapPairTest.serverConfig(TlsPolicy.REQUIRED, ImapPairTest.Version.TLS_1_3);
        ImapLoopback.Result r = ImapLoopback.run(Imap.client(Wire.client(TlsPolicy.REQUIRED)), Imap.server(server), server,
                replacing(" STARTTLS", " X-STRIPPED"));
        assertThat(((Outcome.Failed) r.clientOutcome()).failure().reason()).isEqualTo(Failure.Reason.STARTTLS_NOT_OFFERED);
        assertThat(Wire.text(r.clientSent())).isEqualTo("A1 LOGOUT\r\n");
    }

    @Test
    void turningTheGoAheadIntoARefusalFailsARequiredClient() {
        ServerConfig server = ImapPairTest.serverConfig(TlsPolicy.REQUIRED, ImapPairTest.Version.TLS_1_3);
        ImapLoopback.Result r = ImapLoopback.run(Imap.client(Wire.client(TlsPolicy.REQUIRED)), Imap.server(server), server,
                replacing("A1 OK Begin TLS negotiation now", "A1 NO [REFERRAL imap://evil.example.test/] elsewhere"));
        assertThat(((Outcome.Failed) r.clientOutcome()).failure().reason()).isEqualTo(Failure.Reason.STARTTLS_REFUSED);
        assertThat(Wire.text(r.clientSent())).isEqualTo("A1 STARTTLS\r\nA2 LOGOUT\r\n");
    }

    @Test
    void aPreauthGreetingForgedInPlaintextFailsARequiredClientSilently() {
        ServerConfig server = ImapPairTest.serverConfig(TlsPolicy.REQUIRED, ImapPairTest.Version.TLS_1_3);
        ImapLoopback.Result r = ImapLoopback.run(Imap.client(Wire.client(TlsPolicy.REQUIRED)), Imap.server(server), server,
                replacing("* OK [CAPABILITY", "* PREAUTH [CAPABILITY"));
        assertThat(((Outcome.Failed) r.clientOutcome()).failure().reason()).isEqualTo(Failure.Reason.PREAUTH_WITHOUT_TLS);
        assertThat(r.clientSent()).isEmpty();
    }

    // ---- Rule 5: STARTTLS is not announced once TLS is up; AUTH only where allowed ----

    @Test
    void startTlsIsNeverAnnouncedAfterTls() {
        ServerConfig server = Wire.server(TlsPolicy.REQUIRED).capabilitiesAfterTls(caps("IMAP4rev1", "STARTTLS", "IDLE")).build();
        assertThat(Imap.capabilityResponseAfterTls(server, "A9")).isEqualTo("* CAPABILITY IMAP4rev1 IDLE\r\nA9 OK CAPABILITY completed\r\n");
        ServerConfig implicit = Wire.server(TlsPolicy.IMPLICIT).capabilitiesAfterTls(caps("IMAP4rev1", "STARTTLS", "IDLE")).build();
        ImapLoopback.Result r = ImapLoopback.run(Imap.client(Wire.client(TlsPolicy.IMPLICIT)), Imap.server(implicit), implicit);
        assertThat(r.clientSession().capabilities()).isEqualTo(caps("IMAP4rev1", "IDLE"));
    }

    @Test
    void authIsWithheldBeforeTlsUnlessAllowed() {
        ServerConfig withheld = Wire.server(TlsPolicy.OPPORTUNISTIC).capabilitiesBeforeTls(caps("IMAP4rev1", "AUTH=PLAIN")).build();
        assertThat(Wire.imapServer(withheld).firstSent()).doesNotContain("AUTH=").contains("LOGINDISABLED");
        ServerConfig allowed = Wire.server(TlsPolicy.OPPORTUNISTIC).capabilitiesBeforeTls(caps("IMAP4rev1", "AUTH=PLAIN"))
                .allowAuthBeforeTls(true).build();
        assertThat(Wire.imapServer(allowed).firstSent()).contains("AUTH=PLAIN").doesNotContain("LOGINDISABLED");
    }

    // ---- untrusted pre-TLS response codes ----

    @Test
    void aReferralInTheGreetingIsNotFollowed() {
        Wire w = Wire.imapClient(Wire.client(TlsPolicy.REQUIRED));
        assertThat(w.feed("* OK [REFERRAL imap://evil.example.test/] try there\r\n")).isEqualTo("A1 CAPABILITY\r\n");
        assertThat(w.feed("* CAPABILITY IMAP4rev1 STARTTLS\r\nA1 OK done\r\n")).isEqualTo("A2 STARTTLS\r\n");
        assertThat(w.events()).contains(new Event.GreetingReceived("[REFERRAL imap://evil.example.test/] try there", false));
    }

    private static UnaryOperator<byte[]> replacing(String from, String to) {
        return bytes -> {
            String text = new String(bytes, StandardCharsets.ISO_8859_1);
            return text.contains(from) ? text.replace(from, to).getBytes(StandardCharsets.ISO_8859_1) : bytes;
        };
    }
}
