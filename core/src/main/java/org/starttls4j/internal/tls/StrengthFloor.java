package org.starttls4j.internal.tls;

/**
 * The weakest keys and signatures a chain may hold, as the inside reads
 * {@link org.starttls4j.CertificateStrength}.
 *
 * @param minRsaBits          the shortest RSA (and DSA) modulus
 * @param minEcBits           the smallest EC field
 * @param allowSha1Signatures whether SHA-1 signatures pass
 */
public record StrengthFloor(int minRsaBits, int minEcBits, boolean allowSha1Signatures) {

    /** {@link org.starttls4j.CertificateStrength#DEFAULT}'s floor, which refines the JDK's algorithm constraints. */
    public static final StrengthFloor DEFAULT = new StrengthFloor(2048, 256, false);
}
