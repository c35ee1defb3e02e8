package org.starttls4j.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.starttls4j.Failure;
import org.starttls4j.Limits;
import org.starttls4j.ServerConfig;
import org.starttls4j.text.Received;

/** IMAP responses at the bounds of their grammar and of the limits: exactly at a bound, one past it. */
class ImapResponseBoundsTest {

    private static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static ImapResponse ok(String line) {
        ImapResponse.Parsed parsed = ImapResponse.parse(line);
        assertThat(parsed).as(line).isInstanceOf(ImapResponse.Ok.class);
        return ((ImapResponse.Ok) parsed).response();
    }

    @Property(tries = 100)
    void messageDataLeadsWithANumberOfAnyDigits(@ForAll @IntRange(max = 999_999) int number,
            @ForAll("dataKeywords") String keyword) {
        ImapResponse r = ok("* " + number + " " + keyword + " (FLAGS (\\Seen))");
        assertThat(r.kind()).isEqualTo(ImapResponse.Kind.UNTAGGED_DATA);
        assertThat(r.keyword()).isEqualTo(keyword.toUpperCase(java.util.Locale.ROOT));
        assertThat(r.text()).isEqualTo("(FLAGS (\\Seen))");
    }

    @Provide
    Arbitrary<String> dataKeywords() {
        return Arbitraries.of("FETCH", "fetch", "Exists", "EXPUNGE", "RECENT");
    }

    @Test
    void theDigitsZeroAndNineAreDigitsAndAKeywordAloneHasNoText() {
        assertThat(ok("* 0 EXISTS").keyword()).isEqualTo("EXISTS");
        assertThat(ok("* 9 EXISTS").keyword()).isEqualTo("EXISTS");
        assertThat(ok("* 9 EXISTS").text()).isEmpty();
        assertThat(ok("* 90 RECENT").keyword()).isEqualTo("RECENT");
    }

    @Property(tries = 100)
    void theStatusWordIsReadInAnyCaseAndTheCodeIsSplitFromTheText(@ForAll("statusWords") String word,
            @ForAll("texts") String text) {
        ImapResponse r = ok("* " + word + " [ALERT] " + text);
        assertThat(r.keyword()).isEqualTo(word.toUpperCase(java.util.Locale.ROOT));
        assertThat(r.codeArgument("ALERT")).contains("");
        assertThat(r.text()).isEqualTo(text);
    }

    @Property(tries = 100)
    void aTaggedStatusMayCarryACodeWithoutASpaceAfterIt(@ForAll("taggedWords") String word, @ForAll("texts") String text) {
        ImapResponse tagged = ok("a1 " + word + " [READ-WRITE]" + text);
        assertThat(tagged.kind()).isEqualTo(ImapResponse.Kind.TAGGED);
        assertThat(tagged.code().orElseThrow().name()).isEqualTo("READ-WRITE");
        assertThat(tagged.text()).isEqualTo(text);
    }

    @Provide
    Arbitrary<String> taggedWords() {
        return Arbitraries.of("OK", "ok", "Ok", "NO", "no", "BAD", "Bad");
    }

    @Provide
    Arbitrary<String> statusWords() {
        return Arbitraries.of("OK", "ok", "No", "BAD", "bad", "BYE", "bye", "PREAUTH", "Preauth");
    }

    @Provide
    Arbitrary<String> texts() {
        return Arbitraries.strings().withCharRange('!', '~').ofMinLength(1).ofMaxLength(20)
                .filter(t -> !t.startsWith("[") && !t.startsWith(" "));
    }

    @Test
    void aResponseCodeWithArgumentsKeepsThemApartFromTheText() {
        ImapResponse r = ok("A7 OK [CAPABILITY IMAP4rev1 STARTTLS] Logged in");
        assertThat(r.codeArgument("CAPABILITY")).contains("IMAP4rev1 STARTTLS");
        assertThat(r.text()).isEqualTo("Logged in");
    }

    @Test
    void aResponseCodeThatIsNotAnAtomIsMalformed() {
        assertThat(ImapResponse.parse("* OK [(ALERT] hi")).isInstanceOf(ImapResponse.Malformed.class);
        assertThat(ImapResponse.parse("a1 OK [ALERT hi")).isInstanceOf(ImapResponse.Malformed.class);
    }

