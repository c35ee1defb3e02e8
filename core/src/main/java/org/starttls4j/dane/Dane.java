package org.starttls4j.dane;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
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
     * @param tlsaBaseDomain the MX host name, or its secure CNAME expansion (RFC 7672 §2.2.2)
     * @param level          how much the sender insists on DANE
     * @param sender         the sender's own settings (EHLO name, limits, timeouts, TLS 1.3 floor)
     * @return the decision
     */
    public static DaneDecision decide(TlsaLookup lookup, String mxHost, String tlsaBaseDomain, DaneLevel level,
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
        ClientConfig.Builder b = sender.apply(ClientConfig.builder(base)).serverName(base).policy(TlsPolicy.REQUIRED);
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
                .chainCheck(new DaneCheck(usable, referenceNames(mxHost, tlsaBaseDomain)))
                .build();
        return new DaneDecision.Deliver(config, true, null);
    }

    private static String normalise(String name) {
        String n = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        return n.toLowerCase(Locale.ROOT);
    }
}
