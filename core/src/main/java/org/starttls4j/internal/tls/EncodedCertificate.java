package org.starttls4j.internal.tls;

import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * What the checks after a handshake need of a certificate, read from its DER encoding rather than
 * through {@link X509Certificate}'s getters: the public key's family and size, whether the
 * signature algorithm is one of the strong ones, and the {@code dNSName}s among the subject
 * alternative names.
 *
 * <p>Why: a certificate of the JDK's own ({@code java.base}) is decoded when it is made, and its
 * getters cost nothing; others may decode on demand. Netty's OpenSSL session hands out
 * {@code LazyX509Certificate}s, whose first getter runs the JDK's {@code CertificateFactory} over
 * the bytes once more (about 4.6 KB and a few microseconds per handshake, though the trust manager
 * decoded its own copies during the handshake). Reading these few fields costs one copy of the
 * encoding.
 *
 * <p>Only what is read with certainty is answered: a key of a family and size the JDK reads the
 * same way (RSA, EC on P-256, P-384 and P-521, Ed25519, Ed448), a signature algorithm known to be
 * strong, and subject alternative names made only of {@code dNSName}s of letters, digits, hyphens
 * and a leading {@code *} label, and of 4- or 16-byte {@code iPAddress}es. Anything else, or an
 * encoding not as expected, reads as unknown, and the caller asks the JDK as before: every verdict
 * is the JDK's, some are only reached sooner.
 */
final class EncodedCertificate {

    /** A key this does not read. */
    static final int UNKNOWN_KEY = -1;

    /** The families of keys read, each held to its own floor. */
    enum KeyFamily {
        /** An RSA modulus. */
        RSA,
        /** A named curve's field. */
        EC,
        /** A size fixed by the algorithm (Ed25519, Ed448): no floor applies. */
        FIXED
    }

    private static final byte[] RSA = oid("2a864886f70d010101");
    private static final byte[] EC = oid("2a8648ce3d0201");
    private static final byte[] ED25519 = oid("2b6570");
    private static final byte[] ED448 = oid("2b6571");
    private static final byte[][] CURVES = {oid("2a8648ce3d030107"), oid("2b81040022"), oid("2b81040023")};
    private static final int[] CURVE_BITS = {256, 384, 521};
    /** SHA-224/256/384/512 with RSA and with ECDSA, Ed25519, Ed448: JDK names no floor calls weak. */
    private static final byte[][] STRONG_SIGNATURES = {
        oid("2a864886f70d01010b"), oid("2a864886f70d01010c"), oid("2a864886f70d01010d"), oid("2a864886f70d01010e"),
        oid("2a8648ce3d040301"), oid("2a8648ce3d040302"), oid("2a8648ce3d040303"), oid("2a8648ce3d040304"),
        ED25519, ED448,
    };
    private static final byte[] SUBJECT_ALTERNATIVE_NAME = oid("551d11");

    private static final int SEQUENCE = 0x30;
    private static final int INTEGER = 0x02;
    private static final int BIT_STRING = 0x03;
    private static final int OCTET_STRING = 0x04;
    private static final int OBJECT_ID = 0x06;
    private static final int BOOLEAN = 0x01;
    private static final int VERSION = 0xA0;
    private static final int EXTENSIONS = 0xA3;
    private static final int DNS_NAME = 0x82;   // [2] IMPLICIT IA5String
    private static final int IP_ADDRESS = 0x87; // [7] IMPLICIT OCTET STRING

    private final byte[] der;
    private KeyFamily keyFamily;        // null: unknown
    private int keyBits = UNKNOWN_KEY;
    private boolean strongSignature;
    private boolean namesRead;          // the extension absent, or made only of what is read here
    private String[] dnsNames = new String[0];

    private EncodedCertificate(byte[] der) {
        this.der = der;
    }

    /**
     * Whether reading the encoding is the cheaper way for {@code certificate}: it is not one of the
     * JDK's own, which are decoded already.
     */
    static boolean decodesOnDemand(X509Certificate certificate) {
        return certificate.getClass().getModule() != X509Certificate.class.getModule();
    }

    /** Reads {@code certificate}'s encoding; everything unknown if it cannot be had or is not as expected. */
    static EncodedCertificate of(X509Certificate certificate) {
        byte[] der;
        try {
            der = certificate.getEncoded();
        } catch (CertificateEncodingException | RuntimeException e) {
            der = new byte[0];
        }
        EncodedCertificate read = new EncodedCertificate(der == null ? new byte[0] : der);
        read.read();
        return read;
    }

    /** The key's family, or null when it is not read. */
    KeyFamily keyFamily() {
        return keyFamily;
    }

