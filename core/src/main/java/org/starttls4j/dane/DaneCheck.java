package org.starttls4j.dane;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.starttls4j.ChainCheck;
import org.starttls4j.Failure;

/**
 * DANE as the check a client negotiation applies to the server's chain
 * ({@link org.starttls4j.ClientConfig.Builder#chainCheck}): authenticated when a usable TLSA record
 * matches ({@link DaneVerifier}); a {@link Failure.Reason#CERTIFICATE_REJECTED} failure otherwise.
 * With no usable record it accepts any chain: TLS is then mandatory but unauthenticated
 * (RFC 7672 §2.2). {@link Dane#decide} installs it with PKIX switched off, as RFC 7672 §3.1 asks.
 *
 * @param records        the DNSSEC-validated TLSA RRset of the MX host
 * @param referenceNames the names a DANE-TA-authenticated leaf may carry
 */
public record DaneCheck(List<Tlsa> records, Set<String> referenceNames) implements ChainCheck {

    /**
     * Copies the collections.
     *
     * @param records the DNSSEC-validated TLSA RRset of the MX host
     * @param referenceNames the names a DANE-TA-authenticated leaf may carry
     */
    public DaneCheck {
        records = List.copyOf(records);
        referenceNames = Set.copyOf(referenceNames);
    }

    /**
     * Judges the chain against the records.
     *
     * @param chain the server's certificates, leaf first
     * @param now   the time validity dates are checked against (DANE-TA only)
     * @return empty when authenticated (or when no record is usable), else the failure
     */
    @Override
    public Optional<Failure> check(List<X509Certificate> chain, Instant now) {
        DaneVerdict verdict = DaneVerifier.verify(records, referenceNames, chain, now);
        if (verdict instanceof DaneVerdict.Rejected) {
            DaneVerdict.Rejected rejected = (DaneVerdict.Rejected) verdict;
            return Optional.of(Failure.certificate(rejected.problem(), "DANE: " + rejected.why(),
                    chain.isEmpty() ? Optional.empty() : Optional.of(chain.get(0).getSubjectX500Principal().getName())));
        }
        return Optional.empty();
    }
}
