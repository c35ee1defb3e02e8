package org.starttls4j.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.starttls4j.Event;
import org.starttls4j.Failure.Reason;
import org.starttls4j.Limits;
import org.starttls4j.TlsPolicy;
import org.starttls4j.lmtp.Lmtp;

/**
 * A BDAT command (RFC 3030 §2) is followed at once by its chunk, the number of octets it names,
 * and "if a failure occurs after a BDAT command is received, the receiver-SMTP MUST accept and
 * discard the associated message data before sending the appropriate 5XX or 4XX code". Before TLS
 * under {@code REQUIRED} the server refuses BDAT; the chunk's lines (a message, whatever it holds)
 * are never answered as commands.
 */
class BdatBeforeTlsTest {

    private static final String MUST = "530 5.7.0 Must issue a STARTTLS command first\r\n";
    /** A message whose lines are commands the server answers. */
    private static final String CHUNK = "STARTTLS\r\nQUIT\r\nNOOP\r\nRSET\r\n";

    private static Wire ehloed() {
        return Wire.server(TlsPolicy.REQUIRED).receive("EHLO c\r\n");
    }

    @Test
    void theChunksLinesAreNeverAnsweredAndTheRefusalComesAfterIt() {
        Wire s = ehloed().receive("MAIL FROM:<a@example.test>\r\nRCPT TO:<b@example.test>\r\nBDAT " + CHUNK.length() + " LAST\r\n"
                + CHUNK);

        assertThat(s.lastSent()).isEqualTo(MUST + MUST + MUST);
        assertThat(s.finished()).isFalse();
        assertThat(s.events(Event.StartTlsAccepted.class)).as("the STARTTLS in the message started nothing").isEmpty();
        assertThat(s.state().state()).isEqualTo("AwaitingCommand");
        assertThat(s.receive("QUIT\r\n").lastSent()).isEqualTo("221 2.0.0 Bye\r\n");
    }

    @Test
    void aChunkInPiecesIsSkippedAndTheRefusalWaitsForItsLastOctet() {
        Wire s = ehloed().receive("BDAT " + CHUNK.length() + "\r\nSTART");
        assertThat(s.lastSent()).isEmpty();
        assertThat(s.state().state()).isEqualTo("SkippingChunk");

        s.receive("TLS\r\nQUIT\r\nNOOP\r\nRSET\r");
        assertThat(s.lastSent()).isEmpty();
        s.receive("\n");
        assertThat(s.lastSent()).isEqualTo(MUST);
        assertThat(s.state().state()).isEqualTo("AwaitingCommand");
    }

    @Test
    void whatFollowsAChunkOnItsLastLineIsTheNextCommandAnsweredAfterTheRefusal() {
        Wire s = ehloed().receive("BDAT 5\r\nHelloNOOP\r\n");
        assertThat(s.lastSent()).isEqualTo(MUST + "250 2.0.0 OK\r\n");

        Wire twoChunks = ehloed().receive("BDAT 3\r\nabcBDAT 6 LAST\r\nQUIT\r\nNOOP\r\n");
        assertThat(twoChunks.lastSent()).isEqualTo(MUST + MUST + "250 2.0.0 OK\r\n");

        Wire startTls = ehloed().receive("BDAT 2 LAST\r\nxySTARTTLS\r\n");
        assertThat(startTls.lastSent()).isEqualTo(MUST + "220 2.0.0 Ready to start TLS\r\n");
        assertThat(startTls.state().state()).isEqualTo("Handshaking");
    }

    @Test
    void anEmptyChunkOrABdatWithoutASizeIsRefusedAtOnce() {
        assertThat(ehloed().receive("BDAT 0 LAST\r\n").lastSent()).isEqualTo(MUST);
        Wire noSize = ehloed().receive("BDAT LAST\r\nNOOP\r\n");
        assertThat(noSize.lastSent()).isEqualTo(MUST + "250 2.0.0 OK\r\n");
    }

