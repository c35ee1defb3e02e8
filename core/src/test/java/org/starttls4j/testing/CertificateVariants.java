package org.starttls4j.testing;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.GeneralSubtree;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.NameConstraints;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.starttls4j.testing.TestPki.KeyType;

/**
 * Leaves {@link TestPki}'s CAs would never issue, for the certificate checks: weak keys and
 * digests, the wrong purpose, names without a DNS entry, and a chain through a name-constrained
 * intermediate. Every leaf is issued by the test CA of its {@link KeyType} (so clients trusting
 * {@link TestPki#ca} reach it) unless it goes through the constrained intermediate.
 */
public final class CertificateVariants {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Map<String, KeyPair> KEYS = new ConcurrentHashMap<>();
    private static final Map<Leaf, Identity> ISSUED = new ConcurrentHashMap<>();
    private static final Map<String, Identity> CONSTRAINED = new ConcurrentHashMap<>();

    private CertificateVariants() {
    }

    /**
     * What goes into a leaf. A record, so it doubles as the cache key.
     *
     * @param caType       the test CA that signs it (RSA_2048 or EC_P256)
     * @param key          {@code "RSA-768"}, {@code "RSA-1024"}, {@code "RSA-2048"}, {@code "EC-256"},
     *                     {@code "EC-384"}, {@code "DSA-1024"}, {@code "DSA-2048"}, {@code "Ed25519"}
     * @param signature    the CA's signature algorithm, e.g. {@code SHA256withRSA}, {@code SHA1withRSA}
     * @param commonName   the subject CN
     * @param dnsNames     dNSName entries (may be empty: the CN alone then names the host)
     * @param ipAddresses  iPAddress entries
     * @param purposes     extended key usages; empty for no extension
     * @param keyUsage     the key usage bits ({@link KeyUsage} constants), or 0 for no extension
     */
    public record Leaf(KeyType caType, String key, String signature, String commonName, List<String> dnsNames,
                       List<String> ipAddresses, List<KeyPurposeId> purposes, int keyUsage) {

        /** Copies the lists. */
        public Leaf {
            dnsNames = List.copyOf(dnsNames);
            ipAddresses = List.copyOf(ipAddresses);
            purposes = List.copyOf(purposes);
        }

        /** A leaf like TestPki's: RSA 2048 under the RSA CA, SHA-256, serverAuth, the names as DNS entries. */
        public static Leaf rsa(String... dnsNames) {
            return new Leaf(KeyType.RSA_2048, "RSA-2048", "SHA256withRSA", dnsNames.length == 0 ? "no-dns" : dnsNames[0],
                    List.of(dnsNames), List.of(), List.of(KeyPurposeId.id_kp_serverAuth),
                    KeyUsage.digitalSignature | KeyUsage.keyEncipherment);
        }

        public Leaf withKey(String value) {
            return new Leaf(caType, value, signature, commonName, dnsNames, ipAddresses, purposes, keyUsage);
        }

        public Leaf signedWith(String value) {
            return new Leaf(caType, key, value, commonName, dnsNames, ipAddresses, purposes, keyUsage);
        }

        public Leaf withCommonName(String value) {
            return new Leaf(caType, key, signature, value, dnsNames, ipAddresses, purposes, keyUsage);
        }

        public Leaf withIpAddresses(String... values) {
            return new Leaf(caType, key, signature, commonName, dnsNames, List.of(values), purposes, keyUsage);
        }

        public Leaf withPurposes(KeyPurposeId... values) {
            return new Leaf(caType, key, signature, commonName, dnsNames, ipAddresses, List.of(values), keyUsage);
        }

        public Leaf withKeyUsage(int value) {
            return new Leaf(caType, key, signature, commonName, dnsNames, ipAddresses, purposes, value);
        }

        /** Issues (or returns the cached) identity: the leaf alone, signed by the test CA. */
        public Identity issue() {
            return ISSUED.computeIfAbsent(this, CertificateVariants::create);
        }
    }

