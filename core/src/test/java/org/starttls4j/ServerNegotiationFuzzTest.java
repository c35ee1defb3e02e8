package org.starttls4j;

import static org.starttls4j.Fuzzing.check;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.starttls4j.Fuzzing.Protocol;

/**
 * Every server negotiation (SMTP, LMTP, IMAP, POP3, NNTP, ManageSieve under each policy) fed
 * whatever a client may send, cut where the fuzzer likes, with ticks when it likes. Beyond what
 * the protocols' jqwik properties assert (no exception, one ending, bounds on random garbage),
 * checked after every call:
 *
 * <ul>
 *   <li>no amplification: in plaintext a call sends at most {@link Fuzzing#MAX_REPLY} bytes per
 *       line it was given (plus the greeting when it begins), and a connection at most the greeting
 *       and {@link Limits#maxCommandsBeforeTls()} + 2 replies in all; in TLS at most one flight
 *       ({@link Fuzzing#MAX_TLS_FLIGHT}) per call;
 *   <li>after the go-ahead, nothing but TLS records is sent;
 *   <li>never {@code Secured}: no fuzzer finishes a TLS handshake, so a server that says so
 *       skipped it;
 *   <li>{@code REQUIRED} and {@code IMPLICIT} never hand over in plaintext;
 *   <li>the read that brought STARTTLS, with one byte more after it, fails with
 *       {@link Failure.Reason#PLAINTEXT_INJECTION};
 *   <li>what it holds between reads, the commands it answered and each call's transcript within
 *       {@link Limits};
 *   <li>exactly one ending, and a tick at or past the deadline ends it.
 * </ul>
 */
class ServerNegotiationFuzzTest {

    @FuzzTest(maxDuration = "2m")
    void anyClientBytes(FuzzedDataProvider data) {
        Protocol protocol = data.pickValue(Protocol.values());
        TlsPolicy policy = Fuzzing.POLICIES.get(data.consumeInt(0, Fuzzing.POLICIES.size() - 1));
        int limitsChoice = data.consumeInt(0, Fuzzing.LIMITS.size() - 1);
        Limits limits = Fuzzing.LIMITS.get(limitsChoice);
        Instant now = Fuzzing.T0;

        Transition t = protocol.server.apply(Fuzzing.server(policy, limitsChoice)).begin(now);
        List<Event> events = new ArrayList<>(t.events());
        boolean inTls = policy == TlsPolicy.IMPLICIT;
        int greeting = inTls ? 0 : t.outboundBytes().length;
        check(greeting <= Fuzzing.MAX_REPLY, "a greeting of %d bytes", greeting);
        long plaintextSent = greeting;
        Fuzzing.RecordStream records = new Fuzzing.RecordStream();
        if (inTls) {
            records.add(t.outboundBytes());
        }
        afterCall(t, limits);

        for (int step = 0; step < Fuzzing.STEPS && !t.isFinished() && data.remainingBytes() > 0; step++) {
            Negotiation before = t.next();
            Fuzzing.Step taken = Fuzzing.Step.take(data, before, now);
            t = taken.transition();
            now = taken.now();
            byte[] read = taken.read();
            events.addAll(t.events());
            afterCall(t, limits);
            int sent = t.outboundBytes().length;
            boolean goAhead = t.events().stream().anyMatch(e -> e instanceof Event.StartTlsAccepted);
            if (inTls) {
                check(sent <= Fuzzing.MAX_TLS_FLIGHT, "%d bytes sent in one call during TLS", sent);
                records.add(t.outboundBytes());
            } else {
                int lines = read == null ? 0 : count(read, (byte) '\n');
                int bound = Fuzzing.MAX_REPLY * (lines + 1);
                check(sent <= bound, "%d bytes sent for a read of %d lines (bound %d)", sent, lines, bound);
                plaintextSent += sent;
                long total = greeting + (long) Fuzzing.MAX_REPLY * (limits.maxCommandsBeforeTls() + 2);
                check(plaintextSent <= total, "%d plaintext bytes sent in all, over %d", plaintextSent, total);
            }
            if (taken.tick() && before.deadline().isPresent() && !now.isBefore(before.deadline().get())) {
                check(t.isFinished(), "a tick at %s, at or past the deadline %s, left the negotiation in %s", now,
                        before.deadline().get(), t.next().state());
            }
            if (goAhead && read != null && !inTls) {
                Transition injected = before.onReceived(Fuzzing.withOneMore(read), now);
                check(injected.outcome().orElse(null) instanceof Outcome.Failed f && f.failure().reason() == Failure.Reason.PLAINTEXT_INJECTION,
                        "a byte after STARTTLS in the same read did not fail with PLAINTEXT_INJECTION: %s", injected.outcome());
            }
            inTls |= goAhead;
        }

        long endings = Fuzzing.endings(events);
        check(endings == (t.isFinished() ? 1 : 0), "%d ending events, finished: %s", endings, t.isFinished());
        if (t.isFinished()) {
            Outcome outcome = t.outcome().orElseThrow(() -> new AssertionError("finished without an outcome"));
            check(policy.allowsPlaintext() || !(outcome instanceof Outcome.Plaintext), "%s handed over in plaintext", policy);
            check(!(outcome instanceof Outcome.Secured), "secured, yet no client finished a handshake: %s", outcome);
        }
    }

    private static void afterCall(Transition t, Limits limits) {
        Fuzzing.checkTranscript(t, limits);
        if (!t.isFinished()) {
            check(Fuzzing.endings(t.events()) == 0, "an ending event, yet not finished: %s", t.events());
            Fuzzing.checkHeld(t.next(), limits);
        }
    }

    private static int count(byte[] bytes, byte b) {
        int n = 0;
        for (byte x : bytes) {
            if (x == b) {
                n++;
            }
        }
        return n;
    }
}
