package org.starttls4j.probe;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
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
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.util.io.pem.PemGenerationException;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;

/**
 * The reference server's key and certificate chain: read from PEM files, or a self-signed
 * certificate made on the spot (EC P-256, valid for 90 days, the name as its only DNS name, plus
 * 127.0.0.1 and ::1 when the name is {@code localhost}). Clients trust a self-signed one with
 * {@code --trust} on its PEM or with {@code --pin} on its fingerprint.
 *
 * @param key   the private key
 * @param chain the certificate chain, leaf first
 */
record ServerIdentity(PrivateKey key, List<X509Certificate> chain) {

    ServerIdentity {
        Objects.requireNonNull(key, "key");
        chain = List.copyOf(chain);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("no certificate");
        }
    }

    X509Certificate leaf() {
        return chain.get(0);
    }

    /** An SSLContext that presents this identity. */
    SSLContext serverContext() {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            char[] password = "starttls4j".toCharArray();
            store.setKeyEntry("server", key, password, chain.toArray(X509Certificate[]::new));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(store, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), null, new SecureRandom());
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("cannot use the key and certificate: " + e.getMessage(), e);
        }
    }

    /** The certificate chain as PEM, for clients to trust or for {@code --cert}. */
    String certificatePem() {
        return pem(chain.toArray());
    }

    /** The private key as PKCS#8 PEM, for {@code --key}. */
    String privateKeyPem() {
        try {
            return pem(new JcaPKCS8Generator(key, null));
        } catch (PemGenerationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pem(Object... objects) {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(text)) {
            for (Object o : objects) {
                pem.writeObject(o);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return text.toString();
    }

    /**
     * A new self-signed identity for {@code name}, valid from an hour ago for 90 days.
     *
     * @param name the DNS name (or IP address) the certificate names
     * @return the identity
     */
    static ServerIdentity selfSigned(String name) {
        Instant now = Instant.now();
        return selfSigned(name, now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(90)));
    }

    /**
     * A new self-signed identity for {@code name}, valid between the given instants.
     *
     * @param name      the DNS name (or IP address) the certificate names
     * @param notBefore the start of its validity
     * @param notAfter  the end of its validity
     * @return the identity
     */
    static ServerIdentity selfSigned(String name, Instant notBefore, Instant notAfter) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair pair = generator.generateKeyPair();
            // Most significant first, so that the usual (RFC 2253) string reads CN=name,O=…
            X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, "starttls4j reference server (self-signed)")
                    .addRDN(BCStyle.CN, name).build();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, new BigInteger(64, new SecureRandom()).abs(),
                    Date.from(notBefore), Date.from(notAfter), subject, pair.getPublic());
            List<GeneralName> names = new ArrayList<>();
            if (HostNames.isIpLiteral(name)) {
                names.add(new GeneralName(GeneralName.iPAddress, name));
            } else {
                names.add(new GeneralName(GeneralName.dNSName, name));
                if (name.equalsIgnoreCase("localhost")) {
                    names.add(new GeneralName(GeneralName.iPAddress, "127.0.0.1"));
                    names.add(new GeneralName(GeneralName.iPAddress, "::1"));
                }
            }
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)));
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            X509Certificate certificate = new JcaX509CertificateConverter()
                    .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
            return new ServerIdentity(pair.getPrivate(), List.of(certificate));
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot make a self-signed certificate", e);
        }
    }

    /**
     * Reads a PEM certificate chain (leaf first) and a PEM private key (PKCS#8, or the traditional
     * RSA/EC forms; unencrypted).
     *
     * @param certificateFile the chain
     * @param keyFile         the key
     * @return the identity
     * @throws IllegalArgumentException when either cannot be read
     */
    static ServerIdentity fromPem(Path certificateFile, Path keyFile) {
        List<X509Certificate> chain = ClientSettings.readCertificates(certificateFile);
        try (Reader reader = Files.newBufferedReader(keyFile, StandardCharsets.US_ASCII); PEMParser parser = new PEMParser(reader)) {
            Object object = parser.readObject();
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            PrivateKey key;
            if (object instanceof PEMKeyPair pair) {
                key = converter.getPrivateKey(pair.getPrivateKeyInfo()); // also when the PEM holds no public key
            } else if (object instanceof PrivateKeyInfo info) {
                key = converter.getPrivateKey(info);
            } else {
                throw new IllegalArgumentException("no unencrypted private key in " + keyFile);
            }
            return new ServerIdentity(key, chain);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the private key from " + keyFile + ": " + e.getMessage());
        }
    }
}
