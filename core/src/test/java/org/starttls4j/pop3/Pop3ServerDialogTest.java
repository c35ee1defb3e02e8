package org.starttls4j.pop3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.starttls4j.pop3.Fixtures.T0;
import static org.starttls4j.pop3.Fixtures.bytes;
import static org.starttls4j.pop3.Fixtures.caps;

import java.time.Duration;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.starttls4j.Capabilities;
import org.starttls4j.Event;
import org.starttls4j.Failure;
import org.starttls4j.Limits;
import org.starttls4j.Outcome;
import org.starttls4j.PlaintextSession;
import org.starttls4j.ServerConfig;
import org.starttls4j.TlsPolicy;
import org.starttls4j.ServerStep;

class Pop3ServerDialogTest {

    static final String GREETING = "+OK mail.example.test POP3 server ready\r\n";

    private static Script server(TlsPolicy policy) {
        return Script.begin(Pop3.server(Fixtures.server(policy)));
    }

    private static Script server(ServerConfig config) {
        return Script.begin(Pop3.server(config));
    }

    private static PlaintextSession plaintext(Script s) {
        assertThat(s.outcome()).isInstanceOf(Outcome.Plaintext.class);
        return ((Outcome.Plaintext) s.outcome()).session();
    }

    @Nested
    class Greeting {

        @ParameterizedTest
        @EnumSource(value = TlsPolicy.class, names = {"PLAINTEXT_ONLY", "OPPORTUNISTIC", "REQUIRED"})
        void theServerGreetsWithItsName(TlsPolicy policy) {
            Script s = server(policy);
            assertThat(s.sent()).isEqualTo(GREETING);
            assertThat(Pop3.apopTimestamp(s.sent())).isEmpty();
            assertThat(s.negotiation().state()).isEqualTo("AwaitingCommand");
        }
    }

    @Nested
    class Capa {

        @Test
        void requiredListsStlsAndWithholdsUserAndSasl() {
            Script s = server(TlsPolicy.REQUIRED).receive("CAPA\r\n");
            assertThat(s.lastSent()).isEqualTo(bytes(
                    "+OK Capability list follows\r\nTOP\r\nUIDL\r\nRESP-CODES\r\nAUTH-RESP-CODE\r\nSTLS\r\n.\r\n"));
        }

        @Test
        void opportunisticWithholdsUserAndSaslUnlessAllowed() {
            assertThat(server(TlsPolicy.OPPORTUNISTIC).receive("CAPA\r\n").lastSent()).isEqualTo(bytes(
                    "+OK Capability list follows\r\nTOP\r\nUIDL\r\nRESP-CODES\r\nAUTH-RESP-CODE\r\nSTLS\r\n.\r\n"));
            ServerConfig allowed = Fixtures.serverBuilder(TlsPolicy.OPPORTUNISTIC).allowAuthBeforeTls(true).build();
            assertThat(server(allowed).receive("CAPA\r\n").lastSent()).isEqualTo(bytes(
                    "+OK Capability list follows\r\nTOP\r\nUIDL\r\nUSER\r\nSASL PLAIN SCRAM-SHA-256\r\nRESP-CODES\r\n"
                            + "AUTH-RESP-CODE\r\nSTLS\r\n.\r\n"));
        }

        @Test
        void plaintextOnlyNeverListsStls() {
            ServerConfig config = ServerConfig.builder().policy(TlsPolicy.PLAINTEXT_ONLY).hostname(Fixtures.HOST)
                    .capabilitiesBeforeTls(caps("TOP", "STLS", "USER")).allowAuthBeforeTls(true).build();
            assertThat(server(config).receive("CAPA\r\n").lastSent())
                    .isEqualTo(bytes("+OK Capability list follows\r\nTOP\r\nUSER\r\n.\r\n"));
        }

        @Test
        void aConfiguredStlsIsNotListedTwiceAndKeywordsAreCaseInsensitive() {
            ServerConfig config = Fixtures.serverBuilder(TlsPolicy.REQUIRED).capabilitiesBeforeTls(caps("stls", "TOP")).build();
            assertThat(server(config).receive("capa\r\n").lastSent())
                    .isEqualTo(bytes("+OK Capability list follows\r\nTOP\r\nSTLS\r\n.\r\n"));
        }

