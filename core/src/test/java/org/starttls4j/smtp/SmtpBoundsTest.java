package org.starttls4j.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.starttls4j.smtp.Wire.EHLO;
import static org.starttls4j.smtp.Wire.NOW;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.starttls4j.Event;
import org.starttls4j.Failure.Reason;
import org.starttls4j.Limits;
import org.starttls4j.Negotiation;
import org.starttls4j.Timeouts;
import org.starttls4j.TlsPolicy;
import org.starttls4j.Transition;

/**
 * Bounds and bad input, both roles: long lines, long replies, too much plaintext, garbage, NUL,
 * bare CR and LF, non-ASCII, codes out of range, a peer that hangs up anywhere, a silent peer.
 */
class SmtpBoundsTest {

    static final int LINE = 64;
    static final Limits SMALL = Limits.DEFAULT.withMaxLineLength(LINE).withMaxLinesPerReply(3).withMaxPlaintextBytes(128);

    static Wire smallClient() {
        return Wire.client(Wire.clientBuilder(TlsPolicy.REQUIRED).limits(SMALL).build());
    }

    static Wire smallServer() {
        return Wire.server(Wire.serverBuilder(TlsPolicy.REQUIRED).limits(SMALL).build());
    }

    // ---------------------------------------------------------------- line length

    @Test
    void aReplyLineReachingMaxLineLengthWithoutCrlfFailsAtOnce() {
        Wire c = smallClient().receive("220 " + "x".repeat(LINE - 5));

        assertThat(c.finished()).as("%d bytes without CRLF may still become a line", LINE - 1).isFalse();
        c.receive("x");

        assertThat(c.reason()).isEqualTo(Reason.LINE_TOO_LONG);
        assertThat(c.lastSent()).isEmpty();
    }

    @Test
    void aReplyLineOfExactlyMaxLineLengthIncludingCrlfIsAccepted() {
        Wire c = smallClient().receive("220 " + "x".repeat(LINE - 6) + "\r\n");

        assertThat(c.sent()).isEqualTo(EHLO);
    }

    @Test
    void aReplyLineOneByteOverMaxLineLengthFailsBeforeItsCrlfArrives() {
        Wire c = smallClient().receive("220 " + "x".repeat(LINE - 5) + "\r");

        assertThat(c.reason()).isEqualTo(Reason.LINE_TOO_LONG);
    }

    @Test
    void aHugeReplyInOneReadFailsAsLineTooLong() {
        Wire c = Wire.client(TlsPolicy.REQUIRED).receive("220 " + "x".repeat(10 * 1024 * 1024));

        assertThat(c.reason()).isIn(Reason.LINE_TOO_LONG, Reason.TOO_MUCH_PLAINTEXT);
    }

    @Test
    void aCommandLineReachingMaxLineLengthWithoutCrlfFailsAtOnceWith500() {
        Wire s = smallServer().receive("EHLO " + "x".repeat(LINE - 6));

        assertThat(s.finished()).isFalse();
        s.receive("x");

        assertThat(s.reason()).isEqualTo(Reason.COMMAND_TOO_LONG);
        // 5.5.2 (RFC 3463: a command that could not be interpreted), not 5.5.6: RFC 4954 §6 registered
        // 5.5.6 as "Authentication Exchange line is too long", for the lines of an AUTH exchange.
        assertThat(s.lastSent()).isEqualTo("500 5.5.2 Line too long\r\n");
    }

    // ---------------------------------------------------------------- lines per reply, plaintext bytes

    @Test
    void aMultiLineReplyOfMaxLinesIsAccepted() {
        Wire c = smallClient().receive("220 hi\r\n").receive("250-a\r\n250-b\r\n250 STARTTLS\r\n");

        assertThat(c.lastSent()).isEqualTo(Wire.STARTTLS);
    }

