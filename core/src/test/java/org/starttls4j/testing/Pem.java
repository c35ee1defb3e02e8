package org.starttls4j.testing;

import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;

/**
 * Minimal PEM (RFC 7468) encoding for the test PKI, so that external tools such as openssl and
 * curl can be given the generated certificates and keys.
 */
final class Pem {

    /** RFC 7468 wants 64-character lines and tools are happiest with plain LF. */
    private static final Base64.Encoder BASE64 =
            Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));

    private Pem() {
    }

    /** Concatenated {@code CERTIFICATE} blocks, leaf first. */
    static String certificates(List<X509Certificate> certificates) {
        StringBuilder out = new StringBuilder();
        for (X509Certificate certificate : certificates) {
            try {
                out.append(block("CERTIFICATE", certificate.getEncoded()));
            } catch (CertificateEncodingException e) {
                throw new IllegalStateException(e);
            }
        }
        return out.toString();
    }

    /** An unencrypted PKCS#8 {@code PRIVATE KEY} block. */
    static String privateKey(PrivateKey key) {
        // JDK RSA and EC keys encode as PKCS#8; anything else would produce a mislabelled block.
        if (!"PKCS#8".equals(key.getFormat())) {
            throw new IllegalArgumentException("key is not PKCS#8 encodable: " + key.getFormat());
        }
        return block("PRIVATE KEY", key.getEncoded());
    }

    private static String block(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n"
                + BASE64.encodeToString(der) + "\n"
                + "-----END " + label + "-----\n";
    }
}