        @Test
        void anEmptyConfigurationStillListsStls() {
            ServerConfig config = Fixtures.serverBuilder(TlsPolicy.REQUIRED).capabilitiesBeforeTls(Capabilities.NONE).build();
            assertThat(server(config).receive("CAPA\r\n").lastSent())
                    .isEqualTo(bytes("+OK Capability list follows\r\nSTLS\r\n.\r\n"));
        }
    }

    @Nested
    class Stls {

        @ParameterizedTest
        @EnumSource(value = TlsPolicy.class, names = {"OPPORTUNISTIC", "REQUIRED"})
        void stlsIsAcceptedAndTheHandshakeAwaited(TlsPolicy policy) {
            Script s = server(policy).receive("STLS\r\n");
            assertThat(s.lastSent()).isEqualTo(bytes("+OK Begin TLS negotiation\r\n"));
            assertThat(s.events(Event.StartTlsAccepted.class)).hasSize(1);
            assertThat(s.negotiation().state()).isEqualTo("Handshaking");
        }

        @ParameterizedTest
        @ValueSource(strings = {"STLS now\r\n", "stls x y\r\n"})
        void stlsWithArgumentsIsRefused(String command) {
            Script s = server(TlsPolicy.REQUIRED).receive(command);
            assertThat(s.lastSent()).isEqualTo(bytes("-ERR STLS takes no arguments\r\n"));
            assertThat(s.finished()).isFalse();
            assertThat(s.receive("STLS\r\n").lastSent()).isEqualTo(bytes("+OK Begin TLS negotiation\r\n"));
        }

        @Test
        void plaintextOnlyRefusesStls() {
            ServerConfig config = ServerConfig.builder().policy(TlsPolicy.PLAINTEXT_ONLY).build();
            Script s = server(config).receive("STLS\r\n");
            assertThat(s.lastSent()).isEqualTo(bytes("-ERR STLS not available\r\n"));
            assertThat(s.events(Event.StartTlsAccepted.class)).isEmpty();
        }

        @Test
        void aCommandPipelinedAfterStlsIsInjectionAndNothingIsAnswered() {
            Script s = server(TlsPolicy.OPPORTUNISTIC).receive("STLS\r\nUSER x\r\n");
            assertThat(s.reason()).isEqualTo(Failure.Reason.PLAINTEXT_INJECTION);
            assertThat(s.failure().peerReply()).contains("USER x\\x0d\\x0a");
            assertThat(s.lastSent()).as("not even the go-ahead").isEmpty();
            assertThat(s.events(Event.StartTlsAccepted.class)).isEmpty();
        }
    }

    @Nested
    class OtherCommands {

        @Test
        void noopIsAnswered() {
            assertThat(server(TlsPolicy.REQUIRED).receive("NOOP\r\n").lastSent()).isEqualTo(bytes("+OK\r\n"));
        }

        @Test
        void quitClosesTheSession() {
            Script s = server(TlsPolicy.REQUIRED).receive("QUIT\r\n");
            assertThat(s.lastSent()).isEqualTo(bytes("+OK mail.example.test POP3 server signing off\r\n"));
            assertThat(s.reason()).isEqualTo(Failure.Reason.SERVICE_CLOSING);
        }

        @ParameterizedTest
        @ValueSource(strings = {"USER alice", "PASS secret", "APOP alice c4c9334bac560ecc979e58001b3e22fb", "AUTH PLAIN",
            "user alice"})
        void requiredRefusesAuthenticationWithTheAuthResponseCode(String command) {
            Script s = server(TlsPolicy.REQUIRED).receive(command + "\r\n");
            assertThat(s.lastSent()).isEqualTo(bytes("-ERR [AUTH] Authentication requires TLS: send STLS first\r\n"));
            assertThat(s.finished()).isFalse();
        }

        @ParameterizedTest
        @ValueSource(strings = {"STAT", "LIST", "RETR 1", "DELE 1", "RSET", "TOP 1 10", "UIDL", "UTF8", "LANG"})
        void requiredAnswersApplicationCommandsItselfBeforeTls(String command) {
            Script s = server(TlsPolicy.REQUIRED).receive(command + "\r\n");
            assertThat(s.lastSent()).isEqualTo(bytes("-ERR Command not permitted before STLS\r\n"));
            assertThat(s.finished()).isFalse();
        }

