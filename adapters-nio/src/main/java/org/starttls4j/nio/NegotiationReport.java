package org.starttls4j.nio;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.starttls4j.Capabilities;
import org.starttls4j.Event;
import org.starttls4j.EventLog;
import org.starttls4j.Failure;
import org.starttls4j.Outcome;
import org.starttls4j.PlaintextSession;
import org.starttls4j.SecureSession;
import org.starttls4j.TlsFacts;

/**
 * What a negotiation over a socket did and how it ended: every {@link Event} in order, and the
 * facts an application or an operator asks first.
 *
 * @param events          everything that happened, in order; the {@link Event.Line}s are the transcript
 *                        (left out of the channels a server built with
 *                        {@link NioServer.Builder#keepTranscript keepTranscript(false)} hands over)
 * @param encrypted       whether the connection handed over is encrypted. False for a plaintext
 *                        hand-over, a failure, and a negotiation that has not finished.
 * @param tls             the negotiated TLS version, cipher suite and certificates, when encrypted
 * @param capabilities    the server's capabilities as handed over: those announced inside TLS on
 *                        an encrypted connection, those announced in plaintext on a plaintext one,
 *                        none after a failure (the events still show what was said)
 * @param whyNotEncrypted when not encrypted, why, in words (e.g. {@code "not encrypted:
 *                        STARTTLS_NOT_OFFERED: the server did not announce STARTTLS"})
 * @param failure         why the negotiation failed, if it did
 */
public record NegotiationReport(List<Event> events, boolean encrypted, Optional<TlsFacts> tls,
                                Capabilities capabilities, Optional<String> whyNotEncrypted,
                                Optional<Failure> failure) {

    /**
     * Copies the events and checks the components agree.
     *
     * @param events everything that happened, in order; the {@link Event.Line}s are the transcript
     * @param encrypted whether the connection handed over is encrypted. False for a plaintext hand-over, a
     *                  failure, and a negotiation that has not finished.
     * @param tls the negotiated TLS version, cipher suite and certificates, when encrypted
     * @param capabilities the server's capabilities as handed over: those announced inside TLS on an
     *                     encrypted connection, those announced in plaintext on a plaintext one, none after
     *                     a failure (the events still show what was said)
     * @param whyNotEncrypted when not encrypted, why, in words (e.g. {@code "not encrypted:
     *                        STARTTLS_NOT_OFFERED: the server did not announce STARTTLS"})
     * @param failure why the negotiation failed, if it did
     */
    public NegotiationReport {
        events = EventLog.copyOf(events); // an EventLog's list as it is: its lines made only if read
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(capabilities, "capabilities");
        Objects.requireNonNull(whyNotEncrypted, "whyNotEncrypted");
        Objects.requireNonNull(failure, "failure");
        if (encrypted == whyNotEncrypted.isPresent() || encrypted != tls.isPresent()) {
            throw new IllegalArgumentException("an encrypted report has TLS facts and no reason for not being encrypted");
        }
    }

    /**
     * The report for {@code events} and the negotiation's outcome.
     *
     * @param events  every event so far
     * @param outcome the outcome, or empty if the negotiation has not finished
     * @return the report
     */
    static NegotiationReport of(List<Event> events, Optional<Outcome> outcome) {
        if (outcome.isEmpty()) {
            return new NegotiationReport(events, false, Optional.empty(), Capabilities.NONE,
                    Optional.of("not encrypted: the negotiation has not finished"), Optional.empty());
        }
        Outcome o = outcome.get();
        if (o instanceof Outcome.Secured) {
            SecureSession session = ((Outcome.Secured) o).session();
            return new NegotiationReport(events, true, Optional.of(session.tls()), session.capabilities(),
                    Optional.empty(), Optional.empty());
        }
        if (o instanceof Outcome.Plaintext) {
            PlaintextSession session = ((Outcome.Plaintext) o).session();
            return new NegotiationReport(events, false, Optional.empty(), session.capabilities(),
                    Optional.of(session.why()), Optional.empty());
        }
        return failed(events, ((Outcome.Failed) o).failure());
    }

    /** The report of a negotiation that failed with {@code failure}. */
    static NegotiationReport failed(List<Event> events, Failure failure) {
        List<Event> all = events;
        if (events.stream().noneMatch(e -> e instanceof Event.Failed)) {
            all = new ArrayList<>(events);
            all.add(new Event.Failed(failure));
        }
        return new NegotiationReport(all, false, Optional.empty(), Capabilities.NONE,
                Optional.of("not encrypted: the negotiation failed: " + failure), Optional.of(failure));
    }

    /**
     * This report without the transcript: the same facts and every event but the lines (and the
     * note that they were cut), for a channel that may stay open, idle, for hours.
     *
     * @return the report without {@link Event.Line}s
     */
    NegotiationReport withoutTranscript() {
        List<Event> kept = new ArrayList<>();
        for (Event e : events) {
            if (!(e instanceof Event.Line) && !(e instanceof Event.TranscriptTruncated)) {
                kept.add(e);
            }
        }
        return new NegotiationReport(kept, encrypted, tls, capabilities, whyNotEncrypted, failure);
    }

    /**
     * Whether the negotiation failed.
     *
     * @return whether the negotiation failed
     */
    public boolean isFailed() {
        return failure.isPresent();
    }

    /**
     * The transcript: the lines sent and received, each saying whether it travelled inside TLS.
     *
     * @return the transcript
     */
    public List<Event.Line> transcript() {
        List<Event.Line> lines = new ArrayList<>();
        for (Event e : events) {
            if (e instanceof Event.Line) {
                lines.add((Event.Line) e);
            }
        }
        return lines;
    }

    /**
     * One line for a log: {@code "encrypted: TLSv1.3 TLS_AES_128_GCM_SHA256"} or why not.
     *
     * @return one line for a log
     */
    public String summary() {
        return tls.map(t -> "encrypted: " + t.protocol() + " " + t.cipherSuite()).orElseGet(whyNotEncrypted::get);
    }
}
