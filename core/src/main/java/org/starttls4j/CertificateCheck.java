package org.starttls4j;

import java.util.HexFormat;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * How a client judges the server's certificate.
 *
 * <p>The default, {@link #standard()}, validates the chain against the trust anchors and checks
 * that the certificate names the server (RFC 6125 / RFC 7817 as the JDK's {@code "HTTPS"} endpoint
 * identification applies them). Pins are SHA-256 fingerprints of the leaf certificate's DER
 * encoding, as {@code openssl x509 -fingerprint -sha256} prints them (colons and case do not
 * matter); they are checked once the handshake is done, with any engine.
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

    private static String normalisePin(String pin) {
        String hex = Stream.of(pin.split("[:\\s]")).collect(Collectors.joining()).toLowerCase(Locale.ROOT);
        if (hex.startsWith("sha256/")) {
            hex = hex.substring("sha256/".length());
        }
        if (hex.length() != 64) {
            throw new IllegalArgumentException("not a SHA-256 fingerprint: " + pin);
        }
        HexFormat.of().parseHex(hex); // throws IllegalArgumentException on a non-hex digit
        return hex;
    }
}