    @Test
    void aChunkLargerThanTheLiteralBoundClosesTheConnection() {
        Wire s = ehloed().receive("BDAT " + (Limits.DEFAULT.maxLiteralSize() + 1) + " LAST\r\n");
        assertThat(s.reason()).isEqualTo(Reason.COMMAND_TOO_LONG);
        assertThat(s.lastSent()).isEqualTo("421 4.7.0 mail.example.test BDAT chunk too large before STARTTLS, closing connection\r\n");

        Wire absurd = ehloed().receive("BDAT 99999999999999999999999 LAST\r\n");
        assertThat(absurd.reason()).isEqualTo(Reason.COMMAND_TOO_LONG);

        Wire manyLines = ehloed().receive("BDAT 8000 LAST\r\n" + "\r\n".repeat(Limits.DEFAULT.maxLinesPerReply() + 1));
        assertThat(manyLines.reason()).isEqualTo(Reason.COMMAND_TOO_LONG);
    }

    @Test
    void chunksOneAfterAnotherStillMeetTheBoundsOfWhatComesBeforeTls() {
        // each chunk within the literal bound; together they are plaintext before TLS, and commands
        String chunk = ("x".repeat(Limits.DEFAULT.maxLineLength() - 2) + "\r\n").repeat(Limits.DEFAULT.maxLiteralSize() / Limits.DEFAULT.maxLineLength());
        Wire s = ehloed();
        for (int i = 0; i < 100 && !s.finished(); i++) {
            s.receive("BDAT " + chunk.length() + "\r\n" + chunk);
        }
        assertThat(s.finished()).as("a hostile client cannot keep the server skipping for ever").isTrue();
        assertThat(s.reason()).isIn(Reason.TOO_MUCH_PLAINTEXT, Reason.TOO_MANY_COMMANDS);
    }

    @Test
    void aChunkThatEndsBetweenCrAndLfIsMalformed() {
        Wire s = ehloed().receive("BDAT 4\r\nabc\r\n");
        assertThat(s.reason()).isEqualTo(Reason.MALFORMED_COMMAND);
        assertThat(s.lastSent()).isEqualTo("500 5.5.2 Syntax error: bare CR, LF or NUL\r\n");
    }

    @Test
    void theChunksContentStaysOutOfTheTranscript() {
        Wire s = ehloed().receive("BDAT 14 LAST\r\nsecret words\r\n");
        assertThat(s.events(Event.Line.class)).noneMatch(line -> line.text().contains("secret"));
    }

    @Test
    void opportunisticStillHandsBdatAndItsChunkOverUnread() {
        Wire s = Wire.server(TlsPolicy.OPPORTUNISTIC).receive("EHLO c\r\nBDAT 5 LAST\r\nHello");
        assertThat(Wire.text(s.plaintext().unread())).isEqualTo("BDAT 5 LAST\r\nHello");
    }

    @Test
    void lmtpSkipsTheChunkAndAnswersWhatFollowsAsLmtp() {
        Wire s = Wire.of(Lmtp.server(Wire.serverConfig(TlsPolicy.REQUIRED)).begin(Wire.NOW)).receive("LHLO c\r\n")
                .receive("BDAT " + CHUNK.length() + " LAST\r\n" + CHUNK);
        assertThat(s.lastSent()).isEqualTo(MUST);
        assertThat(s.state().state()).isEqualTo("AwaitingCommand");

        Wire ehlo = Wire.of(Lmtp.server(Wire.serverConfig(TlsPolicy.REQUIRED)).begin(Wire.NOW)).receive("BDAT 2\r\nabEHLO c\r\n");
        assertThat(ehlo.lastSent()).isEqualTo(MUST + "500 5.5.1 This is LMTP: use LHLO\r\n");
    }

    @Property(tries = 200)
    void anySplitOfTheChunkIntoReadsGivesTheSameAnswers(@ForAll @Size(max = 6) List<@IntRange(min = 0, max = 60) Integer> cuts) {
        String input = "BDAT " + CHUNK.length() + " LAST\r\n" + CHUNK + "NOOP\r\n";
        Wire s = ehloed();
        int from = 0;
        for (int cut : cuts.stream().sorted().distinct().toList()) {
            int to = Math.min(cut, input.length());
            if (to > from) {
                s.receive(input.substring(from, to));
                from = to;
            }
        }
        s.receive(input.substring(from));
        assertThat(s.sent()).endsWith("250 STARTTLS\r\n" + MUST + "250 2.0.0 OK\r\n");
        assertThat(s.finished()).isFalse();
    }
}
