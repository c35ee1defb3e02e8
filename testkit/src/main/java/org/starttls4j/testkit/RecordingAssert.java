package org.starttls4j.testkit;

import java.util.List;
import java.util.stream.Collectors;
import org.assertj.core.api.AbstractAssert;

/**
 * AssertJ assertions on a {@link Recording}; failures print the whole transcript.
 *
 * <pre>{@code
 * assertThat(server.recording())
 *         .onlyNegotiationBeforeTls()
 *         .loggedInInsideTls("alice")
 *         .deliveredOneMessageTo("bob@example.org").insideTls();
 * }</pre>
 */
public final class RecordingAssert extends AbstractAssert<RecordingAssert, Recording> {

    /**
     * Assertions on {@code actual}.
     *
     * @param actual the recording
     */
    public RecordingAssert(Recording actual) {
        super(actual, RecordingAssert.class);
    }

    /**
     * Nothing but the STARTTLS negotiation travelled in plaintext: no login, no mail, no mailbox
     * command (see {@link MailProtocol#isNegotiation(String)}).
     *
     * @return this
     */
    public RecordingAssert onlyNegotiationBeforeTls() {
        isNotNull();
        List<ReceivedCommand> beyond = actual.beyondNegotiationInPlaintext();
        if (!beyond.isEmpty()) {
            failWithMessage("Expected nothing but the STARTTLS negotiation in plaintext, but the client sent %s%n%s",
                    beyond, actual);
        }
        return this;
    }

    /**
     * At least one command arrived inside TLS.
     *
     * @return this
     */
    public RecordingAssert usedTls() {
        isNotNull();
        if (actual.commands(Layer.TLS).isEmpty()) {
            failWithMessage("Expected commands inside TLS, but none arrived there%n%s", actual);
        }
        return this;
    }

    /**
     * No credentials travelled in plaintext.
     *
     * @return this
     */
    public RecordingAssert noCredentialsInPlaintext() {
        isNotNull();
        List<Credentials> plain = actual.credentials().stream().filter(c -> c.layer() == Layer.PLAINTEXT).collect(Collectors.toList());
        if (!plain.isEmpty()) {
            failWithMessage("Expected no credentials in plaintext, but got %s%n%s", plain, actual);
        }
        return this;
    }

    /**
     * The client logged in as {@code user}, inside TLS.
     *
     * @param user the expected user name
     * @return this
     */
    public RecordingAssert loggedInInsideTls(String user) {
        isNotNull();
        boolean found = actual.credentials().stream().anyMatch(c -> c.layer() == Layer.TLS && c.user().equals(user));
        if (!found) {
            failWithMessage("Expected a login as <%s> inside TLS, but the logins were %s%n%s", user, actual.credentials(), actual);
        }
        return this;
    }

    /**
     * Exactly {@code count} messages were delivered.
     *
     * @param count the expected number
     * @return this
     */
    public RecordingAssert deliveredMessages(int count) {
        isNotNull();
        if (actual.messages().size() != count) {
            failWithMessage("Expected %d message(s), but %d were delivered%n%s", count, actual.messages().size(), actual);
        }
        return this;
    }

    /**
     * Exactly one message was delivered, and it was addressed to {@code recipient} (among others).
     *
     * @param recipient the envelope recipient expected
     * @return assertions on that message
     */
    public DeliveredMessageAssert deliveredOneMessageTo(String recipient) {
        deliveredMessages(1);
        DeliveredMessage message = actual.messages().get(0);
        if (!message.recipients().contains(recipient)) {
            failWithMessage("Expected the message to be for <%s>, but it was for %s%n%s", recipient, message.recipients(), actual);
        }
        return new DeliveredMessageAssert(message);
    }

    /**
     * The recording's commands, for AssertJ's list assertions.
     *
     * @return the commands, in order
     */
    public List<ReceivedCommand> commands() {
        isNotNull();
        return actual.commands();
    }
}
