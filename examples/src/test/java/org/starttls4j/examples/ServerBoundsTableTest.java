package org.starttls4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.starttls4j.Limits;
import org.starttls4j.Timeouts;
import org.starttls4j.netty.StartTlsHandler;
import org.starttls4j.nio.NonBlockingNegotiation;

/**
 * The defaults in the README's "Running a server on the Internet" table are the code's: an
 * operator sizes a server from that table, so a default changed in {@link Limits}, {@link Timeouts}
 * or either adapter fails here until the table follows, and the two adapters' bounds on the same
 * things agree.
 */
class ServerBoundsTableTest {

    private static final Path README = Path.of("..", "README.md");
    private static final Pattern QUANTITY = Pattern.compile("(\\d[\\d,]*)\\s*(KiB|bytes|lines|s|min)?(?![\\w.])");

    @Test
    void theLimitsAndTimeoutsDefaultsAreTheCodes() throws IOException {
        List<List<String>> rows = rows();
        Limits limits = Limits.DEFAULT;
        Timeouts timeouts = Timeouts.DEFAULT;

        assertThat(defaultOf(rows, "`Limits.maxCommandsBeforeTls`")).containsExactly((long) limits.maxCommandsBeforeTls());
        assertThat(defaultOf(rows, "`Limits.maxLineLength`")).containsExactly((long) limits.maxLineLength());
        assertThat(defaultOf(rows, "`Limits.maxPlaintextBytes`")).containsExactly((long) limits.maxPlaintextBytes());
        assertThat(defaultOf(rows, "`Limits.maxLiteralSize`, `maxLinesPerReply`"))
                .containsExactly((long) limits.maxLiteralSize(), (long) limits.maxLinesPerReply());
        assertThat(defaultOf(rows, "`Limits.maxHandshakeBytes`")).containsExactly((long) limits.maxHandshakeBytes());
        assertThat(defaultOf(rows, "`Timeouts.firstCommand`")).containsExactly(timeouts.firstCommand().toSeconds());
        assertThat(defaultOf(rows, "`Timeouts.nextCommand`")).containsExactly(timeouts.nextCommand().toSeconds());
        assertThat(defaultOf(rows, "`Timeouts.total`")).containsExactly(timeouts.total().toSeconds());
    }

    @Test
    void theAdaptersBoundsAreTheCodes() throws IOException {
        List<List<String>> rows = rows();

        assertThat(defaultOf(rows, "pending output")).as("one bound for both adapters")
                .containsExactly((long) NonBlockingNegotiation.PENDING_OUTPUT_BOUND);
        assertThat(defaultOf(rows, "transcript")).as("per transition, then kept by both adapters")
                .containsExactly((long) Limits.DEFAULT.maxTranscriptLines(), (long) Limits.DEFAULT.maxTranscriptBytes(),
                        (long) NonBlockingNegotiation.MAX_REPORTED_LINES, (long) NonBlockingNegotiation.MAX_REPORTED_CHARS);
    }

    @Test
    void theTwoAdaptersHoldANegotiationToTheSameBounds() {
        // Each adapter names its own (neither depends on the other); the README's table has one value for both.
        assertThat(StartTlsHandler.PENDING_OUTPUT_BOUND).isEqualTo(NonBlockingNegotiation.PENDING_OUTPUT_BOUND);
        assertThat(StartTlsHandler.MAX_REPORTED_LINES).isEqualTo(NonBlockingNegotiation.MAX_REPORTED_LINES);
        assertThat(StartTlsHandler.MAX_REPORTED_CHARS).isEqualTo(NonBlockingNegotiation.MAX_REPORTED_CHARS);
    }

    @Test
    void quantitiesAreReadInTheirUnits() {
        assertThat(quantities("8 KiB, 100 lines")).containsExactly(8192L, 100L);
        assertThat(quantities("10 min")).containsExactly(600L);
        assertThat(quantities("30 s, nothing said yet")).containsExactly(30L);
        assertThat(quantities("1,000 bytes")).containsExactly(1000L);
    }

    private static List<Long> defaultOf(List<List<String>> rows, String bound) {
        return rows.stream().filter(r -> r.get(0).equals(bound)).findFirst()
                .map(r -> quantities(r.get(1)))
                .orElseThrow(() -> new AssertionError("README's server table has no row " + bound));
    }

    /** Numbers in a cell, KiB in bytes and minutes in seconds. */
    static List<Long> quantities(String cell) {
        List<Long> quantities = new ArrayList<>();
        Matcher m = QUANTITY.matcher(cell);
        while (m.find()) {
            long n = Long.parseLong(m.group(1).replace(",", ""));
            String unit = m.group(2) == null ? "" : m.group(2);
            quantities.add(switch (unit) {
                case "KiB" -> n * 1024;
                case "min" -> n * 60;
                default -> n;
            });
        }
        return quantities;
    }

    private static List<List<String>> rows() throws IOException {
        return FailureTablesTest.table(Files.readString(README, StandardCharsets.UTF_8), "## Running a server on the Internet", "Bound");
    }
}