    @Test
    void aMultiLineReplyOverMaxLinesFailsAsReplyTooLongBeforeItEnds() {
        Wire c = smallClient().receive("220 hi\r\n").receive("250-a\r\n250-b\r\n250-c\r\n");

        assertThat(c.finished()).isFalse();
        c.receive("250-d\r\n");

        assertThat(c.reason()).isEqualTo(Reason.REPLY_TOO_LONG);
        assertThat(c.lastSent()).isEmpty();
    }

    @Test
    void aMultiLineGreetingOverMaxLinesFailsAsReplyTooLong() {
        Wire c = smallClient().receive("220-a\r\n220-b\r\n220-c\r\n220 d\r\n");

        assertThat(c.reason()).isEqualTo(Reason.REPLY_TOO_LONG);
    }

    @Test
    void moreThanMaxPlaintextBytesFromTheServerFailsAsTooMuchPlaintext() {
        Wire d = Wire.client(Wire.clientBuilder(TlsPolicy.REQUIRED).limits(SMALL.withMaxLinesPerReply(100)).build());
        for (int i = 0; i < 12; i++) {
            d.receive("220-xxxx\r\n");
        }
        assertThat(d.finished()).as("120 of 128 bytes").isFalse();
        d.receive("220-xxxx\r\n");

        assertThat(d.reason()).isEqualTo(Reason.TOO_MUCH_PLAINTEXT);
        assertThat(d.lastSent()).isEmpty();
    }

    @Test
    void moreThanMaxPlaintextBytesFromTheClientFailsAsTooMuchPlaintextWith421() {
        Wire s = Wire.server(Wire.serverBuilder(TlsPolicy.REQUIRED).limits(SMALL.withMaxCommandsBeforeTls(100)).build());
        for (int i = 0; i < 21; i++) {
            s.receive("NOOP\r\n");
        }
        assertThat(s.finished()).as("126 of 128 bytes").isFalse();
        s.receive("NOOP\r\n");

        assertThat(s.reason()).isEqualTo(Reason.TOO_MUCH_PLAINTEXT);
        assertThat(s.lastSent()).isEqualTo("421 4.7.0 mail.example.test Closing connection\r\n");
    }

    // ---------------------------------------------------------------- bad bytes, client

    @ParameterizedTest
    @ValueSource(strings = {"hello there\r\n", "\r\n", "HTTP/1.1 200 OK\r\n", "220 a\u0000b\r\n", "\u0000\r\n", "220 hi\n",
        "\n", "220 h\ri\r\n", "\r\r\n", "600 x\r\n", "099 x\r\n", "700 x\r\n", "160 x\r\n", "260 x\r\n", "2x0 x\r\n", "22\r\n",
        "220x\r\n", "\u00b2\u00b2\u00b0 x\r\n", "\u00ff\u00fe\r\n", "220\t hi\r\n", "-220 hi\r\n"})
    void garbageFromTheServerIsAMalformedReply(String input) {
        Wire c = Wire.client(TlsPolicy.REQUIRED).receive(input);

        assertThat(c.reason()).isEqualTo(Reason.MALFORMED_REPLY);
        assertThat(c.sent()).isEmpty();
    }

    @Test
    void aNulByteFailsEvenBeforeTheLineEnds() {
        Wire c = Wire.client(TlsPolicy.REQUIRED).receive("220 a\u0000");

        assertThat(c.reason()).isEqualTo(Reason.MALFORMED_REPLY);
    }

    @Test
    void aBareCrFollowedByAnotherByteInALaterReadIsMalformed() {
        Wire c = Wire.client(TlsPolicy.REQUIRED).receive("220 a\r");

        assertThat(c.finished()).isFalse();
        c.receive("b\r\n");
        assertThat(c.reason()).isEqualTo(Reason.MALFORMED_REPLY);
    }

    @Test
    void malformedLinesAfterTheGreetingAreMalformedReplies() {
        Wire c = Wire.client(TlsPolicy.OPPORTUNISTIC).receive("220 hi\r\n").receive("250-a\r\n250 b\n");

        assertThat(c.reason()).isEqualTo(Reason.MALFORMED_REPLY);
        assertThat(c.events(Event.HandedOverInPlaintext.class)).isEmpty();
    }

