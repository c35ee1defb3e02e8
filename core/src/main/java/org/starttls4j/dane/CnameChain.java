package org.starttls4j.dane;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Where an MX host name leads through CNAME records (RFC 7672 §2.2.2), as a resolver that
 * validates DNSSEC itself found it.
 *
 * <p>The chain is secure only when every CNAME record along it was DNSSEC-validated: an insecure
 * link makes it and everything after it insecure, however secure the earlier links were (§2.2.2),
 * since whoever can forge that link chooses the rest. An insecure chain's expanded name is never a
 * TLSA base domain ({@link Dane#tlsaBase}).
 *
 * @param original the MX host name as the MX record gave it
 * @param targets  the CNAME targets in order, the last being the fully expanded name; empty when
 *                 the MX host name is no alias
 * @param secure   whether every CNAME record of the chain was DNSSEC-validated (true for an empty chain)
 */
public record CnameChain(String original, List<String> targets, boolean secure) {

    /**
     * Normalises the names (lower case, no trailing dot) and copies the list.
     *
     * @param original the MX host name as the MX record gave it
     * @param targets  the CNAME targets in order, the last being the fully expanded name
     * @param secure   whether every CNAME record of the chain was DNSSEC-validated
     */
    public CnameChain {
        original = normalise(Objects.requireNonNull(original, "original"));
        targets = targets.stream().map(CnameChain::normalise).toList();
    }

    /**
     * A name that is no alias.
     *
     * @param host the MX host name
     * @return a chain without targets, secure
     */
    public static CnameChain none(String host) {
        return new CnameChain(host, List.of(), true);
    }

    /**
     * The fully expanded name.
     *
     * @return the last target, or the original name when there is none
     */
    public String expanded() {
        return targets.isEmpty() ? original : targets.get(targets.size() - 1);
    }

    /**
     * Whether the expanded name may be a TLSA base domain: the name is an alias and the whole chain
     * is secure.
     *
     * @return {@code true} when TLSA records are looked for at {@link #expanded()} first
     */
    public boolean secureExpansion() {
        return secure && !targets.isEmpty();
    }

    static String normalise(String name) {
        String n = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        return n.toLowerCase(Locale.ROOT);
    }
}
