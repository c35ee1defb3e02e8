package org.starttls4j.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.starttls4j.Event;
import org.starttls4j.Failure.Reason;
import org.starttls4j.Outcome;
import org.starttls4j.TlsPolicy;

/**
 * The server's security requirements (RFC 3207 §4.2, §5): a command pipelined after STARTTLS is
 * never executed, before or after TLS, and plaintext never becomes a reply.
 */
class SmtpServerSecurityTest {

    static final String EHLO_REPLY = "250-mail.example.test greets c\r\n250 STARTTLS\r\n";

    static Stream<Arguments> pipelinedAfterStartTls() {
        List<Arguments> all = new ArrayList<>();
        for (TlsPolicy policy : List.of(TlsPolicy.REQUIRED, TlsPolicy.OPPORTUNISTIC)) {
            for (String extra : List.of("MAIL FROM:<a@example.test>\r\n", "NOOP\r\n", "EHLO x\r\n", "QUIT\r\n",
                    "STARTTLS\r\n", "AUTH PLAIN AGFiYwB4eXo=\r\n", "RCPT TO:<b@example.test>\r\nDATA\r\n", "M", "\r\n")) {
                all.add(Arguments.of(policy, extra));
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("pipelinedAfterStartTls")
    void aCommandPipelinedAfterStartTlsIsInjectionAndNeverAnswered(TlsPolicy policy, String extra) {
        Wire s = Wire.server(policy).receive("EHLO c\r\n").receive("STARTTLS\r\n" + extra);

        assertThat(s.reason()).isEqualTo(Reason.PLAINTEXT_INJECTION);
        assertThat(s.last().outboundBytes()).as("no 220, no 250, no 530, no 221: nothing").isEmpty();
        assertThat(s.events(Event.StartTlsAccepted.class)).isEmpty();
        assertThat(s.events(Event.HandedOverInPlaintext.class)).as("never handed to the application").isEmpty();
        assertThat(s.sent()).isEqualTo(Wire.GREETING + EHLO_REPLY);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("pipelinedAfterStartTls")
    void aCommandPipelinedAfterStartTlsInOneReadWithEhloLeavesOnlyTheEhloAnswered(TlsPolicy policy, String extra) {
        Wire s = Wire.server(policy).receive("EHLO c\r\nSTARTTLS\r\n" + extra);

        assertThat(s.reason()).isEqualTo(Reason.PLAINTEXT_INJECTION);
        assertThat(s.lastSent()).isEqualTo(EHLO_REPLY);
        assertThat(s.failure().peerReply()).hasValueSatisfying(p -> assertThat(p).isNotEmpty());
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("pipelinedAfterStartTls")
    void plaintextArrivingDuringTheHandshakeIsNeverAnswered(TlsPolicy policy, String extra) {
        Wire s = Wire.server(policy).receive("EHLO c\r\n").receive("STARTTLS\r\n");
        assertThat(s.state().state()).isEqualTo("Handshaking");
        int linesBefore = s.events(Event.Line.class).size();

        s.receive(extra);

        assertThat(s.events(Event.Line.class)).as("no line framed, none answered").hasSize(linesBefore);
        byte[] out = s.last().outboundBytes();
        assertThat(out.length == 0 || out[0] == 0x15).as("nothing or a TLS alert: %s", Wire.text(out)).isTrue();
        if (s.finished()) {
            assertThat(s.outcome()).isInstanceOf(Outcome.Failed.class);
            assertThat(s.reason()).isEqualTo(Reason.TLS_HANDSHAKE_FAILED);
        }
    }
}
