package org.starttls4j.dane;

import java.util.Objects;
import java.util.Set;

/**
 * The TLSA base domain chosen for an MX host (RFC 7672 §2.2.2), the lookup of its TLSA records,
 * and the reference identifiers a DANE-TA-authenticated certificate may carry (§3.2.2). Made by
 * {@link Dane#tlsaBase}, taken by {@link Dane#decide(TlsaBase, DaneLevel, java.util.function.UnaryOperator)}.
 *
 * @param domain         the name whose {@code _25._tcp} TLSA records apply, also the SNI sent (§8.1)
 * @param lookup         the lookup of those records
 * @param referenceNames the names the leaf may carry under DANE-TA: the TLSA base domain, the MX
 *                       host name, and the expanded name of a secure CNAME chain
 */
public record TlsaBase(String domain, TlsaLookup lookup, Set<String> referenceNames) {

    /**
     * Checks the components and copies the set.
     *
     * @param domain         the name whose TLSA records apply
     * @param lookup         the lookup of those records
     * @param referenceNames the names the leaf may carry under DANE-TA; must include {@code domain}
     * @throws IllegalArgumentException if {@code referenceNames} lacks the TLSA base domain
     */
    public TlsaBase {
        domain = CnameChain.normalise(Objects.requireNonNull(domain, "domain"));
        Objects.requireNonNull(lookup, "lookup");
        referenceNames = Set.copyOf(referenceNames);
        if (!referenceNames.contains(domain)) {
            throw new IllegalArgumentException("the TLSA base domain is always a reference identifier (RFC 7672 §3.2.2)");
        }
    }
}