        @ParameterizedTest
        @EnumSource(value = TlsPolicy.class, names = {"PLAINTEXT_ONLY", "OPPORTUNISTIC"})
        void authenticationIsRefusedEvenWhenPlaintextIsAllowedUnlessConfigured(TlsPolicy policy) {
            Script s = server(policy).receive("USER alice\r\n");
            assertThat(s.lastSent()).isEqualTo(bytes("-ERR [AUTH] Authentication requires TLS: send STLS first\r\n"));
            assertThat(s.finished()).isFalse();
        }

        @ParameterizedTest
        @EnumSource(value = TlsPolicy.class, names = {"PLAINTEXT_ONLY", "OPPORTUNISTIC"})
        void allowedAuthenticationIsHandedOverUnread(TlsPolicy policy) {
            ServerConfig config = Fixtures.serverBuilder(policy).allowAuthBeforeTls(true).build();
            Script s = server(config).receive("CAPA\r\n").receive("USER alice\r\nPASS se");
            assertThat(s.lastSent()).isEmpty();
            PlaintextSession session = plaintext(s);
            assertThat(Fixtures.text(Script.drain(session.unread()))).isEqualTo("USER alice\r\nPASS se");
            assertThat(session.capabilities().has("USER")).isTrue();
            assertThat(session.capabilities().has("STLS")).isEqualTo(policy != TlsPolicy.PLAINTEXT_ONLY);
            if (policy == TlsPolicy.OPPORTUNISTIC) {
                assertThat(session.fallbackCause().map(Failure::reason)).contains(Failure.Reason.STARTTLS_NOT_USED);
                assertThat(s.events(Event.FellBackToPlaintext.class)).hasSize(1);
            } else {
                assertThat(session.fallbackCause()).isEmpty();
            }
        }

        @ParameterizedTest
        @ValueSource(strings = {"STAT", "LIST", "RETR 1", "DELE 1", "RSET", "TOP 1 10", "UIDL", "UTF8", "LANG en"})
        void opportunisticHandsApplicationCommandsOver(String command) {
            Script s = server(TlsPolicy.OPPORTUNISTIC).receive(command + "\r\n");
            assertThat(s.lastSent()).isEmpty();
            assertThat(Fixtures.text(Script.drain(plaintext(s).unread()))).isEqualTo(command + "\r\n");
        }

        @ParameterizedTest
        @EnumSource(value = TlsPolicy.class, names = {"PLAINTEXT_ONLY", "OPPORTUNISTIC", "REQUIRED"})
        void unknownCommandsAreRefused(TlsPolicy policy) {
            Script s = server(policy).receive("XYZZY\r\n").receive("\r\n").receive("STARTTLS\r\n");
            assertThat(s.sent()).isEqualTo(GREETING + "-ERR Unknown command\r\n".repeat(3));
            assertThat(s.finished()).isFalse();
        }

        @Test
        void commandsInOneReadAreAnsweredInOrder() {
            Script s = server(TlsPolicy.REQUIRED).receive("NOOP\r\nCAPA\r\nUSER a\r\nQUIT\r\n");
            assertThat(s.sent()).isEqualTo(GREETING + "+OK\r\n"
                    + "+OK Capability list follows\r\nTOP\r\nUIDL\r\nRESP-CODES\r\nAUTH-RESP-CODE\r\nSTLS\r\n.\r\n"
                    + "-ERR [AUTH] Authentication requires TLS: send STLS first\r\n"
                    + "+OK mail.example.test POP3 server signing off\r\n");
            assertThat(s.reason()).isEqualTo(Failure.Reason.SERVICE_CLOSING);
        }
    }

    @Nested
    class Endings {

        @Test
        void silenceIsClosedWithoutAResponseAsRfc1939Says() {
            Script s = server(TlsPolicy.REQUIRED);
            // A client that has said nothing yet gets Timeouts.firstCommand, 30 seconds by default.
            assertThat(s.negotiation().deadline()).contains(T0.plus(Duration.ofSeconds(30)));
            s.tick(T0.plus(Duration.ofSeconds(29)));
            assertThat(s.finished()).isFalse();
            s.tick(T0.plus(Duration.ofSeconds(30)));
            assertThat(s.reason()).isEqualTo(Failure.Reason.TIMEOUT);
            assertThat(s.lastSent()).isEmpty();
        }

