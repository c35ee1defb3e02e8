package org.starttls4j.testkit;

import org.assertj.core.api.AbstractAssert;

/** AssertJ assertions on one {@link DeliveredMessage}. */
public final class DeliveredMessageAssert extends AbstractAssert<DeliveredMessageAssert, DeliveredMessage> {

    /**
     * Assertions on {@code actual}.
     *
     * @param actual the message
     */
    public DeliveredMessageAssert(DeliveredMessage actual) {
        super(actual, DeliveredMessageAssert.class);
    }

    /**
     * The message's {@code DATA} travelled inside TLS.
     *
     * @return this
     */
    public DeliveredMessageAssert insideTls() {
        isNotNull();
        if (actual.layer() != Layer.TLS) {
            failWithMessage("Expected the message to travel inside TLS, but it travelled in %s: %s", actual.layer(), actual);
        }
        return this;
    }

    /**
     * The envelope sender is {@code from}.
     *
     * @param from the expected {@code MAIL FROM} address
     * @return this
     */
    public DeliveredMessageAssert from(String from) {
        isNotNull();
        if (!actual.from().equals(from)) {
            failWithMessage("Expected the envelope sender <%s>, but it was <%s>", from, actual.from());
        }
        return this;
    }

    /**
     * The {@code Subject} header field is {@code subject}.
     *
     * @param subject the expected subject
     * @return this
     */
    public DeliveredMessageAssert withSubject(String subject) {
        isNotNull();
        if (!actual.subject().equals(subject)) {
            failWithMessage("Expected the subject <%s>, but it was <%s>", subject, actual.subject());
        }
        return this;
    }

    /**
     * The body contains {@code text}.
     *
     * @param text the expected text
     * @return this
     */
    public DeliveredMessageAssert withBodyContaining(String text) {
        isNotNull();
        if (!actual.body().contains(text)) {
            failWithMessage("Expected the body to contain <%s>, but it was%n%s", text, actual.body());
        }
        return this;
    }
}
