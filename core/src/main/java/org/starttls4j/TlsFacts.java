package org.starttls4j;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the TLS handshake settled.
 *
 * @param protocol          the negotiated version as JSSE names it, e.g. {@code "TLSv1.3"}
 * @param cipherSuite       the negotiated cipher suite, e.g. {@code "TLS_AES_128_GCM_SHA256"}
 * @param peerCertificates  the peer's chain, leaf first; empty when the peer sent none
 * @param localCertificates the chain we sent, leaf first; empty when we sent none
 */
public record TlsFacts(String protocol, String cipherSuite, List<X509Certificate> peerCertificates,
                       List<X509Certificate> localCertificates) {

    /**
     * Copies the lists so the value stays immutable.
     *
     * @param protocol the negotiated version as JSSE names it, e.g. {@code "TLSv1.3"}
     * @param cipherSuite the negotiated cipher suite, e.g. {@code "TLS_AES_128_GCM_SHA256"}
     * @param peerCertificates the peer's chain, leaf first; empty when the peer sent none
     * @param localCertificates the chain we sent, leaf first; empty when we sent none
     */
    public TlsFacts {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(cipherSuite, "cipherSuite");
        peerCertificates = List.copyOf(peerCertificates);
        localCertificates = List.copyOf(localCertificates);
    }

    /**
     * The peer's leaf certificate, if it sent one.
     *
     * @return the peer's leaf certificate, if it sent one
     */
    public Optional<X509Certificate> peerCertificate() {
        return peerCertificates.isEmpty() ? Optional.empty() : Optional.of(peerCertificates.get(0));
    }

    /**
     * The SHA-256 fingerprint of the peer's leaf certificate, lowercase hex without separators.
     *
     * @return the SHA-256 fingerprint of the peer's leaf certificate, lowercase hex without separators
     */
    public Optional<String> peerCertificateSha256() {
        return peerCertificate().map(TlsFacts::sha256);
    }

    /**
     * One line for logs: protocol, suite, and each side's leaf by subject, issuer, SHA-256 and
     * validity (never the certificates' full dump), e.g.
     * {@code TlsFacts[TLSv1.3 TLS_AES_256_GCM_SHA384, peer {subject CN=mx.example.org, issuer CN=R11,
     * sha256 4b52…, valid 2026-11-01T00:00:00Z to 2027-01-30T00:00:00Z, chain of 2}, local none]}.
     *
     * @return a single line
     */
    @Override
    public String toString() {
        return "TlsFacts[" + protocol + " " + cipherSuite + ", peer " + describe(peerCertificates)
                + ", local " + describe(localCertificates) + "]";
    }

    /**
     * A certificate in one line: subject, issuer, SHA-256, validity.
     *
     * @param certificate an X.509 certificate
     * @return e.g. {@code subject CN=a, issuer CN=b, sha256 …, valid 2026-11-01T00:00:00Z to 2027-01-30T00:00:00Z}
     */
    public static String describe(X509Certificate certificate) {
        return "subject " + certificate.getSubjectX500Principal().getName()
                + ", issuer " + certificate.getIssuerX500Principal().getName()
                + ", sha256 " + sha256(certificate)
                + ", valid " + certificate.getNotBefore().toInstant() + " to " + certificate.getNotAfter().toInstant();
    }

    private static String describe(List<X509Certificate> chain) {
        if (chain.isEmpty()) {
            return "none";
        }
        return "{" + describe(chain.get(0)) + (chain.size() > 1 ? ", chain of " + chain.size() : "") + "}";
    }

    /**
     * The SHA-256 fingerprint of a certificate's DER encoding, lowercase hex without separators.
     *
     * @param certificate an X.509 certificate
     * @return the SHA-256 fingerprint of a certificate's DER encoding, lowercase hex without separators
     */
    public static String sha256(X509Certificate certificate) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            // Every JDK has SHA-256, and a certificate the engine accepted re-encodes.
            throw new IllegalStateException("cannot fingerprint certificate", e);
        }
    }
}
