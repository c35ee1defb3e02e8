package org.starttls4j.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away public key infrastructure for tests: one self-signed CA per {@link KeyType} and
 * server certificates issued by it, all generated in memory with BouncyCastle's bcpkix when first
 * needed. No key material is ever committed to the repository.
 *
 * <p>Key generation (RSA especially) is slow, so key pairs, CAs and issued identities are cached
 * in static fields for the life of the JVM. Everything handed out is immutable ({@link Identity}
 * copies its chain; certificates are immutable), so sharing the cache between tests is safe. The
 * JSSE objects ({@link SSLContext}, trust managers) are stateful and are therefore created afresh
 * on every call.
 */
public final class TestPki {

    /** The two key families a STARTTLS server is likely to present. */
    public enum KeyType {
        RSA_2048("SHA256withRSA"),
        EC_P256("SHA256withECDSA");

        private final String signatureAlgorithm;

        KeyType(String signatureAlgorithm) {
            this.signatureAlgorithm = signatureAlgorithm;
        }

        KeyPair generateKeyPair() {
            try {
                KeyPairGenerator generator;
                if (this == RSA_2048) {
                    generator = KeyPairGenerator.getInstance("RSA");
                    generator.initialize(2048);
                } else {
                    generator = KeyPairGenerator.getInstance("EC");
                    generator.initialize(new ECGenParameterSpec("secp256r1"));
                }
                return generator.generateKeyPair();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("cannot generate a " + this + " key pair", e);
            }
        }
    }

    /**
     * What to put in a leaf certificate. A record, so that it doubles as the cache key.
     *
     * @param keyType key family of the leaf (and of the CA that signs it)
     * @param dnsNames DNS SubjectAltNames; the first one also becomes the subject CN
     * @param ipAddresses IP SubjectAltNames, e.g. {@code 127.0.0.1}; may be empty
     * @param notBefore start of validity
     * @param notAfter end of validity; put it in the past for an expired certificate
     * @param selfSigned {@code true} to sign the leaf with its own key instead of the test CA
     */
    public record LeafSpec(KeyType keyType, List<String> dnsNames, List<String> ipAddresses,
            Instant notBefore, Instant notAfter, boolean selfSigned) {

        public LeafSpec {
            Objects.requireNonNull(keyType, "keyType");
            dnsNames = List.copyOf(dnsNames);
            ipAddresses = List.copyOf(ipAddresses);
            Objects.requireNonNull(notBefore, "notBefore");
            Objects.requireNonNull(notAfter, "notAfter");
            if (dnsNames.isEmpty()) {
                throw new IllegalArgumentException("a leaf needs at least one DNS name");
            }
            if (notAfter.isBefore(notBefore)) {
                throw new IllegalArgumentException("notAfter " + notAfter + " is before notBefore " + notBefore);
            }
        }

        /** A CA-signed leaf for the given names that is valid now (and for the next year). */
        public static LeafSpec valid(KeyType keyType, String... dnsNames) {
            return new LeafSpec(keyType, List.of(dnsNames), List.of(),
                    BASE_TIME.minus(ONE_DAY), BASE_TIME.plus(Duration.ofDays(365)), false);
        }

        public LeafSpec withIpAddresses(String... addresses) {
            return new LeafSpec(keyType, dnsNames, List.of(addresses), notBefore, notAfter, selfSigned);
        }

        public LeafSpec withValidity(Instant from, Instant until) {
            return new LeafSpec(keyType, dnsNames, ipAddresses, from, until, selfSigned);
        }

        public LeafSpec asSelfSigned() {
            return new LeafSpec(keyType, dnsNames, ipAddresses, notBefore, notAfter, true);
        }
    }

    /**
     * All validity windows are relative to this instant, fixed once per JVM, so that equal
     * requests give equal {@link LeafSpec}s and hit the cache.
     */
    private static final Instant BASE_TIME = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    private static final Duration ONE_DAY = Duration.ofDays(1);
    private static final SecureRandom RANDOM = new SecureRandom();

