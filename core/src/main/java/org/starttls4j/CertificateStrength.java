package org.starttls4j;

/**
 * The weakest keys and signatures a client accepts in a server's certificate chain, whatever
 * anchor it ends in. The JDK enforces a floor like this only for chains ending in its own trust
 * store (and a lower one: RSA 1024, SHA-1 still allowed below a private CA); this one applies to
 * every chain the client verifies, including those ending in {@code trustAnchors(...)}.
 *
 * <p>The default, {@link #DEFAULT}, is what OpenSSL's default security level on current Linux
 * distributions and the CA/Browser Forum require: RSA and DSA keys of at least 2048 bits, EC keys
 * of at least 256 bits, and no SHA-1 or MD5 signature on any certificate below the trust anchor
 * (the anchor's own self-signature proves nothing and is not judged). MD5 and MD2 are never
 * accepted. A legacy peer can be reached with a lowered floor, for instance
 * {@code ClientConfig.builder(host).certificateStrength(CertificateStrength.LEGACY)}; the
 * rejections are {@link CertificateProblem#WEAK_KEY} and {@link CertificateProblem#WEAK_SIGNATURE}.
 * Nothing is judged when the chain is not verified ({@link CertificateCheck#pinnedOnly},
 * {@link CertificateCheck#dangerouslyAcceptAny()}).
 *
 * @param minRsaBits          the shortest RSA (and DSA) modulus accepted, in bits; at least 1024
 * @param minEcBits           the smallest EC field accepted, in bits; at least 224
 * @param allowSha1Signatures whether certificates below the anchor may be signed with SHA-1
 */
public record CertificateStrength(int minRsaBits, int minEcBits, boolean allowSha1Signatures) {

    /** RSA/DSA ≥ 2048 bits, EC ≥ 256 bits, no SHA-1 or MD5 signatures: the default. */
    public static final CertificateStrength DEFAULT = new CertificateStrength(2048, 256, false);

    /**
     * For legacy peers only: RSA/DSA ≥ 1024 bits, EC ≥ 224 bits, SHA-1 signatures accepted (MD5
     * still not). Such keys can be broken or signatures forged by a well-funded attacker.
     */
    public static final CertificateStrength LEGACY = new CertificateStrength(1024, 224, true);

    /**
     * Checks the bounds: below 1024-bit RSA or 224-bit EC nothing is left to protect.
     *
     * @param minRsaBits the shortest RSA (and DSA) modulus accepted, in bits; at least 1024
     * @param minEcBits the smallest EC field accepted, in bits; at least 224
     * @param allowSha1Signatures whether certificates below the anchor may be signed with SHA-1
     * @throws IllegalArgumentException if a bound is below that
     */
    public CertificateStrength {
        if (minRsaBits < 1024) {
            throw new IllegalArgumentException("minRsaBits " + minRsaBits + " is below 1024, which the JDK refuses anyway;"
                    + " use 1024 (CertificateStrength.LEGACY) for the oldest peers");
        }
        if (minEcBits < 224) {
            throw new IllegalArgumentException("minEcBits " + minEcBits + " is below 224, which the JDK refuses anyway;"
                    + " use 224 (CertificateStrength.LEGACY) for the oldest peers");
        }
    }

    /** This floor as the inside's certificate judgement reads it. */
    org.starttls4j.internal.tls.StrengthFloor floor() {
        return new org.starttls4j.internal.tls.StrengthFloor(minRsaBits, minEcBits, allowSha1Signatures);
    }
}
