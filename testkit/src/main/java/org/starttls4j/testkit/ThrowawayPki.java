package org.starttls4j.testkit;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Date;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A public key infrastructure made in memory when a test starts and forgotten when it ends: one CA,
 * and for one server name a certificate of each {@link CertificateKind}. EC P-256 keys, so making
 * one takes milliseconds; no file is read or written unless a method below is asked to.
 *
 * <p>The client under test gets the CA as its only trust anchor, in whichever form it takes:
 * {@link #clientContext()} (an {@link SSLContext}), {@link #caPem()}, a PKCS#12 trust store
 * ({@link #writeTrustStore}), or JVM-wide for code that takes none ({@link #trustJvmWide()}).
 *
 * <pre>{@code
 * ThrowawayPki pki = ThrowawayPki.forServer("localhost");
 * SSLContext server = pki.serverContext(CertificateKind.VALID);
 * SSLContext client = pki.clientContext();          // trusts the CA, nothing else
 * }</pre>
 */
public final class ThrowawayPki {

    /** The name an {@link CertificateKind#WRONG_NAME} certificate carries (RFC 2606: never resolvable). */
    public static final String WRONG_NAME = "wrong-name.invalid";

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String SIGNATURE = "SHA256withECDSA";

    private final String serverName;
    private final KeyPair caKeys;
    private final X509Certificate ca;
    private final KeyPair serverKeys;
    private final Map<CertificateKind, X509Certificate> leaves = new EnumMap<>(CertificateKind.class);

    private ThrowawayPki(String serverName) {
        this.serverName = Objects.requireNonNull(serverName, "serverName");
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        try {
            caKeys = keyPair();
            X500Name caName = new X500Name("CN=starttls4j throw-away CA " + Long.toHexString(RANDOM.nextLong()) + ",O=starttls4j testkit");
            ca = sign(new JcaX509v3CertificateBuilder(caName, serial(), Date.from(now.minus(Duration.ofDays(1))),
                    Date.from(now.plus(Duration.ofDays(3650))), caName, caKeys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign)),
                    caKeys.getPrivate());
            serverKeys = keyPair();
            for (CertificateKind kind : CertificateKind.values()) {
                leaves.put(kind, leaf(kind, caName, now));
            }
        } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
            throw new IllegalStateException("cannot make a throw-away PKI", e);
        }
    }

    /**
     * Makes a CA and, for {@code serverName}, a certificate of each {@link CertificateKind}. The
     * valid, expired and self-signed ones also name {@code 127.0.0.1} and {@code ::1}, so a client
     * that connects by address and checks the name succeeds as well.
     *
     * @param serverName the DNS name the server's certificate is for, e.g. {@code localhost}
     * @return the new PKI
     */
    public static ThrowawayPki forServer(String serverName) {
        return new ThrowawayPki(serverName);
    }

    /**
     * The name the server certificates are for.
     *
     * @return the name given to {@link #forServer}
     */
    public String serverName() {
        return serverName;
    }

    /**
     * The CA certificate: the one trust anchor to give the client under test.
     *
     * @return the self-signed CA certificate
     */
    public X509Certificate ca() {
        return ca;
    }

    /**
     * The server certificate of one kind.
     *
     * @param kind which certificate
     * @return the leaf certificate
     */
    public X509Certificate certificate(CertificateKind kind) {
        return leaves.get(Objects.requireNonNull(kind, "kind"));
    }

    /**
     * The chain a server presents for {@code kind}: the leaf, then the CA unless it is self-signed.
     *
     * @param kind which certificate
     * @return the chain, leaf first
     */
    public List<X509Certificate> chain(CertificateKind kind) {
        return kind == CertificateKind.SELF_SIGNED ? List.of(certificate(kind)) : List.of(certificate(kind), ca);
    }

    /**
     * The private key of every server certificate (they share one).
     *
     * @return the server's private key
     */
    public PrivateKey serverKey() {
        return serverKeys.getPrivate();
    }

    /**
     * A fresh server-side context presenting the certificate of {@code kind}.
     *
     * @param kind which certificate to present
     * @return a new context with that key and chain and no trust anchors
     */
    public SSLContext serverContext(CertificateKind kind) {
        try {
            KeyStore store = emptyStore();
            store.setKeyEntry("server", serverKeys.getPrivate(), new char[0], chain(kind).toArray(new Certificate[0]));
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(store, new char[0]);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(factory.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make a server context", e);
        }
    }

    /**
     * A fresh client-side context that trusts the CA and nothing else (not the JDK's trust store).
     * Host names are checked by whoever uses it: set
     * {@code SSLParameters.setEndpointIdentificationAlgorithm("HTTPS")} or the client's own switch
     * (Jakarta Mail: {@code mail.smtp.ssl.checkserveridentity=true}).
     *
     * @return a new context trusting only {@link #ca()}
     */
    public SSLContext clientContext() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make a client context", e);
        }
    }

    /**
     * PKIX trust managers that trust the CA and nothing else.
     *
     * @return a new array holding one {@link X509TrustManager}
     */
    public TrustManager[] trustManagers() {
        try {
            KeyStore store = emptyStore();
            store.setCertificateEntry("ca", ca);
            TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
            factory.init(store);
            return factory.getTrustManagers();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make trust managers", e);
        }
    }

    /**
     * The CA certificate as PEM, for {@code curl --cacert}, {@code openssl -CAfile}, Python's
     * {@code ssl.create_default_context(cadata=…)}.
     *
     * @return one {@code CERTIFICATE} block
     */
    public String caPem() {
        return pem("CERTIFICATE", encoded(ca));
    }

    /**
     * The server certificate chain of {@code kind} as PEM, leaf first.
     *
     * @param kind which certificate
     * @return the PEM blocks
     */
    public String chainPem(CertificateKind kind) {
        StringBuilder s = new StringBuilder();
        chain(kind).forEach(c -> s.append(pem("CERTIFICATE", encoded(c))));
        return s.toString();
    }

    /**
     * The server's private key as PKCS#8 PEM, for servers outside the JVM: OpenSSL's (Postfix,
     * Dovecot) and GnuTLS's (Exim, gnutls-serv) alike.
     *
     * @return one {@code PRIVATE KEY} block
     */
    public String serverKeyPem() {
        return pem("PRIVATE KEY", withPublicKey(serverKeys));
    }

    /**
     * The PKCS#8 encoding of an EC key pair with the public key inside its ECPrivateKey, which
     * RFC 5915 §3 makes optional: the JDK leaves it out, and GnuTLS 3.7 refuses such a key
     * ("ASN1 parser: Element was not found"), while OpenSSL reads both.
     */
    private static byte[] withPublicKey(KeyPair keys) {
        ECPrivateKey key = (ECPrivateKey) keys.getPrivate();
        PrivateKeyInfo jdk = PrivateKeyInfo.getInstance(key.getEncoded());
        byte[] point = SubjectPublicKeyInfo.getInstance(keys.getPublic().getEncoded()).getPublicKeyData().getBytes();
        org.bouncycastle.asn1.sec.ECPrivateKey inner = new org.bouncycastle.asn1.sec.ECPrivateKey(
                key.getParams().getOrder().bitLength(), key.getS(), new DERBitString(point), jdk.getPrivateKeyAlgorithm().getParameters());
        try {
            return new PrivateKeyInfo(jdk.getPrivateKeyAlgorithm(), inner).getEncoded();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes {@link #caPem()} to a file.
     *
     * @param file where to write it (replaced if it exists)
     * @return {@code file}
     * @throws UncheckedIOException when it cannot be written
     */
    public Path writeCaPem(Path file) {
        try {
            return Files.writeString(file, caPem());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes a PKCS#12 trust store holding the CA, for code configured with
     * {@code javax.net.ssl.trustStore}-style settings.
     *
     * @param file     where to write it (replaced if it exists)
     * @param password the store's password
     * @return {@code file}
     * @throws UncheckedIOException when it cannot be written
     */
    public Path writeTrustStore(Path file, char[] password) {
        try (OutputStream out = Files.newOutputStream(file)) {
            KeyStore store = emptyStore();
            store.setCertificateEntry("starttls4j-throwaway-ca", ca);
            store.store(out, password);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot write a trust store", e);
        }
    }

    /**
     * Makes the CA the JVM's default trust, for code that cannot be handed a context: sets
     * {@link SSLContext#setDefault} and the {@code javax.net.ssl.trustStore} properties to a
     * temporary PKCS#12 file. Closing restores both. JVM-wide: do not run tests that use it in
     * parallel with others that make TLS connections. Libraries that cached the default socket
     * factory before this call ({@code SSLSocketFactory.getDefault()} caches) do not see it.
     *
     * @return what restores the previous settings when closed
     * @throws UncheckedIOException when the temporary trust store cannot be written
     */
    public JvmWideTrust trustJvmWide() {
        try {
            Path file = Files.createTempFile("starttls4j-truststore", ".p12");
            writeTrustStore(file, "changeit".toCharArray());
            return JvmWideTrust.install(clientContext(), file, "changeit");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return "ThrowawayPki[" + serverName + ", CA " + ca.getSubjectX500Principal().getName() + "]";
    }

    // ---------------------------------------------------------------- making

    private X509Certificate leaf(CertificateKind kind, X500Name caName, Instant now)
            throws GeneralSecurityException, IOException, OperatorCreationException {
        String name = kind == CertificateKind.WRONG_NAME ? WRONG_NAME : serverName;
        X500Name subject = new X500Name("CN=" + name + ",O=starttls4j testkit " + kind.name().toLowerCase(java.util.Locale.ROOT));
        Instant from = kind == CertificateKind.EXPIRED ? now.minus(Duration.ofDays(30)) : now.minus(Duration.ofDays(1));
        Instant until = kind == CertificateKind.EXPIRED ? now.minus(Duration.ofDays(1)) : now.plus(Duration.ofDays(365));
        GeneralNames names = kind == CertificateKind.WRONG_NAME
                ? new GeneralNames(new GeneralName(GeneralName.dNSName, WRONG_NAME))
                : new GeneralNames(new GeneralName[] {new GeneralName(GeneralName.dNSName, serverName),
                    new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.iPAddress, "::1")});
        boolean self = kind == CertificateKind.SELF_SIGNED;
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(self ? subject : caName, serial(), Date.from(from),
                Date.from(until), subject, serverKeys.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                .addExtension(Extension.subjectAlternativeName, false, names);
        return sign(builder, self ? serverKeys.getPrivate() : caKeys.getPrivate());
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key)
            throws GeneralSecurityException, OperatorCreationException {
        return new JcaX509CertificateConverter().getCertificate(builder.build(new JcaContentSignerBuilder(SIGNATURE).build(key)));
    }

    private static KeyPair keyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static BigInteger serial() {
        return new BigInteger(63, RANDOM).add(BigInteger.ONE);
    }

    private static KeyStore emptyStore() throws GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try {
            store.load(null, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // nothing is read
        }
        return store;
    }

    private static byte[] encoded(X509Certificate certificate) {
        try {
            return certificate.getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
