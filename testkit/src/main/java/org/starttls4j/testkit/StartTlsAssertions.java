package org.starttls4j.testkit;

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
}
