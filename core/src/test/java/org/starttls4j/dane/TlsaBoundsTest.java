package org.starttls4j.dane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.starttls4j.CertificateProblem;
import org.starttls4j.Failure;
import org.starttls4j.text.Parsed;

/**
 * {@link Tlsa}'s bounds at their exact edges (each field one octet, the data at most what an RDATA
 * of 65535 bytes can carry, in either form), its identity, and {@link DaneCheck}'s answer for a
 * server that sent no certificate.
 */
class TlsaBoundsTest {

    static final byte[] DIGEST = new byte[32];

    static Optional<Tlsa> value(Parsed<Tlsa, TlsaProblem> parsed) {
        return parsed instanceof Parsed.Valid<Tlsa, TlsaProblem> valid ? Optional.of(valid.value()) : Optional.empty();
    }

    static Optional<TlsaProblem> problem(Parsed<Tlsa, TlsaProblem> parsed) {
        return parsed instanceof Parsed.Invalid<Tlsa, TlsaProblem> invalid ? Optional.of(invalid.problem()) : Optional.empty();
    }

    @Test
    void eachFieldOnItsOwnMustBeOneOctet() {
        assertThat(new Tlsa(255, 255, 255, DIGEST).usage()).isEqualTo(255);
        assertThatThrownBy(() -> new Tlsa(256, 1, 1, DIGEST)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Tlsa(3, 256, 1, DIGEST)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Tlsa(3, 1, 256, DIGEST)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Tlsa(-1, 1, 1, DIGEST)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theDataFillsAtMostTheRdataLessItsThreeFields() {
        assertThat(new Tlsa(3, 1, 0, new byte[Tlsa.MAX_RDATA - 3]).data()).hasSize(Tlsa.MAX_RDATA - 3);
        assertThatThrownBy(() -> new Tlsa(3, 1, 0, new byte[Tlsa.MAX_RDATA - 2])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Tlsa(3, 1, 0, new byte[0])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anRdataOfExactly65535BytesParsesAndOneMoreDoesNot() {
        byte[] largest = new byte[Tlsa.MAX_RDATA];
        largest[0] = 3;
        largest[1] = 1;

        assertThat(value(Tlsa.parseRdata(largest))).hasValueSatisfying(t -> assertThat(t.data()).hasSize(Tlsa.MAX_RDATA - 3));
        assertThat(problem(Tlsa.parseRdata(new byte[Tlsa.MAX_RDATA + 1]))).contains(TlsaProblem.TOO_LONG);
    }

    @Test
    void thePresentationFormCarriesTheLargestDataAndNoMore() {
        String largest = "3 1 0 " + "AB".repeat(Tlsa.MAX_RDATA - 3);

        assertThat(value(Tlsa.parsePresentation(largest))).hasValueSatisfying(t -> assertThat(t.data()).hasSize(Tlsa.MAX_RDATA - 3));
        assertThat(problem(Tlsa.parsePresentation(largest + "AB"))).contains(TlsaProblem.TOO_LONG);
    }

    @Test
    void thePresentationsWhiteSpaceCountsTowardsItsBoundUpToTheLastCharacter() {
        int bound = 2 * Tlsa.MAX_RDATA + 64;
        String record = "3 1 1 " + "AB".repeat(32);
        String padded = record + " ".repeat(bound - record.length());

        assertThat(value(Tlsa.parsePresentation(padded))).as("exactly at the bound").hasValueSatisfying(t ->
                assertThat(t.data()).hasSize(32));
        assertThat(problem(Tlsa.parsePresentation(padded + " "))).contains(TlsaProblem.TOO_LONG);
    }

    @Test
    void aGenericFormOfTheWrongLengthSaysHowLongItsDataIs() {
        Parsed<Tlsa, TlsaProblem> parsed = Tlsa.parsePresentation("\\# 5 030101AB");

        assertThat(problem(parsed)).contains(TlsaProblem.LENGTH_MISMATCH);
        assertThat(((Parsed.Invalid<Tlsa, TlsaProblem>) parsed).detail()).endsWith("announces 5 octets of RDATA, the data has 4");
    }

    @Test
    void hexadecimalDataIsAsciiOnly() {
        assertThat(problem(Tlsa.parsePresentation("3 1 1 AB\uff10\uff11"))).as("full-width digits").contains(TlsaProblem.BAD_HEX);
        assertThat(problem(Tlsa.parsePresentation("\\# 4 030101\u0661\u0662"))).as("Arabic-Indic digits").contains(TlsaProblem.BAD_HEX);
        assertThat(value(Tlsa.parsePresentation("\\# 4 030101aB"))).contains(new Tlsa(3, 1, 1, new byte[] {(byte) 0xab}));
    }

    @Test
    void decimalFieldsTakeEveryDigitFromZeroToNine() {
        assertThat(value(Tlsa.parsePresentation("2 0 0 AB"))).contains(new Tlsa(2, 0, 0, new byte[] {(byte) 0xab}));
        assertThat(value(Tlsa.parsePresentation("199 9 9 AB"))).contains(new Tlsa(199, 9, 9, new byte[] {(byte) 0xab}));
        assertThat(problem(Tlsa.parsePresentation("3 1 / AB"))).contains(TlsaProblem.SYNTAX);
        assertThat(problem(Tlsa.parsePresentation("3 1 : AB"))).contains(TlsaProblem.SYNTAX);
    }

    @Test
    void recordsAreEqualOnlyWhenEveryFieldAndTheDataAre() {
        Tlsa record = new Tlsa(3, 1, 1, DIGEST);
        byte[] other = DIGEST.clone();
        other[31] = 1;

        assertThat(record).isEqualTo(new Tlsa(3, 1, 1, DIGEST.clone())).hasSameHashCodeAs(new Tlsa(3, 1, 1, DIGEST.clone()));
        assertThat(record).isNotEqualTo(new Tlsa(2, 1, 1, DIGEST)).isNotEqualTo(new Tlsa(3, 0, 1, DIGEST))
                .isNotEqualTo(new Tlsa(3, 1, 2, DIGEST)).isNotEqualTo(new Tlsa(3, 1, 1, other)).isNotEqualTo("3 1 1");
        // Records differing in one small field land in different hash buckets.
        assertThat(record.hashCode()).isNotEqualTo(new Tlsa(2, 1, 1, DIGEST).hashCode())
                .isNotEqualTo(new Tlsa(3, 0, 1, DIGEST).hashCode()).isNotEqualTo(new Tlsa(3, 1, 0, DIGEST).hashCode())
                .isNotEqualTo(new Tlsa(3, 1, 1, other).hashCode());
    }

    @Test
    void toStringShowsTheWholePresentationUpTo90Characters() {
        Tlsa exactly90 = new Tlsa(3, 1, 1, new byte[42]);
        Tlsa longer = new Tlsa(3, 1, 1, new byte[43]);

        assertThat(exactly90.toPresentation()).hasSize(90);
        assertThat(exactly90.toString()).isEqualTo("TLSA " + exactly90.toPresentation());
        assertThat(longer.toString()).isEqualTo("TLSA " + longer.toPresentation().substring(0, 90) + "…");
    }

    @Test
    void theAppliedPolicyListsEveryRecordInPresentationForm() {
        Tlsa record = new Tlsa(3, 1, 1, DIGEST);

        assertThat(Tlsa.applied("example.test", "mx.example.test", List.of(record)).policyString())
                .containsExactly("3 1 1 " + HexFormat.of().formatHex(DIGEST).toUpperCase());
    }

    @Test
    void aDaneCheckOfAnEmptyChainIsAMismatchWithoutASubject() {
        DaneCheck check = new DaneCheck(List.of(new Tlsa(3, 1, 1, DIGEST)), Set.of("mx.example.test"));

        Failure failure = check.check(List.of(), Instant.now()).orElseThrow();

        assertThat(failure.certificateProblem()).contains(CertificateProblem.DANE_MISMATCH);
        assertThat(failure.certificateSubject()).isEmpty();
    }
}
