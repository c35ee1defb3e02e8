package org.starttls4j.dane;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import javax.security.auth.x500.X500Principal;
import org.starttls4j.CertificateProblem;

/**
 * Holds a server's certificate chain against TLSA records as RFC 7672 §3 asks of an SMTP client.
 *
 * <ul>
 *   <li>PKIX-TA(0) and PKIX-EE(1) records, unknown parameters and digests of the wrong length are
 *       unusable and skipped ({@link Tlsa#unusable()}).</li>
 *   <li>Digest algorithm agility (RFC 7671 §9): of the usable records with the same usage and
 *       selector, only those with matching type Full(0) and those with the strongest digest there
 *       (SHA2-512 over SHA2-256) are held against the chain. A domain that publishes both digests
 *       of a key is thus not weakened by the weaker one; Postfix (through OpenSSL) does the same.</li>
 *   <li>DANE-EE(3) matches the leaf certificate (selector Cert) or its key (selector SPKI). Its
 *       names and validity dates are ignored (§3.1.1): the record is the authentication.</li>
 *   <li>DANE-TA(2) matches an issuer certificate the server sent, or, for a {@code 2 1 0} or
 *       {@code 2 0 0} record (the issuer's key or certificate in full), the issuer that signed the
 *       topmost certificate sent. The chain below it must then validate
 *       as PKIX does (signatures, validity at the given time, CA constraints) with that issuer
 *       as the only trust anchor, and the leaf must carry one of the reference identifiers
 *       (§3.2.2, §3.2.3): a DNS subject alternative name, or the subject CN when it has none; a
 *       {@code *} as a whole leftmost label matches exactly one label.</li>
 * </ul>
 *
 * <p>Revocation is not checked, as RFC 7671 §5.2 leaves it to the domain's control of its TLSA
 * records. The verifier does no I/O and throws for no chain and no record.
 */
public final class DaneVerifier {

    private DaneVerifier() {
    }

    /**
     * Verifies a chain.
     *
     * @param records        the TLSA RRset, DNSSEC-validated (RFC 7672 §2.2)
     * @param referenceNames the names the leaf may carry under DANE-TA: the TLSA base domain and
     *                       the MX host name (see {@link Dane#referenceNames})
     * @param chain          the server's certificates, leaf first
     * @param now            the time to check validity dates against (DANE-TA only)
     * @return the verdict
     */
    public static DaneVerdict verify(Collection<Tlsa> records, Set<String> referenceNames,
                                     List<X509Certificate> chain, Instant now) {
        List<Tlsa> usable = strongestDigests(records.stream().filter(r -> r.unusable().isEmpty()).collect(Collectors.toList()));
        if (usable.isEmpty()) {
            return new DaneVerdict.NoUsableRecords();
        }
        if (chain.isEmpty()) {
            return new DaneVerdict.Rejected(CertificateProblem.DANE_MISMATCH, "the server sent no certificate");
        }
        DaneVerdict.Rejected closest = null;
        for (Tlsa record : usable) {
            if (record.usage() == Tlsa.DANE_EE) {
                if (matches(record, chain.get(0))) {
                    return new DaneVerdict.Authenticated(record, 0);
                }
                continue;
            }
            for (int depth = 1; depth < chain.size(); depth++) {
                if (matches(record, chain.get(depth))) {
                    DaneVerdict v = belowAnchor(record, new TrustAnchor(chain.get(depth), null), depth, chain, referenceNames, now);
                    if (v instanceof DaneVerdict.Authenticated) {
                        return v;
                    }
                    closest = (DaneVerdict.Rejected) v;
                }
            }
            if (record.matchingType() == Tlsa.FULL) {
                // The issuer in full, not among the certificates sent: a bare key (2 1 0, RFC 7671
                // §5.2.3) or a whole certificate (2 0 0, §5.2.2), which signed the topmost one sent.
                X509Certificate top = chain.get(chain.size() - 1);
                TrustAnchor anchor = record.selector() == Tlsa.SPKI ? bareKeyAnchor(record, top) : certificateAnchor(record, chain);
                if (anchor != null) {
                    DaneVerdict v = belowAnchor(record, anchor, chain.size(), chain, referenceNames, now);
                    if (v instanceof DaneVerdict.Authenticated) {
                        return v;
                    }
                    closest = (DaneVerdict.Rejected) v;
                }
            }
        }
        return closest != null ? closest
                : new DaneVerdict.Rejected(CertificateProblem.DANE_MISMATCH,
                        "none of " + usable.size() + " usable TLSA records matches the server's chain");
    }

    /**
     * RFC 7671 §9, applied after unusable records are gone: per usage and selector, the records of
     * matching type Full(0) and those of the strongest digest among them; weaker digests are
     * dropped. SHA2-512(2) is stronger than SHA2-256(1), so the matching type's number orders them.
     */
    static List<Tlsa> strongestDigests(List<Tlsa> usable) {
        return usable.stream().filter(r -> r.matchingType() == Tlsa.FULL || usable.stream()
                        .noneMatch(o -> o.usage() == r.usage() && o.selector() == r.selector() && o.matchingType() > r.matchingType()))
                .collect(Collectors.toList());
    }

    /** Whether the record names this certificate (or its key). */
    static boolean matches(Tlsa record, X509Certificate certificate) {
        byte[] selected;
        try {
            selected = record.selector() == Tlsa.CERT ? certificate.getEncoded() : certificate.getPublicKey().getEncoded();
        } catch (CertificateEncodingException | RuntimeException e) {
            return false;
        }
        if (selected == null) {
            return false;
        }
        return MessageDigest.isEqual(digest(record.matchingType(), selected), record.dataView());
    }

