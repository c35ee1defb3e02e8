package org.starttls4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** Capability lines as EHLO and CAPA send them: a keyword and its parameters, split at spaces. */
class CapabilitiesPropertiesTest {

    @Provide
    Arbitrary<String> lines() {
        // Spaces, runs of spaces, tabs and other control characters at either end: what trim() and
        // a split at runs of spaces have to agree on.
        return Arbitraries.strings().withChars("AB= \t\u000b-1").ofMaxLength(24);
    }

    @Property(tries = 500)
    void eachLineIsItsTrimmedWordsSplitAtRunsOfSpaces(@ForAll @Size(max = 6) List<@net.jqwik.api.From("lines") String> lines) {
        Capabilities parsed = Capabilities.fromLines(lines);

        List<Capability> expected = new ArrayList<>();
        for (String line : lines) {
            String[] words = line.trim().split(" +");
            if (!words[0].isEmpty()) {
                expected.add(new Capability(words[0], Arrays.asList(words).subList(1, words.length)));
            }
        }
        assertThat(parsed.list()).isEqualTo(expected);
    }

    /** Keywords the parser knows in advance (made once), beside their other spellings and prefixes. */
    @Provide
    Arbitrary<String> keywordLines() {
        Arbitrary<String> keyword = Arbitraries.of("STARTTLS", "starttls", "STARTTLSX", "START", "SIZE", "AUTH", "Auth", "IDLE", "ID",
                "I", "LITERAL+", "TOP", "STLS", "IMAP4rev1", "IMAP4REV1", "SASL-IR", "UTF8", "8BITMIME");
        Arbitrary<String> parameters = Arbitraries.of("", " 35882577", "  PLAIN LOGIN ", " =", "\t");
        return Combinators.combine(Arbitraries.of("", " ", "  "), keyword, parameters).as((lead, k, p) -> lead + k + p);
    }

    @Property(tries = 300)
    void aWellKnownKeywordIsParsedAsAnyOther(@ForAll @Size(max = 6) List<@net.jqwik.api.From("keywordLines") String> lines) {
        eachLineIsItsTrimmedWordsSplitAtRunsOfSpaces(lines);
        // and the same keyword twice is equal, whether or not it is the same object
        assertThat(Capabilities.fromLines(lines)).isEqualTo(Capabilities.fromLines(new ArrayList<>(lines)));
    }

    @Property(tries = 500)
    void skippingACodeGivesWhatCuttingItOffWouldHaveGiven(@ForAll @Size(max = 6) List<@net.jqwik.api.From("lines") String> lines,
                                                         @ForAll("prefixes") String prefix) {
        // EHLO lines are parsed as they arrived, "250-" and all, with a skip of four.
        List<String> withCodes = new ArrayList<>();
        for (String line : lines) {
            withCodes.add(prefix + line);
        }
        List<String> cut = new ArrayList<>();
        for (String line : withCodes) {
            cut.add(line.length() > 4 ? line.substring(4) : "");
        }
        assertThat(Capabilities.fromLines(withCodes, 4)).isEqualTo(Capabilities.fromLines(cut));
    }

    @Provide
    Arbitrary<String> prefixes() {
        return Arbitraries.of("250-", "250 ", "250", "", "25", "250-  ");
    }

    @Test
    void keywordsAreFoundWithoutRegardToAsciiCase() {
        Capabilities c = Capabilities.fromLines(List.of("  SIZE   35882577 ", "", "auth PLAIN LOGIN", "STARTTLS"));

        assertThat(c.list()).hasSize(3);
        assertThat(c.parameters("size")).containsExactly("35882577");
        assertThat(c.find("AUTH")).get().extracting(Capability::name).isEqualTo("auth");
        assertThat(c.parameters("Auth")).containsExactly("PLAIN", "LOGIN");
        assertThat(c.has("starttls")).isTrue();
        assertThat(c.has("STARTTLSX")).isFalse();
        assertThat(c.parameters("PIPELINING")).isEmpty();
    }
}
