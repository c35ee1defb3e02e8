package org.starttls4j.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A private key and the certificate chain that goes with it (leaf first): what a TLS server
 * presents. Immutable; the JSSE objects derived from it are created fresh on every call because
 * they are stateful.
 *
 * @param key the leaf's private key
 * @param chain the certificate chain, leaf first; never empty
 */
public record Identity(PrivateKey key, List<X509Certificate> chain) {

    /** Only protects the throw-away in-memory key store; never written anywhere. */
    private static final char[] KEY_STORE_PASSWORD = "starttls4j".toCharArray();

    public Identity {
        Objects.requireNonNull(key, "key");
        chain = List.copyOf(chain);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("the chain needs at least the leaf certificate");
        }
    }

    /** The end-entity certificate, i.e. {@code chain().get(0)}. */
    public X509Certificate leaf() {
        return chain.get(0);
    }

    /** Lowercase hex SHA-256 over the leaf's DER encoding, as used for certificate pinning. */
    public String sha256Fingerprint() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(leaf().getEncoded());
            return HexFormat.of().formatHex(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * JDK key managers holding just this identity. SunX509 keeps the decrypted key; PKIX would
     * re-derive it from the PKCS#12 store (PBKDF2) on every handshake, which load tests feel.
     */
    public KeyManager[] keyManagers() {
        try {
            KeyManagerFactory factory = KeyManagerFactory.getInstance("SunX509");
            factory.init(keyStore(), KEY_STORE_PASSWORD);
            return factory.getKeyManagers();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A fresh JDK "TLS" server context presenting this identity, with default protocols. */
    public SSLContext serverContext() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The chain as concatenated PEM {@code CERTIFICATE} blocks, leaf first. */
    public String certificatePem() {
        return Pem.certificates(chain);
    }

    /** The private key as an unencrypted PKCS#8 PEM {@code PRIVATE KEY} block. */
    public String privateKeyPem() {
        return Pem.privateKey(key);
    }

    /**
     * Writes {@link #certificatePem()} and {@link #privateKeyPem()} into {@code dir} (created if
     * missing) under names derived from the fingerprint, so several identities can share a
     * directory.
     */
    public PemFiles writePem(Path dir) {
        String stem = "server-" + sha256Fingerprint().substring(0, 16);
        try {
            Files.createDirectories(dir);
            Path certificate = Files.writeString(dir.resolve(stem + ".crt.pem"), certificatePem());
            Path privateKey = dir.resolve(stem + ".key.pem");
            Files.deleteIfExists(privateKey);
            if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                // Some servers refuse group- or world-readable keys; create it owner-only.
                Files.createFile(privateKey,
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            }
            Files.writeString(privateKey, privateKeyPem());
            return new PemFiles(certificate, privateKey);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Where {@link #writePem(Path)} put things.
     *
     * @param certificateChain PEM chain, leaf first (e.g. {@code openssl s_server -cert})
     * @param privateKey PKCS#8 PEM key (e.g. {@code openssl s_server -key})
     */
    public record PemFiles(Path certificateChain, Path privateKey) {
    }

    /** A PKCS#12 in-memory key store holding this identity under the alias "identity". */
    KeyStore keyStore() throws GeneralSecurityException {
        KeyStore store = TestPki.emptyKeyStore();
        store.setKeyEntry("identity", key, KEY_STORE_PASSWORD, chain.toArray(Certificate[]::new));
        return store;
    }

    char[] keyStorePassword() {
        return KEY_STORE_PASSWORD.clone();
    }

    /** Subject and fingerprint only: the generated {@code toString} would dump the private key. */
    @Override
    public String toString() {
        return "Identity[" + leaf().getSubjectX500Principal().getName() + ", sha256=" + sha256Fingerprint() + "]";
    }
}
