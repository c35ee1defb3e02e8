package org.starttls4j;

/**
 * How much a connection insists on TLS.
 *
 * <p>Mail operators know these under Postfix's names; the mapping is:
 * <table>
 *   <caption>Postfix security levels and starttls4j</caption>
 *   <tr><th>Postfix</th><th>starttls4j</th></tr>
 *   <tr><td>{@code none}</td><td>{@link #PLAINTEXT_ONLY}</td></tr>
 *   <tr><td>{@code may}</td><td>{@link #OPPORTUNISTIC}, usually with
 *       {@link CertificateCheck#dangerouslyAcceptAny()} as Postfix does not verify at this level</td></tr>
 *   <tr><td>{@code encrypt}</td><td>{@link #REQUIRED} with {@link CertificateCheck#dangerouslyAcceptAny()}</td></tr>
 *   <tr><td>{@code fingerprint}</td><td>{@link #REQUIRED} with {@link CertificateCheck#pinnedOnly}</td></tr>
 *   <tr><td>{@code verify}, {@code secure}</td><td>{@link #REQUIRED} with {@link CertificateCheck#standard()}
 *       (the default)</td></tr>
 *   <tr><td>{@code dane}, {@code dane-only}</td><td>{@code org.starttls4j.dane.Dane#decide} turns the MX
 *       host's TLSA lookup into a {@link #REQUIRED} configuration whose {@link ChainCheck} applies the
 *       records (or into "deliver as without DANE", or "do not deliver")</td></tr>
 * </table>
 */
public enum TlsPolicy {
    /** Never attempt TLS; hand the connection over in plaintext after the capability exchange. */
    PLAINTEXT_ONLY,
    /**
     * Use STARTTLS when the peer offers it and it succeeds; otherwise hand the connection over in
     * plaintext, saying plainly why. A TLS failure after STARTTLS was accepted is still a failure:
     * the connection cannot go back to plaintext.
     */
    OPPORTUNISTIC,
    /** STARTTLS or nothing: nothing but the negotiation itself is ever sent in plaintext. */
    REQUIRED,
    /** TLS from the first byte (RFC 8314: ports 465, 993, 995), then the protocol's greeting. */
    IMPLICIT;

    /**
     * Whether this policy starts the connection with a TLS handshake.
     *
     * @return whether this policy starts the connection with a TLS handshake
     */
    public boolean startsWithTls() {
        return this == IMPLICIT;
    }

    /**
     * Whether a connection under this policy may end up unencrypted.
     *
     * @return whether a connection under this policy may end up unencrypted
     */
    public boolean allowsPlaintext() {
        return this == PLAINTEXT_ONLY || this == OPPORTUNISTIC;
    }
}
