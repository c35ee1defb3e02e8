package org.starttls4j.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.starttls4j.imap.Wire.imapServer;
import static org.starttls4j.imap.Wire.server;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.starttls4j.Capabilities;
import org.starttls4j.Event;
import org.starttls4j.Failure;
import org.starttls4j.Limits;
import org.starttls4j.Negotiation;
import org.starttls4j.Outcome;
import org.starttls4j.PlaintextSession;
import org.starttls4j.ServerConfig;
import org.starttls4j.TlsPolicy;
import org.starttls4j.Timeouts;

/** Byte-exact transcripts of the IMAP server negotiation in plaintext, one behaviour per test. */
class ImapServerTest {

    private static final String REQUIRED_CAPS = "IMAP4rev1 STARTTLS LOGINDISABLED";
    private static final String REQUIRED_GREETING = "* OK [CAPABILITY " + REQUIRED_CAPS + "] mail.example.test IMAP4rev1 ready\r\n";

    private static ServerConfig required() {
        return server(TlsPolicy.REQUIRED).build();
    }

    private static ServerConfig opportunistic(boolean allowAuth) {
        return server(TlsPolicy.OPPORTUNISTIC).allowAuthBeforeTls(allowAuth)
                .capabilitiesBeforeTls(ImapClientTest.caps("IMAP4rev1", "ID", "AUTH=PLAIN")).build();
    }

    // ---- greeting and the commands the negotiation owns ----

    @Test
    void greetingCarriesTheCapabilities() {
        assertThat(imapServer(required()).firstSent()).isEqualTo(REQUIRED_GREETING);
    }

    @Test
    void configuredCapabilitiesAreAnnouncedWithoutAuthOrDuplicatesBeforeTls() {
        ServerConfig config = server(TlsPolicy.REQUIRED)
                .capabilitiesBeforeTls(ImapClientTest.caps("IMAP4rev1", "LITERAL+", "AUTH=PLAIN", "STARTTLS", "ID", "LOGINDISABLED"))
                .build();
        Wire w = imapServer(config);
        assertThat(w.firstSent()).isEqualTo("* OK [CAPABILITY IMAP4rev1 LITERAL+ ID STARTTLS LOGINDISABLED] mail.example.test IMAP4rev1 ready\r\n");
        assertThat(w.feed("a CAPABILITY\r\n")).isEqualTo("* CAPABILITY IMAP4rev1 LITERAL+ ID STARTTLS LOGINDISABLED\r\na OK CAPABILITY completed\r\n");
    }

    @Test
    void capability() {
        Wire w = imapServer(required());
        assertThat(w.feed("A1 CAPABILITY\r\n")).isEqualTo("* CAPABILITY " + REQUIRED_CAPS + "\r\nA1 OK CAPABILITY completed\r\n");
        assertThat(w.finished()).isFalse();
    }

    @Test
    void commandNamesAreCaseInsensitive() {
        Wire w = imapServer(required());
        assertThat(w.feed("x1 capability\r\nx2 NoOp\r\n"))
                .isEqualTo("* CAPABILITY " + REQUIRED_CAPS + "\r\nx1 OK CAPABILITY completed\r\nx2 OK NOOP completed\r\n");
    }

    @Test
    void noop() {
        assertThat(imapServer(required()).feed("A1 NOOP\r\n")).isEqualTo("A1 OK NOOP completed\r\n");
    }

    @Test
    void logoutSaysByeAndCloses() {
        Wire w = imapServer(required());
        assertThat(w.feed("A1 LOGOUT\r\n")).isEqualTo("* BYE mail.example.test logging out\r\nA1 OK LOGOUT completed\r\n");
        assertThat(w.reason()).isEqualTo(Failure.Reason.SERVICE_CLOSING);
    }

    @Test
    void startTlsGoesAheadAndBeginsTheHandshake() {
        Wire w = imapServer(required());
        assertThat(w.feed("A1 STARTTLS\r\n")).isEqualTo("A1 OK Begin TLS negotiation now\r\n");
        assertThat(w.state()).isEqualTo("Handshaking");
        assertThat(w.events()).contains(new Event.StartTlsAccepted());
    }

