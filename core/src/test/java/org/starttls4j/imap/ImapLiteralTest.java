package org.starttls4j.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.starttls4j.imap.Wire.client;
import static org.starttls4j.imap.Wire.imapClient;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.starttls4j.Failure;
import org.starttls4j.Limits;
import org.starttls4j.TlsPolicy;
import org.starttls4j.text.Literal;

/**
 * Literals in responses: counted across the CRLF-framed lines the driver hands over, never read
 * as responses, bounded in size and in the lines one response may span.
 */
class ImapLiteralTest {

    private static final String GREETING = "* OK ready\r\n";

    private static Wire awaitingCapabilities(Limits limits) {
        Wire w = imapClient(client(TlsPolicy.REQUIRED).toBuilder().limits(limits).build());
        w.feed(GREETING);
        return w;
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "'-1'         | abc",
        "'-1'         | abc}",
        "'-1'         | {}",
        "'-1'         | {+}",
        "'-1'         | {1a}",
        "'-1'         | {12} x",
        "0            | x {0}",
        "12           | * 1 FETCH (BODY[] {12}",
        "12           | x {12+}",
        "12           | x {12-}",
        "12           | x ~{12}",
        "7            | {0007}",
        "9223372036854775807 | x {1234567890123456789012}",
    })
    void announcedSizes(long size, String line) {
        assertThat(Literal.announcedBy(line)).isEqualTo(size);
    }

    @Test
    void countingALiteralAcrossLines() {
        Literal literal = new Literal(10); // "abc\r\n" (5) + "de" then the response goes on
        Literal.Advance first = literal.advance("abc");
        assertThat(first).isEqualTo(new Literal.Inside(new Literal(5)));
        assertThat(new Literal(5).advance("defgh")).isEqualTo(new Literal.Ended(""));
        assertThat(new Literal(4).advance("de)")).isEqualTo(new Literal.Split());
        assertThat(new Literal(5).advance("de)")).isEqualTo(new Literal.Inside(new Literal(0)));
        assertThat(new Literal(2).advance("de)")).isEqualTo(new Literal.Ended(")"));
        assertThat(new Literal(0).advance(")")).isEqualTo(new Literal.Ended(")"));
        assertThat(new Literal(7).advance("defgh")).isEqualTo(new Literal.Inside(new Literal(0)));
    }

    @Test
    void aLiteralThatLooksLikeTheTaggedOkIsSkipped() {
        Wire w = awaitingCapabilities(Limits.DEFAULT);
        String fake = "A1 OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] fake\r\n";
        assertThat(w.feed("* 1 FETCH (BODY[] {" + fake.length() + "}\r\n" + fake + ")\r\n")).isEmpty();
        assertThat(w.state()).isEqualTo("AwaitingCapabilityReply");
        assertThat(w.feed("* CAPABILITY IMAP4rev1 STARTTLS\r\nA1 OK done\r\n")).isEqualTo("A2 STARTTLS\r\n");
    }

    @Test
    void aLiteralMayEndMidLineAndTheResponseContinuesOnIt() {
        Wire w = awaitingCapabilities(Limits.DEFAULT);
        // the literal is "ab\r\nA1 OK" (9 bytes); " x)" closes the FETCH on the same line
        assertThat(w.feed("* 1 FETCH (BODY[] {9}\r\nab\r\nA1 OK x)\r\n")).isEmpty();
        assertThat(w.state()).isEqualTo("AwaitingCapabilityReply");
        assertThat(w.feed("A1 OK [CAPABILITY IMAP4rev1 STARTTLS] done\r\n")).isEqualTo("A2 STARTTLS\r\n");
    }

    @Test
    void severalLiteralsInOneResponse() {
        Wire w = awaitingCapabilities(Limits.DEFAULT);
        assertThat(w.feed("* 1 FETCH (BODY[1] {4}\r\nA1 O BODY[2] {6}\r\nK hi\r\n)\r\n")).isEmpty();
        assertThat(w.state()).isEqualTo("AwaitingCapabilityReply");
        assertThat(w.feed("A1 OK [CAPABILITY IMAP4rev1 STARTTLS] done\r\n")).isEqualTo("A2 STARTTLS\r\n");
    }

    @Test
    void anEmptyLiteralAndALiteralEndingAtTheLineEnd() {
        Wire w = awaitingCapabilities(Limits.DEFAULT);
        assertThat(w.feed("* LIST () \"/\" {0}\r\n\r\n* LIST () \"/\" {5}\r\nINBOX\r\n* LIST () \"/\" {7}\r\nINBOX\r\n\r\n")).isEmpty();
        assertThat(w.feed("A1 OK [CAPABILITY IMAP4rev1 STARTTLS] done\r\n")).isEqualTo("A2 STARTTLS\r\n");
    }

    @Test
    void nonSynchronizingAndBinaryLiteralsAreCountedToo() {
        Wire w = awaitingCapabilities(Limits.DEFAULT);
        assertThat(w.feed("* 1 FETCH (BINARY[] ~{6}\r\nA1 OK)\r\n* 2 FETCH (BODY[] {6+}\r\nA1 OK)\r\n")).isEmpty();
        assertThat(w.feed("A1 OK [CAPABILITY IMAP4rev1 STARTTLS] done\r\n")).isEqualTo("A2 STARTTLS\r\n");
    }

    @Test
    void statusResponsesCarryNoLiterals() {
        Wire w = awaitingCapabilities(Limits.DEFAULT);
        // resp-text is text: a trailing {n} in a status response is not a literal.
        assertThat(w.feed("* OK see {5}\r\n* CAPABILITY IMAP4rev1 STARTTLS\r\nA1 OK done {20}\r\n")).isEqualTo("A2 STARTTLS\r\n");
    }

    @Test
    void aLiteralOverTheBoundIsReplyTooLong() {
        Wire w = awaitingCapabilities(Limits.DEFAULT.withMaxLiteralSize(100));
        assertThat(w.feed("* 1 FETCH (BODY[] {101}\r\n")).isEmpty();
        assertThat(w.reason()).isEqualTo(Failure.Reason.REPLY_TOO_LONG);
    }

    @Test
    void aLiteralAtTheBoundIsAccepted() {
        Wire w = awaitingCapabilities(Limits.DEFAULT.withMaxLiteralSize(100));
        assertThat(w.feed("* 1 FETCH (BODY[] {100}\r\n" + "x".repeat(98) + "\r\n)\r\nA1 OK [CAPABILITY STARTTLS] ok\r\n"))
                .isEqualTo("A2 STARTTLS\r\n");
    }

    @Test
    void anAbsurdLiteralSizeIsReplyTooLong() {
        Wire w = awaitingCapabilities(Limits.DEFAULT);
        assertThat(w.feed("* 1 FETCH (BODY[] {99999999999999999999999999}\r\n")).isEmpty();
        assertThat(w.reason()).isEqualTo(Failure.Reason.REPLY_TOO_LONG);
    }

    @Test
    void aResponseSpanningTooManyLinesIsReplyTooLong() {
        Wire w = awaitingCapabilities(Limits.DEFAULT.withMaxLinesPerReply(4));
        assertThat(w.feed("* 1 FETCH (BODY[] {40}\r\na\r\nb\r\nc\r\n")).isEmpty();
        assertThat(w.finished()).isFalse();
        assertThat(w.feed("d\r\n")).isEmpty();
        assertThat(w.reason()).isEqualTo(Failure.Reason.REPLY_TOO_LONG);
    }

    @Test
    void aLiteralEndingBetweenCrAndLfIsMalformed() {
        Wire w = awaitingCapabilities(Limits.DEFAULT);
        assertThat(w.feed("* 1 FETCH (BODY[] {3}\r\nab\r\n)\r\n")).isEmpty();
        assertThat(w.reason()).isEqualTo(Failure.Reason.MALFORMED_REPLY);
    }

    @Test
    void aLiteralWithABareLfIsRefusedByTheFramer() {
        // Documented limitation: the driver frames lines before the dialog counts literal bytes.
        Wire w = awaitingCapabilities(Limits.DEFAULT);
        assertThat(w.feed("* 1 FETCH (BODY[] {4}\r\na\nb\r\n)\r\n")).isEmpty();
        assertThat(w.reason()).isEqualTo(Failure.Reason.MALFORMED_REPLY);
    }

    @Test
    void aLiteralWithANulIsRefusedByTheFramer() {
        Wire w = awaitingCapabilities(Limits.DEFAULT);
        assertThat(w.feed("* 1 FETCH (BODY[] {3}\r\na\u0000b\r\n)\r\n")).isEmpty();
        assertThat(w.reason()).isEqualTo(Failure.Reason.MALFORMED_REPLY);
    }

    @Test
    void aLiteralSplitAcrossReadsIsStillCounted() {
        Wire w = awaitingCapabilities(Limits.DEFAULT);
        String all = "* 1 FETCH (BODY[] {12}\r\nA1 OK fake\r\n)\r\nA1 OK [CAPABILITY IMAP4rev1 STARTTLS] done\r\n";
        StringBuilder sent = new StringBuilder();
        for (char c : all.toCharArray()) {
            sent.append(w.feed(String.valueOf(c)));
        }
        assertThat(sent.toString()).isEqualTo("A2 STARTTLS\r\n");
    }
}