    private record Ca(KeyPair keyPair, X509Certificate certificate) {
    }

    private static final Map<KeyType, Ca> CAS = new ConcurrentHashMap<>();
    /** One leaf key pair per type is plenty: tests tell leaves apart by certificate, not key. */
    private static final Map<KeyType, KeyPair> LEAF_KEYS = new ConcurrentHashMap<>();
    private static final Map<LeafSpec, Identity> LEAVES = new ConcurrentHashMap<>();

    private TestPki() {
    }

    // ---------------------------------------------------------------- factories

    /** A leaf for {@code dnsNames} signed by the test CA of that key type, valid now. */
    public static Identity server(KeyType keyType, String... dnsNames) {
        return issue(LeafSpec.valid(keyType, dnsNames));
    }

    /** A CA-signed leaf whose validity ended yesterday. */
    public static Identity expiredServer(KeyType keyType, String dnsName) {
        return issue(LeafSpec.valid(keyType, dnsName)
                .withValidity(BASE_TIME.minus(Duration.ofDays(30)), BASE_TIME.minus(ONE_DAY)));
    }

    /** A CA-signed leaf whose validity starts tomorrow. */
    public static Identity notYetValidServer(KeyType keyType, String dnsName) {
        return issue(LeafSpec.valid(keyType, dnsName)
                .withValidity(BASE_TIME.plus(ONE_DAY), BASE_TIME.plus(Duration.ofDays(30))));
    }

    /** A currently valid leaf signed by its own key, so clients trusting only the CA reject it. */
    public static Identity selfSigned(KeyType keyType, String dnsName) {
        return issue(LeafSpec.valid(keyType, dnsName).asSelfSigned());
    }

    /** Issues (or returns the cached) identity for an arbitrary specification. */
    public static Identity issue(LeafSpec spec) {
        return LEAVES.computeIfAbsent(spec, TestPki::createLeaf);
    }

    /** The self-signed test CA certificate for this key type: the anchor clients should trust. */
    public static X509Certificate ca(KeyType keyType) {
        return ca0(keyType).certificate();
    }

    /** The test CA certificate as PEM, e.g. for {@code curl --cacert} or {@code openssl -CAfile}. */
    public static String caPem(KeyType keyType) {
        return Pem.certificates(List.of(ca(keyType)));
    }

