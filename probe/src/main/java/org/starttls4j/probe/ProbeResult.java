package org.starttls4j.probe;

import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.starttls4j.Capabilities;
import org.starttls4j.Event;
import org.starttls4j.Failure;
import org.starttls4j.TlsFacts;

/**
 * What one probe saw: every event of the negotiation in order, how it ended, and when things
 * happened. Built from the events alone, so both adapters report the same way.
 *
 * @param target       what was probed
 * @param policy       {@code required}, {@code opportunistic} or {@code implicit}
 * @param adapter      {@code nio} or {@code netty}
 * @param remote       the address connected to
 * @param verification how the certificate was judged, in words (e.g. "chain and host name
 *                     against the JDK's trust store")
 * @param events       the negotiation's events, in order
 * @param started      when the probe began (before the TCP connect)
 * @param connected    when the TCP connection was up
 * @param finished     when the negotiation ended
 * @param rejected     when the certificate was rejected, the chain a second, unverified handshake
 *                     showed (for the report only; nothing was sent over that connection)
 */
public record ProbeResult(Target target, String policy, String adapter, InetSocketAddress remote, String verification,
                          List<Event> events, Instant started, Instant connected, Instant finished,
                          List<X509Certificate> rejected) {

    /** How a probe ended. */
    public enum Outcome {
        /** TLS is up and every check passed. */
        SECURED,
        /** The connection went on without TLS, as an opportunistic policy allows. */
        PLAINTEXT,
        /** The negotiation failed. */
        FAILED
    }

    /** Copies the lists. */
    public ProbeResult {
        Objects.requireNonNull(target, "target");
        events = List.copyOf(events);
        rejected = List.copyOf(rejected);
    }

    /** How it ended. */
    public Outcome outcome() {
        for (Event e : events) {
            if (e instanceof Event.Secured) {
                return Outcome.SECURED;
            }
            if (e instanceof Event.HandedOverInPlaintext) {
                return Outcome.PLAINTEXT;
            }
        }
        return Outcome.FAILED;
    }

    /** Whether the outcome is what the policy demands: secured, or plaintext under an opportunistic policy. */
    public boolean asPolicyDemands() {
        return outcome() == Outcome.SECURED || (outcome() == Outcome.PLAINTEXT && policy.equals("opportunistic"));
    }

    /** Why it failed, if it did. */
    public Optional<Failure> failure() {
        for (Event e : events) {
            if (e instanceof Event.Failed f) {
                return Optional.of(f.failure());
            }
        }
        return Optional.empty();
    }

    /** Why an opportunistic negotiation went on without TLS, if it did. */
    public Optional<Failure> fallbackCause() {
        for (Event e : events) {
            if (e instanceof Event.FellBackToPlaintext f) {
                return Optional.of(f.cause());
            }
        }
        return Optional.empty();
    }

    /** The TLS facts, once TLS was established. */
    public Optional<TlsFacts> tls() {
        for (Event e : events) {
            if (e instanceof Event.TlsEstablished t) {
                return Optional.of(t.facts());
            }
        }
        return Optional.empty();
    }

    /**
     * The server's greeting as it was sent (all its lines, code included), and whether it came
     * inside TLS: the lines received before the client first spoke.
     */
    public Optional<Event.GreetingReceived> greeting() {
        List<String> lines = new ArrayList<>();
        boolean encrypted = false;
        for (Event e : events) {
            if (e instanceof Event.Line l) {
                if (l.direction() == Event.Direction.SENT) {
                    break;
                }
                lines.add(l.text());
                encrypted = l.encrypted();
            }
        }
        return lines.isEmpty() ? Optional.empty() : Optional.of(new Event.GreetingReceived(String.join("\n", lines), encrypted));
    }

    /** The capabilities announced in plaintext (empty for implicit TLS, or when none were learned). */
    public Optional<Capabilities> capabilitiesBeforeTls() {
        return capabilities(false);
    }

    /** The capabilities announced inside TLS. */
    public Optional<Capabilities> capabilitiesAfterTls() {
        return capabilities(true);
    }

    private Optional<Capabilities> capabilities(boolean encrypted) {
        Capabilities last = null;
        for (Event e : events) {
            if (e instanceof Event.CapabilitiesReceived c && c.encrypted() == encrypted) {
                last = c.capabilities();
            }
        }
        return Optional.ofNullable(last);
    }

    /** Whether the server said yes to STARTTLS/STLS. */
    public boolean startTlsAccepted() {
        return events.stream().anyMatch(e -> e instanceof Event.StartTlsAccepted);
    }

    /** The transcript lines. */
    public List<Event.Line> lines() {
        List<Event.Line> lines = new ArrayList<>();
        for (Event e : events) {
            if (e instanceof Event.Line l) {
                lines.add(l);
            }
        }
        return lines;
    }

    /** Milliseconds of the TCP connect. */
    public long connectMillis() {
        return millis(started, connected);
    }

    /**
     * Milliseconds from the connection to the greeting, if one came (with implicit TLS the greeting
     * comes after the handshake, so this includes it).
     */
    public Optional<Long> greetingMillis() {
        return lines().stream().filter(l -> l.direction() == Event.Direction.RECEIVED).findFirst()
                .map(l -> millis(connected, l.at()));
    }

    /**
     * Milliseconds of the TLS handshake, if TLS came up: from the STARTTLS go-ahead (or, with
     * implicit TLS, from the connection) to the first line inside TLS.
     */
    public Optional<Long> handshakeMillis() {
        if (tls().isEmpty()) {
            return Optional.empty();
        }
        Instant from = connected;
        Event.Line last = null;
        for (Event e : events) {
            if (e instanceof Event.StartTlsAccepted && last != null) {
                from = last.at();
            }
            if (e instanceof Event.Line l) {
                if (l.encrypted()) {
                    return Optional.of(millis(from, l.at()));
                }
                last = l;
            }
        }
        return Optional.of(millis(from, finished));
    }

    /** Milliseconds from the start of the connect to the end of the negotiation. */
    public long totalMillis() {
        return millis(started, finished);
    }

    /** Days until the peer's certificate expires (negative once expired), if there is one to judge. */
    public Optional<Long> daysToExpiry() {
        return leaf().map(c -> Duration.between(finished, c.getNotAfter().toInstant()).toDays());
    }

    /** The peer's leaf certificate: from the handshake, or from the second look after a rejection. */
    public Optional<X509Certificate> leaf() {
        Optional<X509Certificate> fromTls = tls().flatMap(TlsFacts::peerCertificate);
        if (fromTls.isPresent()) {
            return fromTls;
        }
        return rejected.isEmpty() ? Optional.empty() : Optional.of(rejected.get(0));
    }

    /** What an operator should know, in words, in the order it matters. */
    public List<String> warnings() {
        List<String> warnings = new ArrayList<>();
        if (verification.startsWith("none")) {
            warnings.add("the certificate was not checked (--insecure): anyone on the path could read and change this connection");
        }
        fallbackCause().ifPresent(f -> warnings.add("not encrypted: " + Words.failure(f)));
        capabilitiesBeforeTls().ifPresent(caps -> warnings.addAll(Words.loginBeforeTls(target.protocol(),
                target.protocol().loginOffers(caps))));
        capabilitiesAfterTls().ifPresent(caps -> {
            if (caps.has(target.protocol().startTlsWord())) {
                warnings.add(target.protocol().startTlsWord() + " still announced inside TLS");
            }
        });
        daysToExpiry().ifPresent(days -> {
            if (days < 0) {
                warnings.add("certificate expired " + (-days) + " day" + (days == -1 ? "" : "s") + " ago");
            } else if (days <= Words.EXPIRY_WARNING_DAYS) {
                warnings.add("certificate expires in " + days + " day" + (days == 1 ? "" : "s"));
            }
        });
        return warnings;
    }

    private static long millis(Instant from, Instant to) {
        return Math.max(0, Duration.between(from, to).toMillis());
    }
}
