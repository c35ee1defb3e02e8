package org.starttls4j;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * Certificates and private keys from PEM files (RFC 7468), with the JDK alone: what a server needs
 * for {@link ServerConfig.Builder#certificateChain(Path, Path)} and a client for
 * {@link ClientConfig.Builder#trustAnchors(java.util.Collection)}.
 *
 * <p>Keys: unencrypted PKCS#8 ({@code BEGIN PRIVATE KEY}, what {@code openssl genpkey} and
 * {@code openssl pkcs8 -nocrypt} write) for RSA, RSASSA-PSS, EC, Ed25519, Ed448 and DSA; and the
 * traditional forms older OpenSSL commands write, {@code BEGIN RSA PRIVATE KEY} (PKCS#1) and
 * {@code BEGIN EC PRIVATE KEY} (SEC 1, with its named curve, or without it for P-256, P-384 and
 * P-521, told apart by the key's length; a {@code BEGIN EC PARAMETERS} block before it is skipped). An encrypted key is refused with the command that decrypts it.
 *
 * <p>Text outside the {@code BEGIN}/{@code END} lines (OpenSSL's {@code Bag Attributes},
 * comments) is ignored. Problems with the content are {@link IllegalArgumentException}s that name
 * the file and say what to do; a file that cannot be read is an {@link UncheckedIOException}.
 */
public final class Pem {

    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\s*(.*?)-----END \\1-----", Pattern.DOTALL);

    /** PKCS#8 AlgorithmIdentifier OIDs and the JDK's KeyFactory names for them. */
    private static final Map<String, String> KEY_ALGORITHMS = Map.of(
            "1.2.840.113549.1.1.1", "RSA",
            "1.2.840.113549.1.1.10", "RSASSA-PSS",
            "1.2.840.10045.2.1", "EC",
            "1.3.101.112", "Ed25519",
            "1.3.101.113", "Ed448",
            "1.2.840.10040.4.1", "DSA");

    private static final byte[] RSA_ENCRYPTION_OID = {0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01};
    private static final byte[] EC_PUBLIC_KEY_OID = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};
    private static final byte[] VERSION_0 = {Der.INTEGER, 0x01, 0x00};
    private static final byte[] DER_NULL = {Der.NULL, 0x00};

    private Pem() {
    }

    /**
     * The certificates of a PEM file, in file order (for a chain: leaf first).
     *
     * @param file a file of {@code BEGIN CERTIFICATE} blocks
     * @return at least one certificate
     * @throws IllegalArgumentException when the file holds no certificate or a broken one
     * @throws UncheckedIOException     when the file cannot be read
     */
    public static List<X509Certificate> certificates(Path file) {
        return certificates(read(file), file.toString());
    }

    /**
     * The certificates of PEM text, in order.
     *
     * @param pem text with {@code BEGIN CERTIFICATE} blocks
     * @return at least one certificate
     * @throws IllegalArgumentException when the text holds no certificate or a broken one
     */
    public static List<X509Certificate> certificates(String pem) {
        return certificates(pem, "the PEM text");
    }

    /**
     * The private key of a PEM file.
     *
     * @param file a file with one private key block (see the class comment for the forms)
     * @return the key
     * @throws IllegalArgumentException when the file holds no usable key
     * @throws UncheckedIOException     when the file cannot be read
     */
    public static PrivateKey privateKey(Path file) {
        return privateKey(read(file), file.toString());
    }

    /**
     * The private key of PEM text.
     *
     * @param pem text with one private key block
     * @return the key
     * @throws IllegalArgumentException when the text holds no usable key
     */
    public static PrivateKey privateKey(String pem) {
        return privateKey(pem, "the PEM text");
    }

    /**
     * A JDK server {@link SSLContext} presenting the chain in {@code chain} with the key in
     * {@code key}, after checking that the key belongs to the chain's first certificate.
     *
     * @param chain PEM certificates, leaf first (the leaf alone is enough when clients hold the CA)
     * @param key   the leaf's PEM private key
     * @return a "TLS" context with the JDK's default protocols and suites
     * @throws IllegalArgumentException when a file holds nothing usable or the key does not match
     * @throws UncheckedIOException     when a file cannot be read
     */
    public static SSLContext serverContext(Path chain, Path key) {
        List<X509Certificate> certificates = certificates(chain);
        PrivateKey privateKey = privateKey(key);
        requireMatch(privateKey, certificates.get(0), chain, key);
        try {
            char[] password = new char[0];
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("server", privateKey, password, certificates.toArray(Certificate[]::new));
            KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyManagers.init(store, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("cannot make a TLS context of " + chain + " and " + key + ": " + e.getMessage(), e);
        }
    }

    private static List<X509Certificate> certificates(String pem, String where) {
        List<X509Certificate> out = new ArrayList<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            Matcher m = BLOCK.matcher(pem);
            while (m.find()) {
                if (m.group(1).equals("CERTIFICATE") || m.group(1).equals("TRUSTED CERTIFICATE")
                        || m.group(1).equals("X509 CERTIFICATE")) {
                    byte[] der = decode(m.group(2), where);
                    out.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
                }
            }
        } catch (CertificateException e) {
            throw new IllegalArgumentException(where + ": a CERTIFICATE block is not an X.509 certificate: " + e.getMessage(), e);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(where + ": no -----BEGIN CERTIFICATE----- block");
        }
        return List.copyOf(out);
    }

    private static PrivateKey privateKey(String pem, String where) {
        Matcher m = BLOCK.matcher(pem);
        while (m.find()) {
            String label = m.group(1);
            switch (label) {
                case "PRIVATE KEY":
                    return pkcs8(decode(m.group(2), where), where);
                case "RSA PRIVATE KEY":
                    return fromPkcs1(decode(m.group(2), where), where, m.group(2));
                case "EC PRIVATE KEY":
                    return fromSec1(decode(m.group(2), where), where, m.group(2));
                case "ENCRYPTED PRIVATE KEY":
                    throw new IllegalArgumentException(where + ": the private key is encrypted; decrypt it first, "
                            + "e.g. openssl pkcs8 -in encrypted.pem -out key.pem (and keep key.pem readable by you alone)");
                default:
                    break; // EC PARAMETERS, certificates, anything else: not the key
            }
        }
        throw new IllegalArgumentException(where + ": no private key block (-----BEGIN PRIVATE KEY-----, "
                + "-----BEGIN RSA PRIVATE KEY----- or -----BEGIN EC PRIVATE KEY-----)");
    }

    private static PrivateKey pkcs8(byte[] der, String where) {
        String algorithm;
        try {
            List<Der.Element> info = Der.readWhole(der).children();
            algorithm = KEY_ALGORITHMS.get(info.get(1).children().get(0).oid());
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            throw new IllegalArgumentException(where + ": the PRIVATE KEY block is not PKCS#8", e);
        }
        if (algorithm == null) {
            throw new IllegalArgumentException(where + ": a private key of an algorithm the JDK's TLS cannot use");
        }
        try {
            return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(where + ": not a valid " + algorithm + " private key: " + e.getMessage(), e);
        }
    }

    /** RFC 8017 RSAPrivateKey, wrapped as the PKCS#8 PrivateKeyInfo the JDK reads. */
    private static PrivateKey fromPkcs1(byte[] der, String where, String base64) {
        rejectOpenSslEncryption(base64, where);
        return pkcs8(Der.tlv(Der.SEQUENCE, VERSION_0, Der.tlv(Der.SEQUENCE, RSA_ENCRYPTION_OID, DER_NULL),
                Der.tlv(Der.OCTET_STRING, der)), where);
    }

    /** RFC 5915 ECPrivateKey, its named curve moved into the PKCS#8 AlgorithmIdentifier. */
    private static PrivateKey fromSec1(byte[] der, String where, String base64) {
        rejectOpenSslEncryption(base64, where);
        byte[] curve = null;
        try {
            for (Der.Element e : Der.readWhole(der).children()) {
                if (e.tag() == 0xa0) {
                    Der.Element parameters = e.children().get(0);
                    if (parameters.tag() == Der.OID) {
                        curve = parameters.encoded();
                    }
                }
            }
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            throw new IllegalArgumentException(where + ": the EC PRIVATE KEY block is not an RFC 5915 key", e);
        }
        if (curve == null) {
            curve = curveBySize(der);
        }
        if (curve == null) {
            throw new IllegalArgumentException(where + ": the EC PRIVATE KEY names no curve; convert it with "
                    + "openssl pkcs8 -topk8 -nocrypt -in key.pem -out key-pkcs8.pem");
        }
        return pkcs8(Der.tlv(Der.SEQUENCE, VERSION_0, Der.tlv(Der.SEQUENCE, EC_PUBLIC_KEY_OID, curve),
                Der.tlv(Der.OCTET_STRING, der)), where);
    }

    /**
     * The curve of a key that omits its parameters (some writers leave them to the PKCS#8 wrapper
     * they took the key from): RFC 5915 fixes the private key's length by the curve's order, and
     * the three curves TLS uses differ in it.
     */
    private static byte[] curveBySize(byte[] der) {
        List<Der.Element> fields = Der.readWhole(der).children();
        if (fields.size() < 2 || fields.get(1).tag() != Der.OCTET_STRING) {
            return null;
        }
        switch (fields.get(1).content().length) {
            case 32: // secp256r1, 1.2.840.10045.3.1.7
                return new byte[] {0x06, 0x08, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x03, 0x01, 0x07};
            case 48: // secp384r1, 1.3.132.0.34
                return new byte[] {0x06, 0x05, 0x2b, (byte) 0x81, 0x04, 0x00, 0x22};
            case 66: // secp521r1, 1.3.132.0.35
                return new byte[] {0x06, 0x05, 0x2b, (byte) 0x81, 0x04, 0x00, 0x23};
            default:
                return null;
        }
    }

    /** OpenSSL's traditional encryption puts "Proc-Type: 4,ENCRYPTED" headers inside the block. */
    private static void rejectOpenSslEncryption(String body, String where) {
        if (body.contains("Proc-Type:") || body.contains("DEK-Info:")) {
            throw new IllegalArgumentException(where + ": the private key is encrypted; decrypt it first, "
                    + "e.g. openssl pkey -in encrypted.pem -out key.pem");
        }
    }

    private static byte[] decode(String base64, String where) {
        if (base64.contains("Proc-Type:") || base64.contains("DEK-Info:")) {
            rejectOpenSslEncryption(base64, where);
        }
        byte[] der;
        try {
            der = Base64.getDecoder().decode(base64.replaceAll("\\s+", ""));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": a PEM block that is not Base64: " + e.getMessage(), e);
        }
        if (der.length == 0) {
            throw new IllegalArgumentException(where + ": an empty PEM block");
        }
        return der;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** Signs with the key and verifies with the certificate: a wrong pairing fails here, not in a handshake. */
    private static void requireMatch(PrivateKey key, X509Certificate leaf, Path chain, Path keyFile) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "Ed448", "EdDSA" -> key.getAlgorithm();
            case "DSA" -> "SHA256withDSA";
            default -> null; // RSASSA-PSS needs parameters; the handshake will tell
        };
        if (algorithm == null) {
            return;
        }
        byte[] probe = new byte[32];
        new SecureRandom().nextBytes(probe);
        boolean matches;
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(leaf.getPublicKey());
            verifier.update(probe);
            matches = verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            matches = false;
        }
        if (!matches) {
            throw new IllegalArgumentException("the private key in " + keyFile + " does not belong to the first certificate in "
                    + chain + " (" + leaf.getSubjectX500Principal().getName() + "); put the server's own certificate first");
        }
    }
}
