package org.starttls4j.testing;

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

/**
 * The jqwik properties every dialect must have, written once: any split of a conversation gives
 * the same outcome, no input makes either role throw (and each ends exactly once, a required
 * server never in plaintext), and the bounds hold for arbitrary garbage. A dialect's test extends
 * this and supplies its entry points, its conversations and the tokens its garbage is made of.
 */
public abstract class DialectProperties {

    /**
     * A conversation seen from one side: the peer's turns, each sent only after the peer read our
     * last output.
     *
     * @param negotiation a fresh negotiation each time
     * @param turns       the peer's turns
     */
    public record Case(Supplier<Negotiation> negotiation, List<String> turns) {
    }

    /** A client negotiation under {@code policy} and {@code limits}. */
    protected abstract Negotiation client(TlsPolicy policy, Limits limits);

    /** A server negotiation under {@code policy} and {@code limits}. */
    protected abstract Negotiation server(TlsPolicy policy, Limits limits);

    /** Conversations covering every way a negotiation ends; at most 10 are used. */
    protected abstract List<Case> cases();

    /** What arbitrary input is made of: protocol words, line ends, stray CR/LF/NUL. */
    protected abstract List<String> tokens();

    /** Prefixes that bring a negotiation into its later states before the garbage. */
    protected abstract List<String> prefixes();

    @Property(tries = 300)
    void anySplitGivesTheSameOutcome(@ForAll @IntRange(min = 0, max = 9) int which,
                                     @ForAll @Size(min = 1, max = 12) List<@IntRange(min = 1, max = 9) Integer> cuts) {
        Case c = cases().get(which % cases().size());
        Dialect.Run whole = Dialect.run(c.negotiation().get(), c.turns(), List.of());
        assertThat(Dialect.run(c.negotiation().get(), c.turns(), cuts)).isEqualTo(whole);
        assertThat(whole.finished() || whole.tlsBegan()).as("each case ends or reaches the handshake").isTrue();
    }

    @Provide
    Arbitrary<byte[]> wire() {
        Arbitrary<byte[]> token = Arbitraries.of(tokens()).map(Dialect::bytes);
        Arbitrary<byte[]> noise = Arbitraries.bytes().array(byte[].class).ofMaxSize(8);
        Arbitrary<String> prefix = Arbitraries.of(prefixes());
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
        assertThat(Dialect.endings(Dialect.feedToTheEnd(client(policy, Limits.DEFAULT), input, cuts))).isEqualTo(1);
        List<Event> server = Dialect.feedToTheEnd(server(policy, Limits.DEFAULT), input, cuts);
        assertThat(Dialect.endings(server)).isEqualTo(1);
        if (policy == TlsPolicy.REQUIRED) {
            assertThat(server).doesNotHaveAnyElementsOfTypes(Event.HandedOverInPlaintext.class);
        }
    }

    @Property(tries = 300)
    void theBoundsHoldForAnyInput(@ForAll("wire") byte[] input, @ForAll("policy") TlsPolicy policy,
                                  @ForAll @Size(min = 1, max = 8) List<@IntRange(min = 1, max = 64) Integer> cuts) {
        Dialect.checkBounds(client(policy, Dialect.SMALL), input, cuts);
        Dialect.checkBounds(server(policy, Dialect.SMALL), input, cuts);
    }
}
