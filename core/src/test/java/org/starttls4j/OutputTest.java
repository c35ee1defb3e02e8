package org.starttls4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.starttls4j.smtp.Smtp;

class OutputTest {

    private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
    private static final Negotiation ANY = Smtp.client(ClientConfig.builder("mail.example.test").build());

    @Test
    void aCharacterBeyondLatin1IsWrittenAsAQuestionMarkNeverAsItsLowByte() {
        Output out = new Output(NOW);
        out.write("EHLO a\u010Ab\u010Dc\r\n"); // low bytes would be LF and CR: a smuggled line

        assertThat(new String(out.to(ANY).outboundBytes(), StandardCharsets.ISO_8859_1)).isEqualTo("EHLO a?b?c\r\n");
    }

    @Test
    void outputsOpenAtTheSameTimeOnOneThreadKeepTheirOwnBytes() {
        Output first = new Output(NOW);
        first.write("first ");
        Output second = new Output(NOW); // e.g. a trust manager running a negotiation of its own
        second.write("second");
        first.accept(ByteBuffer.wrap("line".getBytes(StandardCharsets.US_ASCII)));

        Transition one = first.to(ANY);
        Transition two = second.to(ANY);
        Output third = new Output(NOW); // reuses a scratch array: must start empty
        third.write("3");

        assertThat(new String(one.outboundBytes(), StandardCharsets.US_ASCII)).isEqualTo("first line");
        assertThat(new String(two.outboundBytes(), StandardCharsets.US_ASCII)).isEqualTo("second");
        assertThat(new String(third.to(ANY).outboundBytes(), StandardCharsets.US_ASCII)).isEqualTo("3");
        assertThat(new String(one.outboundBytes(), StandardCharsets.US_ASCII)).as("earlier bytes unchanged").isEqualTo("first line");
    }

    @Test
    void aSecondTransitionFromOneOutputHoldsEverythingAndLeavesTheFirstAlone() {
        // ClientFlow does this when a read ends the dialog and a failure follows in the same call.
        Output out = new Output(NOW);
        out.write("reply\r\n");
        Transition first = out.to(ANY);
        out.write("QUIT\r\n");
        Transition second = out.to(ANY);

        assertThat(new String(first.outboundBytes(), StandardCharsets.US_ASCII)).isEqualTo("reply\r\n");
        assertThat(new String(second.outboundBytes(), StandardCharsets.US_ASCII)).isEqualTo("reply\r\nQUIT\r\n");
    }

    @Test
    void aKeptOutputStartsEmptyAndLeavesEarlierTransitionsAlone() {
        Output first = Output.open(NOW, Limits.DEFAULT, true, null);
        first.write("one\r\n");
        first.sent("one\r\n", false);
        Transition one = first.to(ANY);
        first.close();
        Output again = Output.open(NOW.plusSeconds(1), Limits.DEFAULT, true, null);
        Output nested = Output.open(NOW, Limits.DEFAULT, true, null); // the kept one is in use: a fresh one
        again.write("two\r\n");
        nested.write("three\r\n");
        Transition two = again.to(ANY);
        Transition three = nested.to(ANY);
        nested.close();
        again.close();

        assertThat(again).as("the thread's kept output came back").isSameAs(first).isNotSameAs(nested);
        assertThat(new String(one.outboundBytes(), StandardCharsets.US_ASCII)).isEqualTo("one\r\n");
        assertThat(new String(two.outboundBytes(), StandardCharsets.US_ASCII)).isEqualTo("two\r\n");
        assertThat(new String(three.outboundBytes(), StandardCharsets.US_ASCII)).isEqualTo("three\r\n");
        assertThat(one.events()).hasSize(1);
        assertThat(two.events()).as("no transcript carried over").isEmpty();
    }

    @Test
    void acceptLeavesTheBufferAsItWas() {
        ByteBuffer buffer = ByteBuffer.wrap("abcdef".getBytes(StandardCharsets.US_ASCII), 2, 3);
        Output out = new Output(NOW);
        out.accept(buffer);

        assertThat(buffer.position()).isEqualTo(2);
        assertThat(buffer.remaining()).isEqualTo(3);
        assertThat(new String(out.to(ANY).outboundBytes(), StandardCharsets.US_ASCII)).isEqualTo("cde");
    }

