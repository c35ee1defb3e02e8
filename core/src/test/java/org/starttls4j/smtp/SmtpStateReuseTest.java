package org.starttls4j.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.starttls4j.smtp.Wire.NOW;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.starttls4j.Negotiation;
import org.starttls4j.TlsPolicy;
import org.starttls4j.Transition;

/**
 * Plaintext states are values: the same state fed the same bytes gives the same transition, any
 * number of times. A state that owns an SSLEngine may be fed once.
 */
class SmtpStateReuseTest {

    /** A client state reached by feeding {@code before}, then what to feed it twice. */
    static Stream<Arguments> clientStates() {
        Stream.Builder<Arguments> all = Stream.builder();
        for (TlsPolicy policy : List.of(TlsPolicy.REQUIRED, TlsPolicy.OPPORTUNISTIC, TlsPolicy.PLAINTEXT_ONLY)) {
            all.add(Arguments.of(policy, List.of(), "220 hi\r\n"));
            all.add(Arguments.of(policy, List.of(), "220-hi\r\n"));
            all.add(Arguments.of(policy, List.of(), "554 no\r\n"));
            all.add(Arguments.of(policy, List.of(), "garbage\r\n"));
            all.add(Arguments.of(policy, List.of("220 h"), "i\r\n"));
            all.add(Arguments.of(policy, List.of("220 hi\r\n"), "250-a\r\n250 STARTTLS\r\n"));
            all.add(Arguments.of(policy, List.of("220 hi\r\n"), "250 8BITMIME\r\n"));
            all.add(Arguments.of(policy, List.of("220 hi\r\n"), "502 no\r\n"));
            all.add(Arguments.of(policy, List.of("220 hi\r\n", "502 no\r\n"), "250 ok\r\n"));
            if (policy != TlsPolicy.PLAINTEXT_ONLY) {
                all.add(Arguments.of(policy, List.of("220 hi\r\n", "250-mail\r\n250 STARTTLS\r\n"), "454 no\r\n"));
                all.add(Arguments.of(policy, List.of("220 hi\r\n", "250-mail\r\n250 STARTTLS\r\n"), "220 go\r\nX"));
                all.add(Arguments.of(policy, List.of("220 hi\r\n", "250-mail\r\n250 STARTTLS\r\n"), "421 bye\r\n"));
            }
        }
        return all.build();
    }

    @ParameterizedTest(name = "{0}: after {1}, feed {2}")
    @MethodSource("clientStates")
    void aPlaintextClientStateFedTheSameBytesTwiceGivesTheSameTransition(TlsPolicy policy, List<String> before, String input) {
        Wire c = Wire.client(policy);
        before.forEach(c::receive);
        Negotiation state = c.state();
        assertThat(state.isFinished()).isFalse();

        Transition first = state.onReceived(ByteBuffer.wrap(Wire.latin1(input)), NOW);
        Transition second = state.onReceived(ByteBuffer.wrap(Wire.latin1(input)), NOW);

        assertThat(second.outboundBytes()).isEqualTo(first.outboundBytes());
        assertThat(second.events()).isEqualTo(first.events());
        assertThat(second.next().state()).isEqualTo(first.next().state());
        assertThat(second.outcome()).isEqualTo(first.outcome());
        assertThat(state.isConsumed()).isFalse();
    }

    @Test
    void aPlaintextClientStateCanBeTickedAndClosedRepeatedly() {
        Negotiation state = Wire.client(TlsPolicy.REQUIRED).receive("220 hi\r\n").state();
        Negotiation after = state.onTick(NOW.plusSeconds(1)).next();

        Transition closedOnce = state.onEndOfStream(NOW);
        Transition closedTwice = state.onEndOfStream(NOW);
        Transition fed = state.onReceived(ByteBuffer.wrap(Wire.latin1("250-mail\r\n250 STARTTLS\r\n")), NOW);

        assertThat(closedTwice.events()).isEqualTo(closedOnce.events());
        assertThat(fed.outboundBytes()).isEqualTo(Wire.latin1(Wire.STARTTLS));
        assertThat(after.state()).isEqualTo(state.state());
    }

