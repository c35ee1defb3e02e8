package org.starttls4j.testing;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.ClientHello;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.DefaultTlsServer;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.ServerOnlyTlsAuthentication;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsClientProtocol;
import org.bouncycastle.tls.TlsContext;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.TlsExtensionsUtils;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.TlsServerProtocol;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCryptoProvider;

/**
 * TLS 1.0/1.1 peers as {@link SSLEngine}s, to prove that a client with a TLS 1.2 floor refuses an
 * old server — without touching {@code jdk.tls.disabledAlgorithms} or any other JVM-wide setting.
 *
 * <p>Both SunJSSE and BouncyCastle's JSSE provider read {@code jdk.tls.disabledAlgorithms} once
 * per JVM and always apply it (an {@code SSLParameters} algorithm constraint can only narrow it),
 * and both JDK 17 and 25 list TLSv1 and TLSv1.1 there. So these engines are built on
 * BouncyCastle's low-level TLS API instead (see {@link BcTlsEngine}), which offers exactly the
 * versions and cipher suites we give it.
 *
 * <p>The server imitates a genuine pre-TLS-1.3 server: it does not understand the
 * {@code supported_versions} extension, so it answers a modern ClientHello (legacy version
 * TLS 1.2, real versions in the extension) with a ServerHello for TLS 1.1 — leaving the refusal to
 * the client, which is what we want to test. (A modern server merely configured for TLS 1.1 would
 * see no common version in the extension and abort the handshake itself.)
 */
public final class LegacyTls {

    /** JSSE names of what the legacy server speaks. */
    static final String[] SERVER_PROTOCOLS = {"TLSv1", "TLSv1.1"};
    /** The test client also speaks TLS 1.2, so it is the server that caps the version. */
    static final String[] CLIENT_PROTOCOLS = {"TLSv1", "TLSv1.1", "TLSv1.2"};

    /** CBC suites: the only kind TLS 1.0/1.1 have (GCM needs TLS 1.2). */
    private static final int[] RSA_SUITES = {
        CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA, CipherSuite.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA,
    };
    private static final int[] EC_SUITES = {
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA, CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA,
    };

    private LegacyTls() {
    }

    /**
     * A server-mode engine presenting {@code identity} that negotiates TLS 1.1 at most (TLS 1.0 if
     * the client offers nothing newer), whatever the client offers.
     */
    public static SSLEngine serverEngineCappedAtTls11(Identity identity) {
        JcaTlsCrypto crypto = newCrypto();
        LegacyServer server = new LegacyServer(crypto, identity);
        LegacyServerProtocol protocol = new LegacyServerProtocol();
        return new BcTlsEngine(protocol, () -> protocol.accept(server), server::context, false,
                null, -1, SERVER_PROTOCOLS, names(server.suites()), null);
    }

    /**
     * A server-mode engine presenting {@code identity} that starts with {@code enabled} versions
     * and, unlike {@link #serverEngineCappedAtTls11}, honours {@code setEnabledProtocols} (and so
     * {@code setSSLParameters}) before the handshake: what a floor leaves enabled is all it speaks.
     * It signs only as TLS 1.0/1.1 ask (no signature algorithm negotiation), so a TLS 1.2 it
     * enables lets a floor keep a version, but a handshake that settles on TLS 1.2 fails.
     */
    public static SSLEngine serverEngineHonouringEnabledProtocols(Identity identity, String... enabled) {
        JcaTlsCrypto crypto = newCrypto();
        LegacyServer server = new LegacyServer(crypto, identity);
        server.versions = versions(enabled);
        LegacyServerProtocol protocol = new LegacyServerProtocol();
        return new BcTlsEngine(protocol, () -> protocol.accept(server), server::context, false,
                null, -1, enabled, names(server.suites()), names -> server.versions = versions(names));
    }