    @ParameterizedTest
    @ValueSource(strings = {"A1 STARTTLS now", "A1 STARTTLS ", "A1 CAPABILITY x", "A1 NOOP x", "A1 LOGOUT x"})
    void ownedCommandsWithArgumentsAreBad(String command) {
        Wire w = imapServer(required());
        String reply = w.feed(command + "\r\n");
        assertThat(reply).startsWith("A1 BAD ").endsWith("\r\n");
        assertThat(w.finished()).isFalse();
        assertThat(w.state()).isEqualTo("AwaitingCommand");
    }

    // ---- REQUIRED: nothing but the negotiation in plaintext ----

    @Test
    void loginAndAuthenticateBeforeTlsArePrivacyRequiredUnderRequired() {
        Wire w = imapServer(required());
        assertThat(w.feed("A1 LOGIN joe secret\r\n")).isEqualTo("A1 NO [PRIVACYREQUIRED] Must issue a STARTTLS command first\r\n");
        assertThat(w.feed("A2 AUTHENTICATE PLAIN AGpvZQBzZWNyZXQ=\r\n"))
                .isEqualTo("A2 NO [PRIVACYREQUIRED] Must issue a STARTTLS command first\r\n");
        assertThat(w.finished()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"SELECT INBOX", "EXAMINE INBOX", "LIST \"\" *", "ID NIL", "ENABLE UTF8=ACCEPT", "FOO"})
    void otherCommandsBeforeTlsAreBadUnderRequired(String command) {
        Wire w = imapServer(required());
        assertThat(w.feed("A1 " + command + "\r\n")).isEqualTo("A1 BAD Must issue a STARTTLS command first\r\n");
        assertThat(w.finished()).isFalse();
    }

    // ---- OPPORTUNISTIC and PLAINTEXT_ONLY: hand over what is not ours ----

    @ParameterizedTest
    @ValueSource(strings = {"SELECT INBOX", "EXAMINE INBOX", "LIST \"\" *", "ID (\"name\" \"x\")", "UID FETCH 1 BODY[]"})
    void otherCommandsAreHandedOverUnreadUnderOpportunistic(String command) {
        Wire w = imapServer(opportunistic(false));
        String rest = "A1 " + command + "\r\nA2 NOOP\r\n";
        assertThat(w.feed("A0 NOOP\r\n" + rest)).isEqualTo("A0 OK NOOP completed\r\n");
        PlaintextSession session = ((Outcome.Plaintext) w.outcome()).session();
        assertThat(Wire.text(bytesOf(session))).isEqualTo(rest);
        assertThat(session.fallbackCause().map(Failure::reason)).contains(Failure.Reason.STARTTLS_NOT_USED);
        assertThat(session.capabilities()).isEqualTo(ImapClientTest.caps("IMAP4rev1", "ID", "STARTTLS", "LOGINDISABLED"));
    }

    @Test
    void loginIsPrivacyRequiredUnderOpportunisticUnlessAuthIsAllowed() {
        Wire w = imapServer(opportunistic(false));
        assertThat(w.firstSent()).isEqualTo("* OK [CAPABILITY IMAP4rev1 ID STARTTLS LOGINDISABLED] mail.example.test IMAP4rev1 ready\r\n");
        assertThat(w.feed("A1 LOGIN joe secret\r\n")).isEqualTo("A1 NO [PRIVACYREQUIRED] Must issue a STARTTLS command first\r\n");
        assertThat(w.feed("A2 AUTHENTICATE PLAIN\r\n")).isEqualTo("A2 NO [PRIVACYREQUIRED] Must issue a STARTTLS command first\r\n");
        assertThat(w.finished()).isFalse();
    }

    @Test
    void loginIsHandedOverUnderOpportunisticWhenAuthIsAllowed() {
        Wire w = imapServer(opportunistic(true));
        assertThat(w.firstSent()).isEqualTo("* OK [CAPABILITY IMAP4rev1 ID AUTH=PLAIN STARTTLS] mail.example.test IMAP4rev1 ready\r\n");
        assertThat(w.feed("A1 LOGIN joe secret\r\n")).isEmpty();
        PlaintextSession session = ((Outcome.Plaintext) w.outcome()).session();
        assertThat(Wire.text(bytesOf(session))).isEqualTo("A1 LOGIN joe secret\r\n");
    }