    private static byte[] digest(int matchingType, byte[] selected) {
        if (matchingType == Tlsa.FULL) {
            return selected;
        }
        try {
            return MessageDigest.getInstance(matchingType == Tlsa.SHA2_256 ? "SHA-256" : "SHA-512").digest(selected);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256 and SHA-512", e);
        }
    }

    private static TrustAnchor bareKeyAnchor(Tlsa record, X509Certificate top) {
        try {
            java.security.PublicKey key = publicKey(record.dataView());
            if (key == null) {
                return null;
            }
            top.verify(key);
            return new TrustAnchor(top.getIssuerX500Principal(), key, null);
        } catch (GeneralSecurityException | RuntimeException e) {
            return null;
        }
    }

    /**
     * The issuer certificate a {@code 2 0 0} record carries, as the anchor of a chain that leaves it
     * out: only when it is none of the certificates sent (those the depth loop matched already; the
     * leaf is never its own anchor) and its key signed the topmost one.
     */
    private static TrustAnchor certificateAnchor(Tlsa record, List<X509Certificate> chain) {
        try {
            X509Certificate issuer = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new java.io.ByteArrayInputStream(record.dataView()));
            if (chain.contains(issuer)) {
                return null;
            }
            chain.get(chain.size() - 1).verify(issuer.getPublicKey());
            return new TrustAnchor(issuer, null);
        } catch (GeneralSecurityException | RuntimeException e) {
            return null;
        }
    }

    /** The key a DER SubjectPublicKeyInfo encodes, whichever common family it belongs to. */
    private static java.security.PublicKey publicKey(byte[] spki) {
        for (String algorithm : new String[] {"RSA", "EC", "Ed25519", "Ed448", "DSA"}) {
            try {
                return java.security.KeyFactory.getInstance(algorithm)
                        .generatePublic(new java.security.spec.X509EncodedKeySpec(spki));
            } catch (GeneralSecurityException | RuntimeException notThisAlgorithm) {
                // try the next family
            }
        }
        return null;
    }

    /** PKIX below a DANE-TA anchor, then the name check of §3.2.2. */
    private static DaneVerdict belowAnchor(Tlsa record, TrustAnchor anchor, int depth, List<X509Certificate> chain,
                                           Set<String> referenceNames, Instant now) {
        try {
            PKIXParameters parameters = new PKIXParameters(Set.of(anchor));
            parameters.setRevocationEnabled(false);
            parameters.setDate(Date.from(now));
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            CertPathValidator.getInstance("PKIX").validate(factory.generateCertPath(new ArrayList<>(chain.subList(0, depth))), parameters);
        } catch (CertPathValidatorException e) {
            CertPathValidatorException.Reason reason = e.getReason();
            CertificateProblem problem = reason == CertPathValidatorException.BasicReason.EXPIRED ? CertificateProblem.EXPIRED
                    : reason == CertPathValidatorException.BasicReason.NOT_YET_VALID ? CertificateProblem.NOT_YET_VALID
                    : CertificateProblem.NOT_TRUSTED;
            return new DaneVerdict.Rejected(problem, "DANE-TA record " + record + " matched at depth " + depth
                    + " but the chain below it does not validate: " + e.getMessage());
        } catch (GeneralSecurityException | RuntimeException e) {
            return new DaneVerdict.Rejected(CertificateProblem.OTHER, "cannot validate below the DANE-TA anchor: " + e);
        }
        if (!carriesName(chain.get(0), referenceNames)) {
            return new DaneVerdict.Rejected(CertificateProblem.HOST_MISMATCH, "the certificate names none of " + referenceNames);
        }
        return new DaneVerdict.Authenticated(record, depth);
    }

    /** RFC 7672 §3.2.3: DNS subject alternative names, or the subject CN when there are none. */
    static boolean carriesName(X509Certificate leaf, Set<String> referenceNames) {
        List<String> presented = new ArrayList<>();
        try {
            Collection<List<?>> alternatives = leaf.getSubjectAlternativeNames();
            if (alternatives != null) {
                for (List<?> alternative : alternatives) {
                    if (alternative.size() >= 2 && Integer.valueOf(2).equals(alternative.get(0)) && alternative.get(1) instanceof String) {
                        presented.add((String) alternative.get(1));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            return false;
        }
        if (presented.isEmpty()) {
            presented.addAll(commonNames(leaf.getSubjectX500Principal()));
        }
        for (String name : presented) {
            for (String reference : referenceNames) {
                if (nameMatches(name, reference)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** A presented name against a reference identifier: case-insensitive, {@code *} only as the whole leftmost label. */
    static boolean nameMatches(String presented, String reference) {
        String p = normalise(presented);
        String r = normalise(reference);
        if (p.isEmpty() || r.isEmpty()) {
            return false;
        }
        if (p.startsWith("*.")) {
            int dot = r.indexOf('.');
            return dot > 0 && p.lastIndexOf('*') == 0 && r.substring(dot).equals(p.substring(1));
        }
        return p.indexOf('*') < 0 && p.equals(r);
    }

    private static String normalise(String name) {
        String n = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        return n.toLowerCase(Locale.ROOT);
    }

    /** The CN attributes of a subject, from its RFC 2253 form (escaped commas and plus signs respected). */
    static List<String> commonNames(X500Principal subject) {
        String dn = subject.getName(X500Principal.RFC2253);
        List<String> names = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (int i = 0; i <= dn.length(); i++) {
            char c = i < dn.length() ? dn.charAt(i) : ',';
            if (c == '\\' && i + 1 < dn.length()) {
                current.append(dn.charAt(++i));
            } else if (c == ',' || c == '+') {
                String attribute = current.toString();
                if (attribute.regionMatches(true, 0, "CN=", 0, 3)) {
                    names.add(attribute.substring(3));
                }
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        return names;
    }
}
