package org.starttls4j.dane;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.starttls4j.CertificateCheck;
import org.starttls4j.ClientConfig;
import org.starttls4j.TlsPolicy;
import org.starttls4j.tlsrpt.ResultType;

/** Turns the TLSA lookup of one MX host into how to deliver to it (RFC 7672 §2.2 and §3). */
public final class Dane {

    private Dane() {
    }

    /**
     * The reference identifiers of RFC 7672 §3.2.2 a DANE-TA-authenticated certificate may carry:
     * the TLSA base domain and, when a secure CNAME led there from the MX host name, the MX host
     * name too.
     *
     * @param mxHost         the MX host name as the MX record gave it
     * @param tlsaBaseDomain the name whose {@code _25._tcp} TLSA records were used
     * @return both names, lower case, without a trailing dot
     */
    public static Set<String> referenceNames(String mxHost, String tlsaBaseDomain) {
        Set<String> names = new LinkedHashSet<>();
        names.add(normalise(tlsaBaseDomain));
        names.add(normalise(mxHost));
        return Set.copyOf(names);
    }

    /**
     * Chooses the TLSA base domain of an MX host from its CNAME chain, in RFC 7672 §2.2.2's order,
     * asking {@code tlsaAt} for the TLSA records of at most two names.
     *
     * <ol>
     *   <li>A secure chain: the expanded name's records first. Secure records there (usable or not)
     *       or a failed lookup settle it: the expanded name is the TLSA base domain. A failure is
     *       never skipped over to the original name, since an attacker could cause it.</li>
     *   <li>Otherwise (no alias, an insecure chain, or no secure records at the expanded name): the
     *       MX host name's records, and the MX host name is the TLSA base domain.</li>
     * </ol>
     * The reference identifiers (§3.2.2) are the TLSA base domain and the MX host name, and with a
     * secure chain its expanded name too: the names a domain that points its MX host at a
     * provider's host may find on the provider's certificate. The names of an insecure chain are
     * never reference identifiers: whoever forged a link chose them.
     *
     * @param chain  the MX host name's CNAME chain
     * @param tlsaAt the TLSA lookup of {@code _25._tcp.<name>} for a name (the caller's DNS)
     * @return the base domain, its lookup and the reference identifiers
     */
    public static TlsaBase tlsaBase(CnameChain chain, Function<String, TlsaLookup> tlsaAt) {
        String original = chain.original();
        if (chain.secureExpansion()) {
            String expanded = chain.expanded();
            Set<String> names = Set.of(original, expanded);
            TlsaLookup atExpanded = tlsaAt.apply(expanded);
            if (atExpanded instanceof TlsaLookup.Secure || atExpanded instanceof TlsaLookup.Failed) {
                return new TlsaBase(expanded, atExpanded, names);
            }
            return new TlsaBase(original, tlsaAt.apply(original), names);
        }
        return new TlsaBase(original, tlsaAt.apply(original), Set.of(original));
    }

    /**
     * Decides how to deliver to an MX host from its TLSA base domain and lookup, as
     * {@link #decide(TlsaLookup, String, String, DaneLevel, UnaryOperator)} does, with the
     * reference identifiers {@link #tlsaBase} chose.
     *
     * @param base   the TLSA base domain, its lookup and the reference identifiers
     * @param level  how much the sender insists on DANE
     * @param sender the sender's own settings (EHLO name, limits, timeouts, TLS 1.3 floor)
     * @return the decision
     */
    public static DaneDecision decide(TlsaBase base, DaneLevel level, UnaryOperator<ClientConfig.Builder> sender) {
        return decide(base.lookup(), base.domain(), base.referenceNames(), level, sender);
    }