    /** Writes {@link #caPem} to {@code dir} and returns the file. */
    public static Path writeCaPem(KeyType keyType, Path dir) {
        Path file = dir.resolve("ca-" + keyType.name().toLowerCase(Locale.ROOT) + ".pem");
        try {
            Files.createDirectories(dir);
            return Files.writeString(file, caPem(keyType));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---------------------------------------------------------------- trust

    /** PKIX trust managers whose trust store holds exactly {@code anchors}. */
    public static TrustManager[] trustManagers(X509Certificate... anchors) {
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
            factory.init(trustStore(anchors));
            return factory.getTrustManagers();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A fresh client-side "TLS" context that trusts only {@code anchors} and has no key. */
    public static SSLContext clientContextTrusting(X509Certificate... anchors) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trustManagers(anchors), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An in-memory key store with one trusted-certificate entry per anchor. */
    static KeyStore trustStore(X509Certificate... anchors) throws GeneralSecurityException {
        if (anchors.length == 0) {
            // An empty trust store makes TrustManagerFactory fail with an obscure message.
            throw new IllegalArgumentException("at least one trust anchor is required");
        }
        KeyStore store = emptyKeyStore();
        for (int i = 0; i < anchors.length; i++) {
            store.setCertificateEntry("anchor-" + i, anchors[i]);
        }
        return store;
    }

    static KeyStore emptyKeyStore() throws GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try {
            store.load(null, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // cannot happen: nothing is read
        }
        return store;
    }

    // ---------------------------------------------------------------- generation

    /** The test CA's key pair, for {@link CertificateVariants} to issue unusual leaves under the same CA. */
    static KeyPair caKeyPair(KeyType keyType) {
        return ca0(keyType).keyPair();
    }

    private static Ca ca0(KeyType keyType) {
        return CAS.computeIfAbsent(keyType, TestPki::createCa);
    }

    private static Ca createCa(KeyType keyType) {
        KeyPair keyPair = keyType.generateKeyPair();
        X500Name name = new X500Name("CN=starttls4j Test CA " + keyType + ",O=starttls4j tests");
        try {
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = builder(name, name, keyPair.getPublic(),
                    BASE_TIME.minus(ONE_DAY), BASE_TIME.plus(Duration.ofDays(3650)))
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                    .addExtension(Extension.keyUsage, true,
                            new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            utils.createSubjectKeyIdentifier(keyPair.getPublic()));
            return new Ca(keyPair, sign(builder, keyPair.getPrivate(), keyType));
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot create the " + keyType + " test CA", e);
        }
    }

    private static Identity createLeaf(LeafSpec spec) {
        KeyType keyType = spec.keyType();
        KeyPair keyPair = LEAF_KEYS.computeIfAbsent(keyType, KeyType::generateKeyPair);
        X500Name subject = new X500Name("CN=" + spec.dnsNames().get(0) + ",O=starttls4j tests");

        // Self-signed: the leaf is its own issuer and signs with its own key.
        X500Name issuer;
        PublicKey issuerPublicKey;
        PrivateKey signingKey;
        if (spec.selfSigned()) {
            issuer = subject;
            issuerPublicKey = keyPair.getPublic();
            signingKey = keyPair.getPrivate();
        } else {
            Ca ca = ca0(keyType);
            issuer = X500Name.getInstance(ca.certificate().getSubjectX500Principal().getEncoded());
            issuerPublicKey = ca.keyPair().getPublic();
            signingKey = ca.keyPair().getPrivate();
        }

        List<GeneralName> altNames = new ArrayList<>();
        spec.dnsNames().forEach(dns -> altNames.add(new GeneralName(GeneralName.dNSName, dns)));
        spec.ipAddresses().forEach(ip -> altNames.add(new GeneralName(GeneralName.iPAddress, ip)));

        // keyEncipherment only makes sense for RSA (static RSA key exchange); an EC key that
        // claims it would be odd, and strict validators complain.
        int keyUsage = KeyUsage.digitalSignature;
        if (keyType == KeyType.RSA_2048) {
            keyUsage |= KeyUsage.keyEncipherment;
        }

        try {
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = builder(issuer, subject, keyPair.getPublic(),
                    spec.notBefore(), spec.notAfter())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(keyUsage))
                    .addExtension(Extension.extendedKeyUsage, false,
                            new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                    .addExtension(Extension.subjectAlternativeName, false,
                            new GeneralNames(altNames.toArray(GeneralName[]::new)))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            utils.createSubjectKeyIdentifier(keyPair.getPublic()))
                    .addExtension(Extension.authorityKeyIdentifier, false,
                            utils.createAuthorityKeyIdentifier(issuerPublicKey));
            X509Certificate leaf = sign(builder, signingKey, keyType);
            // The chain holds the leaf only: the root is the client's trust anchor and servers
            // need not (and usually do not) send it.
            return new Identity(keyPair.getPrivate(), List.of(leaf));
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot issue " + spec, e);
        }
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, PublicKey key,
            Instant notBefore, Instant notAfter) {
        // Positive, random, at most 64 bits: unique enough and within RFC 5280's 20-octet limit.
        BigInteger serial = new BigInteger(63, RANDOM).add(BigInteger.ONE);
        return new JcaX509v3CertificateBuilder(issuer, serial, Date.from(notBefore), Date.from(notAfter),
                subject, key);
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key, KeyType keyType)
            throws GeneralSecurityException {
        try {
            ContentSigner signer = new JcaContentSignerBuilder(keyType.signatureAlgorithm).build(key);
            // No provider given: the converter uses the JDK's X.509 CertificateFactory, so the
            // result is an ordinary JDK certificate that every JSSE provider accepts.
            return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }
}