    /**
     * A leaf for {@code leafName} issued by an intermediate CA whose name constraints permit only
     * {@code permittedDomain} (and its subdomains), itself issued by the RSA test CA. The chain
     * sent is leaf and intermediate.
     *
     * @param permittedDomain e.g. {@code example.test}
     * @param leafName        e.g. {@code mail.other.test} (outside) or {@code mail.example.test} (inside)
     * @return the identity
     */
    public static Identity underNameConstrainedCa(String permittedDomain, String leafName) {
        return CONSTRAINED.computeIfAbsent(permittedDomain + " " + leafName, k -> {
            try {
                KeyPair caKeys = key("RSA-2048-intermediate");
                X500Name rootName = X500Name.getInstance(TestPki.ca(KeyType.RSA_2048).getSubjectX500Principal().getEncoded());
                X500Name intermediateName = new X500Name("CN=starttls4j constrained CA " + permittedDomain + ",O=starttls4j tests");
                NameConstraints constraints = new NameConstraints(
                        new GeneralSubtree[] {new GeneralSubtree(new GeneralName(GeneralName.dNSName, permittedDomain))}, null);
                X509v3CertificateBuilder ca = builder(rootName, intermediateName, caKeys)
                        .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                        .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                        .addExtension(Extension.nameConstraints, true, constraints);
                X509Certificate intermediate = sign(ca, TestPki.caKeyPair(KeyType.RSA_2048).getPrivate(), "SHA256withRSA");
                KeyPair leafKeys = key("RSA-2048");
                X509v3CertificateBuilder leaf = leafBuilder(intermediateName, leafKeys,
                        Leaf.rsa(leafName));
                return new Identity(leafKeys.getPrivate(), List.of(sign(leaf, caKeys.getPrivate(), "SHA256withRSA"), intermediate));
            } catch (GeneralSecurityException | IOException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /**
     * A leaf for {@code leafName} issued by an intermediate CA that the RSA test CA signed with
     * {@code intermediateSignature} (e.g. {@code SHA1withRSA}). The chain sent is leaf and
     * intermediate; a client may trust the intermediate itself as its anchor.
     *
     * @param intermediateSignature the root's signature algorithm on the intermediate
     * @param leafName              the leaf's DNS name
     * @return the identity
     */
    public static Identity underIntermediate(String intermediateSignature, String leafName) {
        return CONSTRAINED.computeIfAbsent("intermediate " + intermediateSignature + " " + leafName, k -> {
            try {
                KeyPair caKeys = key("RSA-2048-intermediate");
                X500Name rootName = X500Name.getInstance(TestPki.ca(KeyType.RSA_2048).getSubjectX500Principal().getEncoded());
                X500Name intermediateName = new X500Name("CN=starttls4j intermediate " + intermediateSignature + ",O=starttls4j tests");
                X509v3CertificateBuilder ca = builder(rootName, intermediateName, caKeys)
                        .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                        .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
                X509Certificate intermediate = sign(ca, TestPki.caKeyPair(KeyType.RSA_2048).getPrivate(), intermediateSignature);
                KeyPair leafKeys = key("RSA-2048");
                X509v3CertificateBuilder leaf = leafBuilder(intermediateName, leafKeys, Leaf.rsa(leafName));
                return new Identity(leafKeys.getPrivate(), List.of(sign(leaf, caKeys.getPrivate(), "SHA256withRSA"), intermediate));
            } catch (GeneralSecurityException | IOException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /**
     * A certificate signed by its own key (subject and issuer the same), as a server may send its
     * root along, with the given signature algorithm.
     *
     * @param signature e.g. {@code SHA1withRSA}
     * @return the certificate
     */
    public static X509Certificate selfSigned(String signature) {
        return CONSTRAINED.computeIfAbsent("self-signed " + signature, k -> {
            try {
                KeyPair keys = key("RSA-2048-self-signed");
                X500Name name = new X500Name("CN=starttls4j self-signed " + signature + ",O=starttls4j tests");
                X509v3CertificateBuilder builder = builder(name, name, keys)
                        .addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
                return new Identity(keys.getPrivate(), List.of(sign(builder, keys.getPrivate(), signature)));
            } catch (GeneralSecurityException | IOException e) {
                throw new IllegalStateException(e);
            }
        }).chain().get(0);
    }

    private static Identity create(Leaf spec) {
        try {
            KeyPair keys = key(spec.key());
            X500Name issuer = X500Name.getInstance(TestPki.ca(spec.caType()).getSubjectX500Principal().getEncoded());
            X509v3CertificateBuilder builder = leafBuilder(issuer, keys, spec);
            X509Certificate leaf = sign(builder, TestPki.caKeyPair(spec.caType()).getPrivate(), spec.signature());
            return new Identity(keys.getPrivate(), List.of(leaf));
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot issue " + spec, e);
        }
    }

    private static X509v3CertificateBuilder leafBuilder(X500Name issuer, KeyPair keys, Leaf spec) throws IOException {
        X500Name subject = new X500Name("CN=" + spec.commonName() + ",O=starttls4j tests");
        X509v3CertificateBuilder builder = builder(issuer, subject, keys)
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        if (spec.keyUsage() != 0) {
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(spec.keyUsage()));
        }
        if (!spec.purposes().isEmpty()) {
            builder.addExtension(Extension.extendedKeyUsage, false,
                    new ExtendedKeyUsage(spec.purposes().toArray(KeyPurposeId[]::new)));
        }
        List<GeneralName> names = new ArrayList<>();
        spec.dnsNames().forEach(n -> names.add(new GeneralName(GeneralName.dNSName, n)));
        spec.ipAddresses().forEach(ip -> names.add(new GeneralName(GeneralName.iPAddress, ip)));
        if (!names.isEmpty()) {
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)));
        }
        return builder;
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keys) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(issuer, new BigInteger(63, RANDOM).add(BigInteger.ONE),
                Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(365))), subject, keys.getPublic());
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key, String algorithm)
            throws GeneralSecurityException {
        try {
            return new JcaX509CertificateConverter().getCertificate(builder.build(new JcaContentSignerBuilder(algorithm).build(key)));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }

    private static KeyPair key(String name) {
        return KEYS.computeIfAbsent(name, n -> {
            try {
                KeyPairGenerator generator;
                if (n.startsWith("EC-")) {
                    generator = KeyPairGenerator.getInstance("EC");
                    generator.initialize(new ECGenParameterSpec(n.startsWith("EC-384") ? "secp384r1" : "secp256r1"));
                } else if (n.equals("Ed25519")) {
                    generator = KeyPairGenerator.getInstance("Ed25519");
                } else {
                    // RSA-768, RSA-1024, RSA-2048 (the default), DSA-1024, DSA-2048
                    String[] familyAndBits = n.split("-");
                    generator = KeyPairGenerator.getInstance(familyAndBits[0]);
                    generator.initialize(familyAndBits.length > 1 && familyAndBits[1].matches("\\d+")
                            ? Integer.parseInt(familyAndBits[1]) : 2048);
                }
                return generator.generateKeyPair();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        });
    }
}
