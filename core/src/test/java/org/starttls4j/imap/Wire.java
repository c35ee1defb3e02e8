package org.starttls4j.imap;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.starttls4j.ClientConfig;
import org.starttls4j.Event;
import org.starttls4j.Failure;
import org.starttls4j.Negotiation;
import org.starttls4j.Outcome;
import org.starttls4j.ServerConfig;
import org.starttls4j.TlsPolicy;
import org.starttls4j.Transition;
import org.starttls4j.testing.Identity;
import org.starttls4j.testing.TestPki;

/**
 * Drives one {@link Negotiation} by hand, as a test plays the peer: feed text, read back exactly
 * what it sent in that step. Collects every event and every byte sent.
 */
final class Wire {

    static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");
    static final String HOST = "mail.example.test";

    private static Identity identity;

    private Negotiation next;
    private Transition last;
    private final List<Event> events = new ArrayList<>();
    private final ByteArrayOutputStream sent = new ByteArrayOutputStream();

    private Wire(Negotiation start) {
        this.next = start;
    }

    /** The test server identity (EC P-256, for {@link #HOST}). */
    static synchronized Identity identity() {
        if (identity == null) {
            identity = TestPki.server(TestPki.KeyType.EC_P256, HOST);
        }
        return identity;
    }

    /** A client configuration under {@code policy} trusting the test CA. */
    static ClientConfig client(TlsPolicy policy) {
        return ClientConfig.builder(HOST).policy(policy).trustAnchors(List.of(TestPki.ca(TestPki.KeyType.EC_P256))).build();
    }

    /** A server configuration builder under {@code policy} with the test identity. */
    static ServerConfig.Builder server(TlsPolicy policy) {
        return ServerConfig.builder().policy(policy).hostname(HOST).sslContext(identity().serverContext());
    }

    /** Begins an IMAP client negotiation. */
    static Wire imapClient(ClientConfig config) {
        Wire w = new Wire(Imap.client(config));
        w.step(w.next.begin(T0));
        return w;
    }

    /** Begins an IMAP server negotiation. */
    static Wire imapServer(ServerConfig config) {
        Wire w = new Wire(Imap.server(config));
        w.step(w.next.begin(T0));
        return w;
    }

    /** Begins a negotiation that is already built. */
    static Wire begin(Negotiation negotiation) {
        Wire w = new Wire(negotiation);
        w.step(w.next.begin(T0));
        return w;
    }

    /** What the first transition sent (the greeting, for a server). */
    String firstSent() {
        return text(last.outboundBytes());
    }

    /** Feeds {@code text} (ISO-8859-1) as one read; returns what was sent in reply. */
    String feed(String text) {
        return feed(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Feeds {@code bytes} as one read; returns what was sent in reply. */
    String feed(byte[] bytes) {
        return text(step(next.onReceived(ByteBuffer.wrap(bytes), T0)));
    }

    /** The peer closed the connection. */
    String endOfStream() {
        return text(step(next.onEndOfStream(T0)));
    }

    /** Time passes by {@code elapsed} since {@link #T0}. */
    String tick(Duration elapsed) {
        return text(step(next.onTick(T0.plus(elapsed))));
    }

    private byte[] step(Transition t) {
        last = t;
        next = t.next();
        events.addAll(t.events());
        byte[] out = t.outboundBytes();
        sent.writeBytes(out);
        return out;
    }

    Negotiation negotiation() {
        return next;
    }

    boolean finished() {
        return next.isFinished();
    }

    String state() {
        return next.state();
    }

    Outcome outcome() {
        return next.outcome().orElseThrow(() -> new AssertionError("not finished, in " + next.state()));
    }

    /** The failure (the test fails if the negotiation did not fail). */
    Failure failure() {
        Outcome o = outcome();
        if (!(o instanceof Outcome.Failed)) {
            throw new AssertionError("expected a failure, got " + o);
        }
        return ((Outcome.Failed) o).failure();
    }

    Failure.Reason reason() {
        return failure().reason();
    }

    List<Event> events() {
        return List.copyOf(events);
    }

    /** Every byte sent so far. */
    byte[] allSentBytes() {
        return sent.toByteArray();
    }

    /** Every byte sent so far, as ISO-8859-1 text. */
    String allSent() {
        return text(sent.toByteArray());
    }

    static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }
}