    @Test
    void plaintextOnlyNeverAnnouncesOrAcceptsStartTls() {
        Wire w = imapServer(ServerConfig.builder().policy(TlsPolicy.PLAINTEXT_ONLY).hostname(Wire.HOST).allowAuthBeforeTls(true).build());
        assertThat(w.firstSent()).isEqualTo("* OK [CAPABILITY IMAP4rev1] mail.example.test IMAP4rev1 ready\r\n");
        assertThat(w.feed("A1 STARTTLS\r\n")).isEqualTo("A1 BAD STARTTLS not available\r\n");
        assertThat(w.feed("A2 LIST \"\" *\r\n")).isEmpty();
        PlaintextSession session = ((Outcome.Plaintext) w.outcome()).session();
        assertThat(session.fallbackCause()).isEmpty();
        assertThat(Wire.text(bytesOf(session))).isEqualTo("A2 LIST \"\" *\r\n");
    }

    // ---- broken commands ----

    @ParameterizedTest
    @ValueSource(strings = {"", "* CAPABILITY", "+ x", "(a) NOOP", "A+1 NOOP", "\"A1\" NOOP", " A1 NOOP"})
    void untaggedOrBadlyTaggedLinesGetAnUntaggedBad(String line) {
        Wire w = imapServer(required());
        assertThat(w.feed(line + "\r\n")).isEqualTo("* BAD Missing or invalid tag\r\n");
        assertThat(w.finished()).isFalse();
    }

    @ParameterizedTest(name = "[{index}]")
    @ValueSource(strings = {"A1", "A1 ", "A1  NOOP", "A1 (NOOP)", "A1 NO\u00e9OP"})
    void taggedLinesWithoutAValidCommandGetATaggedBad(String line) {
        Wire w = imapServer(required());
        assertThat(w.feed(line + "\r\n")).isEqualTo("A1 BAD Missing or invalid command name\r\n");
    }

    // ---- literals in commands ----

    @Test
    void aNonSynchronizingLiteralIsSkippedNeverRead() {
        Wire w = imapServer(required());
        // The literal's 13 bytes look like STARTTLS; they are data, and the command ends on the next line.
        assertThat(w.feed("A1 NOOP {13+}\r\n")).isEmpty();
        assertThat(w.feed("A2 STARTTLS\r\n")).isEmpty();
        assertThat(w.state()).isEqualTo("SkippingLiteral");
        assertThat(w.feed("\r\n")).isEqualTo("A1 BAD NOOP takes no arguments\r\n");
        assertThat(w.events()).noneMatch(e -> e instanceof Event.StartTlsAccepted);
        assertThat(w.feed("A3 NOOP\r\n")).isEqualTo("A3 OK NOOP completed\r\n");
    }

    @Test
    void aLiteralEndingMidLineLeavesTheRestOfTheCommand() {
        Wire w = imapServer(required());
        assertThat(w.feed("A1 LOGIN {3+}\r\njoe {6+}\r\nsecret\r\n")).isEqualTo("A1 NO [PRIVACYREQUIRED] Must issue a STARTTLS command first\r\n");
        assertThat(w.feed("A2 NOOP\r\n")).isEqualTo("A2 OK NOOP completed\r\n");
    }

    @Test
    void aLiteralsDataIsKeptInTheTranscriptAsItsLengthAlone() {
        Wire w = imapServer(required());
        // LOGIN's user name and password as literals (RFC 7888), refused before TLS: the password is on a line of its own.
        w.feed("A1 LOGIN {3+}\r\njoe {6+}\r\nsecret\r\n");

        assertThat(w.events()).filteredOn(Event.Line.class::isInstance).map(e -> ((Event.Line) e).text())
                .contains("A1 LOGIN {3+}", Event.Line.literalData(8), Event.Line.literalData(6))
                .noneMatch(text -> text.contains("secret") || text.contains("joe"));
    }

