package org.starttls4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.starttls4j.smtp.Smtp;

class TransitionTest {

    private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
    private static final Negotiation ANY = Smtp.client(ClientConfig.builder("mail.example.test").build());

    @Test
    void theTranscriptIsBuiltWhenReadWithEveryLineItsDirectionLayerAndTime() {
        Output out = new Output(NOW);
        out.received("220 mail.example.test ESMTP", false);
        out.event(new Event.StartTlsAccepted());
        out.sent("EHLO client\r\nNOOP\r\n", true);

        assertThat(out.to(ANY).events()).containsExactly(
                new Event.Line(Event.Direction.RECEIVED, false, NOW, "220 mail.example.test ESMTP"),
                new Event.StartTlsAccepted(),
                new Event.Line(Event.Direction.SENT, true, NOW, "EHLO client"),
                new Event.Line(Event.Direction.SENT, true, NOW, "NOOP"));
    }

    @Test
    void eventsAreUnmodifiableAndTheSameListOnEveryRead() {
        Output out = new Output(NOW);
        out.received("x", false);
        Transition t = out.to(ANY);

        assertThat(t.events()).isSameAs(t.events());
        assertThatThrownBy(() -> t.events().add(new Event.StartTlsAccepted())).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void eventsRecordedAfterATransitionNeverReachIt() {
        Output out = new Output(NOW);
        out.received("first", false);
        Transition first = out.to(ANY);
        for (int i = 0; i < 20; i++) { // past the first array's length, and within it
            out.received("more " + i, false);
        }
        Transition second = out.to(ANY);

        assertThat(first.events()).hasSize(1);
        assertThat(second.events()).hasSize(21);
        assertThat(second.events().get(0)).isEqualTo(first.events().get(0));
    }

    @Test
    void everyOutboundViewIsFreshAndReadOnly() {
        Output out = new Output(NOW);
        out.write("QUIT\r\n");
        Transition t = out.to(ANY);

        ByteBuffer one = t.outbound();
        one.get(new byte[3]);
        ByteBuffer two = t.outbound();

        assertThat(two.position()).isZero();
        assertThat(two.remaining()).isEqualTo(6);
        assertThat(two.isReadOnly()).isTrue();
        assertThatThrownBy(() -> two.put(0, (byte) 'X')).isInstanceOf(ReadOnlyBufferException.class);
        assertThat(t.outboundBytes()).isEqualTo("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void anEmptyOutboundIsReadOnlyAndHasNothingACallerCouldMove() {
        Transition t = new Output(NOW).to(ANY);

        ByteBuffer view = t.outbound();
        assertThat(view.isReadOnly()).isTrue();
        assertThat(view.capacity()).isZero();
        assertThat(t.outboundBytes()).isEmpty();
        assertThat(t.events()).isEmpty();
        assertThat(t.delegatedTasks()).isEmpty();
    }

    @Test
    void thePublicConstructorCopiesBytesAndLists() {
        byte[] bytes = "250 OK\r\n".getBytes(StandardCharsets.US_ASCII);
        ByteBuffer source = ByteBuffer.wrap(bytes);
        List<Event> events = new ArrayList<>(List.of(new Event.StartTlsAccepted()));
        Transition t = new Transition(ANY, source, events, List.of());

        bytes[0] = 'X';
        events.clear();

        assertThat(source.position()).as("the caller's buffer is not consumed").isZero();
        assertThat(t.outboundBytes()).isEqualTo("250 OK\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(t.events()).containsExactly(new Event.StartTlsAccepted());
    }

    @Test
    void transitionsAreValues() {
        Transition a = new Transition(ANY, ByteBuffer.wrap(new byte[] {1, 2}), List.of(new Event.StartTlsAccepted()), List.of());
        Output out = new Output(NOW);
        out.accept(ByteBuffer.wrap(new byte[] {1, 2}));
        out.event(new Event.StartTlsAccepted());
        Transition b = out.to(ANY);

        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a).isNotEqualTo(new Transition(ANY, ByteBuffer.wrap(new byte[] {1}), a.events(), List.of()));
        assertThat(a.toString()).contains("2 bytes", "StartTlsAccepted");
    }
}
