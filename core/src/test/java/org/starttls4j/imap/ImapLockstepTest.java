package org.starttls4j.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.starttls4j.ClientConfig;
import org.starttls4j.Event;
import org.starttls4j.Failure;
import org.starttls4j.Outcome;
import org.starttls4j.TlsPolicy;
import org.starttls4j.Transition;

/**
 * Lockstep: a response that arrives in the same read as the greeting was sent before the server
 * could have seen our CAPABILITY, so it is never taken as (part of) the answer — not even an
 * untagged CAPABILITY that would strip STARTTLS from the list.
 */
class ImapLockstepTest {

    static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");

    static Transition afterOneRead(TlsPolicy policy, String read) {
        ClientConfig config = ClientConfig.builder("mail.example.test").policy(policy).build();
        Transition t = Imap.client(config).begin(NOW);
        return t.next().onReceived(ByteBuffer.wrap(read.getBytes(StandardCharsets.US_ASCII)), NOW);
    }

    @ParameterizedTest
    @EnumSource(value = TlsPolicy.class, names = {"OPPORTUNISTIC", "REQUIRED", "PLAINTEXT_ONLY"})
    void anUntaggedCapabilityQueuedBehindTheGreetingIsNeverUsed(TlsPolicy policy) {
        Transition t = afterOneRead(policy, "* OK ready\r\n* CAPABILITY IMAP4rev1\r\nA1 OK done\r\n");

        // The untagged CAPABILITY is skipped; the tagged answer to a command not yet seen is the error.
        Failure failure = ((Outcome.Failed) t.outcome().orElseThrow()).failure();
        assertThat(failure.reason()).isEqualTo(Failure.Reason.UNEXPECTED_REPLY);
        assertThat(failure.peerReply()).contains("A1 OK done");
        assertThat(new String(t.outboundBytes(), StandardCharsets.US_ASCII)).isEqualTo("A1 CAPABILITY\r\n");
    }

    @ParameterizedTest
    @EnumSource(value = TlsPolicy.class, names = {"OPPORTUNISTIC", "REQUIRED"})
    void untaggedResponsesBehindTheGreetingAreSkippedNotTakenAsTheAnswer(TlsPolicy policy) {
        Transition t = afterOneRead(policy, "* OK ready\r\n* CAPABILITY IDLE\r\n* LIST () \"/\" \"x\"\r\n* OK still here\r\n");

        assertThat(t.isFinished()).isFalse();
        assertThat(new String(t.outboundBytes(), StandardCharsets.US_ASCII)).isEqualTo("A1 CAPABILITY\r\n");
        assertThat(t.events()).noneMatch(e -> e instanceof Event.CapabilitiesReceived);

        // The answer to A1 CAPABILITY carries no list: the skipped one is not used instead.
        Transition answer = t.next().onReceived(ByteBuffer.wrap("A1 OK done\r\n".getBytes(StandardCharsets.US_ASCII)), NOW);
        assertThat(answer.events()).contains(new Event.CapabilitiesReceived(org.starttls4j.Capabilities.NONE, false));
        assertThat(new String(answer.outboundBytes(), StandardCharsets.US_ASCII)).isEqualTo("A2 STARTTLS\r\n");
    }

    @ParameterizedTest
    @EnumSource(value = TlsPolicy.class, names = {"OPPORTUNISTIC", "REQUIRED"})
    void untaggedResponsesBehindAGreetingWithCapabilitiesAreSkipped(TlsPolicy policy) {
        Transition t = afterOneRead(policy,
                "* OK [CAPABILITY IMAP4rev1 STARTTLS] ready\r\n* CAPABILITY IMAP4rev1 IDLE\r\n* LIST () \"/\" \"x\"\r\n");

        assertThat(t.isFinished()).isFalse();
        assertThat(new String(t.outboundBytes(), StandardCharsets.US_ASCII)).isEqualTo("A1 STARTTLS\r\n");
    }

    @ParameterizedTest
    @EnumSource(value = TlsPolicy.class, names = {"OPPORTUNISTIC", "REQUIRED"})
    void aByeBehindTheGreetingEndsTheNegotiation(TlsPolicy policy) {
        Transition t = afterOneRead(policy, "* OK ready\r\n* BYE going away\r\n");

        assertThat(((Outcome.Failed) t.outcome().orElseThrow()).failure().reason()).isEqualTo(Failure.Reason.SERVICE_CLOSING);
    }

    @ParameterizedTest
    @EnumSource(value = TlsPolicy.class, names = {"OPPORTUNISTIC", "REQUIRED"})
    void aTaggedAnswerForACommandNotYetSentIsUnexpected(TlsPolicy policy) {
        Transition t = afterOneRead(policy, "* OK ready\r\nA1 OK forged\r\n");

        assertThat(((Outcome.Failed) t.outcome().orElseThrow()).failure().reason()).isEqualTo(Failure.Reason.UNEXPECTED_REPLY);
        assertThat(t.events()).noneMatch(e -> e instanceof Event.HandedOverInPlaintext);
    }
}
