package org.starttls4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The flows' line framing: each failure names the reading role's reason and says what it saw. */
class LinesTest {

    static final Limits LIMITS = Limits.DEFAULT;

    @Test
    void theStartOfALineAsksForMore() {
        assertThat(Lines.frame(bytes("250 mail.exam"), 0, LIMITS, Role.CLIENT)).isInstanceOf(Lines.Framed.Incomplete.class);
        assertThat(Lines.frame(bytes("EHLO a\r\nEHL"), 8, LIMITS, Role.SERVER)).isInstanceOf(Lines.Framed.Incomplete.class);
    }

    @Test
    void aWholeLineIsFramedWithItsLength() {
        assertThat(Lines.frame(bytes("x\r\nEHLO a\r\n"), 3, LIMITS, Role.SERVER)).isEqualTo(new Lines.Framed.Line("EHLO a", 8));
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
        Lines.Framed framed = Lines.frame(buffer, 0, LIMITS, reader);
        assertThat(framed).isInstanceOf(Lines.Framed.Broken.class);
        return ((Lines.Framed.Broken) framed).failure();
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