    /**
     * A client-mode engine that offers TLS 1.0 up to TLS 1.2 with CBC suites (so it can complete a
     * handshake with {@link #serverEngineCappedAtTls11}) and validates the server's chain against
     * {@code anchors} with the JDK's PKIX trust manager. No host name check.
     */
    public static SSLEngine clientEngineAllowingTls11(X509Certificate... anchors) {
        X509TrustManager trust = x509(TestPki.trustManagers(anchors));
        JcaTlsCrypto crypto = newCrypto();
        LegacyClient client = new LegacyClient(crypto, trust);
        TlsClientProtocol protocol = new TlsClientProtocol(); // no-argument: non-blocking mode
        return new BcTlsEngine(protocol, () -> protocol.connect(client), client::context, true,
                null, -1, CLIENT_PROTOCOLS, names(client.suites()), null);
    }

    /**
     * A client-mode engine like {@link #clientEngineAllowingTls11} that starts by offering
     * {@code enabled} and honours {@code setEnabledProtocols} (and so {@code setSSLParameters})
     * before the handshake: what a floor leaves enabled is all it offers.
     */
    public static SSLEngine clientEngineHonouringEnabledProtocols(X509Certificate anchor, String... enabled) {
        X509TrustManager trust = x509(TestPki.trustManagers(anchor));
        JcaTlsCrypto crypto = newCrypto();
        LegacyClient client = new LegacyClient(crypto, trust);
        client.versions = versions(enabled);
        TlsClientProtocol protocol = new TlsClientProtocol();
        return new BcTlsEngine(protocol, () -> protocol.connect(client), client::context, true,
                null, -1, enabled, names(client.suites()), names -> client.versions = versions(names));
    }

    /** BouncyCastle's versions for JSSE names: {@code TLSv1}, {@code TLSv1.1}, {@code TLSv1.2}. */
    private static ProtocolVersion[] versions(String... jsseNames) {
        return Arrays.stream(jsseNames).map(name -> {
            switch (name) {
                case "TLSv1":
                    return ProtocolVersion.TLSv10;
                case "TLSv1.1":
                    return ProtocolVersion.TLSv11;
                case "TLSv1.2":
                    return ProtocolVersion.TLSv12;
                default:
                    throw new IllegalArgumentException("not a version this peer speaks: " + name);
            }
        }).sorted((a, b) -> Integer.compare(b.getFullVersion(), a.getFullVersion())).toArray(ProtocolVersion[]::new);
    }

    /** BouncyCastle's own crypto provider, so nothing depends on what the JDK still allows. */
    private static JcaTlsCrypto newCrypto() {
        return new JcaTlsCryptoProvider().setProvider(BcJsse.CRYPTO).create(new SecureRandom());
    }

    private static String[] names(int[] suites) {
        return Arrays.stream(suites).mapToObj(BcTlsSession::cipherSuiteName).toArray(String[]::new);
    }

    private static X509TrustManager x509(TrustManager[] managers) {
        for (TrustManager manager : managers) {
            if (manager instanceof X509TrustManager) {
                return (X509TrustManager) manager;
            }
        }
        throw new IllegalStateException("no X509TrustManager in " + Arrays.toString(managers));
    }

    /** Parses ClientHello like a server from before TLS 1.3, which never heard of supported_versions. */
    private static final class LegacyServerProtocol extends TlsServerProtocol {
        @Override
        protected ClientHello receiveClientHelloMessage(ByteArrayInputStream buf) throws IOException {
            ClientHello hello = super.receiveClientHelloMessage(buf);
            // Without the extension, BouncyCastle derives the client's versions from the legacy
            // version field (TLS 1.2 for any modern client) and picks the highest one it has:
            // TLS 1.1. The handshake transcript is unaffected: it hashes the raw message bytes.
            if (hello.getExtensions() != null) {
                hello.getExtensions().remove(TlsExtensionsUtils.EXT_supported_versions);
            }
            return hello;
        }
    }

