package org.starttls4j.dane;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class TlsaTest {

    @Test
    void theRfc6698ExamplesParse() {
        // RFC 6698 §2.3: a hashed CA certificate, and a hashed SubjectPublicKeyInfo, split by white space
        Tlsa ca = Tlsa.parsePresentation("0 0 1 d2abde240d7cd3ee6b4b28c54df034b9\n 7983a1d16e8a410e4561cb106618e971")
                .valid().orElseThrow();
        assertThat(ca.usage()).isZero();
        assertThat(ca.data()).hasSize(32);
        assertThat(ca.unusable()).contains(Unusable.PKIX_USAGE); // RFC 7672 §3.1.3: no PKIX usages for SMTP
        Tlsa spki = Tlsa.parsePresentation("1 1 2 92003ba34942dc74152e2f2c408d29ec a5a520e7f2e06bb944f4dca346baf63c"
                + " 1b177615d466f6c4b71c216a50292bd5 8c9ebdd2f74e38fe51ffd48c43326cbc").valid().orElseThrow();
        assertThat(spki.matchingType()).isEqualTo(Tlsa.SHA2_512);
        assertThat(spki.data()).hasSize(64);
        assertThat(spki.unusable()).contains(Unusable.PKIX_USAGE);
    }

    @Test
    void daneUsagesWithKnownParametersAndRightDigestLengthsAreUsable() {
        String sha256 = "0C72AC70B745AC19998811B131D662C9AC69DBDBE7CB23E5B514B56664C5D3D6";
        assertThat(tlsa("3 1 1 " + sha256).unusable()).isEmpty();
        assertThat(tlsa("2 0 1 " + sha256).unusable()).isEmpty();
        assertThat(tlsa("3 0 0 3082").unusable()).isEmpty();
        assertThat(tlsa("3 1 1 0C72").unusable()).contains(Unusable.BAD_DIGEST_LENGTH);
        assertThat(tlsa("3 1 2 " + sha256).unusable()).contains(Unusable.BAD_DIGEST_LENGTH);
        assertThat(tlsa("4 1 1 " + sha256).unusable()).contains(Unusable.UNKNOWN_USAGE);
        assertThat(tlsa("3 2 1 " + sha256).unusable()).contains(Unusable.UNKNOWN_SELECTOR);
        assertThat(tlsa("3 1 3 " + sha256).unusable()).contains(Unusable.UNKNOWN_MATCHING_TYPE);
    }

    @Test
    void badPresentationIsRejectedWithItsReason() {
        assertThat(Tlsa.parsePresentation("").rejection()).contains(TlsaProblem.SYNTAX);
        assertThat(Tlsa.parsePresentation("3 1").rejection()).contains(TlsaProblem.SYNTAX);
        assertThat(Tlsa.parsePresentation("3 1 1").rejection()).contains(TlsaProblem.NO_DATA);
        assertThat(Tlsa.parsePresentation("3 1 x ab").rejection()).contains(TlsaProblem.SYNTAX);
        assertThat(Tlsa.parsePresentation("3 1 -1 ab").rejection()).contains(TlsaProblem.SYNTAX);
        assertThat(Tlsa.parsePresentation("256 1 1 ab").rejection()).contains(TlsaProblem.FIELD_OUT_OF_RANGE);
        assertThat(Tlsa.parsePresentation("3 1 1 abc").rejection()).contains(TlsaProblem.BAD_HEX);
        assertThat(Tlsa.parsePresentation("3 1 1 zz").rejection()).contains(TlsaProblem.BAD_HEX);
        assertThat(Tlsa.parsePresentation("3 1 1 " + "ab".repeat(70_000)).rejection()).contains(TlsaProblem.TOO_LONG);
    }

    @Test
    void badRdataIsRejectedWithItsReason() {
        assertThat(Tlsa.parseRdata(new byte[] {3, 1}).rejection()).contains(TlsaProblem.TRUNCATED);
        assertThat(Tlsa.parseRdata(new byte[] {3, 1, 1}).rejection()).contains(TlsaProblem.NO_DATA);
        assertThat(Tlsa.parseRdata(new byte[70_000]).rejection()).contains(TlsaProblem.TOO_LONG);
        assertThat(Tlsa.parseRdata(new byte[] {3, 1, 1, (byte) 0xab}).valid()).contains(tlsa("3 1 1 ab"));
    }

    @Test
    void presentationIsUpperCaseHex() {
        assertThat(tlsa("3 1 1 ab cd").toPresentation()).isEqualTo("3 1 1 ABCD");
    }

    @Test
    void theGenericFormOfRfc3597IsRead() {
        // RFC 3597 §5: "\\#", the RDATA length in decimal, the RDATA in hex (split by white space or not)
        assertThat(Tlsa.parsePresentation("\\# 6 030101 ABCDEF").valid()).contains(tlsa("3 1 1 ABCDEF"));
        assertThat(Tlsa.parsePresentation("  \\# 5 02 00 00 01ff\n").valid()).contains(tlsa("2 0 0 01FF"));
        assertThat(tlsa("3 1 1 abcdef").toGeneric()).isEqualTo("\\# 6 030101ABCDEF");
    }

    @Test
    void aBadGenericFormIsRejectedWithItsReason() {
        assertThat(Tlsa.parsePresentation("\\# 7 030101ABCDEF").rejection()).contains(TlsaProblem.LENGTH_MISMATCH);
        assertThat(Tlsa.parsePresentation("\\# 5 030101ABCDEF").rejection()).contains(TlsaProblem.LENGTH_MISMATCH);
        assertThat(Tlsa.parsePresentation("\\# x 030101").rejection()).contains(TlsaProblem.SYNTAX);
        assertThat(Tlsa.parsePresentation("\\#").rejection()).contains(TlsaProblem.SYNTAX);
        assertThat(Tlsa.parsePresentation("\\# 999999 00").rejection()).contains(TlsaProblem.SYNTAX);
        assertThat(Tlsa.parsePresentation("\\# 65535 00").rejection()).as("five digits are a length").contains(TlsaProblem.LENGTH_MISMATCH);
        assertThat(Tlsa.parsePresentation("\\# 3 03010").rejection()).contains(TlsaProblem.BAD_HEX);
        assertThat(Tlsa.parsePresentation("\\# 2 0301").rejection()).contains(TlsaProblem.TRUNCATED);
        assertThat(Tlsa.parsePresentation("\\# 3 030101").rejection()).contains(TlsaProblem.NO_DATA);
        assertThat(Tlsa.parsePresentation("\\# 0").rejection()).contains(TlsaProblem.TRUNCATED);
    }

    @Property
    void theGenericFormRoundTrips(@ForAll("records") Tlsa record) {
        assertThat(Tlsa.parsePresentation(record.toGeneric()).valid()).contains(record);
        assertThat(Tlsa.parsePresentation(record.toGeneric().toLowerCase()).valid()).contains(record);
        assertThat(record.toGeneric()).isEqualTo("\\# " + record.toRdata().length + " " + hex(record.toRdata()).toUpperCase());
    }

    @Property
    void noGenericLookingTextMakesTheParserThrow(@ForAll("genericish") String text) {
        assertThat(Tlsa.parsePresentation(text)).isNotNull();
    }

    @Provide
    Arbitrary<String> genericish() {
        return Arbitraries.strings().withChars("0123456789abcdefABCDEFxyz \t\n").ofMaxLength(60).map(s -> "\\# " + s);
    }

    @Property
    void noTextMakesThePresentationParserThrow(@ForAll String text) {
        assertThat(Tlsa.parsePresentation(text)).isNotNull();
    }

    @Property
    void noBytesMakeTheRdataParserThrow(@ForAll byte[] rdata) {
        assertThat(Tlsa.parseRdata(rdata)).isNotNull();
    }

    @Property
    void bothFormsRoundTrip(@ForAll("records") Tlsa record) {
        assertThat(Tlsa.parsePresentation(record.toPresentation()).valid()).contains(record);
        assertThat(Tlsa.parseRdata(record.toRdata()).valid()).contains(record);
        assertThat(Tlsa.parsePresentation(record.toPresentation().toLowerCase()).valid()).contains(record);
    }

    @Provide
    Arbitrary<Tlsa> records() {
        Arbitrary<Integer> octet = Arbitraries.integers().between(0, 255);
        return Combinators.combine(octet, octet, octet, Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(80))
                .as(Tlsa::new);
    }

    static Tlsa tlsa(String presentation) {
        return Tlsa.parsePresentation(presentation).valid().orElseThrow();
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
