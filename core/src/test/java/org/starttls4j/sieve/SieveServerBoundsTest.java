package org.starttls4j.sieve;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.starttls4j.Failure;
import org.starttls4j.Limits;
import org.starttls4j.ServerConfig;
import org.starttls4j.TlsPolicy;
import org.starttls4j.testing.Dialect.Script;

/**
 * The ManageSieve server's bounds on a command's literals at their exact edges: the literal size,
 * the lines a command may span (its literals included, one after another), a zero-length literal
 * still skipped, a literal that ends between CR and LF; and its farewell for each reason.
 */
class SieveServerBoundsTest {

    static final String REFUSED = "NO (ENCRYPT-NEEDED) \"Authentication requires TLS: send STARTTLS first\"\r\n";

    /** At most 3 lines per command, literals of at most 10 bytes. */
    static Script server() {
        ServerConfig config = SieveServerTest.builder(TlsPolicy.REQUIRED).limits(new Limits(1000, 3, 65536, 10)).build();
        Script s = Script.begin(ManageSieve.server(config));
        assertThat(s.finished()).isFalse();
        return s;
    }

    @Test
    void aLiteralOfExactlyTheLargestSizeIsSkippedAndOneByteMoreCloses() {
        Script exactly = server().receive("AUTHENTICATE \"PLAIN\" {10+}\r\n");
        assertThat(exactly.negotiation().state()).isEqualTo("SkippingLiteral");
        assertThat(exactly.receive("0123456789\r\n").lastSent()).isEqualTo(REFUSED);

        Script over = server().receive("AUTHENTICATE \"PLAIN\" {11+}\r\n");
        assertThat(over.reason()).isEqualTo(Failure.Reason.COMMAND_TOO_LONG);
    }

    @Test
    void aCommandOfExactlyTheMostLinesIsAnsweredAndOneLineMoreCloses() {
        // The command line, one whole line of literal, the line the literal ends in: 3 lines.
        Script exactly = server().receive("AUTHENTICATE \"PLAIN\" {4+}\r\nab\r\n");
        assertThat(exactly.lastSent()).isEmpty();
        assertThat(exactly.receive("\r\n").lastSent()).isEqualTo(REFUSED);

        Script over = server().receive("AUTHENTICATE \"PLAIN\" {8+}\r\nab\r\ncd\r\n");
        assertThat(over.finished()).isFalse();
        over.receive("\r\n");
        assertThat(over.reason()).isEqualTo(Failure.Reason.COMMAND_TOO_LONG);
        assertThat(over.lastSent()).isEqualTo("BYE \"Command too long\"\r\n");
    }

    @Test
    void theLinesOfEveryLiteralOfACommandCountTogether() {
        Script three = server().receive("AUTHENTICATE \"PLAIN\" {2+}\r\nxy {2+}\r\n");
        assertThat(three.lastSent()).isEmpty();
        assertThat(three.receive("zw\r\n").lastSent()).isEqualTo(REFUSED);

        Script four = server().receive("AUTHENTICATE \"PLAIN\" {2+}\r\nxy {2+}\r\nzw {2+}\r\n");
        assertThat(four.finished()).isFalse();
        four.receive("qq\r\n");
        assertThat(four.reason()).isEqualTo(Failure.Reason.COMMAND_TOO_LONG);
    }

    @Test
    void aZeroLengthLiteralIsStillALiteralToSkip() {
        Script first = server().receive("AUTHENTICATE \"PLAIN\" {0+}\r\n");
        assertThat(first.lastSent()).isEmpty();
        assertThat(first.receive("\r\n").lastSent()).isEqualTo(REFUSED);

        Script later = server().receive("AUTHENTICATE \"PLAIN\" {1+}\r\nx {0+}\r\n");
        assertThat(later.lastSent()).as("no answer before the second literal is read").isEmpty();
        assertThat(later.receive("\r\n").lastSent()).isEqualTo(REFUSED);
    }

    @Test
    void aLiteralThatEndsBetweenCrAndLfCloses() {
        Script split = server().receive("AUTHENTICATE \"PLAIN\" {3+}\r\nab\r\n");

        assertThat(split.reason()).isEqualTo(Failure.Reason.MALFORMED_COMMAND);
        assertThat(split.lastSent()).isEqualTo("BYE \"Malformed command\"\r\n");
    }

    @Test
    void aNoopWithALoneQuoteIsNoTaggedString() {
        assertThat(server().receive("NOOP \"\r\n").lastSent()).isEqualTo("OK \"Done\"\r\n");
        assertThat(server().receive("NOOP \"\"\r\n").lastSent()).isEqualTo("OK (TAG \"\") \"Done\"\r\n");
    }

    @Test
    void eachReasonToCloseHasItsOwnWords() {
        SieveServerDialog dialog = SieveServerDialog.create(SieveServerTest.config(TlsPolicy.REQUIRED));

        assertThat(dialog.farewell(Failure.Reason.PLAINTEXT_INJECTION)).isEmpty();
        assertThat(dialog.farewell(Failure.Reason.TIMEOUT)).isEqualTo("BYE \"Disconnected for inactivity\"\r\n");
        assertThat(dialog.farewell(Failure.Reason.LINE_TOO_LONG)).isEqualTo("BYE \"Line too long\"\r\n");
        assertThat(dialog.farewell(Failure.Reason.COMMAND_TOO_LONG)).isEqualTo("BYE \"Line too long\"\r\n");
        assertThat(dialog.farewell(Failure.Reason.TOO_MANY_COMMANDS)).isEqualTo("BYE \"Too many commands before STARTTLS\"\r\n");
        assertThat(dialog.farewell(Failure.Reason.SERVER_BUSY)).isEqualTo("BYE (TRYLATER) \"Server busy, try again later\"\r\n");
        assertThat(dialog.farewell(Failure.Reason.MALFORMED_COMMAND)).isEqualTo("BYE \"Malformed command: bare CR, LF or NUL\"\r\n");
        assertThat(dialog.farewell(Failure.Reason.TOO_MUCH_PLAINTEXT)).isEqualTo("BYE \"Too much data before TLS\"\r\n");
        assertThat(dialog.farewell(Failure.Reason.PEER_CLOSED)).isEqualTo("BYE \"mail.example.test closing connection\"\r\n");
    }
}