    private static final class LegacyServer extends DefaultTlsServer {
        private final Identity identity;
        private final boolean rsa;
        /** Newest first; read when the ClientHello arrives. */
        ProtocolVersion[] versions = ProtocolVersion.TLSv11.downTo(ProtocolVersion.TLSv10);

        LegacyServer(JcaTlsCrypto crypto, Identity identity) {
            super(crypto);
            this.identity = identity;
            this.rsa = "RSA".equals(identity.key().getAlgorithm());
        }

        TlsContext context() {
            return context;
        }

        int[] suites() {
            return getSupportedCipherSuites();
        }

        @Override
        protected ProtocolVersion[] getSupportedVersions() {
            return versions.clone();
        }

        @Override
        protected int[] getSupportedCipherSuites() {
            // Only suites our key can sign for; otherwise the server could pick one it then fails on.
            return TlsUtils.getSupportedCipherSuites(getCrypto(), rsa ? RSA_SUITES : EC_SUITES);
        }

        @Override
        protected TlsCredentialedSigner getRSASignerCredentials() throws IOException {
            return signer();
        }

        @Override
        protected TlsCredentialedSigner getECDSASignerCredentials() throws IOException {
            return signer();
        }

        private TlsCredentialedSigner signer() throws IOException {
            PrivateKey key = identity.key();
            // Signature-and-hash algorithm null: TLS 1.0/1.1 fix it (MD5+SHA-1 for RSA, SHA-1 for ECDSA).
            return new JcaDefaultTlsCredentialedSigner(new TlsCryptoParameters(context),
                    (JcaTlsCrypto) getCrypto(), key, chain(), null);
        }

        private Certificate chain() throws IOException {
            TlsCertificate[] certificates = new TlsCertificate[identity.chain().size()];
            for (int i = 0; i < certificates.length; i++) {
                try {
                    certificates[i] = getCrypto().createCertificate(identity.chain().get(i).getEncoded());
                } catch (CertificateEncodingException e) {
                    throw new IOException(e);
                }
            }
            return new Certificate(certificates);
        }
    }

    private static final class LegacyClient extends DefaultTlsClient {
        private final X509TrustManager trust;
        /** Newest first; read when the ClientHello is built. */
        ProtocolVersion[] versions = ProtocolVersion.TLSv12.downTo(ProtocolVersion.TLSv10);

        LegacyClient(JcaTlsCrypto crypto, X509TrustManager trust) {
            super(crypto);
            this.trust = trust;
        }

        TlsContext context() {
            return context;
        }

        int[] suites() {
            return getSupportedCipherSuites();
        }

        @Override
        protected ProtocolVersion[] getSupportedVersions() {
            return versions.clone();
        }

        @Override
        protected int[] getSupportedCipherSuites() {
            int[] all = Arrays.copyOf(RSA_SUITES, RSA_SUITES.length + EC_SUITES.length);
            System.arraycopy(EC_SUITES, 0, all, RSA_SUITES.length, EC_SUITES.length);
            return TlsUtils.getSupportedCipherSuites(getCrypto(), all);
        }

        @Override
        public TlsAuthentication getAuthentication() {
            return new ServerOnlyTlsAuthentication() {
                @Override
                public void notifyServerCertificate(TlsServerCertificate serverCertificate) throws IOException {
                    X509Certificate[] chain = BcTlsSession.toX509(serverCertificate.getCertificate());
                    if (chain == null) {
                        throw new TlsFatalAlert(AlertDescription.bad_certificate, "no server certificate");
                    }
                    // The auth type only steers key-usage checks; ECDHE_* wants digitalSignature.
                    String authType = "RSA".equals(chain[0].getPublicKey().getAlgorithm()) ? "ECDHE_RSA" : "ECDHE_ECDSA";
                    try {
                        trust.checkServerTrusted(chain, authType);
                    } catch (CertificateException e) {
                        throw new TlsFatalAlert(AlertDescription.bad_certificate, e.getMessage(), e);
                    }
                }
            };
        }
    }
}
