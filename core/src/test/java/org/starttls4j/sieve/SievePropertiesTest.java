package org.starttls4j.sieve;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.function.Supplier;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.starttls4j.Event;
import org.starttls4j.Limits;
import org.starttls4j.Negotiation;
import org.starttls4j.TlsPolicy;
import org.starttls4j.testing.Dialect;

/** Any split gives the same outcome, no input throws, and the bounds hold, for both ManageSieve roles. */
class SievePropertiesTest {

    private static final String GREETING = SieveClientTest.GREETING;

    private record Case(Supplier<Negotiation> negotiation, List<String> turns) {
    }

    private static Case client(TlsPolicy policy, Limits limits, String... turns) {
        return new Case(() -> ManageSieve.client(Dialect.clientBuilder(policy).limits(limits).build()), List.of(turns));
    }

    private static Case server(TlsPolicy policy, String... turns) {
        return new Case(() -> ManageSieve.server(SieveServerTest.config(policy)), List.of(turns));
    }

    private static final List<Case> CASES = List.of(
            client(TlsPolicy.REQUIRED, Limits.DEFAULT, GREETING, "OK \"go\"\r\n"),
            client(TlsPolicy.REQUIRED, Limits.DEFAULT, SieveClientTest.GREETING_WITHOUT_STARTTLS),
            client(TlsPolicy.OPPORTUNISTIC, Limits.DEFAULT, GREETING, "NO {11}\r\nOK\r\n\"x\" \"y\"\r\n"),
            client(TlsPolicy.REQUIRED, Dialect.SMALL, "\"A\"\r\n\"B\"\r\n\"C\"\r\n\"D\"\r\nOK\r\n"),
            client(TlsPolicy.PLAINTEXT_ONLY, Limits.DEFAULT, GREETING),
            server(TlsPolicy.REQUIRED, "CAPABILITY\r\n", "AUTHENTICATE \"PLAIN\" {4+}\r\nabcd\r\n", "NOOP \"x\"\r\n", "STARTTLS\r\n"),
            server(TlsPolicy.OPPORTUNISTIC, "CAPABILITY\r\n", "LISTSCRIPTS\r\n"),
            server(TlsPolicy.PLAINTEXT_ONLY, "STARTTLS\r\n", "capability\r\n", "LOGOUT\r\n"));

    @Property(tries = 300)
    void anySplitGivesTheSameOutcome(@ForAll @IntRange(min = 0, max = 7) int which,
                                     @ForAll @Size(min = 1, max = 12) List<@IntRange(min = 1, max = 9) Integer> cuts) {
        Case c = CASES.get(which);
        Dialect.Run whole = Dialect.run(c.negotiation().get(), c.turns(), List.of());
        assertThat(Dialect.run(c.negotiation().get(), c.turns(), cuts)).isEqualTo(whole);
        assertThat(whole.finished() || whole.tlsBegan()).as("each case ends or reaches the handshake").isTrue();
    }

    private static final List<String> TOKENS = List.of("OK", "NO", "BYE", " ", "\"", "\"STARTTLS\"", "\"SASL\" \"PLAIN\"", "{3}",
            "{2+}", "(TAG \"x\")", "\r\n", "\r\n", "\r", "\n", "STARTTLS", "CAPABILITY", "AUTHENTICATE \"PLAIN\"", "LOGOUT",
            "PUTSCRIPT \"a\"", "\0", "\u0016\u0003\u0001", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");

    @Provide
    Arbitrary<byte[]> wire() {
        Arbitrary<byte[]> token = Arbitraries.of(TOKENS).map(Dialect::bytes);
        Arbitrary<byte[]> noise = Arbitraries.bytes().array(byte[].class).ofMaxSize(8);
        Arbitrary<String> prefix = Arbitraries.of("", GREETING, "\"STARTTLS\"\r\n", "CAPABILITY\r\n");
        return Arbitraries.frequencyOf(Tuple.of(4, token), Tuple.of(1, noise)).list().ofMaxSize(60).flatMap(parts -> prefix.map(p -> {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            all.writeBytes(Dialect.bytes(p));
            parts.forEach(all::writeBytes);
            return all.toByteArray();
        }));
    }

    @Provide
    Arbitrary<TlsPolicy> policy() {
        return Arbitraries.of(TlsPolicy.PLAINTEXT_ONLY, TlsPolicy.OPPORTUNISTIC, TlsPolicy.REQUIRED);
    }

    @Property(tries = 300)
    void noInputMakesEitherRoleThrowAndEachEndsOnce(@ForAll("wire") byte[] input, @ForAll("policy") TlsPolicy policy,
                                                    @ForAll @Size(min = 1, max = 8) List<@IntRange(min = 1, max = 64) Integer> cuts) {
        assertThat(Dialect.endings(Dialect.feedToTheEnd(ManageSieve.client(Dialect.clientBuilder(policy).build()), input, cuts))).isEqualTo(1);
        List<Event> server = Dialect.feedToTheEnd(ManageSieve.server(SieveServerTest.config(policy)), input, cuts);
        assertThat(Dialect.endings(server)).isEqualTo(1);
        if (policy == TlsPolicy.REQUIRED) {
            assertThat(server).doesNotHaveAnyElementsOfTypes(Event.HandedOverInPlaintext.class);
        }
    }

    @Property(tries = 300)
    void theBoundsHoldForAnyInput(@ForAll("wire") byte[] input, @ForAll("policy") TlsPolicy policy,
                                  @ForAll @Size(min = 1, max = 8) List<@IntRange(min = 1, max = 64) Integer> cuts) {
        Dialect.checkBounds(ManageSieve.client(Dialect.clientBuilder(policy).limits(Dialect.SMALL).build()), input, cuts);
        Dialect.checkBounds(ManageSieve.server(Dialect.serverBuilder(policy, Dialect.caps("X"), Dialect.caps("X")).limits(Dialect.SMALL).build()),
                input, cuts);
    }
}
