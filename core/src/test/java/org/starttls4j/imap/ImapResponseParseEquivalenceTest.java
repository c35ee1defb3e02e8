package org.starttls4j.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link ImapResponse#parse} reads by positions in the line instead of cutting it up; on every line
 * it must agree with the parser it replaced, kept here as the reference.
 */
class ImapResponseParseEquivalenceTest {

    @Property(tries = 3000)
    void positionsGiveWhatCuttingGave(@ForAll("lines") String line) {
        assertThat(ImapResponse.parse(line)).as(line).isEqualTo(parse(line));
    }

    @Property(tries = 1000)
    void anyLineAtAll(@ForAll String line) {
        assertThat(ImapResponse.parse(line)).as(line).isEqualTo(parse(line));
    }

    @Provide
    Arbitrary<String> lines() {
        // A tag, a condition or keyword, then anything: lines shaped like responses, and garbage.
        Arbitrary<String> tag = Arbitraries.of("*", "+", "A1", "a.2", "", "x", "+OK", "*x", "A+");
        Arbitrary<String> keyword = Arbitraries.of("ok", "OK", "No", "BAD", "bye", "PREAUTH", "preauth", "CAPABILITY", "capability",
                "23", "0", "EXISTS", "[", "", "%", "é");
        Arbitrary<String> token = Arbitraries.of("[", "]", "[CAPABILITY", "[capability", "[ALERT]", "[]", "[ ]", "CAPABILITY",
                "Capability]", "IMAP4rev1", "STARTTLS", "23", "EXISTS", "(", "{5}", "x", "", "é", "%", "]]", "ok");
        Arbitrary<String> separator = Arbitraries.of(" ", " ", " ", "", "  ");
        Arbitrary<List<String>> rest = token.list().ofMaxSize(6);
        return net.jqwik.api.Combinators.combine(tag, separator, keyword, separator, rest, separator.list().ofSize(6))
                .as((t, s1, k, s2, words, spaces) -> {
                    StringBuilder line = new StringBuilder(t).append(s1).append(k);
                    for (int i = 0; i < words.size(); i++) {
                        line.append(i == 0 ? s2 : spaces.get(i)).append(words.get(i));
                    }
                    return line.toString();
                });
    }

    @org.junit.jupiter.api.Test
    void codesAtTheEdgesOfTheLine() {
        for (String line : List.of("* OK [ALERT]", "* OK [ALERT] ", "* OK [ALERT]  two", "A1 NO [ALERT]x", "* BYE [", "* OK []",
                "* OK [ ]", "* OK [CAPABILITY]", "* OK [CAPABILITY ]", "* OK [A B] c ] d", "A1 OK", "A1 OK ", "* 23", "* 23 ")) {
            assertThat(ImapResponse.parse(line)).as(line).isEqualTo(parse(line));
        }
        assertThat(((ImapResponse.Ok) ImapResponse.parse("* OK [ALERT]")).response().text()).isEmpty();
        assertThat(((ImapResponse.Ok) ImapResponse.parse("* OK [ALERT]  two")).response().text()).isEqualTo(" two");
    }

    @org.junit.jupiter.api.Test
    void theWordsANegotiationReadsAreTheSameStringsEachTime() {
        ImapResponse a = ((ImapResponse.Ok) ImapResponse.parse("* ok [capability IMAP4rev1] hi")).response();
        ImapResponse b = ((ImapResponse.Ok) ImapResponse.parse("* OK [CAPABILITY STARTTLS] there")).response();
        ImapResponse c = ((ImapResponse.Ok) ImapResponse.parse("* Capability IMAP4rev1")).response();
        ImapResponse d = ((ImapResponse.Ok) ImapResponse.parse("* CAPABILITY STARTTLS")).response();

        assertThat(a.keyword()).isSameAs(b.keyword()).isEqualTo("OK");
        assertThat(a.tag()).isSameAs(b.tag()).isEqualTo("*");
        assertThat(a.code().orElseThrow().name()).isSameAs(b.code().orElseThrow().name()).isEqualTo("CAPABILITY");
        assertThat(c.keyword()).isSameAs(d.keyword()).isEqualTo("CAPABILITY");
        assertThat(a.text()).isEqualTo("hi");
        assertThat(a.code().orElseThrow().argument()).isEqualTo("IMAP4rev1");
    }