    /**
     * Decides how to deliver to an MX host from its TLSA lookup.
     *
     * <ul>
     *   <li>Lookup failed (bogus, SERVFAIL): do not deliver to this host ({@code dnssec-invalid}),
     *       whatever the level (RFC 7672 §2.2: a failure an attacker can cause must not downgrade).</li>
     *   <li>No secure records: {@link DaneDecision.NotApplicable} at {@link DaneLevel#DANE};
     *       do not deliver ({@code dane-required}) at {@link DaneLevel#DANE_ONLY}.</li>
     *   <li>Secure records, none usable: required STARTTLS without authentication at
     *       {@link DaneLevel#DANE} (§2.2; Postfix's {@code encrypt}), reported as {@code tlsa-invalid};
     *       do not deliver at {@link DaneLevel#DANE_ONLY} (Postfix defers too).</li>
     *   <li>Usable records: required STARTTLS, SNI set to the TLSA base domain (§8.1), PKIX off
     *       and {@link DaneCheck} on (§3.1), set after {@code sender} has had its say.</li>
     * </ul>
     *
     * @param lookup         the TLSA lookup of {@code _25._tcp.<tlsaBaseDomain>}
     * @param mxHost         the MX host name as the MX record gave it
     * @param tlsaBaseDomain the MX host name, or its secure CNAME expansion (RFC 7672 §2.2.2; see
     *                       {@link #tlsaBase})
     * @param level          how much the sender insists on DANE
     * @param sender         the sender's own settings (EHLO name, limits, timeouts, TLS 1.3 floor)
     * @return the decision
     */
    public static DaneDecision decide(TlsaLookup lookup, String mxHost, String tlsaBaseDomain, DaneLevel level,
                                      UnaryOperator<ClientConfig.Builder> sender) {
        return decide(lookup, tlsaBaseDomain, referenceNames(mxHost, tlsaBaseDomain), level, sender);
    }

    private static DaneDecision decide(TlsaLookup lookup, String tlsaBaseDomain, Set<String> referenceNames, DaneLevel level,
                                       UnaryOperator<ClientConfig.Builder> sender) {
        if (lookup instanceof TlsaLookup.Failed) {
            return new DaneDecision.DoNotDeliver(ResultType.DNSSEC_INVALID,
                    "the TLSA lookup failed: " + ((TlsaLookup.Failed) lookup).why());
        }
        if (!(lookup instanceof TlsaLookup.Secure)) {
            String why = lookup instanceof TlsaLookup.Insecure ? "the TLSA lookup is not DNSSEC-validated"
                    : "the MX host publishes no TLSA records";
            return level == DaneLevel.DANE_ONLY ? new DaneDecision.DoNotDeliver(ResultType.DANE_REQUIRED, why)
                    : new DaneDecision.NotApplicable(why);
        }
        List<Tlsa> usable = ((TlsaLookup.Secure) lookup).records().stream()
                .filter(r -> r.unusable().isEmpty()).collect(Collectors.toList());
        String base = normalise(tlsaBaseDomain);
        // Built once first, then copied: the sender's own trust anchors (for PKIX elsewhere) are
        // allowed to sit unused under a check that verifies no chain, which a fresh builder refuses.
        ClientConfig.Builder b = sender.apply(ClientConfig.builder(base)).build().toBuilder()
                .serverName(base).policy(TlsPolicy.REQUIRED);
        if (usable.isEmpty()) {
            if (level == DaneLevel.DANE_ONLY) {
                return new DaneDecision.DoNotDeliver(ResultType.TLSA_INVALID, "every TLSA record of " + base + " is unusable");
            }
            // RFC 7672 §2.2: unusable records still say the server supports TLS, so TLS is required
            // but nothing can authenticate it; PKIX is not a fallback (§3.1: no agreed anchors).
            return new DaneDecision.Deliver(b.certificateCheck(CertificateCheck.dangerouslyAcceptAny()).build(),
                    false, ResultType.TLSA_INVALID);
        }
        ClientConfig config = b.certificateCheck(CertificateCheck.dangerouslyAcceptAny())
                .chainCheck(new DaneCheck(usable, referenceNames))
                .build();
        return new DaneDecision.Deliver(config, true, null);
    }

    private static String normalise(String name) {
        String n = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        return n.toLowerCase(Locale.ROOT);
    }
}