    static Stream<Arguments> serverStates() {
        Stream.Builder<Arguments> all = Stream.builder();
        for (TlsPolicy policy : List.of(TlsPolicy.REQUIRED, TlsPolicy.OPPORTUNISTIC, TlsPolicy.PLAINTEXT_ONLY)) {
            all.add(Arguments.of(policy, List.of(), "EHLO c\r\nNOOP\r\n"));
            all.add(Arguments.of(policy, List.of("EH"), "LO c\r\n"));
            all.add(Arguments.of(policy, List.of("EHLO c\r\n"), "MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\n"));
            all.add(Arguments.of(policy, List.of(), "QUIT\r\n"));
            all.add(Arguments.of(policy, List.of(), "STARTTLS\r\nNOOP\r\n"));
            all.add(Arguments.of(policy, List.of(), "EHLO a\nb\r\n"));
        }
        return all.build();
    }

    @ParameterizedTest(name = "{0}: after {1}, feed {2}")
    @MethodSource("serverStates")
    void aPlaintextServerStateFedTheSameBytesTwiceGivesTheSameTransition(TlsPolicy policy, List<String> before, String input) {
        Wire s = Wire.server(policy);
        before.forEach(s::receive);
        Negotiation state = s.state();

        Transition first = state.onReceived(ByteBuffer.wrap(Wire.latin1(input)), NOW);
        Transition second = state.onReceived(ByteBuffer.wrap(Wire.latin1(input)), NOW);

        assertThat(second.outboundBytes()).isEqualTo(first.outboundBytes());
        assertThat(second.events()).isEqualTo(first.events());
        assertThat(second.outcome()).isEqualTo(first.outcome());
        assertThat(state.isConsumed()).isFalse();
    }

    @Test
    void theClientStateAfterTheGoAheadOwnsTheEngineAndMayBeFedOnlyOnce() {
        Negotiation handshaking = Wire.client(TlsPolicy.REQUIRED).receive("220 hi\r\n").receive("250-mail\r\n250 STARTTLS\r\n").receive("220 go\r\n").state();
        assertThat(handshaking.state()).isEqualTo("Handshaking");

        Transition once = handshaking.onReceived(ByteBuffer.wrap(new byte[] {0x16}), NOW);

        assertThat(once.isFinished()).isFalse();
        assertThat(handshaking.isConsumed()).isTrue();
        assertThatThrownBy(() -> handshaking.onReceived(ByteBuffer.wrap(new byte[] {0x16}), NOW)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> handshaking.onTick(NOW)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> handshaking.onEndOfStream(NOW)).isInstanceOf(IllegalStateException.class);
        assertThat(once.next().isConsumed()).as("its successor is fresh").isFalse();
    }

    @Test
    void aTickBeforeTheDeadlineAlsoConsumesAnEngineOwningState() {
        Negotiation handshaking = Wire.client(TlsPolicy.OPPORTUNISTIC).receive("220 hi\r\n").receive("250-mail\r\n250 STARTTLS\r\n").receive("220 go\r\n").state();

        Transition ticked = handshaking.onTick(NOW);

        assertThat(ticked.isFinished()).isFalse();
        assertThatThrownBy(() -> handshaking.onTick(NOW)).isInstanceOf(IllegalStateException.class);
        assertThat(ticked.next().onTick(NOW).isFinished()).isFalse();
    }

    @Test
    void theServerStateAfterStartTlsOwnsTheEngineAndMayBeFedOnlyOnce() {
        Negotiation handshaking = Wire.server(TlsPolicy.REQUIRED).receive("EHLO c\r\n").receive("STARTTLS\r\n").state();
        assertThat(handshaking.state()).isEqualTo("Handshaking");

        handshaking.onReceived(ByteBuffer.wrap(new byte[] {0x16, 0x03}), NOW);

        assertThatThrownBy(() -> handshaking.onReceived(ByteBuffer.wrap(new byte[] {0x16, 0x03}), NOW))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aStartedStateCannotBeBegunAgain() {
        Negotiation started = Wire.client(TlsPolicy.REQUIRED).state();

        assertThatThrownBy(() -> started.begin(NOW)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aFinishedStateRefusesInput() {
        Negotiation failed = Wire.client(TlsPolicy.REQUIRED).receive("554 no\r\n").state();

        assertThatThrownBy(() -> failed.onReceived(ByteBuffer.allocate(0), NOW)).isInstanceOf(IllegalStateException.class);
        assertThat(failed.deadline()).isEmpty();
    }
}