    /** The parser as it was before it read by positions: the reference the new one must agree with. */
    static ImapResponse.Parsed parse(String line) {
        if (line.equals("+") || line.startsWith("+ ")) {
            return new ImapResponse.Ok(new ImapResponse(ImapResponse.Kind.CONTINUATION, "+", "", Optional.empty(),
                    line.equals("+") ? "" : line.substring(2), line));
        }
        int space = line.indexOf(' ');
        if (space <= 0) {
            return new ImapResponse.Malformed("a response needs a tag or '*', a space, and more");
        }
        String tag = line.substring(0, space);
        String rest = line.substring(space + 1);
        boolean untagged = tag.equals("*");
        if (!untagged && !ImapSyntax.isTag(tag)) {
            return new ImapResponse.Malformed("not a tag, '*' or '+'");
        }
        int wordEnd = rest.indexOf(' ');
        String word = wordEnd < 0 ? rest : rest.substring(0, wordEnd);
        String afterWord = wordEnd < 0 ? "" : rest.substring(wordEnd + 1);
        String upper = word.toUpperCase(Locale.ROOT);
        boolean state = upper.equals("OK") || upper.equals("NO") || upper.equals("BAD");
        boolean status = state || upper.equals("BYE") || upper.equals("PREAUTH");
        if (!untagged) {
            if (!state) {
                return new ImapResponse.Malformed("a tagged response must be OK, NO or BAD");
            }
            return status(ImapResponse.Kind.TAGGED, tag, upper, afterWord, line);
        }
        if (status) {
            return status(ImapResponse.Kind.UNTAGGED_STATUS, tag, upper, afterWord, line);
        }
        if (!word.isEmpty() && word.chars().allMatch(c -> c >= '0' && c <= '9')) {
            // message-data and mailbox-data with a number first: "* 23 EXISTS", "* 1 FETCH (…)".
            int keywordEnd = afterWord.indexOf(' ');
            word = keywordEnd < 0 ? afterWord : afterWord.substring(0, keywordEnd);
            afterWord = keywordEnd < 0 ? "" : afterWord.substring(keywordEnd + 1);
        }
        if (!ImapSyntax.isAtom(word)) {
            return new ImapResponse.Malformed("untagged data without a keyword");
        }
        return new ImapResponse.Ok(new ImapResponse(ImapResponse.Kind.UNTAGGED_DATA, tag, word.toUpperCase(Locale.ROOT), Optional.empty(), afterWord, line));
    }

    /** {@code resp-text = ["[" resp-text-code "]" SP] [text]}, leniently allowing no SP after the code. */
    private static ImapResponse.Parsed status(ImapResponse.Kind kind, String tag, String condition, String respText, String line) {
        if (!respText.startsWith("[")) {
            return new ImapResponse.Ok(new ImapResponse(kind, tag, condition, Optional.empty(), respText, line));
        }
        int close = respText.indexOf(']');
        if (close < 0) {
            return new ImapResponse.Malformed("a response code without ']'");
        }
        String inside = respText.substring(1, close);
        int space = inside.indexOf(' ');
        String name = space < 0 ? inside : inside.substring(0, space);
        if (!ImapSyntax.isAtom(name)) {
            return new ImapResponse.Malformed("a response code that is not an atom");
        }
        String argument = space < 0 ? "" : inside.substring(space + 1);
        String text = respText.substring(close + 1);
        text = text.startsWith(" ") ? text.substring(1) : text;
        return new ImapResponse.Ok(new ImapResponse(kind, tag, condition, Optional.of(new ImapResponse.Code(name.toUpperCase(Locale.ROOT), argument)), text, line));
    }
}
