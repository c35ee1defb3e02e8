package org.starttls4j.sieve;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.starttls4j.Capability;
import org.starttls4j.ClientDialog;
import org.starttls4j.ClientStep;
import org.starttls4j.Event;
import org.starttls4j.Failure;
import org.starttls4j.Limits;
import org.starttls4j.TlsPolicy;
import org.starttls4j.testing.Dialect;
import org.starttls4j.testing.Dialect.Script;

/** ManageSieve responses at their bounds: quoted strings, literals, lines per response; the client's verdicts. */
class SieveResponseBoundsTest {

    @Property(tries = 300)
    void anyQuotedValueWithEscapesReadsBack(@ForAll("names") String name, @ForAll("values") String value) {
        String line = quote(name) + " " + quote(value);
        List<String> words = List.of(value.split(" ")).stream().filter(w -> !w.isEmpty()).toList();
        assertThat(SieveSyntax.capability(line)).isEqualTo(new Capability(name, words));
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    @Provide
    Arbitrary<String> names() {
        return Arbitraries.strings().withCharRange('A', 'Z').ofMinLength(1).ofMaxLength(10);
    }

    @Provide
    Arbitrary<String> values() {
        return Arbitraries.strings().withChars("ab \"\\").ofMaxLength(12);
    }

    @Test
    void aQuotedStringCutShortIsNoCapability() {
        assertThat(SieveSyntax.capability("\"SASL\" ")).isNull();
        assertThat(SieveSyntax.capability("\"SASL\\")).isNull();
        assertThat(SieveSyntax.capability("\"SASL\" \"PLAIN\\")).isNull();
        assertThat(SieveSyntax.capability("\"SASL\\x\" \"PLAIN\"")).isNull();
        assertThat(SieveSyntax.capability("\"SASL\" \"PLAIN\" \"x\"")).isNull();
    }

    private static Script client(Limits limits) {
        return Script.begin(ManageSieve.client(Dialect.clientBuilder(TlsPolicy.REQUIRED).limits(limits).build()));
    }

    @Test
    void aResponseMayHaveAsManyLinesAsTheLimitButNoMore() {
        String threeAndOk = "\"IMPLEMENTATION\" \"x\"\r\n\"SASL\" \"\"\r\n\"STARTTLS\"\r\nOK \"hi\"\r\n";
        assertThat(client(Limits.DEFAULT.withMaxLinesPerReply(4)).receive(threeAndOk).lastSent()).isEqualTo("STARTTLS\r\n");
        assertThat(client(Limits.DEFAULT.withMaxLinesPerReply(3)).receive(threeAndOk).reason())
                .isEqualTo(Failure.Reason.REPLY_TOO_LONG);
    }

    @Test
    void theLinesALiteralCoversCountAgainstTheLimit() {
        // OK {12} then "ab\r\ncd\r\nef" + " done": three lines after the status line.
        String greeting = "\"STARTTLS\"\r\nOK {12}\r\nab\r\ncd\r\nef done\r\n";
        assertThat(client(Limits.DEFAULT.withMaxLinesPerReply(5)).receive(greeting).lastSent()).isEqualTo("STARTTLS\r\n");
        assertThat(client(Limits.DEFAULT.withMaxLinesPerReply(4)).receive(greeting).reason())
                .isEqualTo(Failure.Reason.REPLY_TOO_LONG);
        String twoLiterals = "\"STARTTLS\"\r\nOK {2}\r\nab {2}\r\ncd\r\n";
        assertThat(client(Limits.DEFAULT.withMaxLinesPerReply(4)).receive(twoLiterals).lastSent()).isEqualTo("STARTTLS\r\n");
        assertThat(client(Limits.DEFAULT.withMaxLinesPerReply(3)).receive(twoLiterals).reason())
                .isEqualTo(Failure.Reason.REPLY_TOO_LONG);
    }

    @Test
    void anEmptyLiteralStillTakesTheLineAfterIt() {
        Script s = client(Limits.DEFAULT).receive("\"STARTTLS\"\r\nOK {0}\r\n");
        assertThat(s.sent()).isEmpty();
        assertThat(s.receive("\r\n").lastSent()).isEqualTo("STARTTLS\r\n");
    }

    @Test
    void aLiteralMayBeAsLargeAsTheLimitButNotLarger() {
        String greeting = "\"STARTTLS\"\r\nOK {4}\r\nabcd\r\n";
        assertThat(client(Limits.DEFAULT.withMaxLiteralSize(4)).receive(greeting).lastSent()).isEqualTo("STARTTLS\r\n");
        assertThat(client(Limits.DEFAULT.withMaxLiteralSize(3)).receive(greeting).reason()).isEqualTo(Failure.Reason.REPLY_TOO_LONG);
    }

    @Test
    void aLiteralEndingBetweenCrAndLfIsMalformed() {
        assertThat(client(Limits.DEFAULT).receive("\"STARTTLS\"\r\nOK {3}\r\nab\r\n").reason())
                .isEqualTo(Failure.Reason.MALFORMED_REPLY);
    }

    @Test
    void aCapabilityWrittenAsALiteralIsNamedSo() {
        Script literal = client(Limits.DEFAULT).receive("{8}\r\n");
        assertThat(literal.reason()).isEqualTo(Failure.Reason.MALFORMED_REPLY);
        assertThat(((org.starttls4j.Outcome.Failed) literal.outcome()).failure().message()).contains("literal");
        Script literalValue = client(Limits.DEFAULT).receive("\"SASL\" {5}\r\n");
        assertThat(((org.starttls4j.Outcome.Failed) literalValue.outcome()).failure().message()).contains("literal");
        Script garbage = client(Limits.DEFAULT).receive("hello\r\n");
        assertThat(((org.starttls4j.Outcome.Failed) garbage.outcome()).failure().message()).doesNotContain("literal");
    }

    @Test
    void theGreetingsTextIsWhatFollowsTheStatus() {
        assertThat(client(Limits.DEFAULT).receive("\"STARTTLS\"\r\nOK\r\n").events(Event.GreetingReceived.class))
                .extracting(Event.GreetingReceived::text).containsExactly("");
        assertThat(client(Limits.DEFAULT).receive("\"STARTTLS\"\r\nok \"hi\"\r\n").events(Event.GreetingReceived.class))
                .extracting(Event.GreetingReceived::text).containsExactly("\"hi\"");
    }

    private static ClientStep.Await await(ClientStep step) {
        assertThat(step).isInstanceOf(ClientStep.Await.class);
        return (ClientStep.Await) step;
    }

    private static Failure.Reason failed(ClientStep step) {
        assertThat(step).isInstanceOf(ClientStep.Fail.class);
        return ((ClientStep.Fail) step).failure().reason();
    }

    /** A dialog that read a greeting offering STARTTLS and was told to go ahead. */
    private static ClientDialog afterGoAhead() {
        ClientDialog d = await(SieveClientDialog.create(Limits.DEFAULT).start(false)).next();
        assertThat(d.state()).isEqualTo("AwaitingGreeting");
        d = await(d.onLine("\"STARTTLS\"")).next();
        ClientStep ready = d.onLine("OK \"hi\"");
        assertThat(ready).isInstanceOf(ClientStep.Ready.class);
        ClientStep.Await startTls = await(((ClientStep.Ready) ready).next().requestStartTls());
        assertThat(startTls.send()).isEqualTo("STARTTLS\r\n");
        ClientStep go = startTls.next().onLine("OK \"go\"");
        assertThat(go).isInstanceOf(ClientStep.GoAhead.class);
        return ((ClientStep.GoAhead) go).next();
    }

    @Test
    void theDialogStartsSilentAndNamesItsState() {
        ClientStep.Await start = await(SieveClientDialog.create(Limits.DEFAULT).start(false));
        assertThat(start.send()).isEmpty();
        assertThat(start.next().state()).isEqualTo("AwaitingGreeting");
        assertThat(SieveClientDialog.create(Limits.DEFAULT).state()).isEqualTo("AwaitingGreeting");
    }

    @Test
    void aByeInsteadOfTheCapabilitiesAfterTlsEndsTheSession() {
        ClientDialog again = await(afterGoAhead().restartAfterTls()).next();
        assertThat(failed(again.onLine("BYE \"no\""))).isEqualTo(Failure.Reason.SERVICE_CLOSING);
        ClientDialog fine = await(afterGoAhead().restartAfterTls()).next();
        fine = await(fine.onLine("\"SASL\" \"PLAIN\"")).next();
        ClientStep ready = fine.onLine("OK");
        assertThat(ready).isInstanceOf(ClientStep.Ready.class);
        assertThat(((ClientStep.Ready) ready).capabilities().parameters("SASL")).containsExactly("PLAIN");
    }

    @Test
    void aResponseWhenNothingIsOutstandingFails() {
        assertThat(failed(afterGoAhead().onLine("OK \"again\""))).isEqualTo(Failure.Reason.UNEXPECTED_REPLY);
    }

    @Test
    void noopAnswersOkAndResumingSendsNothing() {
        Script s = Script.begin(ManageSieve.server(SieveServerTest.config(TlsPolicy.REQUIRED)));
        assertThat(s.receive("NOOP\r\n").lastSent()).isEqualTo("OK \"NOOP completed\"\r\n");
        Script resumed = Script.begin(ManageSieve.serverResuming(SieveServerTest.config(TlsPolicy.OPPORTUNISTIC)));
        assertThat(resumed.sent()).isEmpty();
        assertThat(resumed.receive("STARTTLS\r\n").lastSent()).startsWith("OK ");
        assertThat(resumed.negotiation().state()).isEqualTo("Handshaking");
    }
}
