package org.starttls4j.bench;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.EnumMap;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
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
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificates for the benchmarks, made in memory at setup with BouncyCastle: per key type, a CA
 * and a server certificate for {@link #SERVER_NAME} issued by it (the chain the server sends is the
 * leaf alone, as most mail servers configured with a private CA do). Nothing is written to disk.
 */
public final class Pki {

    /** The name the server certificate carries and clients verify. */
    public static final String SERVER_NAME = "mail.bench.test";

    /** The key families measured. */
    public enum KeyType {
        /** ECDSA on P-256 (secp256r1), signed SHA256withECDSA. */
        EC_P256,
        /** RSA 2048, signed SHA256withRSA. */
        RSA_2048;

        String signatureAlgorithm() {
            return this == EC_P256 ? "SHA256withECDSA" : "SHA256withRSA";
        }

        KeyPair generate() throws GeneralSecurityException {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(this == EC_P256 ? "EC" : "RSA");
            if (this == EC_P256) {
                generator.initialize(new ECGenParameterSpec("secp256r1"));
            } else {
                generator.initialize(2048);
            }
            return generator.generateKeyPair();
        }
    }

    /**
     * A CA and a server identity it issued.
     *
     * @param ca        the CA certificate: the client's only trust anchor
     * @param serverKey the server's private key
     * @param server    the server's certificate
     */
    public record Identity(X509Certificate ca, PrivateKey serverKey, X509Certificate server) {

        /** A new server context (key manager over the leaf), default JSSE provider. */
        public SSLContext serverContext() {
            try {
                KeyStore store = KeyStore.getInstance("PKCS12");
                store.load(null, null);
                char[] password = "bench".toCharArray();
                store.setKeyEntry("server", serverKey, password, new Certificate[] {server});
                KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(store, password);
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(kmf.getKeyManagers(), null, null);
                return context;
            } catch (GeneralSecurityException | IOException e) {
                throw new IllegalStateException(e);
            }
        }

        /** A PKIX trust manager that trusts exactly the CA. */
        public X509ExtendedTrustManager trustManager() {
            try {
                KeyStore store = KeyStore.getInstance("PKCS12");
                store.load(null, null);
                store.setCertificateEntry("ca", ca);
                TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
                tmf.init(store);
                for (TrustManager tm : tmf.getTrustManagers()) {
                    if (tm instanceof X509ExtendedTrustManager) {
                        return (X509ExtendedTrustManager) tm;
                    }
                }
                throw new IllegalStateException("no X509ExtendedTrustManager");
            } catch (GeneralSecurityException | IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static final Map<KeyType, Identity> CACHE = new EnumMap<>(KeyType.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private Pki() {
    }

    /** The identity for a key type, generated on first use and kept for the life of the JVM. */
    public static synchronized Identity identity(KeyType type) {
        return CACHE.computeIfAbsent(type, Pki::create);
    }

    private static Identity create(KeyType type) {
        try {
            Instant now = Instant.now();
            KeyPair caKeys = type.generate();
            X500Name caName = new X500Name("CN=starttls4j bench CA " + type);
            X509Certificate ca = sign(new JcaX509v3CertificateBuilder(caName, serial(), Date.from(now.minus(Duration.ofDays(1))),
                            Date.from(now.plus(Duration.ofDays(30))), caName, caKeys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign)),
                    caKeys.getPrivate(), type);
            KeyPair leafKeys = type.generate();
            int usage = KeyUsage.digitalSignature | (type == KeyType.RSA_2048 ? KeyUsage.keyEncipherment : 0);
            X509Certificate leaf = sign(leafBuilder(caName, leafKeys.getPublic(), now)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(usage))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                    .addExtension(Extension.subjectAlternativeName, false,
                            new GeneralNames(new GeneralName(GeneralName.dNSName, SERVER_NAME))),
                    caKeys.getPrivate(), type);
            return new Identity(ca, leafKeys.getPrivate(), leaf);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot make the " + type + " certificates", e);
        }
    }

    private static X509v3CertificateBuilder leafBuilder(X500Name issuer, PublicKey key, Instant now) {
        return new JcaX509v3CertificateBuilder(issuer, serial(), Date.from(now.minus(Duration.ofDays(1))),
                Date.from(now.plus(Duration.ofDays(30))), new X500Name("CN=" + SERVER_NAME), key);
    }

    private static BigInteger serial() {
        return new BigInteger(63, RANDOM).add(BigInteger.ONE);
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key, KeyType type)
            throws GeneralSecurityException {
        try {
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder(type.signatureAlgorithm()).build(key)));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }
}