    @Test
    void bytesFillTheDestinationThenOverflowAndASecondTransitionCountsThemAll() {
        ByteBuffer destination = ByteBuffer.allocate(6).position(1);
        Output out = Output.open(NOW, Limits.DEFAULT, true, destination);
        out.write("abc");
        out.accept(ByteBuffer.wrap("defg".getBytes(StandardCharsets.US_ASCII))); // "de" fit, "fg" overflow
        Transition first = out.to(ANY);
        out.write("h"); // the destination is full: after the overflow, never into it
        Transition second = out.to(ANY);
        out.close();

        assertThat(new String(destination.array(), 1, 5, StandardCharsets.US_ASCII)).isEqualTo("abcde");
        assertThat(destination.position()).isEqualTo(6);
        assertThat(first.outboundWritten()).isEqualTo(5);
        assertThat(new String(first.outboundBytes(), StandardCharsets.US_ASCII)).isEqualTo("fg");
        assertThat(second.outboundWritten()).isEqualTo(5);
        assertThat(new String(second.outboundBytes(), StandardCharsets.US_ASCII)).isEqualTo("fgh");
    }

    @Test
    void writesAfterAnOverflowNeverReachTheDestination() {
        ByteBuffer destination = ByteBuffer.allocate(4);
        Output out = new Output(NOW);
        out.close();
        out = Output.open(NOW, Limits.DEFAULT, true, destination);
        out.write("abcdef"); // "abcd" fit, "ef" overflow
        destination.limit(4).position(2); // room again, as if the caller had made some: the order must hold all the same
        out.write("g");
        Transition t = out.to(ANY);
        out.close();

        assertThat(t.outboundWritten()).isEqualTo(4);
        assertThat(new String(t.outboundBytes(), StandardCharsets.US_ASCII)).isEqualTo("efg");
        assertThat(destination.position()).isEqualTo(2);
    }

    @Test
    void withoutATranscriptNoLineAndNoMarkerIsRecordedButEventsAre() {
        Output out = Output.open(NOW, Limits.DEFAULT.withTranscript(0, 0), false, null);
        out.received("220 hi", false);
        out.sent("EHLO a\r\n", false);
        out.event(new Event.StartTlsAccepted());
        Transition t = out.to(ANY);
        out.close();

        assertThat(t.events()).containsExactly(new Event.StartTlsAccepted());
        Output none = Output.open(NOW, Limits.DEFAULT, false, null);
        none.received("220 hi", false);
        assertThat(none.to(ANY).events()).isEmpty();
        none.close();
    }

    @Test
    void latin1sLastCharacterIsWrittenAsItsByte() {
        Output out = new Output(NOW);
        out.write("\u00ff\u0100");

        assertThat(out.to(ANY).outboundBytes()).containsExactly((byte) 0xFF, (byte) '?');
    }

    @Test
    void textAndBuffersLongerThanTwiceTheScratchArrayArriveWhole() {
        Output out = new Output(NOW);
        out.write("w".repeat(5000));
        out.accept(ByteBuffer.wrap("b".repeat(9000).getBytes(StandardCharsets.US_ASCII)));

        assertThat(new String(out.to(ANY).outboundBytes(), StandardCharsets.US_ASCII)).isEqualTo("w".repeat(5000) + "b".repeat(9000));
    }

    @Test
    void theThreadsKeptOutputHoldsNothingOfACallOnceItEnds() throws ReflectiveOperationException {
        Output out = Output.open(NOW, Limits.DEFAULT, true, null);
        out.received("AUTH PLAIN c2VjcmV0", false); // a transcript line may carry what no one should keep
        out.event(new Event.StartTlsAccepted());
        Transition t = out.to(ANY);
        out.close();

        java.lang.reflect.Field entries = Output.class.getDeclaredField("entries");
        entries.setAccessible(true);
        assertThat((Object[]) entries.get(out)).containsOnlyNulls();
        assertThat(t.events()).hasSize(2); // the transition keeps its own copy
    }
}