        @Test
        void aLongLineIsRefused() {
            ServerConfig config = Fixtures.serverBuilder(TlsPolicy.REQUIRED).limits(Limits.DEFAULT.withMaxLineLength(64)).build();
            Script s = server(config).receive("USER " + "a".repeat(80));
            assertThat(s.reason()).isEqualTo(Failure.Reason.COMMAND_TOO_LONG);
            assertThat(s.lastSent()).isEqualTo(bytes("-ERR Line too long\r\n"));
        }

        @Test
        void aBareLineFeedIsRefused() {
            Script s = server(TlsPolicy.REQUIRED).receive("CAPA\nSTLS\r\n");
            assertThat(s.reason()).isEqualTo(Failure.Reason.MALFORMED_COMMAND);
            assertThat(s.lastSent()).isEqualTo(bytes("-ERR Syntax error: bare CR, LF or NUL\r\n"));
        }

        @Test
        void tooMuchPlaintextIsRefused() {
            ServerConfig config = Fixtures.serverBuilder(TlsPolicy.REQUIRED).limits(new Limits(64, 100, 100, 0)).build();
            Script s = server(config);
            for (int i = 0; i < 20 && !s.finished(); i++) {
                s.receive("NOOP\r\n");
            }
            assertThat(s.reason()).isEqualTo(Failure.Reason.TOO_MUCH_PLAINTEXT);
            assertThat(s.lastSent()).isEqualTo(bytes("-ERR Too much data before TLS\r\n"));
            assertThat(s.sent()).isEqualTo(GREETING + "+OK\r\n".repeat(16) + "-ERR Too much data before TLS\r\n");
        }

        @Test
        void aClientHelloOnThePlaintextPortIsMalformed() {
            Script s = server(TlsPolicy.REQUIRED).receive(new byte[] {0x16, 0x03, 0x01, 0x00, (byte) 0xf4, 0x01, 0x00});
            assertThat(s.reason()).isEqualTo(Failure.Reason.MALFORMED_COMMAND);
            assertThat(s.lastSent()).isEqualTo(bytes("-ERR Syntax error: bare CR, LF or NUL\r\n"));
        }

        @Test
        void anEarlyCloseIsPeerClosed() {
            Script s = server(TlsPolicy.REQUIRED).receive("CA").endOfStream();
            assertThat(s.reason()).isEqualTo(Failure.Reason.PEER_CLOSED);
            assertThat(s.lastSent()).isEmpty();
        }

        @Test
        void farewellsPerReason() {
            Pop3ServerDialog dialog = Pop3ServerDialog.create(Fixtures.server(TlsPolicy.REQUIRED));
            assertThat(dialog.farewell(Failure.Reason.TIMEOUT)).isEmpty();
            assertThat(dialog.farewell(Failure.Reason.PLAINTEXT_INJECTION)).isEmpty();
            assertThat(dialog.farewell(Failure.Reason.LINE_TOO_LONG)).isEqualTo("-ERR Line too long\r\n");
            assertThat(dialog.farewell(Failure.Reason.MALFORMED_COMMAND)).isEqualTo("-ERR Syntax error: bare CR, LF or NUL\r\n");
            assertThat(dialog.farewell(Failure.Reason.TOO_MUCH_PLAINTEXT)).isEqualTo("-ERR Too much data before TLS\r\n");
            assertThat(dialog.farewell(Failure.Reason.PEER_CLOSED)).isEqualTo("-ERR mail.example.test closing connection\r\n");
        }

        @Test
        void theDialogIsOneReusableState() {
            Pop3ServerDialog dialog = Pop3ServerDialog.create(Fixtures.server(TlsPolicy.REQUIRED));
            ServerStep first = dialog.onLine("NOOP");
            assertThat(first).isEqualTo(new ServerStep.Reply(dialog, "+OK\r\n"));
            assertThat(dialog.onLine("NOOP")).isEqualTo(first);
            assertThat(dialog.start()).isEqualTo(new ServerStep.Reply(dialog, GREETING));
        }
    }
}
