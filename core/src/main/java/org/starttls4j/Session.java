package org.starttls4j;

/**
 * What a finished negotiation hands to the application: the connection at the point where the
 * application's own protocol takes over.
 */
public sealed interface Session permits SecureSession, PlaintextSession {

    /**
     * Which end we are.
     *
     * @return which end we are
     */
    Role role();

    /**
     * Whether the connection is encrypted. A {@link PlaintextSession} always says false.
     *
     * @return whether the connection is encrypted
     */
    boolean isEncrypted();

    /**
     * The server's capabilities. For a client: those announced inside TLS on a secured
     * connection, or in plaintext on a plaintext one; never a mix. For a server: those it is
     * configured to announce in the session's state.
     *
     * @return the server's capabilities
     */
    Capabilities capabilities();
}
