package org.starttls4j;

import static org.starttls4j.Fuzzing.check;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.starttls4j.Fuzzing.Protocol;

/**
 * Every client negotiation (SMTP, LMTP, IMAP, POP3, NNTP, ManageSieve under each policy) fed
 * whatever a server may send, cut where the fuzzer likes, with the clock ticking when it likes.
 * The jqwik properties of each protocol already show that random input neither throws nor ends
 * twice; what this adds is coverage guidance (states random generation rarely reaches: a
 * go-ahead, the handshake behind it, a bound reached exactly) and the invariants checked after
 * every call:
 *
 * <ul>
 *   <li>no exception (a peer's misbehaviour is a typed {@link Failure});
 *   <li>at most {@link Fuzzing#MAX_CLIENT_OUTPUT_PER_CALL} bytes to send per call;
 *   <li>no ending event before the end, exactly one in all, and an outcome once finished;
 *   <li>{@code REQUIRED} and {@code IMPLICIT} never end in plaintext;
 *   <li>after the go-ahead, nothing but TLS records is sent;
 *   <li>no credentials or mail commands are ever sent ({@link Fuzzing#NEVER_SENT});
 *   <li>the transcript of each call and the bytes held between calls within {@link Limits};
 *   <li>a tick at or past the deadline ends the negotiation;
 *   <li>the read that brought the go-ahead, with one byte more, fails with
 *       {@link Failure.Reason#PLAINTEXT_INJECTION} (plaintext states are reusable, so the same
 *       state is fed again).
 * </ul>
 *
 * <p>The input: a protocol, a policy and bounds, then up to 48 steps, each a read (a length and
 * that many bytes), a tick (milliseconds later), or the end of the stream.
 */
class ClientNegotiationFuzzTest {

    @FuzzTest(maxDuration = "2m")
    void anyServerBytes(FuzzedDataProvider data) {
        Protocol protocol = data.pickValue(Protocol.values());
        TlsPolicy policy = Fuzzing.POLICIES.get(data.consumeInt(0, Fuzzing.POLICIES.size() - 1));
        int limitsChoice = data.consumeInt(0, Fuzzing.LIMITS.size() - 1);
        Limits limits = Fuzzing.LIMITS.get(limitsChoice);
        Instant now = Fuzzing.T0;

        Transition t = protocol.client.apply(Fuzzing.client(policy, limitsChoice)).begin(now);
        List<Event> events = new ArrayList<>(t.events());
        ByteArrayOutputStream plaintext = new ByteArrayOutputStream();
        Fuzzing.RecordStream records = new Fuzzing.RecordStream();
        boolean inTls = policy == TlsPolicy.IMPLICIT;
        inTls = afterCall(t, limits, inTls, plaintext, records);

        for (int step = 0; step < Fuzzing.STEPS && !t.isFinished() && data.remainingBytes() > 0; step++) {
            Negotiation before = t.next();
            Fuzzing.Step taken = Fuzzing.Step.take(data, before, now);
            t = taken.transition();
            now = taken.now();
            byte[] read = taken.read();
            events.addAll(t.events());
            boolean wasInTls = inTls;
            inTls = afterCall(t, limits, inTls, plaintext, records);
            if (taken.tick() && before.deadline().isPresent() && !now.isBefore(before.deadline().get())) {
                check(t.isFinished(), "a tick at %s, at or past the deadline %s, left the negotiation in %s", now,
                        before.deadline().get(), t.next().state());
            }
            if (read != null && !wasInTls && inTls) {
                Transition injected = before.onReceived(Fuzzing.withOneMore(read), now);
                check(injected.outcome().orElse(null) instanceof Outcome.Failed f && f.failure().reason() == Failure.Reason.PLAINTEXT_INJECTION,
                        "a byte after the go-ahead in the same read did not fail with PLAINTEXT_INJECTION: %s", injected.outcome());
            }
        }

        long endings = Fuzzing.endings(events);
        check(endings == (t.isFinished() ? 1 : 0), "%d ending events, finished: %s", endings, t.isFinished());
        if (t.isFinished()) {
            Outcome outcome = t.outcome().orElseThrow(() -> new AssertionError("finished without an outcome"));
            check(policy.allowsPlaintext() || !(outcome instanceof Outcome.Plaintext), "%s ended in plaintext", policy);
            check(!(outcome instanceof Outcome.Secured), "secured without a server's handshake: %s", outcome);
        }
        Fuzzing.checkNoForbiddenCommand(protocol, Fuzzing.text(plaintext.toByteArray()));
    }

    /** The checks after one call; returns whether TLS has begun (a go-ahead came or the policy is implicit). */
    private static boolean afterCall(Transition t, Limits limits, boolean inTls, ByteArrayOutputStream plaintext,
                                     Fuzzing.RecordStream records) {
        byte[] out = t.outboundBytes();
        check(out.length <= Fuzzing.MAX_CLIENT_OUTPUT_PER_CALL, "one call asked to send %d bytes", out.length);
        Fuzzing.checkTranscript(t, limits);
        if (!t.isFinished()) {
            check(Fuzzing.endings(t.events()) == 0, "an ending event, yet not finished: %s", t.events());
            Fuzzing.checkHeld(t.next(), limits);
        }
        boolean goAhead = t.events().stream().anyMatch(e -> e instanceof Event.StartTlsAccepted);
        if (inTls || goAhead) {
            records.add(out); // the go-ahead's own call included: the command went out in an earlier one
            return true;
        }
        plaintext.writeBytes(out);
        return false;
    }
}