    /** The key's size in bits (0 for {@link KeyFamily#FIXED}), or {@link #UNKNOWN_KEY}. */
    int keyBits() {
        return keyBits;
    }

    /** Whether the signature algorithm is one no floor calls weak; false when unknown. */
    boolean strongSignature() {
        return strongSignature;
    }

    /**
     * The {@code dNSName} entries, or null when the subject alternative names are not read (or
     * hold anything else than what is read here).
     */
    String[] dnsNames() {
        return namesRead ? dnsNames : null;
    }

    // ---------------------------------------------------------------- reading

    private void read() {
        // Certificate ::= SEQUENCE { tbsCertificate SEQUENCE, signatureAlgorithm SEQUENCE, signatureValue BIT STRING }
        long certificate = element(0, der.length, SEQUENCE);
        if (certificate < 0 || end(certificate) != der.length) {
            return;
        }
        long tbs = element(start(certificate), end(certificate), SEQUENCE);
        long outerSignature = tbs < 0 ? -1 : element(end(tbs), end(certificate), SEQUENCE);
        if (outerSignature < 0) {
            return;
        }
        int limit = end(tbs);
        int at = start(tbs);
        if (at < limit && (der[at] & 0xFF) == VERSION) {
            at = skip(at, limit, VERSION);
        }
        at = skip(at, limit, INTEGER); // serialNumber
        long innerSignature = at < 0 ? -1 : element(at, limit, SEQUENCE);
        if (innerSignature < 0 || !sameBytes(innerSignature, outerSignature)) {
            return; // the JDK refuses a certificate whose two signature algorithms differ
        }
        at = end(innerSignature);
        for (int i = 0; i < 3; i++) {
            at = skip(at, limit, SEQUENCE); // issuer, validity, subject
        }
        long spki = at < 0 ? -1 : element(at, limit, SEQUENCE);
        if (spki < 0) {
            return;
        }
        long signatureOid = element(start(outerSignature), end(outerSignature), OBJECT_ID);
        strongSignature = signatureOid >= 0 && indexOf(STRONG_SIGNATURES, signatureOid) >= 0;
        readKey(spki);
        at = end(spki);
        while (at < limit && ((der[at] & 0xFF) == 0x81 || (der[at] & 0xFF) == 0x82)) {
            at = skip(at, limit, der[at] & 0xFF); // issuerUniqueID, subjectUniqueID
            if (at < 0) {
                return;
            }
        }
        if (at == limit) {
            namesRead = true; // no extensions: no names
            return;
        }
        long extensions = element(at, limit, EXTENSIONS);
        if (extensions >= 0 && end(extensions) == limit) {
            readNames(extensions);
        }
    }

    private void readKey(long spki) {
        long algorithm = element(start(spki), end(spki), SEQUENCE);
        long key = algorithm < 0 ? -1 : element(end(algorithm), end(spki), BIT_STRING);
        long oid = algorithm < 0 ? -1 : element(start(algorithm), end(algorithm), OBJECT_ID);
        if (key < 0 || oid < 0 || end(key) != end(spki) || start(key) == end(key) || der[start(key)] != 0) {
            return;
        }
        if (is(oid, ED25519) || is(oid, ED448)) {
            keyFamily = KeyFamily.FIXED;
            keyBits = 0;
        } else if (is(oid, EC)) {
            long curve = element(end(oid), end(algorithm), OBJECT_ID);
            int i = curve < 0 || end(curve) != end(algorithm) ? -1 : indexOf(CURVES, curve);
            if (i >= 0) {
                keyFamily = KeyFamily.EC;
                keyBits = CURVE_BITS[i];
            }
        } else if (is(oid, RSA)) {
            // RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }, after the unused-bits byte
            long rsa = element(start(key) + 1, end(key), SEQUENCE);
            long modulus = rsa < 0 ? -1 : element(start(rsa), end(rsa), INTEGER);
            if (modulus < 0 || end(rsa) != end(key)) {
                return;
            }
            int from = start(modulus);
            while (from < end(modulus) - 1 && der[from] == 0) {
                from++;
            }
            if (from < end(modulus) && der[start(modulus)] >= 0 && der[from] != 0) { // positive, not zero
                keyFamily = KeyFamily.RSA;
                keyBits = (end(modulus) - from - 1) * 8 + 32 - Integer.numberOfLeadingZeros(der[from] & 0xFF);
            }
        }
    }

