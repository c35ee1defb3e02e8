package org.starttls4j;

import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.Optional;

/**
 * A connection handed over <em>unencrypted</em>, as {@link TlsPolicy#OPPORTUNISTIC} or
 * {@link TlsPolicy#PLAINTEXT_ONLY} allow. Its type and {@link #why()} say so plainly.
 *
 * @param role          which end we are
 * @param capabilities  the capabilities learned (client) or announced (server) in plaintext
 * @param fallbackCause for {@link TlsPolicy#OPPORTUNISTIC}, why TLS was not used; empty when the
 *                      policy is {@link TlsPolicy#PLAINTEXT_ONLY}
 * @param unread        bytes already received that the negotiation did not act on: on a server,
 *                      the first command it does not own; the application reads these before the
 *                      socket
 */
public record PlaintextSession(Role role, Capabilities capabilities, Optional<Failure> fallbackCause,
                               ByteBuffer unread) implements Session {

    /**
     * Keeps a read-only copy of the unread bytes.
     *
     * @param role which end we are
     * @param capabilities the capabilities learned (client) or announced (server) in plaintext
     * @param fallbackCause for {@link TlsPolicy#OPPORTUNISTIC}, why TLS was not used; empty when the policy
     *                      is {@link TlsPolicy#PLAINTEXT_ONLY}
     * @param unread bytes already received that the negotiation did not act on: on a server, the first
     *               command it does not own; the application reads these before the socket
     */
    public PlaintextSession {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(capabilities, "capabilities");
        Objects.requireNonNull(fallbackCause, "fallbackCause");
        ByteBuffer copy = ByteBuffer.allocate(unread.remaining()).put(unread.duplicate()).flip();
        unread = copy.asReadOnlyBuffer();
    }

    /**
     * Returns a fresh read-only view of the unread bytes (its position is the caller's own).
     *
     * @return a fresh read-only view of the unread bytes
     */
    @Override
    public ByteBuffer unread() {
        return unread.duplicate();
    }

    @Override
    public boolean isEncrypted() {
        return false;
    }

    /**
     * Why this connection is not encrypted, in words.
     *
     * @return why this connection is not encrypted, in words
     */
    public String why() {
        return fallbackCause.map(f -> "not encrypted: " + f)
                .orElse("not encrypted: the policy is PLAINTEXT_ONLY");
    }
}