    @Test
    void aSynchronizingLiteralIsAnsweredAtOnceWithoutAContinuation() {
        Wire w = imapServer(required());
        assertThat(w.feed("A1 LOGIN {3}\r\n")).isEqualTo("A1 NO [PRIVACYREQUIRED] Must issue a STARTTLS command first\r\n");
        assertThat(w.feed("A2 NOOP\r\n")).isEqualTo("A2 OK NOOP completed\r\n");
    }

    @Test
    void aLiteralOverTheBoundCloses() {
        Wire w = imapServer(required());
        assertThat(w.feed("A1 NOOP {8193+}\r\n")).isEqualTo("A1 BAD [TOOBIG] Literal too big\r\n* BYE Literal too big\r\n");
        assertThat(w.reason()).isEqualTo(Failure.Reason.COMMAND_TOO_LONG);
    }

    @Test
    void aLiteralEndingBetweenCrAndLfCloses() {
        Wire w = imapServer(required());
        assertThat(w.feed("A1 NOOP {3+}\r\nab\r\n")).isEqualTo("* BYE Malformed command\r\n");
        assertThat(w.reason()).isEqualTo(Failure.Reason.MALFORMED_COMMAND);
    }

    @Test
    void aCommandSpanningTooManyLinesCloses() {
        ServerConfig config = server(TlsPolicy.REQUIRED).limits(Limits.DEFAULT.withMaxLinesPerReply(3)).build();
        Wire w = imapServer(config);
        w.feed("A1 NOOP {100+}\r\n");
        w.feed("a\r\n");
        w.feed("b\r\n");
        assertThat(w.finished()).isFalse();
        assertThat(w.feed("c\r\n")).isEqualTo("* BYE Command too long\r\n");
        assertThat(w.reason()).isEqualTo(Failure.Reason.COMMAND_TOO_LONG);
    }

    @Test
    void literalsAreLeftToTheApplicationOnAHandOver() {
        Wire w = imapServer(opportunistic(true));
        String login = "A1 LOGIN {3+}\r\njoe secret\r\n";
        assertThat(w.feed(login)).isEmpty();
        assertThat(Wire.text(bytesOf(((Outcome.Plaintext) w.outcome()).session()))).isEqualTo(login);
    }

    // ---- plaintext injection ----

    @Test
    void commandsPipelinedAfterStartTlsAreInjectionAndNothingIsSent() {
        Wire w = imapServer(required());
        assertThat(w.feed("A1 STARTTLS\r\nA2 LOGIN x y\r\n")).isEmpty();
        assertThat(w.reason()).isEqualTo(Failure.Reason.PLAINTEXT_INJECTION);
        assertThat(w.allSent()).isEqualTo(REQUIRED_GREETING);
        assertThat(w.events()).noneMatch(e -> e instanceof Event.StartTlsAccepted);
    }

    // ---- after TLS ----

    @Test
    void implicitTlsGreetsWithThePostTlsCapabilitiesAndNeverStartTls() {
        ServerConfig config = server(TlsPolicy.IMPLICIT)
                .capabilitiesAfterTls(ImapClientTest.caps("IMAP4rev1", "STARTTLS", "AUTH=PLAIN", "IDLE")).build();
        org.starttls4j.ServerStep greeting = ImapServerDialog.create(config).start();
        assertThat(((org.starttls4j.ServerStep.Reply) greeting).send())
                .isEqualTo("* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN IDLE] mail.example.test IMAP4rev1 ready\r\n");
        assertThat(Imap.capabilityResponseAfterTls(config, "A3"))
                .isEqualTo("* CAPABILITY IMAP4rev1 AUTH=PLAIN IDLE\r\nA3 OK CAPABILITY completed\r\n");
        assertThat(Imap.startTlsAfterTlsResponse("A4")).isEqualTo("A4 BAD TLS is already active\r\n");
    }

    @Test
    void resumingSendsNothingAndAcceptsStartTls() {
        Negotiation resumed = Imap.serverResuming(required());
        Wire w = Wire.begin(resumed);
        assertThat(w.firstSent()).isEmpty();
        assertThat(w.feed("A5 STARTTLS\r\n")).isEqualTo("A5 OK Begin TLS negotiation now\r\n");
        assertThat(w.state()).isEqualTo("Handshaking");
    }

