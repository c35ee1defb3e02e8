package org.starttls4j.testkit.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.starttls4j.ServerConfig;
import org.starttls4j.TlsPolicy;
import org.starttls4j.testkit.Credentials;
import org.starttls4j.testkit.Layer;
import org.starttls4j.testkit.MailProtocol;
import org.starttls4j.testkit.ReceivedCommand;
import org.starttls4j.testkit.Recording;

/**
 * The reference ManageSieve conversation reads a command's literals as RFC 5804 §4 writes them:
 * {@code {n+}} (and {@code {n}}, which has no continuation request in ManageSieve) announces n
 * octets, after which the same command continues on the rest of that line, possibly with another
 * literal; the command is answered once, when it is whole.
 */
class SieveConversationTest {

    private static final String PLAIN = Base64.getEncoder().encodeToString("\0alice\0s3cret".getBytes(StandardCharsets.UTF_8));

    private final Recording recording = new Recording(MailProtocol.SIEVE);
    private final Conversation sieve = open();

    private Conversation open() {
        ServerConfig config = ServerConfig.builder().policy(TlsPolicy.OPPORTUNISTIC).hostname("mx.example.test")
                .capabilitiesBeforeTls(Conversation.capabilities(MailProtocol.SIEVE, false))
                .capabilitiesAfterTls(Conversation.capabilities(MailProtocol.SIEVE, true)).build();
        return Conversation.open(MailProtocol.SIEVE, recording, 1, Layer.TLS, new Conversation.Profile(config, false));
    }

    /** Sends the lines one by one, as the transport frames them; returns all that was answered. */
    private String say(String... lines) {
        StringBuilder answered = new StringBuilder();
        for (String line : lines) {
            answered.append(sieve.onLine(line).send());
        }
        return answered.toString();
    }

    private void logIn() {
        assertThat(say("AUTHENTICATE \"PLAIN\" \"" + PLAIN + "\"")).isEqualTo("OK \"Logged in\"\r\n");
    }

    @Test
    void anInitialResponseWrittenAsALiteralIsReadBeforeTheAnswer() {
        assertThat(say("AUTHENTICATE \"PLAIN\" {" + PLAIN.length() + "+}")).isEmpty();
        assertThat(sieve.readingData()).isTrue();
        assertThat(sieve.logged(PLAIN)).isNull();
        assertThat(say(PLAIN)).isEqualTo("OK \"Logged in\"\r\n");
        assertThat(sieve.readingData()).isFalse();
        assertThat(recording.credentials()).extracting(Credentials::user, Credentials::password).containsExactly(
                org.assertj.core.groups.Tuple.tuple("alice", "s3cret"));
    }

    @Test
    void aSaslResponseWrittenAsALiteralCompletesTheExchange() {
        assertThat(say("AUTHENTICATE \"PLAIN\"")).isEqualTo("\"\"\r\n");
        assertThat(say("{" + PLAIN.length() + "+}", PLAIN)).isEqualTo("OK \"Logged in\"\r\n");
        assertThat(recording.credentials()).extracting(Credentials::password).containsExactly("s3cret");
    }

    @Test
    void aLiteralThenMoreArgumentsOnTheSameLineIsOneCommand() {
        logIn();
        // RENAMESCRIPT "old" "new", both names as literals: the second is announced after the first
        assertThat(say("RENAMESCRIPT {3+}", "old {3}", "new")).isEqualTo("NO (NONEXISTENT) \"There is no such script\"\r\n");
        assertThat(say("HAVESPACE {4+}", "evil 100")).isEqualTo("OK\r\n");
        assertThat(say("SETACTIVE {0+}", "")).isEqualTo("OK\r\n");
        assertThat(recording.commands()).extracting(ReceivedCommand::line)
                .contains("RENAMESCRIPT \"old\" \"new\"", "HAVESPACE \"evil\" 100", "SETACTIVE \"\"");
    }

    @Test
    void aScriptOverSeveralLinesIsReadWholeAndAnsweredOnce() {
        logIn();
        String script = "require \"fileinto\";\r\nif header :contains \"subject\" \"x\" { fileinto \"X\"; }\r\n";
        assertThat(say("PUTSCRIPT \"s\" {" + script.length() + "+}", "require \"fileinto\";",
                "if header :contains \"subject\" \"x\" { fileinto \"X\"; }", "")).isEqualTo("OK\r\n");
        assertThat(say("CHECKSCRIPT {5}", "keep;")).isEqualTo("OK\r\n");
        assertThat(say("NOOP")).isEqualTo("OK \"NOOP completed\"\r\n");
    }

    @Test
    void aCommandRefusedBeforeLoginIsStillReadPastItsLiteral() {
        assertThat(say("PUTSCRIPT \"s\" {5+}", "keep;")).isEqualTo("NO \"Log in first\"\r\n");
        assertThat(say("NOOP")).isEqualTo("OK \"NOOP completed\"\r\n");
    }

    @Test
    void aLiteralEndingBetweenCrAndLfEndsTheConnection() {
        logIn();
        Conversation.Answer answer = sieve.onLine("HAVESPACE {4+}");
        assertThat(answer.send()).isEmpty();
        // 4 octets cover "abc" and the CR: the LF would start the rest of the command
        answer = sieve.onLine("abc");
        assertThat(answer.send()).startsWith("BYE ");
        assertThat(answer.close()).isTrue();
    }
}
