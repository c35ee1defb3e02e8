package org.starttls4j;

import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * How a client judges the server's certificate.
 *
 * <p>The default, {@link #standard()}, validates the chain against the trust anchors, holds it to
 * the {@link CertificateStrength} floor, and checks that the certificate names the server by
 * RFC 6125 as RFC 7817 §3 applies it to mail: a wildcard only as the whole left-most label, over
 * exactly one label, never over a single-label parent ({@code *.com}); IDNs in A-label form; IP
 * addresses only against IP entries (see {@code docs/CERTIFICATES.md}). Pins are SHA-256
 * fingerprints of the leaf certificate's DER encoding, as {@code openssl x509 -fingerprint -sha256}
 * prints them ({@code sha256 Fingerprint=4B:52:…}; the label, colons and case do not matter);
 * they are checked once the handshake is done, with any engine. A malformed pin is refused when
 * the check is made.
 *
 * @param verifyChain    validate the chain against the trust anchors
 * @param verifyHostname check that the certificate names {@link ClientConfig#serverName()}
 * @param pinnedSha256   accepted leaf fingerprints, lowercase hex; empty means no pinning
 */
public record CertificateCheck(boolean verifyChain, boolean verifyHostname, Set<String> pinnedSha256) {

    /**
     * Normalises the pins and refuses a hostname check without a chain check.
     *
     * @param verifyChain validate the chain against the trust anchors
     * @param verifyHostname check that the certificate names {@link ClientConfig#serverName()}
     * @param pinnedSha256 accepted leaf fingerprints, lowercase hex; empty means no pinning
     */
    public CertificateCheck {
        pinnedSha256 = pinnedSha256.stream().map(CertificateCheck::normalisePin).collect(Collectors.toUnmodifiableSet());
        if (verifyHostname && !verifyChain) {
            throw new IllegalArgumentException("a hostname check without a chain check proves nothing");
        }
    }

    /**
     * Chain and hostname verified: Postfix's {@code verify}/{@code secure}. The default.
     *
     * @return the check
     */
    public static CertificateCheck standard() {
        return new CertificateCheck(true, true, Set.of());
    }

    /**
     * Chain and hostname verified, and the leaf must also match one of the pins.
     *
     * @param sha256 SHA-256 fingerprints of accepted leaf certificates
     * @return the check
     */
    public static CertificateCheck standardAndPinned(String... sha256) {
        return new CertificateCheck(true, true, Set.of(sha256));
    }

    /**
     * Only the pins count (Postfix's {@code fingerprint}; also how to apply DANE-EE TLSA records).
     *
     * @param sha256 SHA-256 fingerprints of accepted leaf certificates
     * @return the check
     */
    public static CertificateCheck pinnedOnly(String... sha256) {
        if (sha256.length == 0) {
            throw new IllegalArgumentException("pinnedOnly needs at least one fingerprint");
        }
        return new CertificateCheck(false, false, Set.of(sha256));
    }

    /**
     * Accepts any certificate, so anyone on the path can read and change the traffic. Only for
     * tests, or for Postfix-style {@code may}/{@code encrypt} levels where encryption without
     * authentication is knowingly preferred to plaintext.
     *
     * @return the check
     */
    public static CertificateCheck dangerouslyAcceptAny() {
        return new CertificateCheck(false, false, Set.of());
    }

    /**
     * Whether this check accepts any certificate at all.
     *
     * @return whether this check accepts any certificate at all
     */
    public boolean acceptsAnyCertificate() {
        return !verifyChain && pinnedSha256.isEmpty();
    }

    /**
     * Whether the fingerprint (any common spelling) is one of the pins; true when nothing is pinned.
     *
     * @param sha256 SHA-256 fingerprints of accepted leaf certificates
     * @return whether the fingerprint (any common spelling) is one of the pins
     */
    public boolean pinAllows(String sha256) {
        return pinnedSha256.isEmpty() || pinnedSha256.contains(normalisePin(sha256));
    }

    /**
     * The pin as 64 lowercase hex digits. Accepts what {@code openssl x509 -noout -fingerprint
     * -sha256} prints ({@code sha256 Fingerprint=4B:52:…}, any case, with or without the label),
     * hex with colons, spaces or nothing between the bytes, and a {@code sha256/} prefix.
     */
    private static String normalisePin(String pin) {
        if (pin == null) {
            throw new IllegalArgumentException("a pin is null; give the SHA-256 fingerprint of the server's certificate");
        }
        String text = pin.strip();
        String lower = text.toLowerCase(Locale.ROOT);
        int equals = lower.indexOf('=');
        if (equals >= 0 && lower.substring(0, equals).replaceAll("[\\s-]", "").equals("sha256fingerprint")) {
            text = text.substring(equals + 1); // OpenSSL's "sha256 Fingerprint=" (or "SHA256 Fingerprint=")
        } else if (lower.startsWith("sha256/")) {
            text = text.substring("sha256/".length());
        }
        String hex = text.replaceAll("[:\\s]", "").toLowerCase(Locale.ROOT);
        if (hex.length() != 64 || !hex.chars().allMatch(c -> c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
            throw new IllegalArgumentException("not a SHA-256 fingerprint: \"" + pin + "\"; expected 64 hex digits"
                    + " (colons allowed), as `openssl x509 -noout -fingerprint -sha256 -in cert.pem` prints them"
                    + (hex.length() == 40 ? " (this looks like a SHA-1 fingerprint: ask openssl for -sha256)" : ""));
        }
        return hex;
    }
}
