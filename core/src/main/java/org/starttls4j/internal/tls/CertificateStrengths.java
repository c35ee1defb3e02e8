package org.starttls4j.internal.tls;

import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.DSAKey;
import java.security.interfaces.ECKey;
import java.security.interfaces.RSAKey;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Judges a chain against a {@link StrengthFloor}: every key in it, and the signature of
 * every certificate below the trust anchor.
 */
public final class CertificateStrengths {

    private CertificateStrengths() {
    }

    /**
     * What is too weak in {@code chain}, if anything: a weak key first, then a weak signature.
     *
     * @param chain    the peer's chain, leaf first, as it sent it
     * @param floor    the weakest allowed
     * @param isAnchor which certificates are trust anchors: the chain is judged up to the first
     *                 one, and its signature (like any self-issued certificate's) is not
     * @return the problem and a sentence naming the certificate, or empty if the chain is strong enough
     */
    public static Optional<Weakness> weakness(List<X509Certificate> chain, StrengthFloor floor,
                                              Predicate<X509Certificate> isAnchor) {
        if (!chain.isEmpty() && EncodedCertificate.decodesOnDemand(chain.get(0)) && strongByEncoding(chain, floor, isAnchor)) {
            return Optional.empty();
        }
        for (int i = 0; i < chain.size(); i++) { // by index: no iterator per handshake
            X509Certificate certificate = chain.get(i);
            PublicKey key = certificate.getPublicKey(); // once: some engines' certificates decode it on every call
            int bits = keyBits(key);
            int needed = minimumBits(key, floor);
            if (bits > 0 && bits < needed) {
                return Optional.of(new Weakness(Problem.WEAK_KEY, describe(certificate) + " has a "
                        + keyDescription(key) + " key; at least " + needed + " bits are required"));
            }
            boolean anchor = isAnchor.test(certificate);
            if (!anchor && weakSignature(certificate.getSigAlgName(), floor) && !selfIssued(certificate)) { // names compared only then
                return Optional.of(new Weakness(Problem.WEAK_SIGNATURE, describe(certificate)
                        + " is signed with " + certificate.getSigAlgName() + ", a digest that no longer resists forgery"));
            }
            if (anchor) {
                break;
            }
        }
        return Optional.empty();
    }

    /**
     * Whether the rule below passes {@code chain} by what the certificates' encodings say
     * ({@link EncodedCertificate}), without decoding them: every key it judges at least its
     * family's floor, every signature it judges one no floor calls weak. False when anything is
     * unknown there, or weak: then the getters decide, and word the weakness.
     */
    private static boolean strongByEncoding(List<X509Certificate> chain, StrengthFloor floor,
                                            Predicate<X509Certificate> isAnchor) {
        for (int i = 0; i < chain.size(); i++) {
            X509Certificate certificate = chain.get(i);
            EncodedCertificate read = EncodedCertificate.of(certificate);
            if (read.keyFamily() == null) {
                return false;
            }
            int needed = switch (read.keyFamily()) {
                case RSA -> floor.minRsaBits();
                case EC -> floor.minEcBits();
                case FIXED -> 0;
            };
            if (read.keyBits() < needed) {
                return false;
            }
            if (isAnchor.test(certificate)) {
                return true; // the anchor's key is judged, its signature and what is above it are not
            }
            if (!read.strongSignature()) {
                return false;
            }
        }
        return true;
    }

    /**
     * A chain's weakness.
     *
     * @param problem {@link Problem#WEAK_KEY} or {@link Problem#WEAK_SIGNATURE}
     * @param message which certificate and why, in one sentence
     */
    public record Weakness(Problem problem, String message) {
    }

    /**
     * The size of a key in bits: an RSA or DSA modulus, an EC field; 0 for key types whose
     * strength is fixed by their algorithm (Ed25519, Ed448).
     *
     * @param key the key
     * @return its size in bits, or 0
     */
    public static int keyBits(PublicKey key) {
        if (key instanceof RSAKey rsa) {
            return rsa.getModulus().bitLength();
        }
        if (key instanceof ECKey ec) {
            return ec.getParams().getCurve().getField().getFieldSize();
        }
        if (key instanceof DSAKey dsa && dsa.getParams() != null) {
            return dsa.getParams().getP().bitLength();
        }
        return 0;
    }

    /**
     * A key's type and size as a person reads it, e.g. {@code "RSA 2048-bit"} or {@code "EC 256-bit"}.
     *
     * @param key the key
     * @return the description
     */
    public static String keyDescription(PublicKey key) {
        int bits = keyBits(key);
        return bits == 0 ? key.getAlgorithm() : key.getAlgorithm() + " " + bits + "-bit";
    }

    /**
     * Whether a signature algorithm is too weak for the floor: MD2 and MD5 always, SHA-1 unless allowed.
     *
     * @param signatureAlgorithm the JDK's name for it, e.g. {@code "SHA1withRSA"}
     * @param floor              the weakest allowed
     * @return true if it is too weak
     */
    public static boolean weakSignature(String signatureAlgorithm, StrengthFloor floor) {
        // compared without case, in place: no upper-case copy of the name per certificate
        if (startsWith(signatureAlgorithm, "MD2") || startsWith(signatureAlgorithm, "MD5")) {
            return true;
        }
        return !floor.allowSha1Signatures() && (startsWith(signatureAlgorithm, "SHA1") || startsWith(signatureAlgorithm, "SHA-1"));
    }

    private static boolean startsWith(String name, String prefix) {
        return name.regionMatches(true, 0, prefix, 0, prefix.length());
    }

    private static int minimumBits(PublicKey key, StrengthFloor floor) {
        if (key instanceof ECKey) {
            return floor.minEcBits();
        }
        return key instanceof RSAKey || key instanceof DSAKey ? floor.minRsaBits() : 0;
    }

    private static boolean selfIssued(X509Certificate certificate) {
        return certificate.getSubjectX500Principal().equals(certificate.getIssuerX500Principal());
    }

    private static String describe(X509Certificate certificate) {
        return "the certificate of " + certificate.getSubjectX500Principal().getName();
    }
}
