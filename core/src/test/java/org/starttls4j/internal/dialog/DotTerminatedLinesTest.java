package org.starttls4j.internal.dialog;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import org.starttls4j.Failure;

class DotTerminatedLinesTest {

    /** What a list made of: the lines at the dot, the failure when it grew too long. */
    private sealed interface Outcome {
    }

    private record Lines(List<String> lines) implements Outcome {
    }

    private record Next(DotTerminatedLines next) implements Outcome {
    }

    private record Refused(Failure failure) implements Outcome {
    }

    private static Outcome feed(DotTerminatedLines list, String line) {
        return list.accept(line, null, (none, lines) -> new Lines(lines), (none, next) -> new Next(next),
                (none, failure) -> new Refused(failure));
    }

    @Property(tries = 300)
    void stuffedLinesComeBackUnstuffedAndTheBoundCountsTheStatusLine(
            @ForAll @Size(max = 12) List<@StringLength(max = 6) String> lines, @ForAll @IntRange(min = 1, max = 14) int maxLines) {
        DotTerminatedLines list = DotTerminatedLines.empty(maxLines);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            Outcome outcome = feed(list, line.startsWith(".") ? "." + line : line);
            if (1 + i + 1 > maxLines) {
                assertThat(outcome).isInstanceOfSatisfying(Refused.class,
                        refused -> assertThat(refused.failure().reason()).isEqualTo(Failure.Reason.REPLY_TOO_LONG));
                return;
            }
            assertThat(outcome).isInstanceOf(Next.class);
            list = ((Next) outcome).next();
        }

        assertThat(feed(list, ".")).isEqualTo(new Lines(lines));
    }

    @Property(tries = 100)
    void anOlderListFedAgainGivesTheSameAnswer(@ForAll @Size(min = 1, max = 5) List<@AlphaChars String> lines) {
        DotTerminatedLines list = DotTerminatedLines.empty(100);
        for (String line : lines) {
            list = ((Next) feed(list, line)).next();
        }
        DotTerminatedLines older = list;
        feed(older, "more");

        assertThat(feed(older, ".")).isEqualTo(new Lines(lines));
    }
}