    @Test
    void nonAsciiReplyTextIsCarriedAsOneCharacterPerByte() {
        Wire c = Wire.client(TlsPolicy.REQUIRED).receive("220 h\u00e9llo \u00ff\r\n");

        assertThat(c.sent()).isEqualTo(EHLO);
        assertThat(c.events(Event.GreetingReceived.class)).containsExactly(new Event.GreetingReceived("h\u00e9llo \u00ff", false));
    }

    // ---------------------------------------------------------------- bad bytes, server

    @ParameterizedTest
    @ValueSource(strings = {"EHLO a\u0000b\r\n", "EHLO a\nMAIL FROM:<x>\r\n", "EHLO a\rMAIL FROM:<x>\r\n", "\n", "\u0000"})
    void malformedCommandsEndTheNegotiationWithA500(String input) {
        Wire s = Wire.server(TlsPolicy.OPPORTUNISTIC).receive(input);

        assertThat(s.reason()).isEqualTo(Reason.MALFORMED_COMMAND);
        assertThat(s.lastSent()).isEqualTo("500 5.5.2 Syntax error: bare CR, LF or NUL\r\n");
        assertThat(s.events(Event.HandedOverInPlaintext.class)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"\u00c9HLO x\r\n", "GET / HTTP/1.1\r\n", "\u0016\u0003\u0001\r\n"})
    void nonAsciiOrForeignCommandsGet500(String input) {
        Wire s = Wire.server(TlsPolicy.REQUIRED).receive(input);

        assertThat(s.lastSent()).isEqualTo("500 5.5.2 Command not recognized\r\n");
        assertThat(s.finished()).isFalse();
    }

    // ---------------------------------------------------------------- the peer hangs up anywhere

    static final List<String> SERVER_SAYS = List.of("220-mail.example.test\r\n220 ESMTP\r\n", "250-mail.example.test\r\n250 STARTTLS\r\n",
            "220 2.0.0 go ahead\r\n");
    static final List<String> CLIENT_SAYS = List.of("EHLO c\r\n", "NOOP\r\n", "MAIL FROM:<a@b>\r\n", "STARTTLS\r\n");

    /** Every prefix of every reply of a normal transcript, including each whole reply. */
    static Stream<Arguments> clientCutPoints() {
        Stream.Builder<Arguments> all = Stream.builder();
        for (int reply = 0; reply < SERVER_SAYS.size(); reply++) {
            for (int length = 0; length <= SERVER_SAYS.get(reply).length(); length++) {
                all.add(Arguments.of(reply, length));
            }
        }
        return all.build();
    }

    @ParameterizedTest(name = "reply {0}, {1} bytes")
    @MethodSource("clientCutPoints")
    void aServerThatClosesAtAnyPointIsPeerClosed(int reply, int length) {
        Wire c = Wire.client(TlsPolicy.REQUIRED);
        SERVER_SAYS.subList(0, reply).forEach(c::receive);
        c.receive(SERVER_SAYS.get(reply).substring(0, length));
        assertThat(c.finished()).isFalse();

        c.endOfStream();

        assertThat(c.reason()).isEqualTo(Reason.PEER_CLOSED);
        assertThat(c.state().deadline()).isEmpty();
    }

    static Stream<Arguments> serverCutPoints() {
        Stream.Builder<Arguments> all = Stream.builder();
        for (int command = 0; command < CLIENT_SAYS.size(); command++) {
            for (int length = 0; length <= CLIENT_SAYS.get(command).length(); length++) {
                all.add(Arguments.of(command, length));
            }
        }
        return all.build();
    }

    @ParameterizedTest(name = "command {0}, {1} bytes")
    @MethodSource("serverCutPoints")
    void aClientThatClosesAtAnyPointIsPeerClosed(int command, int length) {
        Wire s = Wire.server(TlsPolicy.REQUIRED);
        CLIENT_SAYS.subList(0, command).forEach(s::receive);
        s.receive(CLIENT_SAYS.get(command).substring(0, length));
        assertThat(s.finished()).isFalse();

        s.endOfStream();

        assertThat(s.reason()).isEqualTo(Reason.PEER_CLOSED);
        assertThat(s.lastSent()).as("no reply to a closed connection").doesNotContain("250", "530", "220");
    }

