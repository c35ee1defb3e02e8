package org.starttls4j.testkit;

import org.starttls4j.testkit.checks.ServerAudit;
import org.starttls4j.testkit.checks.ServerAuditAssert;
import org.starttls4j.testkit.hostile.HostileRun;
import org.starttls4j.testkit.hostile.HostileRunAssert;

/**
 * The kit's AssertJ entry points. Import them statically next to AssertJ's own: Java resolves the
 * overloads across both classes.
 *
 * <pre>{@code
 * import static org.assertj.core.api.Assertions.assertThat;
 * import static org.starttls4j.testkit.StartTlsAssertions.assertThat;
 * }</pre>
 */
public final class StartTlsAssertions {

    private StartTlsAssertions() {
    }

    /**
     * Assertions on what a server recorded.
     *
     * @param recording the recording
     * @return the assertions
     */
    public static RecordingAssert assertThat(Recording recording) {
        return new RecordingAssert(recording);
    }

    /**
     * Assertions on a delivered message.
     *
     * @param message the message
     * @return the assertions
     */
    public static DeliveredMessageAssert assertThat(DeliveredMessage message) {
        return new DeliveredMessageAssert(message);
    }

    /**
     * Assertions on a client's run against a hostile server.
     *
     * @param run the run
     * @return the assertions, e.g. {@code clientStayedSafe()}
     */
    public static HostileRunAssert assertThat(HostileRun run) {
        return new HostileRunAssert(run);
    }

    /**
     * Assertions on the checks run against a server.
     *
     * @param audit the results
     * @return the assertions, e.g. {@code passed(ServerCheck.COMMAND_INJECTION)}
     */
    public static ServerAuditAssert assertThat(ServerAudit audit) {
        return new ServerAuditAssert(audit);
    }
}
