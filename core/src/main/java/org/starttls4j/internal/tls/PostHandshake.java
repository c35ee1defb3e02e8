package org.starttls4j.internal.tls;

import javax.net.ssl.SSLEngine;

/**
 * What an engine may do after its handshake, in either role: the one place that decides.
 *
 * <p><b>TLS 1.2 and older: nothing.</b> An engine that goes back to handshaking is renegotiating
 * (a client's ClientHello on a server, a server's HelloRequest on a client). A client-initiated
 * renegotiation is a full handshake on the server's CPU at the client's request, over and over
 * (the "renegotiation DoS"), and a mail connection never needs one (OpenSSL servers turn it off
 * with {@code SSL_OP_NO_RENEGOTIATION}; Postfix with {@code tls_ssl_options = NO_RENEGOTIATION}). So the first one ends the connection with
 * {@link TlsFailure.Kind#RENEGOTIATION_REFUSED}. A client never offers one either: it never starts
 * one, and a server's request fails the same way rather than be answered with a ClientHello.
 *
 * <p><b>TLS 1.3: KeyUpdate and NewSessionTicket, bounded.</b> TLS 1.3 has no renegotiation. What
 * can make an engine work after the handshake is a KeyUpdate (either peer; answered with one of
 * ours when the peer asks, RFC 8446 §4.6.3: a key derivation, no public-key operation) and, on a
 * client, the server's NewSessionTickets (kept for resumption). Both are legitimate: an engine
 * updates its keys after enough data (the JDK's {@code jdk.tls.keyLimits}, 2^37 bytes for AES-GCM),
 * and servers send a ticket or two. Post-handshake client authentication is never requested here.
 * So they are allowed, but each time the engine goes back to work counts, and a peer gets a small
 * free allowance plus one per MiB of application data it sent: far more than any engine's key
 * limits need, far less than a loop of KeyUpdate requests would take.
 *
 * <p>One instance watches one engine after its handshake, and every driver of an engine uses it:
 * the core's pump during the negotiation ({@link #duringNegotiation()}), the session it hands over
 * and the engine a transport's TLS stack drives ({@link #inSession()}). Not thread-safe: one engine,
 * one driver.
 */
public final class PostHandshake {

    /** Post-handshake episodes allowed during the negotiation (a ticket or two, a KeyUpdate). */
    public static final int FREE_DURING_NEGOTIATION = 8;
    /** Post-handshake episodes a session allows before it counts application data. */
    public static final int FREE_IN_SESSION = 16;
    /** Application bytes received that earn one more episode. */
    public static final long BYTES_PER_EPISODE = 1 << 20;

    private final int free;
    private final boolean dataEarnsEpisodes;
    private boolean working; // back to handshaking, not yet done
    private long episodes;
    private long received;

    private PostHandshake(int free, boolean dataEarnsEpisodes) {
        this.free = free;
        this.dataEarnsEpisodes = dataEarnsEpisodes;
    }

    /**
     * The watch over a negotiation's engine: {@value #FREE_DURING_NEGOTIATION} episodes, whatever
     * was received (the dialog inside TLS is a few lines).
     *
     * @return a new watch
     */
    public static PostHandshake duringNegotiation() {
        return new PostHandshake(FREE_DURING_NEGOTIATION, false);
    }

    /**
     * The watch over a session's engine: {@value #FREE_IN_SESSION} episodes, and one more per
     * {@link #BYTES_PER_EPISODE} bytes of application data {@link #received}.
     *
     * @return a new watch
     */
    public static PostHandshake inSession() {
        return new PostHandshake(FREE_IN_SESSION, true);
    }

    /**
     * Counts application bytes the engine decrypted, which earn episodes in a session.
     *
     * @param bytes how many, from an unwrap's result
     */
    public void received(long bytes) {
        received += bytes;
    }

    /**
     * Where the engine stands after a call, once its handshake is done: each time it goes back to
     * handshaking is one episode, judged by {@link #refusal}. The caller says whether the engine is
     * at work: not the close_notify an engine owes in answer to the peer's (a close is not a
     * handshake).
     *
     * @param engine    the engine, after its handshake
     * @param handshaking whether the engine is handshaking again after this call
     * @return the failure to end with, or null to go on
     */
    public TlsFailure after(SSLEngine engine, boolean handshaking) {
        boolean starts = handshaking && !working;
        working = handshaking;
        return starts ? refusal(engine, ++episodes, free + (dataEarnsEpisodes ? received / BYTES_PER_EPISODE : 0)) : null;
    }

    /**
     * Whether the engine may go on after going back to handshaking for the {@code episode}th time.
     *
     * @param engine  the engine, after its handshake
     * @param episode how many times it went back to handshaking, this one included
     * @param allowed how many the peer may have caused so far
     * @return the failure to end with, or null to go on
     */
    static TlsFailure refusal(SSLEngine engine, long episode, long allowed) {
        String protocol = engine.getSession().getProtocol();
        if (!"TLSv1.3".equals(protocol)) {
            return TlsFailure.of(TlsFailure.Kind.RENEGOTIATION_REFUSED,
                    "the peer tried to renegotiate " + protocol + "; renegotiation is refused");
        }
        if (episode > allowed) {
            return TlsFailure.of(TlsFailure.Kind.RENEGOTIATION_REFUSED,
                    "more TLS 1.3 post-handshake messages (KeyUpdate, NewSessionTicket) than allowed: " + episode);
        }
        return null;
    }
}