    // ---------------------------------------------------------------- silence

    static final Timeouts SHORT = new Timeouts(Duration.ofSeconds(30), Duration.ofSeconds(60));

    @Test
    void aSilentServerTimesOutAtTheDeadlineAndNotBefore() {
        Wire c = Wire.client(Wire.clientBuilder(TlsPolicy.REQUIRED).timeouts(SHORT).build());
        Instant deadline = c.state().deadline().orElseThrow();
        assertThat(deadline).isEqualTo(NOW.plusSeconds(30));

        Negotiation waiting = c.state();
        Transition early = waiting.onTick(deadline.minusNanos(1));
        assertThat(early.outboundBytes()).isEmpty();
        assertThat(early.events()).isEmpty();
        assertThat(early.isFinished()).isFalse();
        assertThat(early.next().deadline()).contains(deadline);

        c.tick(deadline);

        assertThat(c.reason()).isEqualTo(Reason.TIMEOUT);
        assertThat(c.lastSent()).isEmpty();
    }

    @Test
    void aSilentServerTimesOutAfterTheDeadlineToo() {
        Wire c = Wire.client(Wire.clientBuilder(TlsPolicy.REQUIRED).timeouts(SHORT).build()).receive("220 hi\r\n");

        c.tick(NOW.plus(Duration.ofDays(1)));

        assertThat(c.reason()).isEqualTo(Reason.TIMEOUT);
    }

    @Test
    void theDeadlineMovesWithProgressButNeverPastTheTotal() {
        Wire c = Wire.client(Wire.clientBuilder(TlsPolicy.REQUIRED).timeouts(SHORT).build());

        c.receiveAt(NOW.plusSeconds(20), "220 hi\r\n");
        assertThat(c.state().deadline()).contains(NOW.plusSeconds(50));
        c.receiveAt(NOW.plusSeconds(45), "250-a\r\n");
        assertThat(c.state().deadline()).as("capped by the total").contains(NOW.plusSeconds(60));

        c.tick(NOW.plusSeconds(59));
        assertThat(c.finished()).isFalse();
        c.tick(NOW.plusSeconds(60));
        assertThat(c.reason()).isEqualTo(Reason.TIMEOUT);
    }

    @Test
    void aSilentServerTimesOutDuringTheHandshake() {
        Wire c = Wire.client(Wire.clientBuilder(TlsPolicy.REQUIRED).timeouts(SHORT).build())
                .receive("220 hi\r\n").receive("250-mail\r\n250 STARTTLS\r\n").receive("220 go\r\n");
        assertThat(c.state().state()).isEqualTo("Handshaking");
        Instant deadline = c.state().deadline().orElseThrow();

        c.tick(deadline.minusMillis(1));
        assertThat(c.finished()).isFalse();
        assertThat(c.lastSent()).isEmpty();
        c.tick(deadline);

        assertThat(c.reason()).isEqualTo(Reason.TIMEOUT);
    }

    @Test
    void aSilentClientTimesOutWith421() {
        Wire s = Wire.server(Wire.serverBuilder(TlsPolicy.REQUIRED).timeouts(SHORT).build()).receive("EHLO c\r\n");
        Instant deadline = s.state().deadline().orElseThrow();

        s.tick(deadline.minusSeconds(1));
        assertThat(s.finished()).isFalse();
        assertThat(s.lastSent()).isEmpty();
        assertThat(s.lastEvents()).isEmpty();
        s.tick(deadline);

        assertThat(s.reason()).isEqualTo(Reason.TIMEOUT);
        assertThat(s.lastSent()).isEqualTo("421 4.4.2 mail.example.test Error: timeout exceeded\r\n");
    }
}
