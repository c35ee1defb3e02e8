package org.starttls4j;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A further judgement of the server's certificate chain, applied by a client negotiation once the
 * handshake is done and before anything else is sent: beside the PKIX check of
 * {@link CertificateCheck}, or instead of it when that accepts any certificate (DANE, RFC 7672,
 * authenticates the server from DNSSEC-signed TLSA records rather than from a CA; see
 * {@code org.starttls4j.dane.DaneCheck}).
 *
 * <p>The check is pure: it sees the chain as the server sent it (leaf first) and the time the
 * negotiation was given, and must not throw; a rejection is a {@link Failure} with reason
 * {@link Failure.Reason#CERTIFICATE_REJECTED}, which ends the negotiation before any application
 * byte travels.
 */
@FunctionalInterface
public interface ChainCheck {

    /**
     * Judges a chain.
     *
     * @param chain the server's certificates, leaf first; empty when it sent none
     * @param now   the time the negotiation was given for this step
     * @return empty when the chain is accepted, else why it is not
     */
    Optional<Failure> check(List<X509Certificate> chain, Instant now);
}
