package org.starttls4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The flows' line framing: each failure names the reading role's reason and says what it saw. */
class LinesTest {

    static final Limits LIMITS = Limits.DEFAULT;

    @Test
    void theStartOfALineAsksForMore() {
        assertThat(Lines.scan(bytes("250 mail.exam"), 0, LIMITS)).isEqualTo(Lines.INCOMPLETE);
        assertThat(Lines.scan(bytes("EHLO a\r\nEHL"), 8, LIMITS)).isEqualTo(Lines.INCOMPLETE);
    }

    @Test
    void aWholeLineIsFramedWithItsLength() {
        byte[] buffer = bytes("x\r\nEHLO a\r\n");
        assertThat(Lines.scan(buffer, 3, LIMITS)).isEqualTo(8);
        assertThat(Lines.text(buffer, 3, 8)).isEqualTo("EHLO a");
    }

    @Test
    void aLineTooLongIsALineForAClientAndACommandForAServer() {
        byte[] tooLong = bytes("a".repeat(LIMITS.maxLineLength() + 10));

        assertThat(broken(tooLong, Role.CLIENT)).satisfies(f -> {
            assertThat(f.reason()).isEqualTo(Failure.Reason.LINE_TOO_LONG);
            assertThat(f.message()).startsWith("a line longer than " + LIMITS.maxLineLength());
        });
        assertThat(broken(tooLong, Role.SERVER)).satisfies(f -> {
            assertThat(f.reason()).isEqualTo(Failure.Reason.COMMAND_TOO_LONG);
            assertThat(f.message()).startsWith("a command longer than " + LIMITS.maxLineLength());
        });
    }

    @Test
    void aMalformedLineIsAMalformedReplyForAClientAndAMalformedCommandForAServer() {
        byte[] bareLf = bytes("250 ok\n");

        assertThat(broken(bareLf, Role.CLIENT)).satisfies(f -> {
            assertThat(f.reason()).isEqualTo(Failure.Reason.MALFORMED_REPLY);
            assertThat(f.message()).isEqualTo("bare LF in a reply");
            assertThat(f.peerReply()).contains("250 ok\\x0a");
        });
        assertThat(broken(bareLf, Role.SERVER)).satisfies(f -> {
            assertThat(f.reason()).isEqualTo(Failure.Reason.MALFORMED_COMMAND);
            assertThat(f.message()).isEqualTo("bare LF in a command");
        });
    }

    @Test
    void aPreviewShowsPrintableBytesAsTheyAreAndEscapesTheRest() {
        assertThat(Lines.preview(bytes(" a~\u007f\u001f"), 0)).isEqualTo(" a~\\x7f\\x1f");
        assertThat(Lines.preview(bytes("x".repeat(130)), 5)).isEqualTo("x".repeat(120) + "…");
        assertThat(Lines.preview(bytes("x".repeat(130)), 10)).isEqualTo("x".repeat(120));
    }

    static Failure broken(byte[] buffer, Role reader) {
        int found = Lines.scan(buffer, 0, LIMITS);
        assertThat(found).isNegative().isNotEqualTo(Lines.INCOMPLETE);
        return Lines.broken(found, buffer, 0, LIMITS, reader);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