    @Test
    void aContinuationRequestKeepsItsText() {
        assertThat(ok("+").text()).isEmpty();
        assertThat(ok("+ ").text()).isEmpty();
        assertThat(ok("+ Ready for literal data").text()).isEqualTo("Ready for literal data");
        assertThat(ok("+ x").kind()).isEqualTo(ImapResponse.Kind.CONTINUATION);
    }

    @Test
    void anAtomCharIsPrintableAsciiButSpaceDelAndTheAtomSpecials() {
        assertThat(ImapSyntax.isAtomChar('!')).isTrue();
        assertThat(ImapSyntax.isAtomChar('~')).isTrue();
        assertThat(ImapSyntax.isAtomChar(' ')).isFalse();
        assertThat(ImapSyntax.isAtomChar('\u007f')).isFalse();
        for (char special : "(){%*\"\\]".toCharArray()) {
            assertThat(ImapSyntax.isAtomChar(special)).as("%s", special).isFalse();
        }
    }

    @Test
    void theLinesOfAResponseMayReachTheLimitButNotPassIt() {
        String wire = "* 1 FETCH (BODY {3}\r\nabc FLAGS {0}\r\n)\r\n";
        Received<ImapResponse> atLimit = ImapResponseParser.create(Limits.DEFAULT.withMaxLinesPerReply(3)).next(bytes(wire));
        ImapResponse r = atLimit.response().orElseThrow();
        assertThat(r.lines()).containsExactly("* 1 FETCH (BODY {3}", " FLAGS {0}", ")");
        assertThat(r.literals()).containsExactly("abc", "");

        Received<ImapResponse> past = ImapResponseParser.create(Limits.DEFAULT.withMaxLinesPerReply(2)).next(bytes(wire));
        assertThat(past.failed()).map(Failure::reason).contains(Failure.Reason.REPLY_TOO_LONG);
    }

    @Test
    void aLiteralMayBeAsLargeAsTheLimitButNotLarger() {
        String wire = "* 1 FETCH (BODY {4}\r\nabcd)\r\n";
        assertThat(ImapResponseParser.create(Limits.DEFAULT.withMaxLiteralSize(4)).next(bytes(wire))
                .response().orElseThrow().literals()).containsExactly("abcd");
        assertThat(ImapResponseParser.create(Limits.DEFAULT.withMaxLiteralSize(3)).next(bytes(wire)).failed())
                .map(Failure::reason).contains(Failure.Reason.REPLY_TOO_LONG);
    }

    @Test
    void aMalformedFirstLineFailsTheParserForGood() {
        ImapResponseParser parser = ImapResponseParser.create(Limits.DEFAULT);
        assertThat(parser.next(bytes("garbage\r\n")).failed()).map(Failure::reason).contains(Failure.Reason.MALFORMED_REPLY);
        assertThat(parser.next(bytes("* OK fine\r\n")).failed()).map(Failure::reason).contains(Failure.Reason.MALFORMED_REPLY);
    }

    @Test
    void aLineTooLongFailsTheParserForGood() {
        ImapResponseParser parser = ImapResponseParser.create(Limits.DEFAULT.withMaxLineLength(16));
        assertThat(parser.next(bytes("* OK 12345678901234\r\n")).failed()).map(Failure::reason).contains(Failure.Reason.LINE_TOO_LONG);
        assertThat(parser.next(bytes("* OK\r\n")).failed()).map(Failure::reason).contains(Failure.Reason.LINE_TOO_LONG);
    }

    @Test
    void theApplicationsAnswersAfterTlsRefuseSomethingThatIsNotATag() {
        ServerConfig config = ServerConfig.builder().policy(org.starttls4j.TlsPolicy.REQUIRED).hostname(Wire.HOST).build();
        assertThat(Imap.capabilityResponseAfterTls(config, "a9")).endsWith("a9 OK CAPABILITY completed\r\n");
        assertThat(Imap.startTlsAfterTlsResponse("a9")).isEqualTo("a9 BAD TLS is already active\r\n");
        for (String notATag : List.of("", "a b", "a+", "*")) {
            assertThatThrownBy(() -> Imap.capabilityResponseAfterTls(config, notATag))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> Imap.startTlsAfterTlsResponse(notATag)).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