    /** Extensions ::= SEQUENCE OF SEQUENCE { extnID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING } */
    private void readNames(long explicit) {
        long list = element(start(explicit), end(explicit), SEQUENCE);
        if (list < 0 || end(list) != end(explicit)) {
            return;
        }
        long names = -1;
        for (int at = start(list); at < end(list); ) {
            long extension = element(at, end(list), SEQUENCE);
            long id = extension < 0 ? -1 : element(start(extension), end(extension), OBJECT_ID);
            if (id < 0) {
                return;
            }
            int next = end(id);
            if (next < end(extension) && der[next] == BOOLEAN) {
                next = skip(next, end(extension), BOOLEAN);
            }
            long value = next < 0 ? -1 : element(next, end(extension), OCTET_STRING);
            if (value < 0 || end(value) != end(extension)) {
                return;
            }
            if (is(id, SUBJECT_ALTERNATIVE_NAME)) {
                if (names >= 0) {
                    return; // twice: the JDK refuses the certificate
                }
                names = value;
            }
            at = end(extension);
        }
        if (names < 0) {
            namesRead = true;
            return;
        }
        // GeneralNames ::= SEQUENCE OF GeneralName
        long general = element(start(names), end(names), SEQUENCE);
        if (general < 0 || end(general) != end(names)) {
            return;
        }
        int count = 0;
        String[] found = new String[4];
        for (int at = start(general); at < end(general); ) {
            int tag = der[at] & 0xFF;
            long name = element(at, end(general), tag);
            if (name < 0) {
                return;
            }
            if (tag == DNS_NAME) {
                String dns = dnsName(name);
                if (dns == null) {
                    return;
                }
                if (count == found.length) {
                    found = Arrays.copyOf(found, count * 2);
                }
                found[count++] = dns;
            } else if (tag != IP_ADDRESS || (end(name) - start(name) != 4 && end(name) - start(name) != 16)) {
                return; // another kind of name: the JDK reads (and checks) it
            }
            at = end(name);
        }
        dnsNames = Arrays.copyOf(found, count);
        namesRead = true;
    }

    /** A {@code dNSName} of letters, digits and hyphens in non-empty labels, the first possibly {@code *}; else null. */
    private String dnsName(long name) {
        int from = start(name);
        int to = end(name);
        boolean labelStart = true;
        for (int i = from; i < to; i++) {
            int c = der[i];
            boolean alphanumeric = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9';
            if (labelStart) {
                boolean wildcard = c == '*' && i == from && i + 1 < to && der[i + 1] == '.';
                if (!alphanumeric && !wildcard) {
                    return null;
                }
                labelStart = false;
            } else if (c == '.') {
                if (der[i - 1] == '-') {
                    return null;
                }
                labelStart = true;
            } else if (!alphanumeric && c != '-') {
                return null;
            }
        }
        if (labelStart || der[to - 1] == '-') {
            return null; // empty, or an empty or hyphen-ended last label
        }
        return new String(der, from, to - from, StandardCharsets.US_ASCII);
    }

    // ---------------------------------------------------------------- DER

    /**
     * The element at {@code at} if its tag is {@code tag} and it ends by {@code limit}: its content's
     * start and end packed into a long; -1 otherwise (a long length form beyond 3 bytes, indefinite).
     */
    private long element(int at, int limit, int tag) {
        if (at < 0 || at + 2 > limit || (der[at] & 0xFF) != tag) {
            return -1;
        }
        int first = der[at + 1] & 0xFF;
        int start = at + 2;
        long length = first;
        if (first > 0x80 && first <= 0x83) {
            if (start + (first - 0x80) > limit) {
                return -1;
            }
            length = 0;
            for (int i = 0; i < first - 0x80; i++) {
                length = length << 8 | (der[start++] & 0xFF);
            }
        } else if (first >= 0x80) {
            return -1;
        }
        long end = start + length;
        return end > limit ? -1 : (long) start << 32 | end;
    }

    /** Where the element after the one at {@code at} (of tag {@code tag}) begins; -1 if that one is not there. */
    private int skip(int at, int limit, int tag) {
        long element = element(at, limit, tag);
        return element < 0 ? -1 : end(element);
    }

    private static int start(long element) {
        return (int) (element >>> 32);
    }

    private static int end(long element) {
        return (int) element;
    }

    private boolean is(long element, byte[] content) {
        return Arrays.equals(der, start(element), end(element), content, 0, content.length);
    }

    private int indexOf(byte[][] contents, long element) {
        for (int i = 0; i < contents.length; i++) {
            if (is(element, contents[i])) {
                return i;
            }
        }
        return -1;
    }

    private boolean sameBytes(long a, long b) {
        return Arrays.equals(der, start(a), end(a), der, start(b), end(b));
    }

    private static byte[] oid(String hex) {
        return HexFormat.of().parseHex(hex);
    }
}