    // ---- bounds, garbage, early close, silence, farewells ----

    @Test
    void aCommandLineTooLongIsAnsweredWithByeAndFails() {
        Wire w = imapServer(required());
        assertThat(w.feed("A1 LOGIN " + "x".repeat(1000))).isEqualTo("* BYE Command line too long\r\n");
        assertThat(w.reason()).isEqualTo(Failure.Reason.COMMAND_TOO_LONG);
    }

    @Test
    void tooMuchPlaintextIsAnsweredWithByeAndFails() {
        ServerConfig config = server(TlsPolicy.REQUIRED).limits(Limits.DEFAULT.withMaxPlaintextBytes(2048)).build();
        Wire w = imapServer(config);
        StringBuilder all = new StringBuilder();
        while (all.length() <= 2048) {
            all.append("A1 NOOP\r\n");
        }
        assertThat(w.feed(all.toString())).isEqualTo("* BYE Too much data before TLS\r\n");
        assertThat(w.reason()).isEqualTo(Failure.Reason.TOO_MUCH_PLAINTEXT);
    }

    @ParameterizedTest(name = "[{index}]")
    @ValueSource(strings = {"A1 NOOP\u0000\r\n", "A1 NOOP\n", "A1 NO\rOP\r\n"})
    void garbageIsAMalformedCommand(String garbage) {
        Wire w = imapServer(required());
        assertThat(w.feed(garbage)).isEqualTo("* BYE Malformed command: bare CR, LF or NUL\r\n");
        assertThat(w.reason()).isEqualTo(Failure.Reason.MALFORMED_COMMAND);
    }

    @Test
    void earlyCloseIsPeerClosed() {
        Wire w = imapServer(required());
        w.feed("A1 CAPA");
        assertThat(w.endOfStream()).isEmpty();
        assertThat(w.reason()).isEqualTo(Failure.Reason.PEER_CLOSED);
    }

    @Test
    void silenceIsAnAutologout() {
        Wire w = imapServer(server(TlsPolicy.REQUIRED).timeouts(Timeouts.of(Duration.ofMinutes(1))).build());
        assertThat(w.tick(Duration.ofSeconds(59))).isEmpty();
        assertThat(w.finished()).isFalse();
        assertThat(w.tick(Duration.ofMinutes(1))).isEqualTo("* BYE Autologout; idle for too long\r\n");
        assertThat(w.reason()).isEqualTo(Failure.Reason.TIMEOUT);
    }

    @Test
    void farewells() {
        ImapServerDialog dialog = ImapServerDialog.create(required());
        assertThat(dialog.farewell(Failure.Reason.PLAINTEXT_INJECTION)).isEmpty();
        assertThat(dialog.farewell(Failure.Reason.TIMEOUT)).isEqualTo("* BYE Autologout; idle for too long\r\n");
        assertThat(dialog.farewell(Failure.Reason.LINE_TOO_LONG)).isEqualTo("* BYE Command line too long\r\n");
        assertThat(dialog.farewell(Failure.Reason.PEER_CLOSED)).isEqualTo("* BYE mail.example.test closing connection\r\n");
    }

    @Test
    void announcedCapabilitiesNeverIncludeAuthBeforeTlsUnderRequired() {
        Capabilities announced = ImapServerDialog.create(server(TlsPolicy.REQUIRED)
                .capabilitiesBeforeTls(ImapClientTest.caps("IMAP4rev1", "AUTH=PLAIN", "AUTH=LOGIN", "SASL-IR")).build()).announcedBeforeTls();
        assertThat(announced).isEqualTo(ImapClientTest.caps("IMAP4rev1", "SASL-IR", "STARTTLS", "LOGINDISABLED"));
    }

    private static byte[] bytesOf(PlaintextSession session) {
        java.nio.ByteBuffer unread = session.unread();
        byte[] bytes = new byte[unread.remaining()];
        unread.get(bytes);
        return bytes;
    }
}
